// What an executor is asked to run, and what it answers. Executors only run processes; checking and
// renaming outputs, hashing and recording belong to the scheduler.

export interface StageJob {
  instance: string;
  className: string;
  /** Bundled module and export to instantiate (TypeScript stages). */
  bundle: string;
  exportName: string;
  /** Class tag → path. Outputs are the `inprogress_` paths. */
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  config: Record<string, unknown>;
  nprocess: number;
  threadsPerProcess: number;
  /** Log file, truncated at start: the stage's stdout and stderr. */
  log: string;
  cwd: string;
}

export interface JobOutcome {
  status: "succeeded" | "failed" | "cancelled";
  /** One line: the exception message, exit code or signal. */
  error?: string;
}

export interface Executor {
  /** Runs a job; resolves when it ended. Aborting the signal cancels it (whole process group). */
  run(job: StageJob, signal: AbortSignal): Promise<JobOutcome>;
  /** Stops idle processes; running jobs must have been awaited or cancelled first. */
  close(): Promise<void>;
}

/** Messages between lbg and a stage worker process (Node IPC). */
export type ToWorker = { type: "run"; job: StageJob };
export type FromWorker = { type: "done"; ok: boolean; error?: string };
