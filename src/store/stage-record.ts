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
  /** What making the outputs cost (absent in records of earlier lbg versions and from `lbg accept`). For a
   *  record with `restored`, the figures of the run that built the outputs (carried in the cache entry). */
  resources?: StageResources;
  /** Present when the outputs were restored from the run cache (src/cache/cache-entry.ts) instead of running
   *  the stage: `seconds` is then the restore's wall time. */
  restored?: RestoredFrom;
  /** How the outputs came to be (`lbg why`, `lbg report`). Absent in records written before lbg 0.2 (their
   *  stages are still fresh: this is not part of the fingerprint). */
  made?: RecordProvenance;
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

/**
 * Per-stage resources (`lbg status --long`, the report). `measuredBy` says whose figures they are:
 *   - `worker`: a TypeScript stage in lbg's warm worker. CPU = the worker's getrusage delta over the stage plus
 *     the processes the stage started and waited for (cutime/cstime delta of /proc/self/stat); peak memory =
 *     the worker's own peak RSS during the stage (VmHWM after resetting it through /proc/self/clear_refs)
 *     plus the sampled peak of the processes the stage started. Includes Node itself (~50 MB).
 *   - `proc`: a command stage (Python, MPI, container), measured from outside by sampling /proc every 0.1 s:
 *     CPU of the stage's process and its descendants (with the children they waited for) as of the last
 *     sample, peak = the largest sampled sum of their RSS. A process that leaves the tree (double fork) is
 *     missed, and so is what the processes did after the last sample before they ended.
 *   - `sacct`: a Slurm job step, from Slurm's accounting (TotalCPU; MaxRSS, the largest task's peak).
 *   - `slurm-step`: a TypeScript stage's step under Slurm without accounting: the one-shot worker's own
 *     figures, as `worker`.
 *   - `wall`: only the wall time is known (not Linux, or a command stage's step without Slurm accounting).
 * On disk, in a record or a cache entry:
 *   "resources": { "wallSeconds": 12.4, "cpuSeconds": 11.9, "maxRssBytes": 221184000, "measuredBy": "worker" }
 */
export interface StageResources {
  /** Wall-clock seconds from the stage's start to its end (its process, not lbg's bookkeeping). */
  wallSeconds: number;
  /** User + system CPU seconds; absent when not measured. */
  cpuSeconds?: number;
  /** Peak resident set size in bytes; absent when not measured. */
  maxRssBytes?: number;
  measuredBy: "worker" | "proc" | "sacct" | "slurm-step" | "wall";
}

/**
 * Where restored outputs came from: the build that stored them.
 *   "restored": { "run": "photoz_sim", "builtAt": "2026-05-02T10:41:07.120Z", "host": "login01", "user": "alice",
 *                 "cache": "/abs/project/.cache/run-cache", "key": "<64 hex digits>" }
 * `builtAt` is when that stage run finished; `cache` the run cache directory; `key` the entry's cache key.
 */
export interface RestoredFrom {
  run: string;
  builtAt: string;
  host: string;
  user?: string;
  cache: string;
  key: string;
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
