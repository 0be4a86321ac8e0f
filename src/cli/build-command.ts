// `lbg build <run>`: load the run, take its lock, build it once on warm local workers, and map SIGINT /
// SIGTERM to cancelling the build (exit 130 / 143).
import { join, relative } from "node:path";
import type { EventSink } from "../events/build-event.ts";
import { LocalExecutor } from "../executors/local-executor.ts";
import { loadProject } from "../project/load-project.ts";
import type { RunRef } from "../project/run-ref.ts";
import { buildOnce, validateBuild, type BuildFlags } from "../scheduler/build-once.ts";
import { RunLock } from "../store/run-lock.ts";
import { catchInterrupts } from "./interrupts.ts";

export type { BuildFlags };

export async function buildCommand(ref: RunRef, flags: BuildFlags, emit: EventSink): Promise<number> {
  const { root, name: runName } = ref;
  const warnings: string[] = [];
  const p = await loadProject(ref, { site: flags.site, sets: flags.set, warn: (w) => warnings.push(w.format((f) => relative(process.cwd(), f) || f)) });
  validateBuild(p, flags);
  const lock = flags.dryRun ? undefined : await RunLock.acquire(join(p.cacheDir, "lock"), runName, !!flags.wait);
  const interrupts = catchInterrupts();
  const executor = new LocalExecutor(root, (pids) => lock?.setWorkers(pids), lock?.file);
  try {
    const r = await buildOnce(p, flags, { executor, emit, signal: interrupts.signal, warnings });
    return interrupts.code() || r.code;
  } finally {
    await executor.close();
    interrupts.dispose();
    lock?.release();
  }
}
