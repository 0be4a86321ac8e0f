// A build of a loaded project (build-command.ts) or of one restored from the previous plan (an incremental
// build, incremental-build.ts): build it once on warm local workers (or as Slurm job steps), map SIGINT /
// SIGTERM / SIGHUP to cancelling the build (exit 130 / 143 / 129), and leave a no-op stamp — and after a full
// check a project snapshot — for the next build (record-plan.ts). Nothing here loads configs or stage
// classes, so an incremental build never pays for the loaders.
import type { EventSink } from "../events/build-event.ts";
import { LocalExecutor } from "../executors/local-executor.ts";
import { SlurmExecutor } from "../executors/slurm-executor.ts";
import type { Executor } from "../executors/stage-job.ts";
import type { LoadedProject } from "../project/load-project.ts";
import type { RunRef } from "../project/run-ref.ts";
import { buildOnce, type BuildFlags } from "../scheduler/build-once.ts";
import type { NoopStamp } from "../store/noop-stamp.ts";
import type { RecordLocation } from "../store/record-store.ts";
import type { BuildLocks } from "../store/build-locks.ts";
import { catchInterrupts, type Interrupts } from "./interrupts.ts";
import { recordPlan, recorder } from "./record-plan.ts";

/** What a build of a loaded (or restored) project needs besides the command's flags. */
export interface LoadedBuild {
  project: LoadedProject;
  /** The run's and its output folder's locks, held by the caller already, with their heartbeat; released
   *  here. None for a dry run. */
  lock: BuildLocks | undefined;
  /** Problems found while loading, reported after build-start. */
  warnings: string[];
  slurm: boolean;
  /** Caught by the caller already (a Ctrl-C while it waited for the lock ends the wait); disposed here. */
  interrupts?: Interrupts;
  /** An incremental build: the stamp it starts from and the stages it knows unchanged. */
  previous?: { stamp: NoopStamp; unchanged: Set<string>; touched: Set<string> };
}

export async function buildLoaded(ref: RunRef, flags: BuildFlags, emit: EventSink, b: LoadedBuild): Promise<number> {
  const { project: p, lock, warnings, slurm } = b;
  const interrupts = b.interrupts ?? catchInterrupts();
  const executor: Executor = slurm
    ? new SlurmExecutor((pids) => lock?.setWorkers(pids), lock?.file)
    : new LocalExecutor(ref.root, (pids) => lock?.setWorkers(pids), lock?.file);
  if (slurm && flags.jobs === undefined)
    flags = { ...flags, jobs: SlurmExecutor.allocationSlots() ?? p.run.site.maxThreads };
  try {
    const seen = recorder(emit);
    const unchanged = b.previous?.unchanged;
    const r = await buildOnce(p, flags, {
      executor,
      emit: seen.emit,
      signal: interrupts.signal,
      warnings,
      unchanged: unchanged && ((s) => unchanged.has(s)),
      recordsAt: b.previous && recordsAt(b.previous.stamp),
    });
    const code = interrupts.code() || r.code;
    if (code === 0 || code === 1) recordPlan(ref, flags, p, { warnings, events: seen.events, slurm, ...r }, b.previous);
    return code;
  } finally {
    await executor.close();
    interrupts.dispose();
    lock?.release();
  }
}

/** The records file as the stamp knows it: its size is in its stat key (`dev:ino:size:mtime:ctime`; "" when
 *  there was no file). */
function recordsAt(stamp: NoopStamp): { lines: number; size: number; at: RecordLocation[] } {
  const { key, lines, at } = stamp.records;
  return { lines, size: key ? Number(key.split(":")[2]) : 0, at };
}
