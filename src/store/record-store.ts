// Reads and appends stage records (format documented in stage-record.ts).
//
// Beside the records, `made.txt` in the same folder lists every output path (relative to the project root,
// one per line) any record of the run ever named, so that `lbg clean` also finds outputs the run no longer
// makes — one renamed by a config override, a stage since removed — after compaction dropped the records
// that named them. A path is appended when a record first names it; the list is only ever appended to,
// and removed with the records.
import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync } from "node:fs";
import { dirname, join } from "node:path";
import { LbgError } from "../errors/lbg-error.ts";
import { errorReason } from "../fs/error-reason.ts";
import type { Hasher } from "../fs/hash-file.ts";
import { writeAtomic } from "../fs/write-atomic.ts";
import { RECORD_VERSION, type StageRecord } from "./stage-record.ts";

type H64 = (s: string) => string;

/** A run's records file, in its build-state folder (`.cache/runs/<run>/`, runCacheDir). */
export function recordsFile(cacheDir: string): string {
  return join(cacheDir, "records.jsonl");
}

export class RecordStore {
  /** The records of the run whose build state is in `cacheDir`, loaded (each line checked with `hasher`). */
  static open(cacheDir: string, hasher: Hasher): RecordStore {
    return new RecordStore(recordsFile(cacheDir), (s) => hasher.h64ToString(s)).load();
  }

  private records = new Map<string, StageRecord>();
  private lines = 0;
  /** Byte length of the complete lines when load() found a torn tail (a kill -9 mid-append), else undefined. */
  private tornAt?: number;
  /** Set when a damaged or foreign line was found before the tail (reported once by the caller). */
  damage?: string;
  /** Every output path any record named (see the header); `madeFile` holds those already written down. */
  private made = new Set<string>();
  private madeWritten = new Set<string>();

  constructor(
    readonly file: string,
    private readonly h64: H64,
  ) {}

  /** The list of every output path ever recorded (see the header). */
  get madeFile(): string {
    return join(dirname(this.file), "made.txt");
  }

  load(): this {
    try {
      for (const l of readFileSync(this.madeFile, "utf8").split("\n")) {
        if (!l) continue;
        this.made.add(l);
        this.madeWritten.add(l);
      }
    } catch {
      /* none yet */
    }
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
    let bad = 0;
    for (let i = 0; i < tail; i++) {
      const rec = this.parse(lines[i]!);
      if (rec) {
        this.records.set(rec.stage, rec);
        for (const o of Object.values(rec.outputs)) this.made.add(o.path);
      } else if (lines[i]) bad++;
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

  get(stage: string): StageRecord | undefined {
    return this.records.get(stage);
  }

  all(): StageRecord[] {
    return [...this.records.values()];
  }

  /** Every output path (relative to the root) a record of the run ever named, also superseded ones. */
  everMade(): string[] {
    return [...this.made];
  }

  /** Writes down the paths known from records but not yet in made.txt (before compaction forgets them). */
  private noteMade(): void {
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
    mkdirSync(dirname(this.file), { recursive: true });
    // A record appended right after a torn tail would be glued onto it and lost with it: cut the torn bytes
    // first. Appends happen under the run lock, so nobody else wrote since load().
    if (this.tornAt !== undefined) {
      truncateSync(this.file, this.tornAt);
      this.tornAt = undefined;
    }
    appendFileSync(this.file, this.line(r));
    this.records.set(r.stage, r);
    this.lines++;
    for (const o of Object.values(r.outputs)) this.made.add(o.path);
    this.noteMade();
  }

  /** Rewrites the file with only the live records (atomically), keeping `keep` stages when given. */
  rewrite(keep?: (stage: string) => boolean): void {
    this.noteMade();
    if (keep) for (const s of [...this.records.keys()]) if (!keep(s)) this.records.delete(s);
    mkdirSync(dirname(this.file), { recursive: true });
    writeAtomic(
      this.file,
      this.all()
        .map((r) => this.line(r))
        .join(""),
    );
    this.lines = this.records.size;
    this.tornAt = undefined;
  }

  /** Compacts when superseded lines dominate, so the file does not grow without bound across builds. */
  compactIfNeeded(): void {
    if (this.lines > 2 * this.records.size + 64 || this.damage) this.rewrite();
  }
}
