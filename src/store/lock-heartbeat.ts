// The run lock's heartbeat (see run-lock.ts): its mtime is refreshed every few seconds so that a build on
// another host sharing `.cache` can tell a live holder from a dead one. It beats on a worker thread, because
// the main thread can be busy for minutes at a stretch — hashing a huge input is synchronous — and a lock
// whose heartbeat stalled for 60 s may be broken by another host while this build is still running.

// Plain CommonJS evaluated in the worker: no file to find next to the bundle, nothing imported from lbg.
const BEAT = `
const { workerData } = require("node:worker_threads");
const { utimesSync } = require("node:fs");
setInterval(() => {
  try {
    const now = new Date();
    utimesSync(workerData.file, now, now);
  } catch { /* the lock was removed: nothing to refresh */ }
}, workerData.ms);
`;

/** Starts touching `file` every `ms`; returns the function that stops it. Never keeps the process alive. */
export function startHeartbeat(file: string, ms: number): () => void {
  // (node:worker_threads only when a lock needs a heartbeat: a no-op build takes the lock without one.)
  const { Worker } = process.getBuiltinModule("node:worker_threads");
  const worker = new Worker(BEAT, {
    eval: true,
    workerData: { file, ms },
    resourceLimits: { maxOldGenerationSizeMb: 16 },
  });
  worker.unref();
  worker.on("error", () => {
    /* a heartbeat that cannot run only makes the lock look older to other hosts */
  });
  return () => void worker.terminate();
}
