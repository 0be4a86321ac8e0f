// What a build holds while it runs stages: its run's lock (run-lock.ts), and the lock of its output folder,
// `.cache/output-dirs/<sha1 of the folder's path>.lock` (the same kind of lock). Runs may share an
// output_dir; their stages' in-progress files are `inprogress_<file name>` there — a name ceci's Python
// stages choose themselves, so it cannot be made distinct per run — and a build removes the in-progress
// files of its stages that an earlier, killed build left. Two runs building into one folder at the same
// time could therefore write, or remove, each other's in-progress files: the second build waits for the
// first (--wait) or is refused, naming the run that holds the folder.
import { createHash } from "node:crypto";
import { realpathSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { LbgError } from "../errors/lbg-error.ts";
import { describeHolder, type LockHolder, RunLock } from "./run-lock.ts";

export interface BuildLockOptions {
  root: string;
  run: string;
  /** The run's lock file (`.cache/runs/<run>/lock`). */
  runLock: string;
  wait: boolean;
  signal?: AbortSignal;
  onWait?: (h: LockHolder) => void;
}

/** Where the lock of an output folder lives (the folder's real path when it exists, so links agree). */
function outputDirLock(root: string, outputDir: string): string {
  let path = resolve(outputDir);
  try {
    path = realpathSync(path);
  } catch {
    /* not made yet */
  }
  return join(root, ".cache", "output-dirs", `${createHash("sha1").update(path).digest("hex").slice(0, 16)}.lock`);
}

export class BuildLocks {
  private dirLock?: RunLock;
  private constructor(
    readonly runLock: RunLock,
    private readonly o: BuildLockOptions,
  ) {}

  /** Takes the run's lock, then (with `outputDir`) its output folder's; throws or, with `wait`, waits. */
  static async acquire(o: BuildLockOptions & { outputDir?: string }): Promise<BuildLocks> {
    const runLock = await RunLock.acquire(o.runLock, o.run, o.wait, { signal: o.signal, onWait: o.onWait });
    return o.outputDir === undefined
      ? new BuildLocks(runLock, o)
      : BuildLocks.adopt(runLock, { ...o, outputDir: o.outputDir });
  }

  /** The locks of a build that already holds its run's lock (an incremental build from the no-op stamp,
   *  noop-shortcut.ts): the output folder's is taken now. */
  static async adopt(runLock: RunLock, o: BuildLockOptions & { outputDir: string }): Promise<BuildLocks> {
    const locks = new BuildLocks(runLock, o);
    try {
      await locks.lockOutputDir(o.outputDir);
    } catch (e) {
      locks.release();
      throw e;
    }
    return locks;
  }

  /** Takes the output folder's lock too (`lbg watch` knows the folder only once the run has loaded). */
  async lockOutputDir(outputDir: string): Promise<void> {
    if (this.dirLock) return;
    const { root, run, wait, signal, onWait } = this.o;
    const shown = relative(root, outputDir) || ".";
    this.dirLock = await RunLock.acquire(outputDirLock(root, outputDir), run, wait, {
      signal,
      onWait,
      why: `it builds into output_dir ${shown} too`,
      taken: (h) =>
        new LbgError(
          `output_dir ${shown} is shared with run '${h.run ?? "?"}', which is being built by ${describeHolder(h)}`,
          undefined,
          "two runs cannot build into one output folder at once (their in-progress files would mix): pass --wait to queue behind it, or give each run an output_dir of its own",
          1,
        ),
    });
  }

  get file(): string {
    return this.runLock.file;
  }

  setWorkers(pids: number[]): void {
    this.runLock.setWorkers(pids);
  }

  release(): void {
    this.dirLock?.release();
    this.runLock.release();
  }
}
