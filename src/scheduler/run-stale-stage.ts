// What "running" a stale stage means: make its outputs as its fingerprint says. This is the one place that
// decides how: restore them from the run cache when this stage's cache key was built before
// (restore-from-cache.ts), else prepare its folders, run it on the executor, check, rename, hash and record
// its outputs (finish-stage.ts) and store them in the run cache (store-in-cache.ts). The scheduler
// (run-build.ts) only sees the result, and is told through `announce` when the stage starts — before it
// runs, or once its outputs are restored — so that every stage-start is followed by its stage-end.
import { mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import type { EventSink, StageEndReason } from "../events/build-event.ts";
import type { Executor, JobOutcome, StageJob } from "../executors/stage-job.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import type { StageNode } from "../graph/build-graph.ts";
import type { StalePlan } from "../plan/plan-stage.ts";
import type { RunCache } from "../cache/run-cache.ts";
import { writeAtomic } from "../fs/write-atomic.ts";
import type { RecordStore } from "../store/record-store.ts";
import type { RecordProvenance, RestoredFrom, StageRecord, StageResources, StageWork } from "../store/stage-record.ts";
import { finishStage, removeInprogress, restorePrevious, setAsidePrevious } from "./finish-stage.ts";
import { followProgress } from "./follow-progress.ts";
import { recordProvenance } from "./record-provenance.ts";
import { restoreFromCache } from "./restore-from-cache.ts";
import { tail } from "./stage-log.ts";
import { inputBytes, predictSeconds } from "./stage-work.ts";
import { storeInCache } from "./store-in-cache.ts";

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
  /** The run cache when the build uses one (each entry says which run built it: `run`). */
  cache?: RunCache;
  /** Why a stage re-runs regardless (--force, resume: restart): such a stage runs, it is not restored. */
  forced?: (stage: string) => string | undefined;
  /** Folders made for logs and outputs during this build. */
  madeDirs: Set<string>;
}

/** `restored`: the outputs came from the run cache (then `resources` are those of the run that built them). */
export type StageRunResult =
  | { status: "succeeded"; seconds: number; restored?: RestoredFrom; resources?: StageResources }
  | { status: "cancelled"; seconds: number }
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
  announce: (restoredFrom?: RestoredFrom) => void = () => {},
): Promise<StageRunResult> {
  const started = Date.now();
  const cache = env.cache && node.entry.cache !== false ? env.cache : undefined;
  if (cache && !env.forced?.(node.name)) {
    const c = { root: env.root, cache, hashes: env.hashes, records: env.records };
    const r = await restoreFromCache(c, node, plan, signal);
    const seconds = (Date.now() - started) / 1000;
    if (r.restored) {
      noteRestoreInLog(log, r.from);
      announce(r.from);
      return { status: "succeeded", seconds, restored: r.from, ...(r.resources ? { resources: r.resources } : {}) };
    }
    if ("cancelled" in r) {
      announce();
      return { status: "cancelled", seconds };
    }
    if (r.warning) env.emit({ event: "warning", message: r.warning });
  }
  announce();
  try {
    prepare(node, log, env.madeDirs);
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
  const work: StageWork = { inputBytes: inputBytes(node) };
  const record = env.records.get(node.name);
  // Progress lines in the log become stage-progress events (one a second at most: the follower's tick),
  // with the stage's duration predicted again from the total it reports (stage-work.ts).
  const follower = followProgress(log, ({ done, total }) => {
    const seconds = (Date.now() - started) / 1000;
    work.progressStart ??= seconds;
    const estimate = predictSeconds(record, { ...work, progressTotal: total });
    env.emit({
      event: "stage-progress",
      stage: node.name,
      done,
      total,
      seconds,
      ...(estimate === undefined ? {} : { estimate }),
    });
  });
  let outcome: JobOutcome;
  try {
    outcome = await env.executor.run(job, signal);
  } finally {
    const last = follower.stop();
    if (last) work.progressTotal = last.total;
  }
  const seconds = (Date.now() - started) / 1000;
  const resources = outcome.status === "succeeded" ? outcome.resources : undefined;
  const extra = { work, ...(resources ? { resources } : {}) };
  const result = outcome.status === "succeeded" ? putInPlace(env, node, plan, started, extra, made) : outcome;
  if (result.status === "succeeded") {
    if (cache) {
      // In the background: dependants need not wait for the copies (the build drains them before it ends).
      const c = { root: env.root, run: env.run, cache, hashes: env.hashes, records: env.records };
      cache.defer(
        storeInCache(c, node, plan, resources).then((warning) => {
          if (warning) env.emit({ event: "warning", message: warning });
        }),
      );
    }
    return { status: "succeeded", seconds, ...(resources ? { resources } : {}) };
  }
  removeInprogress(node);
  if (node.meta.kind === "python") restorePrevious(node); // on success finishStage has dropped what it set aside
  if (result.status === "cancelled") return { status: "cancelled", seconds };
  return { status: "failed", seconds, error: result.error, reason: result.reason, logTail: tail(log) };
}

/** A restored stage's log says so: the log of the run that built its outputs is not kept in the cache. */
function noteRestoreInLog(log: string, from: RestoredFrom): void {
  try {
    mkdirSync(dirname(log), { recursive: true });
    // Written aside and renamed over the old log: replacing beats truncating on file systems where
    // truncation is slow (1,000 restores would spend seconds on it).
    writeAtomic(
      log,
      `Restored from the run cache ${from.cache} (entry ${from.key}): built ${from.builtAt} by run ${from.run} on ${from.host}${from.user ? ` by ${from.user}` : ""}. The stage did not run.\n`,
    );
  } catch {
    /* a log that cannot be written does not undo a restore */
  }
}

/** The stage's log folder and output folders exist, and no in-progress file of an earlier attempt is left. */
function prepare(node: StageNode, log: string, made: Set<string>): void {
  // Each folder once per build (a thousand stages usually share two).
  for (const dir of [dirname(log), ...node.outputs.map((o) => dirname(o.inprogress))]) {
    if (made.has(dir)) continue;
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  // The stage starts its log afresh; until it does, the last run's progress lines must not be read as its own.
  rmSync(log, { force: true });
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
  extra: Pick<StageRecord, "resources" | "work">,
  made: RecordProvenance,
): JobOutcome {
  try {
    const f = finishStage(env.root, node, plan.fingerprint, plan.hash, started, env.hashes, env.records, made, extra);
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
