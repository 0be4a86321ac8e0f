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
import {
  appendFileSync,
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
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

/** What a trusted load finds at the start of a line: the stage it is for (a record's first keys, as
 *  JSON.stringify writes them). Any other line is parsed at once. */
const LINE_HEAD = /^[0-9a-f]{16} \{"v":1,"stage":"([A-Za-z0-9_.-]+)",/;

/** A record's `seconds` key and what follows its number: the record's end or its provenance. */
const SECONDS = /^,"seconds":(\d+(?:\.\d+)?(?:e[-+]?\d+)?)(\}|,"made":)/;

/** A run's records file, in its build-state folder (`.cache/runs/<run>/`, runCacheDir). */
export function recordsFile(cacheDir: string): string {
  return join(cacheDir, "records.jsonl");
}

export class RecordStore {
  /** The records of the run whose build state is in `cacheDir`, loaded (each line checked with `hasher`). */
  static open(cacheDir: string, hasher: Hasher, opts: { trusted?: boolean } = {}): RecordStore {
    return new RecordStore(recordsFile(cacheDir), (s) => hasher.h64ToString(s)).load(opts);
  }

  /** Stage → its newest record, or that record's line not yet parsed (a trusted load). */
  private records = new Map<string, StageRecord | string>();
  private lines = 0;
  /** Byte length of the complete lines when load() found a torn tail (a kill -9 mid-append), else undefined. */
  private tornAt?: number;
  private fd?: number;
  /** Bytes of whole lines in the file (where a failed append is cut back to). */
  private size = 0;
  /** Set when a damaged or foreign line was found before the tail (reported once by the caller). */
  damage?: string;
  /** Every output path any record named (see the header); `madeFile` holds those already written down. */
  private made = new Set<string>();
  private madeWritten = new Set<string>();
  private madeRead = false;

  constructor(
    readonly file: string,
    private readonly h64: H64,
  ) {}

  /** The list of every output path ever recorded (see the header). */
  get madeFile(): string {
    return join(dirname(this.file), "made.txt");
  }

  /**
   * Reads the file. `trusted`: it is known to be exactly what an earlier load found clean plus whole records
   * appended since (the no-op stamp vouches for its stat), so lines are only indexed by stage here and each
   * is checked and parsed when its record is first asked for: a 10,000-stage run's incremental build reads
   * the few records it needs, not all of them.
   */
  load(opts: { trusted?: boolean } = {}): this {
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
    const text = bytes.toString("utf8");
    const lines = text.split("\n");
    const tail = lines.length - 1; // the last piece is "" or a torn line
    if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) this.tornAt = bytes.lastIndexOf(0x0a) + 1;
    this.size = this.tornAt ?? bytes.length;
    const trusted = opts.trusted && this.tornAt === undefined;
    let bad = 0;
    for (let i = 0; i < tail; i++) {
      const line = lines[i]!;
      const stage = trusted ? LINE_HEAD.exec(line)?.[1] : undefined;
      if (stage !== undefined) {
        this.records.set(stage, line);
        continue;
      }
      const rec = this.parse(line);
      if (rec) {
        this.records.set(rec.stage, rec);
        for (const o of Object.values(rec.outputs)) this.made.add(o.path);
      } else if (line) bad++;
    }
    this.lines = tail;
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
    if (typeof r !== "string") return r;
    // A line a trusted load indexed: it is checked now (damage would make its stage simply stale).
    const rec = this.parse(r);
    if (rec?.stage === stage) this.records.set(stage, rec);
    else this.records.delete(stage);
    return rec?.stage === stage ? rec : undefined;
  }

  /** The recorded duration of a stage's last run (without parsing a record a trusted load has not). */
  secondsOf(stage: string): number | undefined {
    const r = this.records.get(stage);
    if (typeof r !== "string") return r?.seconds;
    // The record's own key, as JSON.stringify writes it after finishedAt: `…,"seconds":0.012}` or, with
    // provenance, `…,"seconds":0.012,"made":{…}}`. Only the last such key whose number ends the record or
    // precedes "made" is it (an option named seconds inside "made" is an object, never a number); anything
    // else is parsed.
    for (let at = r.lastIndexOf(',"seconds":'); at > 0; at = r.lastIndexOf(',"seconds":', at - 1)) {
      const m = SECONDS.exec(r.slice(at));
      if (m && (m[2] === ',"made":' || m.index + m[0].length === r.length - at)) return Number(m[1]);
    }
    return this.get(stage)?.seconds;
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

  /** Writes down the paths known from records but not yet in made.txt (before compaction forgets them). */
  private noteMade(): void {
    this.readMade();
    const fresh = [...this.made].filter((p) => !this.madeWritten.has(p));
    if (fresh.length === 0) return;
    try {
      appendFileSync(this.madeFile, fresh.map((p) => `${p}\n`).join(""));
      for (const p of fresh) this.madeWritten.add(p);
    } catch {
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
    this.size += line.length;
    this.records.set(r.stage, r);
    this.lines++;
    for (const o of Object.values(r.outputs)) this.made.add(o.path);
    this.noteMade();
  }

  /** Closes the file kept open for appending (the end of a build; a later append opens it again). */
  close(): void {
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
    const text = this.all()
      .map((r) => this.line(r))
      .join("");
    writeAtomic(this.file, text);
    this.lines = this.records.size;
    this.tornAt = undefined;
    this.size = Buffer.byteLength(text);
  }

  /** Compacts when superseded lines dominate, so the file does not grow without bound across builds. */
  compactIfNeeded(): void {
    if (this.lines > 2 * this.records.size + 64 || this.damage) this.rewrite();
  }
}
