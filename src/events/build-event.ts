// The closed union of everything a build (and `lbg watch`) reports. Reporters (plain, JSON) and the UI only
// observe these; a new event kind fails to compile in every reporter's exhaustive switch until it is handled.
//
// `lbg build --json` and `lbg watch --json` print each event as one JSON object per line on stdout (and
// nothing else there), in the shapes below: field names are stable, optional fields are left out when
// absent, paths are relative to the project root, times are seconds (durations) or ISO 8601 (instants).
// Events say what happened to the build; how a screen shows it (a row's colour, an interrupted watch build)
// is the UI's own state (src/ui/build-state.ts).

export type StageStatus = "succeeded" | "failed" | "cancelled";

/** One metric's value: a YAML scalar. Non-finite numbers are kept as YAML spells them (`.inf`, `-.inf`, `.nan`),
 *  so that they survive JSON (history file, `--json`). */
export type MetricValue = number | string | boolean | null;

/**
 * One metric compared (`metrics-changed` here, and `--json` of `lbg metrics --diff`): `metric` is its flat
 * name (`photoz_metrics.sigma_nmad`); `old` absent = a new metric, `new` absent = one that is gone; `change` =
 * new − old when both are numbers (rounded to 12 significant digits, so float noise does not show as a change).
 */
export interface MetricChange {
  metric: string;
  old?: MetricValue;
  new?: MetricValue;
  change?: number;
}

/**
 * Why a stage did not succeed, for programs: every `stage-end` whose status is not `succeeded` carries one
 * (`error` says the same for people). `kind`:
 * - `exit-code`: the stage's process exited with `code` (a Python stage; a TypeScript stage under Slurm).
 * - `signal`: its process was killed by `signal` (`SIGKILL`: the kernel's out-of-memory killer, or `kill -9`).
 * - `out-of-memory`: a TypeScript stage reached Node's heap limit.
 * - `exception`: a TypeScript stage's `run` threw (or rejected); the stack is in the log.
 * - `cannot-start`: the command could not be started (not found, not executable).
 * - `worker-lost`: lbg lost contact with the stage's worker process.
 * - `missing-input`: input `tag` does not exist at `path`, so the stage never started.
 * - `missing-output`: the stage ended well but did not write output `tag` (expected at `path`).
 * - `wrong-output-kind`: output `tag` is a file where a directory was due, or the reverse (`expected`).
 * - `io-error`: lbg could not prepare the stage's folders, put its outputs in place or record it (permissions,
 *   a full disk); the new outputs were taken away again.
 * - `cancelled`: status `cancelled`, `by` an interrupt (Ctrl-C, SIGTERM, SIGHUP, `q` in watch) or an `edit`
 *   that changed the stage while it ran (`lbg watch` restarts it at once; the event also has `superseded`).
 */
export type StageEndReason =
  | { kind: "exit-code"; code: number }
  | { kind: "signal"; signal: string }
  | { kind: "out-of-memory" }
  | { kind: "exception" }
  | { kind: "cannot-start" }
  | { kind: "worker-lost" }
  | { kind: "missing-input"; tag: string; path: string }
  | { kind: "missing-output"; tag: string; path: string }
  | { kind: "wrong-output-kind"; tag: string; expected: "file" | "directory" }
  | { kind: "io-error" }
  | { kind: "cancelled"; by: "interrupt" | "edit" };

