// What "running" a stale stage means: make its outputs as its fingerprint says. Today that is always one way —
// prepare its folders, run it on the executor, then check, rename, hash and record its outputs
// (finish-stage.ts) — but this is the one place that decides it: a run cache that restores the outputs a
// fingerprint already produced once, or a cheaper dispatch of trivial stages, goes here, and the scheduler
// (run-build.ts) only sees the result.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { EventSink, StageEndReason } from "../events/build-event.ts";
import type { Executor, JobOutcome, StageJob } from "../executors/stage-job.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import type { StageNode } from "../graph/build-graph.ts";
import type { StalePlan } from "../plan/plan-stage.ts";
import type { RecordStore } from "../store/record-store.ts";
import type { RecordProvenance } from "../store/stage-record.ts";
import { finishStage, removeInprogress, restorePrevious, setAsidePrevious } from "./finish-stage.ts";
import { recordProvenance } from "./record-provenance.ts";
import { tail } from "./stage-log.ts";

export interface StageRunEnv {
  root: string;
  /** The run's name, recorded as the provenance of what its stages make (`lbg why`). */
  run: string;
  records: RecordStore;
  hashes: StatCache;
  executor: Executor;
  emit: EventSink;
  /** The executor's job for a stage (stage-job-for.ts). */
  job: (node: StageNode, log: string) => StageJob;
}

export type StageRunResult =
  | { status: "succeeded" | "cancelled"; seconds: number }
  | {
      status: "failed";
      seconds: number;
      /** One line: why (the exception, exit code or signal, a missing output, a folder lbg could not make). */
      error: string;
      /** The same for programs (the stage-end event's `reason`). */
      reason: StageEndReason;
      /** The end of the stage's log, when the stage ran and failed. */
      logTail?: string[];
    };

/** Makes the outputs of a stale stage; `signal` cancels it. Resolves once its outputs are in place (and recorded)
 *  or it ended otherwise, with nothing of it left behind. */
export async function runStaleStage(
  env: StageRunEnv,
  node: StageNode,
  plan: StalePlan,
  log: string,
  signal: AbortSignal,
): Promise<StageRunResult> {
  const started = Date.now();
  try {
    prepare(node, log);
  } catch (e) {
    // A folder lbg cannot create or clean (permissions, full disk) fails this stage, not the whole process.
    return { status: "failed", seconds: 0, error: (e as Error).message, reason: { kind: "io-error" } };
  }
  const job = env.job(node, log);
  // How the outputs came to be, kept in the stage's record beside its fingerprint (`lbg why`, `lbg report`).
  const made = recordProvenance(env.root, env.run, node, {
    reasons: plan.reasons,
    startedAt: started,
    command: env.executor.commandLine(job),
  });
  const outcome = await env.executor.run(job, signal);
  const seconds = (Date.now() - started) / 1000;
  const result = outcome.status === "succeeded" ? putInPlace(env, node, plan, started, made) : outcome;
  if (result.status === "succeeded") return { status: "succeeded", seconds };
  removeInprogress(node);
  if (node.meta.kind === "python") restorePrevious(node); // on success finishStage has dropped what it set aside
  if (result.status === "cancelled") return { status: "cancelled", seconds };
  return { status: "failed", seconds, error: result.error, reason: result.reason, logTail: tail(log) };
}

/** The stage's log folder and output folders exist, and no in-progress file of an earlier attempt is left. */
function prepare(node: StageNode, log: string): void {
  mkdirSync(dirname(log), { recursive: true });
  for (const out of node.outputs) mkdirSync(dirname(out.inprogress), { recursive: true });
  removeInprogress(node);
  // Python ceci stages rename their own outputs: the previous ones must not be taken for new ones.
  if (node.meta.kind === "python") setAsidePrevious(node);
}

/** After the executor succeeded: outputs checked, renamed into place and recorded, or the stage failed. */
function putInPlace(
  env: StageRunEnv,
  node: StageNode,
  plan: StalePlan,
  started: number,
  made: RecordProvenance,
): JobOutcome {
  try {
    const f = finishStage(env.root, node, plan.fingerprint, plan.hash, started, env.hashes, env.records, made);
    if (!f.ok) return { status: "failed", error: f.error, reason: f.reason };
    for (const w of f.warnings) env.emit({ event: "warning", message: w });
    return { status: "succeeded" };
  } catch (e) {
    return {
      status: "failed",
      error: `could not put outputs in place: ${(e as Error).message}`,
      reason: { kind: "io-error" },
    };
  }
}
