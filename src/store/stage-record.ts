// Per-stage records of successful runs, kept in `.cache/runs/<run>/records.jsonl`.
//
// On disk: an append-only text file, one record per line:
//     <xxh64 of JSON, 16 hex digits> <JSON of StageRecord>\n
// A record is appended only after the stage's outputs are verified and renamed into place. The newest valid
// line for a stage wins. A line whose checksum does not match (a torn tail after kill -9, or damage) is
// skipped; damage before the tail is reported once as a warning and the stages involved are simply stale.
// Records of another `v` are ignored the same way. `lbg clean` and compaction rewrite the file atomically.
import type { Fingerprint } from "../fingerprint/fingerprint.ts";

export const RECORD_VERSION = 1;

export interface StageRecord {
  v: number;
  /** Stage instance name. */
  stage: string;
  fingerprint: Fingerprint;
  /** xxh64 of the canonical JSON of `fingerprint`. */
  fingerprintHash: string;
  /** Output by class tag → final path (relative to the root) and content hash after the run. */
  outputs: Record<string, { path: string; hash: string }>;
  /** ISO time the stage finished, and its wall time. */
  finishedAt: string;
  seconds: number;
  /** How much work that run did, to scale the next run's time estimate (src/scheduler/stage-work.ts).
   *  Absent in records written before lbg kept it. */
  work?: StageWork;
}

/** The size of a stage run's work. */
export interface StageWork {
  /** Bytes of its input files when it started. */
  inputBytes: number;
  /** The last `total` it reported through progress (ctx.progress, `lbg-progress:` lines), if it did. */
  progressTotal?: number;
  /** Seconds after its start when lbg first saw it report progress (read once a second, so up to 1 s late):
   *  the part of its time taken as not growing with its total. */
  progressStart?: number;
}
