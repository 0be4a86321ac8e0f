// Reads and appends stage records (format documented in stage-record.ts).
import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync } from "node:fs";
import { dirname } from "node:path";
import { writeAtomic } from "../fs/write-atomic.ts";
import { RECORD_VERSION, type StageRecord } from "./stage-record.ts";

type H64 = (s: string) => string;

export class RecordStore {
  private records = new Map<string, StageRecord>();
  private lines = 0;
  /** Byte length of the complete lines when load() found a torn tail (a kill -9 mid-append), else undefined. */
  private tornAt?: number;
  /** Set when a damaged or foreign line was found before the tail (reported once by the caller). */
  damage?: string;

  constructor(
    readonly file: string,
    private readonly h64: H64,
  ) {}

  load(): this {
    if (!existsSync(this.file)) return this;
    const bytes = readFileSync(this.file);
    const text = bytes.toString("utf8");
    const lines = text.split("\n");
    const tail = lines.length - 1; // the last piece is "" or a torn line
    if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) this.tornAt = bytes.lastIndexOf(0x0a) + 1;
    let bad = 0;
    for (let i = 0; i < tail; i++) {
      const rec = this.parse(lines[i]!);
      if (rec) this.records.set(rec.stage, rec);
      else if (lines[i]) bad++;
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
    return this.records.get(stage);
  }

  all(): StageRecord[] {
    return [...this.records.values()];
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
  }

  /** Rewrites the file with only the live records (atomically), keeping `keep` stages when given. */
  rewrite(keep?: (stage: string) => boolean): void {
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
