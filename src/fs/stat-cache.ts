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
// Beside it, `hashes.log`: entries added by incremental builds, which do not read or rewrite the whole cache
// (the no-op stamp hands them the hashes they need: `seeds`), one JSON array per line,
//   ["<absolute path>", dev, ino, size, mtimeNs, ctimeNs, hash, racy]
// appended after a line break (so a line torn by a kill is never glued to the next) and read after
// hashes.json, later lines winning; a line that does not parse is skipped. A full save folds it into
// hashes.json and removes it.
import { appendFileSync, existsSync, readFileSync, rmSync, statSync } from "node:fs";
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

/** An entry's stat as noop-stamp.ts's statKey spells a plain (not bigint) fs.Stats: `dev:ino:size:mtimeMs:ctimeMs`. */
function plainKey(e: Entry): string {
  return `${e[0]}:${e[1]}:${e[2]}:${msFromNs(e[3])}:${msFromNs(e[4])}`;
}

/** A time in ms exactly as a plain (not bigint) fs.Stats gives it: Node computes sec * 1e3 + nsec / 1e6. */
function msFromNs(ns: string): number {
  const t = BigInt(ns);
  return Number(t / 1_000_000_000n) * 1e3 + Number(t % 1_000_000_000n) / 1e6;
}

function granularityNs(st: BigIntStats): bigint {
  return BigInt(timestampTickMs(st.mtimeNs % 1_000_000_000n === 0n)) * NS_PER_MS;
}

export interface HashResult {
  hash: string;
  kind: "file" | "directory";
}

/** A file's content hash at a plain stat key (noop-stamp.ts's statKey). */
export interface Seed {
  key: string;
  hash: string;
}

/** A hash known from elsewhere (the no-op stamp) for a file while its plain stat key is unchanged. */
export type Seeds = Pick<Map<string, Seed>, "get">;

/** A seeded cache reads its whole file for an unseeded file larger than this, or once this many were hashed. */
const LOAD_CACHE_FOR_BYTES = 64n * 1024n * 1024n;
const LOAD_CACHE_AFTER_FILES = 16;

export class StatCache {
  private entries: Record<string, Entry>;
  private dirty = false;
  /** Paths whose entry this process set (what an appending save writes). */
  private added = new Set<string>();
  /** Seeded (an incremental build): hashes.json is not rewritten, new entries go to the log, and it is read
   *  only when a file is not seeded (`fullyLoaded`). */
  private seeds?: Seeds;
  /** Unseeded files hashed without reading the whole cache (see hashRegular). */
  private unseeded = 0;
  private fullyLoaded = false;
  /** Number of files whose contents were read during this process: build-end's `filesHashed` (tests and
   *  benchmarks check that a no-op build reads none). */
  filesRead = 0;
  /** Counts a file whose contents were read; `LBG_TRACE_HASH=1` names it on stderr (which files a build reads:
   *  tests check that an incremental build reads only what its change can reach). */
  private read(path: string): void {
    this.filesRead++;
    if (process.env.LBG_TRACE_HASH) process.stderr.write(`lbg: hashed ${path}\n`);
  }

  /** Hash results memoized for this build: each path is stat'ed at most once per plan pass. */
  private memo = new Map<string, HashResult | null>();

  private constructor(
    private readonly file: string,
    entries: Record<string, Entry>,
    readonly h: Hasher,
  ) {
    this.entries = entries;
  }

  /**
   * The cache in `file` (and its log). With `seeds`, neither is read: a file is known by its seed while its
   * stat is the seed's, anything else is hashed, and save() appends what is new to the log.
   */
  static async open(file: string, seeds?: Seeds): Promise<StatCache> {
    let entries: Record<string, Entry> = {};
    if (!seeds && existsSync(file)) {
      try {
        const parsed = JSON.parse(readFileSync(file, "utf8")) as CacheFile;
        if (parsed && parsed.format === 1 && typeof parsed.entries === "object") entries = parsed.entries;
      } catch {
        // A damaged cache only costs re-hashing; it never decides freshness by itself.
      }
    }
    const cache = new StatCache(file, entries, await getHasher());
    if (seeds) cache.seeds = seeds;
    else cache.readLog();
    return cache;
  }

  /** In a seeded cache, reads hashes.json and its log once (entries set since win); whether it did now. */
  private loadSkipped(): boolean {
    if (this.fullyLoaded) return false;
    this.fullyLoaded = true;
    if (process.env.LBG_TRACE_HASH) process.stderr.write(`lbg: read the whole hash cache ${this.file}\n`);
    const mine = this.entries;
    this.entries = {};
    try {
      const parsed = JSON.parse(readFileSync(this.file, "utf8")) as CacheFile;
      if (parsed && parsed.format === 1 && typeof parsed.entries === "object") this.entries = parsed.entries;
    } catch {
      /* none, or damaged: only costs hashing */
    }
    this.readLog();
    Object.assign(this.entries, mine);
    return true;
  }

