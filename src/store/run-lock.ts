// One build per run at a time. The lock is `.cache/runs/<run>/lock`, holding
//   {"pid": 123, "host": "nid001", "since": "<ISO time>", "command": "lbg build", "run": "photoz_sim",
//    "workers": [456, 789]}
// (`command` and `run`: which lbg command holds it and for which run, for the messages of those who find
// it taken). The same kind of lock guards a run's output folder (build-locks.ts).
// It is written to a temp file and hard-linked into place (link fails when a lock exists, also over NFS), so
// a lock is never seen empty or half-written. Its mtime is the heartbeat, refreshed every 5 s by a worker
// thread (lock-heartbeat.ts), because `.cache` may sit on a shared file system where the pid of another host
// means nothing. A lock is dead when its holder is on this host and no longer alive, when its heartbeat is
// older than 60 s, or when it cannot be parsed. `workers` are the stage worker processes of the holder: when
// a lock of a dead lbg on this host is broken, those that are still running (an lbg killed with SIGKILL
// cannot stop them) are killed first, so they cannot keep writing in-progress files of the new build.
//
// Breaking a dead lock: several builds may find it dead at once. Each renames it to a name of its own and
// then checks that what it renamed is the lock it found dead (same inode and content); only that one removes
// it. One that finds it took a newer, live lock instead (another build broke the dead one and made its own
// in between) links it straight back. Then everyone tries to create the lock again, and one wins.
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { LbgError } from "../errors/lbg-error.ts";
import { errorReason } from "../fs/error-reason.ts";
import { writeAtomic } from "../fs/write-atomic.ts";
import { killGroup } from "../process/kill-group.ts";
import { startHeartbeat } from "./lock-heartbeat.ts";

const HEARTBEAT_MS = 5_000;
const STALE_MS = 60_000;

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  /** `lbg build`, `lbg watch`, ... (absent in locks of older versions). */
  command?: string;
  /** The run it builds (absent in locks of older versions). */
  run?: string;
  workers?: number[];
}

/** The lbg command this process runs, as a lock holder names it. */
const COMMAND = `lbg${process.argv[2] && /^[a-z]+$/.test(process.argv[2]) ? ` ${process.argv[2]}` : ""}`;

/** "pid 123 on nid001 since 2025-01-01T10:00:00Z (lbg watch)" */
export function describeHolder(h: LockHolder): string {
  return `pid ${h.pid} on ${h.host} since ${h.since}${h.command ? ` (${h.command})` : ""}`;
}

/** What to say to one who finds the run taken by `h`; `canWait`: the refused command has `--wait` (`lbg clean`
 *  and `lbg accept` do not). */
export function takenHint(h: LockHolder, canWait = true): string {
  if (h.command === "lbg watch")
    return canWait
      ? `that lbg watch builds the run after every edit: pass --wait to queue behind its build, or stop the watch (q or Ctrl-C in its terminal, or kill ${h.pid})`
      : `that lbg watch builds the run after every edit: run this again once its build has ended, or stop the watch (q or Ctrl-C in its terminal, or kill ${h.pid})`;
  return canWait ? "wait for it, or pass --wait to queue behind it" : "run this again once that build has ended";
}

/** Thrown by a waiting acquire whose signal was aborted (Ctrl-C while waiting). */
export class LockWaitAborted extends Error {
  constructor() {
    super("stopped waiting for the run's lock");
  }
}

/** A lock file as seen at one moment: what identifies it, and its holder when it parses. */
interface Seen {
  ino: number;
  text: string;
  mtimeMs: number;
  holder?: LockHolder;
}

function look(file: string): Seen | undefined {
  try {
    const st = statSync(file);
    // A folder (or anything else) in the lock's place would be "taken" forever: say so instead of waiting.
    if (!st.isFile()) throw new LbgError("this lock is not a file", { file }, "remove it: lbg makes the lock itself");
    const text = readFileSync(file, "utf8");
    let holder: LockHolder | undefined;
    try {
      const h = JSON.parse(text) as LockHolder;
      if (h && typeof h.pid === "number" && typeof h.host === "string") holder = h;
    } catch {
      /* damaged: dead */
    }
    return { ino: st.ino, text, mtimeMs: st.mtimeMs, holder };
  } catch (e) {
    if (e instanceof LbgError) throw e;
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined; // gone
    throw new LbgError(`cannot read this lock: ${errorReason(e)}`, { file }, undefined, 1);
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

function liveHolder(s: Seen): LockHolder | undefined {
  const h = s.holder;
  if (!h) return undefined;
  if (h.host === hostname()) return alive(h.pid) ? h : undefined;
  return Date.now() - s.mtimeMs > STALE_MS ? undefined : h;
}

/** Kills stage process groups left by a dead holder on this host: only processes tagged LBG_OWNER=<lock file>. */
function killOrphans(file: string, h: LockHolder | undefined): void {
  if (!h || h.host !== hostname()) return;
  for (const pid of h.workers ?? []) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`LBG_OWNER=${file}`)) continue;
      killGroup(pid, "SIGKILL");
    } catch {
      /* already gone, or not ours */
    }
  }
}

