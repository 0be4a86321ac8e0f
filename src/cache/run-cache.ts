// One run cache directory (format in cache-entry.ts): entries by cache key, objects by content, published
// atomically and verified on the way out. Several lbg processes, users and hosts may use one directory at
// once: every write is a temp file renamed into place, nothing is ever modified in place, and whatever is
// read is checked (the entry's checksum here, each restored file's hash by the caller).
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { chmod, copyFile, mkdir, rename, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { errorReason } from "../fs/error-reason.ts";
import { hashFileWith, type Hasher } from "../fs/hash-file.ts";
import { CACHE_FORMAT_TEXT, type CacheEntry, type CachedOutput, parseEntry, serializeEntry } from "./cache-entry.ts";

const DIR_MODE = 0o2775;

/** The entry looked up: found, absent, or present but unusable (reported once as a warning by the caller). */
export type Lookup = { entry: CacheEntry } | { miss: "absent" } | { miss: "damaged"; why: string };

/** What one build did with the cache, for `lbg cache status` (cache-history.ts). */
export interface CacheCounts {
  hits: number;
  misses: number;
  stored: number;
  bytesRestored: number;
  bytesStored: number;
}

export class RunCache {
  readonly counts: CacheCounts = { hits: 0, misses: 0, stored: 0, bytesRestored: 0, bytesStored: 0 };
  private readonly used: string[] = [];
  private fileMode?: number;
  private storeFailed = false;
  private readonly pending = new Set<Promise<undefined>>();

  private constructor(
    readonly dir: string,
    readonly h: Hasher,
  ) {}

  /** Opens (creating it when absent) a cache directory; throws, with a reason, when it cannot be used. */
  static open(dir: string, h: Hasher): RunCache {
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true });
      try {
        chmodSync(dir, DIR_MODE);
      } catch {
        /* as in ensureDir */
      }
    }
    const format = join(dir, "format");
    if (existsSync(format)) {
      const text = readFileSync(format, "utf8");
      if (text !== CACHE_FORMAT_TEXT)
        throw new Error(`it holds another format (${JSON.stringify(text.trim().slice(0, 40))}), not lbg's run cache`);
    } else {
      const c = new RunCache(dir, h);
      c.publishText(format, CACHE_FORMAT_TEXT, 0o664);
    }
    return new RunCache(dir, h);
  }

  entryPath(key: string): string {
    return join(this.dir, "entries", key.slice(0, 2), key);
  }

  objectPath(hash: string, size: number): string {
    return join(this.dir, "objects", hash.slice(0, 2), `${hash}-${size}`);
  }

  lookup(key: string): Lookup {
    let text: string;
    try {
      text = readFileSync(this.entryPath(key), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return { miss: "absent" };
      return { miss: "damaged", why: errorReason(e) };
    }
    const entry = parseEntry(text, key, (s) => this.h.h64ToString(s));
    return entry ? { entry } : { miss: "damaged", why: "its checksum or content is wrong" };
  }

  /** Every object an output needs is present with its size (a cheap check before copying anything). */
  hasObjects(out: CachedOutput): boolean {
    const files = out.kind === "file" ? [out] : out.files;
    return files.every((f) => {
      try {
        return statSync(this.objectPath(f.hash, f.size)).size === f.size;
      } catch {
        return false;
      }
    });
  }

  /**
   * Copies an output out of the cache to `dest` (a file, or a directory made at `dest`). A reflink where the
   * file system has one (btrfs, XFS), else a copy: never a hard link or symlink, so a stage or a user that
   * later edits the output in place cannot change the cache. Returns the bytes restored.
   */
  async materialize(out: CachedOutput, dest: string): Promise<number> {
    const mode = this.defaultFileMode();
    if (out.kind === "file") {
      await copyFile(this.objectPath(out.hash, out.size), dest, constants.COPYFILE_FICLONE);
      chmodSync(dest, mode);
      return out.size;
    }
    await mkdir(dest, { recursive: true });
    let bytes = 0;
    for (const f of out.files) {
      const to = join(dest, f.path);
      await mkdir(dirname(to), { recursive: true });
      await copyFile(this.objectPath(f.hash, f.size), to, constants.COPYFILE_FICLONE);
      chmodSync(to, mode);
      bytes += f.size;
    }
    return bytes;
  }

  /**
   * Stores a file's bytes as the object `hash`-`size` unless it is there already. The copy is hashed before it
   * is published, so an output changed since it was hashed never enters the cache under the old hash.
   * Returns the bytes written (0 when the object existed).
   */
  async putObject(src: string, hash: string, size: number): Promise<number> {
    const dest = this.objectPath(hash, size);
    try {
      if (statSync(dest).size === size) return 0;
    } catch {
      /* absent: store it */
    }
    const tmp = this.tmpPath(`${hash}-${size}`);
    try {
      await copyFile(src, tmp, constants.COPYFILE_FICLONE);
      if (statSync(tmp).size !== size || hashFileWith(this.h, tmp) !== hash) throw new OutputChanged(src);
      await chmod(tmp, 0o444);
      this.ensureDir(dirname(dest));
      await rename(tmp, dest);
    } catch (e) {
      rmQuiet(tmp);
      throw e;
    }
    return size;
  }

  async writeEntry(e: CacheEntry): Promise<void> {
    const path = this.entryPath(e.key);
    this.ensureDir(dirname(path));
    const tmp = this.tmpPath("entry");
    try {
      await writeFile(
        tmp,
        serializeEntry(e, (s) => this.h.h64ToString(s)),
      );
      await chmod(tmp, 0o664);
      await rename(tmp, path);
    } catch (err) {
      rmQuiet(tmp);
      throw err;
    }
  }

  /**
   * Stores run in the background, beside the stages that run next (a store is copies and renames, which on
   * a busy metadata server cost milliseconds a file): `defer` keeps them, `drain` waits for them all before
   * the build ends and its counts are written.
   */
  defer(store: Promise<unknown>): void {
    const p = store.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(p);
    void p.then(() => this.pending.delete(p));
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Removes an object found damaged (a later store writes it again). */
  removeObject(hash: string, size: number): void {
    rmQuiet(this.objectPath(hash, size));
  }

  /** The first store failure of a build is worth a warning; the next ones (a full cache disk) are not. */
  storeProblem(message: string): string | undefined {
    if (this.storeFailed) return undefined;
    this.storeFailed = true;
    return `${message}; the build goes on without storing (further failures are not reported)`;
  }

  noteHit(key: string, bytes: number): void {
    this.counts.hits++;
    this.counts.bytesRestored += bytes;
    this.used.push(key);
  }

  /** Writes the keys this process restored to usage/ (what `lbg cache gc` calls "last used"). Never throws:
   *  a usage file that cannot be written only makes those entries look older to gc. */
  flushUsage(): string | undefined {
    if (this.used.length === 0) return undefined;
    try {
      const dir = join(this.dir, "usage");
      this.ensureDir(dir);
      this.publishText(
        join(dir, `${Date.now()}-${hostname()}-${process.pid}`),
        `${[...new Set(this.used)].join("\n")}\n`,
        0o664,
      );
      this.used.length = 0;
      return undefined;
    } catch (e) {
      return `could not note the run cache's use in ${this.dir}: ${errorReason(e)}`;
    }
  }

  /** A folder of the cache, group-shareable (setgid, group-writable) when lbg creates it. */
  ensureDir(dir: string): void {
    if (existsSync(dir)) return;
    const parent = dirname(dir);
    if (parent !== dir && parent.startsWith(this.dir) && parent !== this.dir) this.ensureDir(parent);
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") return;
      throw e;
    }
    try {
      chmodSync(dir, DIR_MODE);
    } catch {
      /* a file system that refuses setgid (some NFS mounts) still works, only less shareable */
    }
  }

  private tmpPath(name: string): string {
    const dir = join(this.dir, "tmp");
    this.ensureDir(dir);
    return join(dir, `${name}.${hostname()}.${process.pid}.${randomBytes(4).toString("hex")}`);
  }

  /** Whole-file publication: temp file, mode, rename. */
  private publishText(path: string, text: string, mode: number): void {
    const tmp = this.tmpPath("w");
    try {
      writeFileSync(tmp, text);
      chmodSync(tmp, mode);
      renameSync(tmp, path);
    } catch (e) {
      rmQuiet(tmp);
      throw e;
    }
  }

  /** The mode a file the stage wrote would have (0666 less the umask), for restored files: objects are
   *  read-only, their copies must not be. Learnt once from a probe file, not process.umask() (deprecated). */
  private defaultFileMode(): number {
    if (this.fileMode !== undefined) return this.fileMode;
    const probe = this.tmpPath("umask");
    try {
      closeSync(openSync(probe, "w", 0o666));
      this.fileMode = statSync(probe).mode & 0o777;
    } catch {
      this.fileMode = 0o644;
    } finally {
      rmQuiet(probe);
    }
    return this.fileMode;
  }
}

/** An output that changed between being hashed and being copied into the cache (a stage re-run by lbg watch
 *  meanwhile, or a user): not stored, and not worth a warning. */
export class OutputChanged extends Error {
  constructor(path: string) {
    super(`${path} changed while it was being stored`);
  }
}

function rmQuiet(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    /* gone already */
  }
}
