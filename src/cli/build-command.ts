// `lbg build <run>`: load the run, take its lock, build it once on warm local workers, and map SIGINT /
// SIGTERM / SIGHUP to cancelling the build (exit 130 / 143 / 129). The CLI tries the no-op shortcut
// (noop-shortcut.ts) first; this is the full check, which leaves a stamp for it when every stage is fresh.
import { join } from "node:path";
import type { EventSink } from "../events/build-event.ts";
import { LocalExecutor } from "../executors/local-executor.ts";
import { SlurmExecutor } from "../executors/slurm-executor.ts";
import type { Executor } from "../executors/stage-job.ts";
import { LbgError, fromCwd } from "../errors/lbg-error.ts";
import { spawnSync } from "node:child_process";
import { loadProject } from "../project/load-project.ts";
import type { RunRef } from "../project/run-ref.ts";
import { buildOnce, validateBuild, type BuildFlags } from "../scheduler/build-once.ts";
import { BuildLocks } from "../store/build-locks.ts";
import { LockWaitAborted } from "../store/run-lock.ts";
import { catchInterrupts } from "./interrupts.ts";
import { noopRecorder, recordNoop } from "./noop-shortcut.ts";

export type { BuildFlags };

const NOTHING_RAN = { succeeded: 0, failed: 0, fresh: 0, blocked: 0, cancelled: 0 };

function hasCommand(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

export async function buildCommand(ref: RunRef, flags: BuildFlags, emit: EventSink): Promise<number> {
  const { root, name: runName } = ref;
  const warnings: string[] = [];
  const p = await loadProject(ref, {
    site: flags.site,
    sets: flags.set,
    warn: (w) => warnings.push(w.format(fromCwd)),
    typeCheck: { mode: flags.typeCheck },
  });
  validateBuild(p, flags);
  if (flags.launcher !== undefined && flags.launcher !== "local" && flags.launcher !== "slurm") {
    throw new LbgError(`--launcher ${flags.launcher}: expected local or slurm`, { file: "--launcher" });
  }
  const slurm =
    flags.launcher === "slurm" ||
    (flags.launcher === undefined && (!!process.env.SLURM_JOB_ID || p.run.site.launcher === "slurm"));
  // A dry run only shows the job steps: it needs no srun here (ceci --dry-run prints NERSC commands anywhere).
  if (slurm && !flags.dryRun && !hasCommand("srun"))
    throw new LbgError(
      "the slurm launcher needs srun, which is not on PATH",
      { file: "--launcher" },
      "run inside a Slurm allocation, or use --launcher local",
    );
  // Interrupts are caught from here on: Ctrl-C while --wait queues behind another build ends the wait.
  const interrupts = catchInterrupts();
  let lock: BuildLocks | undefined;
  try {
    lock = flags.dryRun
      ? undefined
      : await BuildLocks.acquire({
          root,
          run: runName,
          runLock: join(p.cacheDir, "lock"),
          outputDir: p.run.outputDir,
          wait: !!flags.wait,
          signal: interrupts.signal,
        });
  } catch (e) {
    interrupts.dispose();
    if (!(e instanceof LockWaitAborted)) throw e;
    emit({
      ...NOTHING_RAN,
      event: "build-end",
      ok: false,
      seconds: 0,
      error: "interrupted while waiting for the run's lock",
    });
    return interrupts.code() || 130;
  }
  const executor: Executor = slurm
    ? new SlurmExecutor((pids) => lock?.setWorkers(pids), lock?.file)
    : new LocalExecutor(root, (pids) => lock?.setWorkers(pids), lock?.file);
  if (slurm && flags.jobs === undefined)
    flags = { ...flags, jobs: SlurmExecutor.allocationSlots() ?? p.run.site.maxThreads };
  try {
    const seen = noopRecorder(emit);
    const r = await buildOnce(p, flags, { executor, emit: seen.emit, signal: interrupts.signal, warnings });
    const code = interrupts.code() || r.code;
    if (code === 0) recordNoop(ref, flags, p, warnings, seen.events, slurm);
    return code;
  } finally {
    await executor.close();
    interrupts.dispose();
    lock?.release();
  }
}
