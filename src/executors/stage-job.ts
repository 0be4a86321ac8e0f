// What an executor is asked to run, and what it answers. Executors only run processes; checking and
// renaming outputs, hashing and recording belong to the scheduler.
import type { StageEndReason } from "../events/build-event.ts";

interface JobBase {
  instance: string;
  nprocess: number;
  threadsPerProcess: number;
  nodes: number;
  /** Log file, truncated at start: the stage's stdout and stderr. */
  log: string;
  cwd: string;
}

/** A TypeScript stage: run in a warm worker (locally) or a one-shot worker (`worker.mjs --job <file>`). */
export interface TsStageJob extends JobBase {
  kind: "ts";
  className: string;
  /** Bundled module and export to instantiate. */
  bundle: string;
  exportName: string;
  /** Class tag → path. Outputs are the `inprogress_` paths. */
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  /** Class tag → final output path, and the stage's source file: for its command line (command-line.ts). */
  finalOutputs?: Record<string, string>;
  source?: string;
  config: Record<string, unknown>;
}

/** Any other stage: one command line (a Python ceci stage), run in its own process group. */
export interface CommandStageJob extends JobBase {
  kind: "command";
  argv: string[];
  /** Added to lbg's environment. */
  env: Record<string, string>;
  /** Written as the log's first line (the command as a shell would show it), like ceci's "Command is:". */
  header?: string;
  /** How many leading argv entries are the local MPI launcher (`mpirun -n 2`): under srun they are dropped. */
  mpiLauncherArgs?: number;
  /** argv ends in `/bin/sh -c <script>`: a container command, a shell line as ceci builds it. */
  script?: true;
  /** The command starts its MPI ranks itself (inside a docker container): under srun it is one task. */
  mpiInside?: true;
}

export type StageJob = TsStageJob | CommandStageJob;

/** How a job ended. A failure says why twice: `error`, one line for people (the exception message, exit code
 *  or signal), and `reason`, the same for programs (it goes into the stage-end event). */
export type JobOutcome = { status: "succeeded" } | { status: "cancelled" } | JobFailure;
export type JobFailure = { status: "failed"; error: string; reason: StageEndReason };

export interface Executor {
  /** Runs a job; resolves when it ended. Aborting the signal cancels it (whole process group). */
  run(job: StageJob, signal: AbortSignal): Promise<JobOutcome>;
  /** The job as one line: what it runs (srun and all, under Slurm), for dry runs and `stage-start` events. */
  commandLine(job: StageJob): string;
  /** Stops idle processes; running jobs must have been awaited or cancelled first. */
  close(): Promise<void>;
}

/** Messages between lbg and a stage worker process (Node IPC). */
export type ToWorker = { type: "run"; job: TsStageJob };
/** `started`: the worker took the job (before that, its death means the stage never ran). */
export type FromWorker = { type: "started" } | { type: "done"; ok: boolean; error?: string };