  private get logFile(): string {
    return this.file.replace(/\.json$/, ".log");
  }

  /** Entries appended by incremental builds since hashes.json was written (see the header). */
  private readLog(): void {
    let text: string;
    try {
      text = readFileSync(this.logFile, "utf8");
    } catch {
      return;
    }
    for (const line of text.split("\n")) {
      if (!line) continue;
      try {
        const [path, ...e] = JSON.parse(line) as [string, ...Entry];
        if (typeof path === "string" && e.length === 7 && typeof e[5] === "string") this.entries[path] = e;
      } catch {
        /* torn or damaged: only costs hashing that file again */
      }
    }
    this.dirty = true; // folded into hashes.json at the next save
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
    if (!e && this.seeds) {
      const seed = this.seeds.get(path);
      if (seed?.key === plainKey(key)) {
        // Hashed by an earlier build when its stat was this one (and not racy then: seeds never are).
        key[5] = seed.hash;
        this.entries[path] = key;
        return seed.hash;
      }
      // Not seeded (a file inside a directory, one the stamp had no hash for): the whole cache may know it.
      // A seeded file whose stat changed since is simply hashed. Reading the whole cache (2 MB at 10,000
      // stages, ~30 ms) pays for itself for a large file or many unseeded ones: a few small files — a source
      // touched with a new mtime, whose stamp entry had none — are hashed at once.
      if (!seed && (st.size > LOAD_CACHE_FOR_BYTES || ++this.unseeded > LOAD_CACHE_AFTER_FILES) && this.loadSkipped())
        return this.hashRegular(path, st);
    }
    const startedNs = BigInt(Date.now()) * NS_PER_MS;
    const hash = hashFileWith(this.h, path);
    this.read(path);
    key[5] = hash;
    key[6] = startedNs - st.mtimeNs < granularityNs(st) ? 1 : 0;
    this.entries[path] = key;
    this.added.add(path);
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

  /**
   * For a regular file looked up in this process: the plain stat (`dev:ino:size:mtimeMs:ctimeMs`, as
   * statKey in src/store/noop-stamp.ts spells it) at which it had the content of its last lookup, or "" when
   * that is not known for certain (hashed within a timestamp tick of its mtime, or changed since). Undefined
   * for a path not looked up (or a directory). The no-op stamp keeps it as the stat a plan relied on.
   */
  stampKey(path: string): string | undefined {
    const m = this.memo.get(path);
    if (m?.kind !== "file") return undefined;
    const e = this.entries[path];
    if (e?.[6] !== 0 || e[5] !== m.hash) return "";
    return plainKey(e);
  }

  /** Every path whose hash this process looked up, and whether it was a directory (null: did not exist). Used
   *  by the no-op stamp (src/store/noop-stamp.ts) to know which files a plan depended on. */
  lookedUp(): { path: string; kind: HashResult["kind"] | null }[] {
    return [...this.memo].map(([path, r]) => ({ path, kind: r ? r.kind : null }));
  }

  /** What the last lookup of `path` found: its kind, null when it did not exist, undefined if not looked up. */
  looked(path: string): HashResult["kind"] | null | undefined {
    const m = this.memo.get(path);
    return m === undefined ? undefined : m === null ? null : m.kind;
  }

  /** The hash the last lookup of `path` gave (undefined: not looked up, or it did not exist). */
  lastHash(path: string): string | undefined {
    return this.memo.get(path)?.hash;
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
      this.read(p);
      this.entries[p] = [
        String(st.dev),
        String(st.ino),
        String(st.size),
        String(st.mtimeNs),
        String(st.ctimeNs),
        hash,
        0,
      ];
      this.added.add(p);
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
      if (this.seeds) {
        let lines = "";
        for (const p of this.added) if (this.entries[p]) lines += `\n${JSON.stringify([p, ...this.entries[p]!])}`;
        if (lines) appendFileSync(this.logFile, `${lines}\n`);
        this.added.clear();
      } else {
        writeAtomic(this.file, JSON.stringify({ format: 1, entries: this.entries } satisfies CacheFile));
        rmSync(this.logFile, { force: true });
      }
    } catch (e) {
      return `could not save the hash cache ${relative(process.cwd(), this.file) || this.file}: ${errorReason(e)}; the next build hashes its files again`;
    }
    this.dirty = false;
    return undefined;
  }
}
