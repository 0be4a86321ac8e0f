// One build per run at a time. The lock is `.cache/runs/<run>/lock`, created with O_EXCL and holding
//   {"pid": 123, "host": "nid001", "since": "<ISO time>", "workers": [456, 789]}
// Its mtime is the heartbeat, refreshed every 5 s, because `.cache` may sit on a shared file system where the
// pid of another host means nothing. A lock is broken when its holder is on this host and no longer alive,
// or when its heartbeat is older than 60 s. `workers` are the stage worker processes of the holder: when a
// lock of a dead lbg on this host is broken, those that are still running (an lbg killed with SIGKILL
// cannot stop them) are killed first, so they cannot keep writing in-progress files of the new build.
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { LbgError } from "../config/lbg-error.ts";
import { writeAtomic } from "../fs/write-atomic.ts";

const HEARTBEAT_MS = 5_000;
const STALE_MS = 60_000;

export interface LockHolder { pid: number; host: string; since: string; workers?: number[] }

/** Kills stage process groups left by a dead holder on this host: only processes tagged LBG_OWNER=<lock file>. */
function killOrphans(file: string): void {
  let h: LockHolder;
  try {
    h = JSON.parse(readFileSync(file, "utf8")) as LockHolder;
  } catch {
    return;
  }
  if (h.host !== hostname()) return;
  for (const pid of h.workers ?? []) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`LBG_OWNER=${file}`)) continue;
      process.kill(-pid, "SIGKILL");
    } catch { /* already gone, or not ours */ }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8")); // a zombie holds nothing
  } catch {
    return true; // no /proc (not Linux): trust kill(pid, 0)
  }
}

export class RunLock {
  private timer?: NodeJS.Timeout;
  private since = new Date().toISOString();
  private released = false;
  private constructor(readonly file: string) {}

  /** Records the current worker pids in the lock (atomically: a reader sees the old or the new file). */
  setWorkers(workers: number[]): void {
    if (this.released) return; // workers reported dead after release must not re-create the lock
    try {
      writeAtomic(this.file, JSON.stringify({ pid: process.pid, host: hostname(), since: this.since, workers } satisfies LockHolder));
    } catch { /* the lock is advisory about workers; failing to note them only loses the orphan clean-up */ }
  }

  /** Holder of the lock if it is held by a live process, else undefined. */
  static holder(file: string): LockHolder | undefined {
    try {
      const h = JSON.parse(readFileSync(file, "utf8")) as LockHolder;
      const age = Date.now() - statSync(file).mtimeMs;
      if (h.host === hostname()) return alive(h.pid) ? h : undefined;
      return age > STALE_MS ? undefined : h;
    } catch {
      return undefined; // unreadable or half-written lock: treat as free (it is re-created with O_EXCL)
    }
  }

  static async acquire(file: string, run: string, wait: boolean): Promise<RunLock> {
    mkdirSync(dirname(file), { recursive: true });
    for (;;) {
      try {
        const fd = openSync(file, "wx");
        const lock = new RunLock(file);
        try {
          writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: lock.since } satisfies LockHolder));
        } catch (e) {
          closeSync(fd);
          unlinkSync(file); // an empty lock (a full disk) would only confuse the next build
          throw e;
        }
        closeSync(fd);
        lock.timer = setInterval(() => {
          try { utimesSync(file, new Date(), new Date()); } catch { /* lock removed under us: nothing to refresh */ }
        }, HEARTBEAT_MS);
        lock.timer.unref();
        return lock;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new LbgError(`cannot create lock ${file}: ${(e as Error).message}`, undefined, undefined, 1);
      }
      const h = RunLock.holder(file);
      if (!h) {
        killOrphans(file);
        try { unlinkSync(file); } catch { /* someone else broke it first */ }
        continue;
      }
      if (!wait) {
        throw new LbgError(`run '${run}' is being built by pid ${h.pid} on ${h.host} since ${h.since}`, undefined, "wait for it, or pass --wait to queue behind it", 1);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  release(): void {
    this.released = true;
    if (this.timer) clearInterval(this.timer);
    try {
      const h = JSON.parse(readFileSync(this.file, "utf8")) as LockHolder;
      if (h.pid === process.pid && h.host === hostname()) unlinkSync(this.file);
    } catch { /* already gone */ }
  }
}