export type BuildEvent =
  /** First event of a build. `stages`: how many the run has; `jobs`: slots; `resume`: the run's resume mode
   *  (`resume`, `restart` or `refuse`); `dryRun`: nothing will run (`-n`). */
  | {
      event: "build-start";
      run: string;
      pipelines: string[];
      stages: number;
      jobs: number;
      resume: string;
      dryRun: boolean;
      /** Stage → seconds its last successful run took (from the records), for progress estimates. */
      estimates?: Record<string, number>;
    }
  /** A problem that does not stop the build (unknown config key, damaged record line...). */
  | { event: "warning"; message: string }
  /** `resume: False`/`restart` (or --no-resume): every stage re-runs. Said once so nobody wonders why. */
  | { event: "restart-all"; reason: string }
  /** The stage's record matches: it does not run. */
  | { event: "stage-fresh"; stage: string }
  /** A stage that is about to run (or, in a dry run — `dryRun: true` — only would run, and no stage-end follows),
   *  with its reasons (`config changed: …`); `log` is where its output goes. `command`: what runs it, as one
   *  shell-readable line — a Python stage's command line exactly as lbg executes it (environment assignments,
   *  the MPI launcher or srun step, the container command), or for a TypeScript stage, which runs inside an
   *  lbg worker process, `[lbg worker] <source file> <Class> --<tag>=<path> ... --config=<JSON>`
   *  (src/executors/command-line.ts). */
  | { event: "stage-start"; stage: string; reasons: string[]; log: string; command?: string; dryRun?: true }
  /** A stage ended. `outputs`: the files it made (succeeded only). `error`: one line for people, `reason`: the
   *  same for programs (both present unless it succeeded). `logTail`: its log's last lines (failed only). A
   *  stage-end without a stage-start is a stage that could not start (a missing input, a folder lbg could not
   *  make). `superseded`: cancelled by `lbg watch` because an edit changed it; it restarts at once. */
  | {
      event: "stage-end";
      stage: string;
      status: StageStatus;
      seconds: number;
      outputs: string[];
      log: string;
      error?: string;
      reason?: StageEndReason;
      logTail?: string[];
      superseded?: true;
    }
  /** Not run because stage `by` failed or was cancelled, or `by` is `interrupt`: the build was stopped. */
  | { event: "stage-blocked"; stage: string; by: string }
  /** The run's `pre_script` (before any stage) or `post_script` (after all succeeded) starts. */
  | { event: "script-start"; which: "pre_script" | "post_script"; command: string }
  | {
      event: "script-end";
      which: "pre_script" | "post_script";
      ok: boolean;
      seconds: number;
      log: string;
      logTail?: string[];
    }
  /**
   * Just before build-end of a build (not a dry run) after which some metrics file differs from the newest
   * entry of the run's metrics history: each metric that changed, old → new (`old` absent: new; `new` absent:
   * gone; `change` = new − old for numbers). `since`: when the build that last changed them ended (absent the
   * first time). The full list; reporters show the first few.
   */
  | { event: "metrics-changed"; changes: MetricChange[]; since?: string }
  /** `lbg watch`: waiting for changes to `files` watched paths; `lastBuild` summarises the previous build. */
  | { event: "watch-idle"; files: number; lastBuild: WatchLastBuild | null }
  /** `lbg watch`: the project loaded and a build begins; `files` paths are watched meanwhile. */
  | { event: "watch-building"; files: number }
  /** `lbg watch`: these files changed (paths relative to the root); a re-plan or rebuild follows. */
  | { event: "watch-change"; paths: string[] }
  /** `lbg watch`: the project no longer loads (bad YAML, a stage that throws at import): shown, still watching. */
  | { event: "watch-error"; message: string }
  /** `lbg watch`: an answer to a key that did nothing (`f` with no failed stage to force). */
  | { event: "watch-notice"; message: string }
  /** Last event of a build: how many stages ended how. `filesHashed`: files whose contents were read to hash
   *  them (0 on a true no-op). `error`: why the build failed beyond its stages (`pre_script failed`,
   *  `post_script failed`, `interrupted`). `superseded`: how many of the `cancelled` stages an edit superseded
   *  (stage-end `superseded`). */
  | {
      event: "build-end";
      ok: boolean;
      succeeded: number;
      failed: number;
      fresh: number;
      blocked: number;
      cancelled: number;
      seconds: number;
      filesHashed?: number;
      error?: string;
      superseded?: number;
    };

/** A watch session's previous build, as `watch-idle` reports it: `at` is when it ended (ISO 8601). */
export interface WatchLastBuild {
  ok: boolean;
  at: string;
  seconds: number;
}

export type EventSink = (e: BuildEvent) => void;

export type BuildEnd = Extract<BuildEvent, { event: "build-end" }>;
export type StageEnd = Extract<BuildEvent, { event: "stage-end" }>;