/** Removes the lock seen dead as `dead`, unless it was replaced meanwhile (see the header). */
function breakDead(file: string, dead: Seen): void {
  // Orphans first, while the dead lock still keeps everyone else out: once it is gone a new holder starts
  // workers of its own, tagged with the same lock file.
  killOrphans(file, dead.holder);
  const grave = `${file}.dead-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(file, grave);
  } catch {
    return; // someone else broke it first
  }
  const taken = look(grave);
  if (taken && taken.ino === dead.ino && taken.text === dead.text) {
    unlinkSync(grave);
    return;
  }
  try {
    linkSync(grave, file);
  } catch {
    /* a newer lock is in place already */
  }
  unlinkSync(grave);
}

/** Creates the lock file with its content in one step, or returns false when a lock exists. */
function create(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.new`;
  try {
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new LbgError(`cannot create lock ${file}: ${errorReason(e)}`, undefined, undefined, 1);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* never made */
    }
  }
}

export class RunLock {
  private stopBeat?: () => void;
  private since = new Date().toISOString();
  private released = false;
  private constructor(
    readonly file: string,
    private readonly run: string,
  ) {}

  private mine(): boolean {
    const h = look(this.file)?.holder;
    return !!h && h.pid === process.pid && h.host === hostname();
  }

  /** Records the current worker pids in the lock (atomically: a reader sees the old or the new file). */
  setWorkers(workers: number[]): void {
    if (this.released || !this.mine()) return; // never re-create a released lock, nor replace another's
    try {
      writeAtomic(
        this.file,
        JSON.stringify({
          pid: process.pid,
          host: hostname(),
          since: this.since,
          command: COMMAND,
          run: this.run,
          workers,
        } satisfies LockHolder),
      );
    } catch {
      /* the lock is advisory about workers; failing to note them only loses the orphan clean-up */
    }
  }

  /**
   * Takes the lock, breaking a dead one; a live holder is an error (exit 1) or, with `wait`, waited for:
   * `onWait` is told each holder waited for (by default a line on stderr says whom lbg waits for), and an
   * aborted `signal` (Ctrl-C) ends the wait with LockWaitAborted.
   * `heartbeat: false` for holders that keep it only for a moment (the no-op shortcut's stat calls).
   */
  static async acquire(
    file: string,
    run: string,
    wait: boolean,
    opts: {
      heartbeat?: boolean;
      signal?: AbortSignal;
      onWait?: (h: LockHolder) => void;
      /** Why this lock is waited for, when not for the run itself (said in the default waiting line). */
      why?: string;
      /** The error when it is taken and `wait` is off (default: "run '<run>' is being built by ..."). */
      taken?: (h: LockHolder) => LbgError;
      /** The command has no `--wait` (its refusal must not suggest one). */
      noWaitFlag?: boolean;
    } = {},
  ): Promise<RunLock> {
    mkdirSync(dirname(file), { recursive: true });
    let waitingFor: string | undefined;
    for (;;) {
      if (opts.signal?.aborted) throw new LockWaitAborted();
      const lock = new RunLock(file, run);
      if (
        create(
          file,
          JSON.stringify({
            pid: process.pid,
            host: hostname(),
            since: lock.since,
            command: COMMAND,
            run,
          } satisfies LockHolder),
        )
      ) {
        if (opts.heartbeat !== false) lock.stopBeat = startHeartbeat(file, HEARTBEAT_MS);
        return lock;
      }
      const seen = look(file);
      if (!seen) continue; // released just now
      const h = liveHolder(seen);
      if (!h) {
        breakDead(file, seen);
        continue;
      }
      if (!wait) {
        throw (
          opts.taken?.(h) ??
          new LbgError(
            `run '${run}' is being built by ${describeHolder(h)}`,
            undefined,
            takenHint(h, !opts.noWaitFlag),
            1,
          )
        );
      }
      const who = `${h.pid}@${h.host}@${h.since}`;
      if (who !== waitingFor) {
        waitingFor = who;
        (
          opts.onWait ??
          ((x) =>
            process.stderr.write(
              `lbg: waiting for ${describeHolder(x)} to finish building run '${x.run ?? run}'${opts.why ? ` (${opts.why})` : ""} (Ctrl-C to stop waiting)\n`,
            ))
        )(h);
      }
      await sleep(500, opts.signal);
    }
  }

  /** Starts the heartbeat of a lock taken without one (the no-op shortcut, when it goes on to build). */
  beat(): void {
    if (!this.released && !this.stopBeat) this.stopBeat = startHeartbeat(this.file, HEARTBEAT_MS);
  }

  release(): void {
    this.released = true;
    this.stopBeat?.();
    try {
      if (this.mine()) unlinkSync(this.file);
    } catch {
      /* already gone */
    }
  }
}

/** Resolves after `ms`, or at once when `signal` is aborted. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** The live holder of a run's lock, if a build holds it now (read only: a dead lock is left alone); a watch
 *  waiting to build after another's build asks this too. */
export function liveLockHolder(file: string): LockHolder | undefined {
  const seen = look(file);
  return seen && liveHolder(seen);
}
