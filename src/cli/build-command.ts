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
import { RunLock } from "../store/run-lock.ts";
import { buildLoaded } from "./build-loaded.ts";

export type { BuildFlags };

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
  const lock = flags.dryRun ? undefined : await RunLock.acquire(join(p.cacheDir, "lock"), ref.name, !!flags.wait);
  return buildLoaded(ref, flags, emit, { project: p, lock, warnings, slurm });
}
