// Reads and appends stage records (format documented in stage-record.ts).
//
// The file stays open for appending during a build: one write per record, each a whole line, so a kill at
// any moment leaves at most a torn last line (which the next load cuts off), as before.
//
// Beside the records, `made.txt` in the same folder lists every output path (relative to the project root,
// one per line) any record of the run ever named, so that `lbg clean` also finds outputs the run no longer
// makes — one renamed by a config override, a stage since removed — after compaction dropped the records
// that named them. A path is appended when a record first names it; the list is only ever appended to,
// and removed with the records. It is read only when needed (an append, a compaction, `everMade`), so a
// no-op or incremental build does not pay for it.
//
// Where each stage's newest line starts, its length and the record's seconds are known after any load or
// append (`locations()`); the no-op stamp keeps them, so that an incremental build opens the store from them
// (`RecordStore.at`) without reading the file, and reads only the lines of the records it asks for.
import {
  appendFileSync,
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  truncateSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { LbgError } from "../errors/lbg-error.ts";
import { errorReason } from "../fs/error-reason.ts";
import type { Hasher } from "../fs/hash-file.ts";
import { writeAtomic } from "../fs/write-atomic.ts";
import { RECORD_VERSION, type StageRecord } from "./stage-record.ts";

type H64 = (s: string) => string;

/** Where a stage's newest record is in the file (byte offset and length of its line, newline included) and
 *  the record's seconds (null: none) — what the no-op stamp keeps (src/store/noop-stamp.ts). */
export type RecordLocation = [stage: string, offset: number, length: number, seconds: number | null];

/** A record known only by where its line is (a store opened from locations), read when first asked for. */
type Unread = { offset: number; length: number; seconds: number | null };

/** A run's records file, in its build-state folder (`.cache/runs/<run>/`, runCacheDir). */
export function recordsFile(cacheDir: string): string {
  return join(cacheDir, "records.jsonl");
}

export class RecordStore {
  /** The records of the run whose build state is in `cacheDir`, loaded (each line checked with `hasher`). */
  static open(cacheDir: string, hasher: Hasher): RecordStore {
    return new RecordStore(recordsFile(cacheDir), (s) => hasher.h64ToString(s)).load();
  }

  /**
   * The records of the run, known by where their lines are, as an earlier store's `locations()` gave them for
   * the file as it is now — `size` bytes in `lines` whole lines, all clean (the no-op stamp vouches for its
   * stat). Nothing is read here; each record is read, checked and parsed when first asked for, so a
   * 10,000-stage run's incremental build reads the few records it needs, not all of them.
   */
  static at(
    cacheDir: string,
    hasher: Hasher,
    known: { lines: number; size: number; at: RecordLocation[] },
  ): RecordStore {
    const store = new RecordStore(recordsFile(cacheDir), (s) => hasher.h64ToString(s));
    for (const [stage, offset, length, seconds] of known.at) store.records.set(stage, { offset, length, seconds });
    store.lines = known.lines;
    store.size = known.size;
    return store;
  }

  /** Stage → its newest record, or where that record's line is (not yet read). */
  private records = new Map<string, StageRecord | Unread>();
  /** Where each stage's newest record line is (for `locations()`). */
  private where = new Map<string, [offset: number, length: number]>();
  private lines = 0;
  /** Byte length of the complete lines when load() found a torn tail (a kill -9 mid-append), else undefined. */
  private tornAt?: number;
  private fd?: number;
  /** For reading unread records (a store opened from locations). */
  private readFd?: number;
  /** Bytes of whole lines in the file (where a failed append is cut back to). */
  private size = 0;
  /** Set when a damaged or foreign line was found before the tail (reported once by the caller). */
  damage?: string;
  /** Every output path any record named (see the header); `madeFile` holds those already written down. */
  private made = new Set<string>();
  private madeWritten = new Set<string>();
  private madeRead = false;
  /** Every path in `made` is in made.txt too, as far as this store knows (see noteMade). */
  private madeSynced = false;

  constructor(
    readonly file: string,
    private readonly h64: H64,
  ) {}

  /** The list of every output path ever recorded (see the header). */
  get madeFile(): string {
    return join(dirname(this.file), "made.txt");
  }

  /** Reads the file, checking every line. */
  load(): this {
    if (!existsSync(this.file)) return this;
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.file);
    } catch (e) {
      // A folder, or a file lbg may not read, in place of the records: said clearly, never a crash.
      throw new LbgError(
        `cannot read the run's records: ${errorReason(e)}`,
        { file: this.file },
        "remove it (the run's stages then run again), e.g. with lbg clean <run> --cache",
      );
    }
    let bad = 0;
    let start = 0;
    for (let nl = bytes.indexOf(0x0a); nl >= 0; start = nl + 1, nl = bytes.indexOf(0x0a, start)) {
      this.lines++;
      const rec = this.parse(bytes.toString("utf8", start, nl));
      if (rec) {
        this.records.set(rec.stage, rec);
        this.where.set(rec.stage, [start, nl + 1 - start]);
        for (const o of Object.values(rec.outputs)) this.made.add(o.path);
      } else if (nl > start) bad++;
    }
    // What follows the last line break is "" or a torn line.
    if (start < bytes.length) this.tornAt = start;
    this.size = start;
    if (bad > 0)
      this.damage = `${bad} damaged or foreign record line${bad > 1 ? "s" : ""} in ${this.file} ignored; the stages involved will re-run`;
    return this;
  }

  private parse(line: string): StageRecord | undefined {
    const sp = line.indexOf(" ");
    if (sp !== 16) return undefined;
    const json = line.slice(17);
    if (this.h64(json) !== line.slice(0, 16)) return undefined;
    try {
      const r = JSON.parse(json) as StageRecord;
      return r && r.v === RECORD_VERSION && typeof r.stage === "string" ? r : undefined;
    } catch {
      return undefined;
    }
  }

  /** Whole lines only and none damaged: what this store holds is exactly the file (the no-op stamp relies on it). */
  get clean(): boolean {
    return this.tornAt === undefined && this.damage === undefined;
  }

  /** Lines in the file, superseded ones included. */
  get lineCount(): number {
    return this.lines;
  }

  get(stage: string): StageRecord | undefined {
    const r = this.records.get(stage);
    if (r === undefined || "v" in r) return r;
    // A record known by its place: read and checked now (damage would make its stage simply stale).
    const rec = this.readAt(r);
    if (rec?.stage === stage) {
      this.records.set(stage, rec);
      this.where.set(stage, [r.offset, r.length]);
      return rec;
    }
    this.records.delete(stage);
    return undefined;
  }

  private readAt(r: Unread): StageRecord | undefined {
    try {
      this.readFd ??= openSync(this.file, "r");
      const buf = Buffer.alloc(r.length);
      if (readSync(this.readFd, buf, 0, r.length, r.offset) !== r.length || buf[r.length - 1] !== 0x0a)
        return undefined;
      return this.parse(buf.toString("utf8", 0, r.length - 1));
    } catch {
      return undefined;
    }
  }

  /** The recorded duration of a stage's last run (without reading a record not yet read). */
  secondsOf(stage: string): number | undefined {
    const r = this.records.get(stage);
    if (r === undefined) return undefined;
    return "v" in r ? r.seconds : (r.seconds ?? undefined);
  }

  /** Where every stage's newest record is, with its seconds (see RecordLocation). */
  locations(): RecordLocation[] {
    const out: RecordLocation[] = [];
    for (const [stage, r] of this.records) {
      if (!("v" in r)) out.push([stage, r.offset, r.length, r.seconds]);
      else {
        const w = this.where.get(stage);
        if (w) out.push([stage, w[0], w[1], r.seconds ?? null]);
      }
    }
    return out;
  }

  /** Stages with a record, in the order they were first recorded. */
  stages(): string[] {
    return [...this.records.keys()];
  }

  all(): StageRecord[] {
    return this.stages().flatMap((s) => this.get(s) ?? []);
  }

  /** Every output path (relative to the root) a record of the run ever named, also superseded ones. */
  everMade(): string[] {
    this.readMade();
    for (const r of this.all()) for (const o of Object.values(r.outputs)) this.made.add(o.path);
    return [...this.made];
  }

  /** made.txt's paths, read once. */
  private readMade(): void {
    if (this.madeRead) return;
    this.madeRead = true;
    try {
      for (const l of readFileSync(this.madeFile, "utf8").split("\n")) {
        if (!l) continue;
        this.made.add(l);
        this.madeWritten.add(l);
      }
    } catch {
      /* none yet */
    }
  }

  /** Writes down the paths known from records but not yet in made.txt (before compaction forgets them):
   *  all of them, or only `paths` once every earlier one is written down (an append names a few new paths,
   *  and going through every path known at each of a 10,000-stage build's appends would be quadratic). */
  private noteMade(paths?: string[]): void {
    this.readMade();
    const fresh = (paths && this.madeSynced ? paths : [...this.made]).filter((p) => !this.madeWritten.has(p));
    this.madeSynced = true;
    if (fresh.length === 0) return;
    try {
      appendFileSync(this.madeFile, fresh.map((p) => `${p}\n`).join(""));
      for (const p of fresh) this.madeWritten.add(p);
    } catch {
      this.madeSynced = false; // tried again, all of them, at the next append
      /* only `lbg clean` of an orphaned output depends on it */
    }
  }

  private line(r: StageRecord): string {
    const json = JSON.stringify(r);
    return `${this.h64(json)} ${json}\n`;
  }

  append(r: StageRecord): void {
    if (this.fd === undefined) {
      mkdirSync(dirname(this.file), { recursive: true });
      // A record appended right after a torn tail would be glued onto it and lost with it: cut the torn bytes
      // first. Appends happen under the run lock, so nobody else wrote since load().
      if (this.tornAt !== undefined) {
        truncateSync(this.file, this.tornAt);
        this.tornAt = undefined;
      }
      this.fd = openSync(this.file, "a");
    }
    // One write of the whole line (O_APPEND). One that fails half-way (a full disk) is cut back off, so the
    // next record is not glued onto a torn one.
    const line = Buffer.from(this.line(r));
    try {
      if (writeSync(this.fd, line) !== line.length) throw new Error("short write");
    } catch (e) {
      try {
        ftruncateSync(this.fd, this.size);
      } catch {
        /* the next load finds the torn tail and cuts it */
      }
      throw e;
    }
    this.where.set(r.stage, [this.size, line.length]);
    this.size += line.length;
    this.records.set(r.stage, r);
    this.lines++;
    const paths = Object.values(r.outputs).map((o) => o.path);
    for (const p of paths) this.made.add(p);
    this.noteMade(paths);
  }

  /** Closes the file kept open for appending (the end of a build; a later append opens it again). */
  close(): void {
    if (this.readFd !== undefined) {
      try {
        closeSync(this.readFd);
      } catch {
        /* only read from */
      }
      this.readFd = undefined;
    }
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      /* nothing was lost: every record was written when appended */
    }
    this.fd = undefined;
  }

  /** Rewrites the file with only the live records (atomically), keeping `keep` stages when given. */
  rewrite(keep?: (stage: string) => boolean): void {
    const live = this.all();
    for (const r of live) for (const o of Object.values(r.outputs)) this.made.add(o.path);
    this.noteMade();
    this.close();
    this.records = new Map();
    for (const r of live) if (!keep || keep(r.stage)) this.records.set(r.stage, r);
    mkdirSync(dirname(this.file), { recursive: true });
    const where = new Map<string, [number, number]>();
    let size = 0;
    const lines = this.all().map((r) => {
      const line = this.line(r);
      const length = Buffer.byteLength(line);
      where.set(r.stage, [size, length]);
      size += length;
      return line;
    });
    writeAtomic(this.file, lines.join(""));
    this.where = where;
    this.lines = this.records.size;
    this.tornAt = undefined;
    this.size = size;
  }

  /** Compacts when superseded lines dominate, so the file does not grow without bound across builds. */
  compactIfNeeded(): void {
    if (this.lines > 2 * this.records.size + 64 || this.damage) this.rewrite();
  }
}
