// The values a run's metrics had after each build that changed them, so that `lbg metrics <run> --previous`
// and the report can compare with the build before, and every build says what it changed.
//
// On disk: `.cache/runs/<run>/metrics.jsonl`, append-only, one entry per line, checksummed like the records:
//     <xxh64 of JSON, 16 hex digits> <JSON of MetricsEntry>\n
//     MetricsEntry = { "v": 1, "at": "<ISO time of the build's end>",
//                      "files": { "<tag>": { "stage": "EvaluatePhotoz", "path": "results/…/photoz_metrics.yml",
//                                            "hash": "<xxh64 of the file>", "values": { "photoz_metrics.count": 1062, … } } } }
// An entry is appended only when some metrics file's content (hash) differs from the newest entry's, so the
// newest entry is the state after the last build that changed anything. A line that fails its checksum (a
// torn tail after kill -9) is skipped. The file keeps the newest 500 entries (rewritten atomically when it
// passes 1000 lines). `lbg clean <run>` keeps it (the history of an experiment outlives its outputs);
// `lbg clean --cache` removes it with the rest of the run's .cache folder.
import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync } from "node:fs";
import { dirname } from "node:path";
import { writeAtomic } from "../fs/write-atomic.ts";
import type { FlatMetrics } from "./flatten-metrics.ts";
import type { MetricsFile } from "./read-metrics.ts";

export interface MetricsEntry {
  v: 1;
  at: string;
  files: Record<string, { stage: string; path: string; hash: string; values: FlatMetrics }>;
}

const KEEP = 500;

export class MetricsHistory {
  private entries: MetricsEntry[] = [];
  /** Byte length of the complete lines when the file ends in a torn line (cut before the next append). */
  private tornAt?: number;

  constructor(
    readonly file: string,
    private readonly h64: (s: string) => string,
  ) {}

  load(): this {
    if (!existsSync(this.file)) return this;
    const bytes = readFileSync(this.file);
    if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) this.tornAt = bytes.lastIndexOf(0x0a) + 1;
    for (const line of bytes.toString("utf8").split("\n")) {
      if (line.length < 18 || line[16] !== " ") continue;
      const json = line.slice(17);
      if (this.h64(json) !== line.slice(0, 16)) continue;
      try {
        const e = JSON.parse(json) as MetricsEntry;
        if (e && e.v === 1 && typeof e.files === "object" && e.files) this.entries.push(e);
      } catch {
        /* a damaged line: skipped, as a torn tail is */
      }
    }
    return this;
  }

  all(): MetricsEntry[] {
    return this.entries;
  }

  latest(): MetricsEntry | undefined {
    return this.entries.at(-1);
  }

  /** The newest entry whose files differ from `files` (by content): what `--previous` compares with. */
  previousTo(files: MetricsFile[]): MetricsEntry | undefined {
    const now = MetricsHistory.entryOf(files, "").files;
    for (let i = this.entries.length - 1; i >= 0; i--)
      if (!sameFiles(this.entries[i]!.files, now)) return this.entries[i];
    return undefined;
  }

  /** Appends the state `files` unless it is the newest entry's; returns the entry it replaced as newest (or
   *  undefined when nothing changed, or there was none). */
  record(files: MetricsFile[], at: string): { changed: boolean; before?: MetricsEntry } {
    const entry = MetricsHistory.entryOf(files, at);
    const before = this.latest();
    if (before ? sameFiles(before.files, entry.files) : Object.keys(entry.files).length === 0)
      return { changed: false, before };
    mkdirSync(dirname(this.file), { recursive: true });
    const line = (e: MetricsEntry) => {
      const json = JSON.stringify(e);
      return `${this.h64(json)} ${json}\n`;
    };
    this.entries.push(entry);
    if (this.entries.length > 2 * KEEP) {
      this.entries = this.entries.slice(-KEEP);
      writeAtomic(this.file, this.entries.map(line).join(""));
      this.tornAt = undefined;
    } else {
      // An entry appended after a torn tail would be glued onto it and lost with it: cut the torn bytes first
      // (builds of a run hold its lock, so nobody else appends meanwhile).
      if (this.tornAt !== undefined) truncateSync(this.file, this.tornAt);
      this.tornAt = undefined;
      appendFileSync(this.file, line(entry));
    }
    return { changed: true, before };
  }

  /** The readable files of a run as an entry (files without values — not built, unreadable — are left out). */
  static entryOf(files: MetricsFile[], at: string): MetricsEntry {
    const out: MetricsEntry["files"] = {};
    for (const f of files)
      if (f.hash && !f.error) out[f.tag] = { stage: f.stage, path: f.path, hash: f.hash, values: f.values };
    return { v: 1, at, files: out };
  }
}

function sameFiles(a: MetricsEntry["files"], b: MetricsEntry["files"]): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => b[k]?.hash === a[k]!.hash);
}

export function entryValues(e: MetricsEntry | undefined): FlatMetrics {
  return Object.assign({}, ...Object.values(e?.files ?? {}).map((f) => f.values));
}
