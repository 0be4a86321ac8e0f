// `lbg build <run>`, the full check: load the run, check its flags and inputs, take its lock and build it
// (build-loaded.ts). The CLI tries the no-op stamp (noop-shortcut.ts) first, which answers a no-op itself and
// hands an incremental build its restored project and lock straight to build-loaded.ts.
import { join } from "node:path";
import type { EventSink } from "../events/build-event.ts";
import { LbgError, fromCwd } from "../errors/lbg-error.ts";
import { spawnSync } from "node:child_process";
import { loadProject } from "../project/load-project.ts";
import type { RunRef } from "../project/run-ref.ts";
import { validateBuild, type BuildFlags } from "../scheduler/build-once.ts";
import { BuildLocks } from "../store/build-locks.ts";
import { LockWaitAborted } from "../store/run-lock.ts";
import { buildLoaded } from "./build-loaded.ts";
import { catchInterrupts } from "./interrupts.ts";

export type { BuildFlags };

const NOTHING_RAN = { succeeded: 0, failed: 0, fresh: 0, blocked: 0, cancelled: 0 };

function hasCommand(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

export async function buildCommand(ref: RunRef, flags: BuildFlags, emit: EventSink): Promise<number> {
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
          root: ref.root,
          run: ref.name,
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
  return buildLoaded(ref, flags, emit, { project: p, lock, warnings, slurm, interrupts });
}
