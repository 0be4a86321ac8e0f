// `lbg build <run>`: load the run, take its lock, build it once on warm local workers, and map SIGINT /
// SIGTERM to cancelling the build (exit 130 / 143).
import { join, relative } from "node:path";
import type { EventSink } from "../events/build-event.ts";
import { LocalExecutor } from "../executors/local-executor.ts";
import { loadProject } from "../project/load-project.ts";
import { buildOnce, validateBuild, type BuildFlags } from "../scheduler/build-once.ts";
import { RunLock } from "../store/run-lock.ts";

export type { BuildFlags };

export async function buildCommand(root: string, runName: string, flags: BuildFlags, emit: EventSink): Promise<number> {
  const warnings: string[] = [];
  const p = await loadProject(root, runName, { site: flags.site, sets: flags.set, warn: (w) => warnings.push(w.format((f) => relative(process.cwd(), f) || f)) });
  validateBuild(p, flags);
  const lock = flags.dryRun ? undefined : await RunLock.acquire(join(p.cacheDir, "lock"), runName, !!flags.wait);
  const abort = new AbortController();
  let signalCode = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signalCode = sig === "SIGINT" ? 130 : 143;
    abort.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const executor = new LocalExecutor(root, (pids) => lock?.setWorkers(pids));
  try {
    const r = await buildOnce(p, flags, { executor, emit, signal: abort.signal, warnings });
    return signalCode || r.code;
  } finally {
    await executor.close();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    lock?.release();
  }
}
