// The heartbeat of lbg's locks (see run-lock.ts): each lock file's mtime is refreshed every few seconds so
// that a build on another host sharing `.cache` can tell a live holder from a dead one. It beats on a worker
// thread, because the main thread can be busy for minutes at a stretch — hashing a huge input is
// synchronous — and a lock whose heartbeat stalled for 60 s may be broken by another host while this build is
// still running. One thread beats for every lock the process holds (a build holds its run's lock and its
// output folder's); it ends when the last lock is released.
import type { Worker } from "node:worker_threads";

// Plain CommonJS evaluated in the worker: no file to find next to the bundle, nothing imported from lbg.
const BEAT = `
const { parentPort, workerData } = require("node:worker_threads");
const { utimesSync } = require("node:fs");
const files = new Set(workerData.files);
parentPort.on("message", (m) => (m.add ? files.add(m.add) : files.delete(m.remove)));
setInterval(() => {
  const now = new Date();
  for (const file of files) {
    try {
      utimesSync(file, now, now);
    } catch { /* the lock was removed: nothing to refresh */ }
  }
}, workerData.ms);
`;

let beating: { worker: Worker; files: Set<string> } | undefined;

/** Starts touching `file` every `ms`; returns the function that stops it. Never keeps the process alive. */
export function startHeartbeat(file: string, ms: number): () => void {
  if (beating) {
    beating.files.add(file);
    beating.worker.postMessage({ add: file });
  } else {
    // (node:worker_threads only when a lock needs a heartbeat: a no-op build takes the lock without one.)
    const { Worker } = process.getBuiltinModule("node:worker_threads");
    const worker = new Worker(BEAT, {
      eval: true,
      workerData: { files: [file], ms },
      resourceLimits: { maxOldGenerationSizeMb: 16 },
    });
    worker.unref();
    worker.on("error", () => {
      /* a heartbeat that cannot run only makes the locks look older to other hosts */
    });
    beating = { worker, files: new Set([file]) };
  }
  const mine = beating;
  return () => {
    if (beating !== mine || !mine.files.delete(file)) return;
    if (mine.files.size > 0) mine.worker.postMessage({ remove: file });
    else {
      void mine.worker.terminate();
      beating = undefined;
    }
  };
}
