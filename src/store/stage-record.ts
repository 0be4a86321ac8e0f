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
  /** How the outputs came to be (`lbg why`, `lbg report`). Absent in records written before lbg 0.2 (their
   *  stages are still fresh: this is not part of the fingerprint). */
  made?: RecordProvenance;
}

/**
 * Provenance of a record, beside the fingerprint (which already holds the class, code files with hashes,
 * the effective config and every input's path and hash):
 *
 *     "made": { "run": "photoz_sim", "host": "login01", "user": "alice", "startedAt": "2026-05-02T10:41:07.120Z",
 *               "lbgVersion": "0.1.0", "reasons": ["config changed: SplitCatalog.seed 42 → 7"],
 *               "command": "[lbg worker] lbg_stages/split_catalog.ts SplitCatalog --spec_catalog=… --config=…",
 *               "config": { "seed": { "from": "set", "at": "--set SplitCatalog.seed=7" },
 *                           "train_fraction": { "from": "section", "at": "configs/pipelines/photoz/config.yaml:8" },
 *                           "chunk_rows": { "from": "default" } },
 *               "producers": { "spec_catalog": "SimulateCatalog" } }
 *
 * `config[option].from` is the rule that chose the value — `set` (`--set`), `section` (the instance's own
 * section of a config file, or of the run's `config:`), `global`, `default` — and `at` where it is written
 * (a path relative to the project root with its line, or the `--set` flag). `producers`: input tag → the
 * stage instance that made it (absent for run inputs). `accepted`: the record was written by `lbg accept`
 * (no stage ran; `reasons` are what was stale then), so the outputs are whatever was on disk.
 */
export interface RecordProvenance {
  run: string;
  host: string;
  user?: string;
  startedAt: string;
  lbgVersion: string;
  reasons: string[];
  command?: string;
  config: Record<string, ConfigProvenance>;
  producers: Record<string, string>;
  accepted?: true;
}

export interface ConfigProvenance {
  from: "set" | "section" | "global" | "default";
  at?: string;
}
