// The stat-keyed hash cache (docs/architecture.md §4): a file whose (device, inode, size, mtime ns, ctime ns) is
// unchanged since it was hashed is never read again. This is what makes a no-op build read no contents.
//
// On disk: `.cache/runs/<run>/hashes.json` (one per run; `lbg list` and `lbg describe`, which have no run,
// use `.cache/hashes.json`), rewritten atomically (writeAtomic: temp file + rename) when a build ends and
// again once its racy entries settled, so a kill at any moment leaves the previous complete file. Format:
//   { "format": 1, "entries": { "<absolute path>": [dev, ino, size, mtimeNs, ctimeNs, hash, racy] } }
// dev/ino/size/mtimeNs/ctimeNs are decimal strings (nanosecond times exceed 2^53), hash is 16 hex digits,
// racy is 1 when the file was hashed within the file system's timestamp granularity of its mtime: a write
// in that same tick would not change the stat (timestamp-tick.ts), so such an entry is trusted for this
// build only. `settle`, at the end of a build, re-hashes those whose tick has passed by then; the others
// (a coarse file system's 2 s tick) stay racy and are hashed again by the next build that needs them.
import { existsSync, readFileSync, statSync } from "node:fs";
import type { BigIntStats } from "node:fs";
import { join, relative } from "node:path";
import { errorReason } from "./error-reason.ts";
import { writeAtomic } from "./write-atomic.ts";
import { timestampTickMs } from "./timestamp-tick.ts";
import { getHasher, hashFileWith, hashStringWith, listFilesRecursive, type Hasher } from "./hash-file.ts";

type Entry = [string, string, string, string, string, string, 0 | 1];
interface CacheFile {
  format: 1;
  entries: Record<string, Entry>;
}

const NS_PER_MS = 1_000_000n;

function granularityNs(st: BigIntStats): bigint {
  return BigInt(timestampTickMs(st.mtimeNs % 1_000_000_000n === 0n)) * NS_PER_MS;
}

export interface HashResult {
  hash: string;
  kind: "file" | "directory";
}

export class StatCache {
  private entries: Record<string, Entry>;
  private dirty = false;
  /** Number of files whose contents were read during this process: build-end's `filesHashed` (tests and
   *  benchmarks check that a no-op build reads none). */
  filesRead = 0;
  /** Hash results memoized for this build: each path is stat'ed at most once per plan pass. */
  private memo = new Map<string, HashResult | null>();

  private constructor(
    private readonly file: string,
    entries: Record<string, Entry>,
    readonly h: Hasher,
  ) {
    this.entries = entries;
  }

  static async open(file: string): Promise<StatCache> {
    let entries: Record<string, Entry> = {};
    if (existsSync(file)) {
      try {
        const parsed = JSON.parse(readFileSync(file, "utf8")) as CacheFile;
        if (parsed && parsed.format === 1 && typeof parsed.entries === "object") entries = parsed.entries;
      } catch {
        // A damaged cache only costs re-hashing; it never decides freshness by itself.
      }
    }
    return new StatCache(file, entries, await getHasher());
  }

  /** Forget memoized results (the files may have changed since: a new plan pass after a stage ran). */
  invalidate(path?: string): void {
    if (path === undefined) this.memo.clear();
    else this.memo.delete(path);
  }

  /** Content hash of a file or directory, or null when it does not exist. */
  hash(path: string): HashResult | null {
    const m = this.memo.get(path);
    if (m !== undefined) return m;
    let st: BigIntStats;
    try {
      st = statSync(path, { bigint: true });
    } catch {
      this.memo.set(path, null);
      return null;
    }
    // A FIFO, socket or device is never opened: opening a FIFO blocks until a writer comes. Run inputs are
    // refused before (run-input-kind.ts); anything else of the kind (an output replaced by a pipe) hashes
    // as its file type alone, which matches no recorded content hash.
    const result: HashResult = st.isDirectory()
      ? { hash: this.hashDirectory(path), kind: "directory" }
      : st.isFile()
        ? { hash: this.hashRegular(path, st), kind: "file" }
        : { hash: hashStringWith(this.h, `special file, mode ${st.mode}`), kind: "file" };
    this.memo.set(path, result);
    return result;
  }

  private hashRegular(path: string, st: BigIntStats): string {
    const key: Entry = [String(st.dev), String(st.ino), String(st.size), String(st.mtimeNs), String(st.ctimeNs), "", 0];
    const e = this.entries[path];
    if (e && e[6] === 0 && e[0] === key[0] && e[1] === key[1] && e[2] === key[2] && e[3] === key[3] && e[4] === key[4])
      return e[5];
    const startedNs = BigInt(Date.now()) * NS_PER_MS;
    const hash = hashFileWith(this.h, path);
    this.filesRead++;
    key[5] = hash;
    key[6] = startedNs - st.mtimeNs < granularityNs(st) ? 1 : 0;
    this.entries[path] = key;
    this.dirty = true;
    return hash;
  }

  /** A directory's hash covers its files' relative paths and contents, so renames and edits both count. */
  private hashDirectory(dir: string): string {
    const parts: string[] = [];
    for (const rel of listFilesRecursive(dir)) {
      const st = statSync(join(dir, rel), { bigint: true });
      parts.push(`${rel}\0${this.hashRegular(join(dir, rel), st)}`);
    }
    return hashStringWith(this.h, parts.join("\n"));
  }

  /** Every path whose hash this process looked up, and whether it was a directory (null: did not exist). Used
   *  by the no-op stamp (src/store/noop-stamp.ts) to know which files a plan depended on. */
  looked(): { path: string; kind: HashResult["kind"] | null }[] {
    return [...this.memo].map(([path, r]) => ({ path, kind: r ? r.kind : null }));
  }

  /** Re-hash racy entries once their timestamp tick has passed, so the next build can trust them. */
  async settle(): Promise<void> {
    const racy = Object.keys(this.entries).filter((p) => this.entries[p]![6] === 1);
    if (racy.length === 0) return;
    await new Promise((r) => setTimeout(r, 60));
    for (const p of racy) {
      const e = this.entries[p]!;
      let st: BigIntStats;
      try {
        st = statSync(p, { bigint: true });
      } catch {
        delete this.entries[p];
        continue;
      }
      if (String(st.mtimeNs) !== e[3] || String(st.size) !== e[2]) continue; // changed: next build re-hashes
      if (BigInt(Date.now()) * NS_PER_MS - st.mtimeNs < granularityNs(st)) continue;
      const hash = hashFileWith(this.h, p);
      this.filesRead++;
      this.entries[p] = [
        String(st.dev),
        String(st.ino),
        String(st.size),
        String(st.mtimeNs),
        String(st.ctimeNs),
        hash,
        0,
      ];
    }
    this.dirty = true;
  }

  /**
   * Writes the cache if anything changed. Entries of deleted files stay harmlessly: a missing file misses.
   * A cache that cannot be written (full disk, read-only .cache) only costs hashing again next time, so this
   * never throws: it returns why, for a warning.
   */
  save(): string | undefined {
    if (!this.dirty) return undefined;
    try {
      writeAtomic(this.file, JSON.stringify({ format: 1, entries: this.entries } satisfies CacheFile));
    } catch (e) {
      return `could not save the hash cache ${relative(process.cwd(), this.file) || this.file}: ${errorReason(e)}; the next build hashes its files again`;
    }
    this.dirty = false;
    return undefined;
  }
}
