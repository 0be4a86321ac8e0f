// The closed union of everything a build reports. Reporters (plain, JSON) and the UI only observe these;
// a new event kind fails to compile in every reporter's exhaustive switch until it is handled.
//
// `--json` prints each event as one JSON object per line on stdout (and nothing else there). Fields are
// stable; paths are relative to the project root; times are seconds.

export type StageStatus = "succeeded" | "failed" | "cancelled";

export type BuildEvent =
  /** First event: what will be considered. `toRun` counts stages already known stale before anything runs. */
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
  | { event: "stage-fresh"; stage: string }
  /**
   * A stage that would run (dry run) or is about to run, with its reasons. `command`: what runs it, as one
   * shell-readable line — a Python stage's command line exactly as lbg executes it (environment assignments,
   * the MPI launcher or srun step, the container command), or for a TypeScript stage, which runs inside an
   * lbg worker process, `[lbg worker] <source file> <Class> --<tag>=<path> ... --config=<JSON>`
   * (src/executors/command-line.ts).
   */
  | { event: "stage-start"; stage: string; reasons: string[]; log: string; command?: string; dryRun?: boolean }
  /** `superseded`: cancelled by `lbg watch` because an edit changed its fingerprint; it restarts at once. */
  | {
      event: "stage-end";
      stage: string;
      status: StageStatus;
      seconds: number;
      outputs: string[];
      log: string;
      error?: string;
      logTail?: string[];
      superseded?: true;
    }
  /** Not run because an upstream stage failed or was cancelled. */
  | { event: "stage-blocked"; stage: string; by: string }
  | { event: "script-start"; which: "pre_script" | "post_script"; command: string }
  | {
      event: "script-end";
      which: "pre_script" | "post_script";
      ok: boolean;
      seconds: number;
      log: string;
      logTail?: string[];
    }
  /** Last event. `filesHashed` counts files whose contents were read to hash them (0 on a true no-op). */
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
  /** `superseded`: how many of the `cancelled` stages were superseded by an edit (stage-end `superseded`). */
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
      /** Stages whose freshness was computed from their files; the others were known unchanged since the
       *  previous plan (an incremental build re-checks only what a change can reach; 0 on a stamped no-op). */
      stagesChecked?: number;
      error?: string;
      superseded?: number;
    };

/** `interrupted`: the build was stopped by Ctrl-C / SIGTERM / `q` (then `ok` is false). */
export interface WatchLastBuild {
  ok: boolean;
  at: string;
  seconds: number;
  interrupted?: true;
}

export type EventSink = (e: BuildEvent) => void;

export type BuildEnd = Extract<BuildEvent, { event: "build-end" }>;
