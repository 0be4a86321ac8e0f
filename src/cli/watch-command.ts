// `lbg watch <run>`: keeps warm workers across builds, takes the run's lock for each build (watch-session.ts:
// an idle watch lets a manual build of the run through), and exits cleanly on Ctrl-C (every stage process
// group is killed, the lock released).
import { join } from "node:path";
import type { EventSink } from "../events/build-event.ts";
import { LocalExecutor } from "../executors/local-executor.ts";
import { findRunFile } from "../config/load-run.ts";
import { runCacheDir } from "../project/run-cache-dir.ts";
import type { BuildFlags } from "../scheduler/build-once.ts";
import { catchInterrupts } from "./interrupts.ts";
import { LbgError } from "../errors/lbg-error.ts";
import { describeHolder, RunLock } from "../store/run-lock.ts";
import { WatchSession } from "../watch/watch-session.ts";
import type { RunRef } from "../project/run-ref.ts";

export interface WatchHooks {
  /** Called with the session once it exists (the UI binds its keys to rebuild / forceFailed / quit). */
  onSession?: (s: WatchSession, quit: () => void) => void;
}

export async function watchCommand(
  ref: RunRef,
  flags: BuildFlags,
  emit: EventSink,
  hooks: WatchHooks = {},
): Promise<number> {
  const { root, name: runName } = ref;
  if (!ref.ceciFile) findRunFile(root, runName);
  const lockFile = join(runCacheDir(root, runName), "lock");
  // One watch per run: two would each build again after the other's build, for ever.
  const watchLock = await RunLock.acquire(join(runCacheDir(root, runName), "watch.lock"), runName, false, {
    taken: (h) =>
      new LbgError(
        `run '${runName}' is already watched by ${describeHolder(h)}`,
        undefined,
        `one lbg watch per run: use that one, or stop it (q or Ctrl-C in its terminal, or kill ${h.pid})`,
        1,
      ),
  });
  // Workers are noted in the lock while a build holds it (a later lbg kills them if this one dies).
  let session: WatchSession | undefined;
  const executor = new LocalExecutor(root, (pids) => session?.currentLock?.setWorkers(pids), lockFile);
  const interrupts = catchInterrupts();
  session = new WatchSession({
    ref,
    flags,
    emit,
    executor,
    signal: interrupts.signal,
    debounceMs: Number(process.env.LBG_WATCH_DEBOUNCE_MS ?? 80),
    lockFile,
    wait: !!flags.wait,
  });
  hooks.onSession?.(session, () => interrupts.abort());
  try {
    await session.run();
    return interrupts.code();
  } finally {
    await executor.close();
    interrupts.dispose();
    watchLock.release();
  }
}
