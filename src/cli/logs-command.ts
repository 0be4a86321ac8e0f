// `lbg logs <run> <stage> [-f] [-n N]`: the stage's last log, `<log_dir>/<stage>.out` of the run (the file
// every build rewrites when the stage starts). With -f it keeps printing what the stage writes while a build
// of the run is going on, and ends when the stage ends (or the build does, or Ctrl-C).
//
// When a stage has ended: the log is held open by the process that runs it — the stage worker (TypeScript
// stages) or lbg itself (command stages: it hands the file to the child and closes it when the child exits).
// Both pids are in the run's lock (holder and `workers`), so on this host "running" is "one of them has the
// log open" (/proc/<pid>/fd). For a build on another host (a Slurm batch job) only the lock's heartbeat is
// visible: following ends with the build.
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { join, relative } from "node:path";
import { StringDecoder } from "node:string_decoder";
import type { Warn } from "../config/check-value.ts";
import { loadCeciPipeline } from "../config/load-ceci-pipeline.ts";
import { loadRun } from "../config/load-run.ts";
import { suggest } from "../errors/did-you-mean.ts";
import { LbgError } from "../errors/lbg-error.ts";
import { lastLinesOffset } from "../fs/read-tail.ts";
import { runCacheDir } from "../project/run-cache-dir.ts";
import { resolveRunRef } from "../project/run-ref.ts";
import { logPath } from "../scheduler/stage-log.ts";
import { type LockHolder, liveLockHolder } from "../store/run-lock.ts";

const POLL_MS = 200;

/** Whether a process on this host has `file` (by device and inode) open; undefined when /proc cannot say. */
function holdsOpen(pids: number[], file: { dev: number; ino: number }): boolean | undefined {
  if (!existsSync("/proc/self/fd")) return undefined;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours
    }
    for (const fd of fds) {
      try {
        const st = statSync(`/proc/${pid}/fd/${fd}`);
        if (st.ino === file.ino && st.dev === file.dev) return true;
      } catch {
        /* closed meanwhile */
      }
    }
  }
  return false;
}

/** Whether the stage is running now: true, false, or undefined when only "a build is running" is known. */
function stageRunning(holder: LockHolder | undefined, log: string): boolean | undefined {
  if (!holder) return false;
  if (holder.host !== hostname()) return undefined;
  try {
    const st = statSync(log);
    return holdsOpen([holder.pid, ...(holder.workers ?? [])], st);
  } catch {
    return false; // no log yet: not started
  }
}

/** Prints `file` from byte `from` to its end, a chunk per event-loop turn (main.ts's `out` writes what it was
 *  given once per turn), so that a log of gigabytes is never held whole; returns the bytes printed. */
async function printFrom(file: string, from: number, out: (s: string) => void): Promise<number> {
  const fd = openSync(file, "r");
  try {
    const decoder = new StringDecoder("utf8");
    const buf = Buffer.alloc(1024 * 1024);
    let pos = from;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n <= 0) break;
      out(decoder.write(buf.subarray(0, n)));
      pos += n;
      if (n === buf.length) await new Promise((r) => setImmediate(r));
    }
    out(decoder.end());
    return pos - from;
  } finally {
    closeSync(fd);
  }
}

export async function logsCommand(
  runArg: string,
  stage: string,
  o: { follow?: boolean; lines?: string; templateParameters?: string[] | boolean },
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const lines = o.lines === undefined ? undefined : Number(o.lines);
  if (lines !== undefined && (!Number.isInteger(lines) || lines < 0))
    throw new LbgError(`-n ${o.lines}: expected a number of lines`, { file: "-n" });
  const ref = resolveRunRef(runArg, [], undefined, Array.isArray(o.templateParameters) ? o.templateParameters : []);
  const quiet: Warn = () => {};
  const run = ref.ceciFile
    ? loadCeciPipeline(ref.root, ref.ceciFile, ref.name, [], quiet, ref.templateParams)
    : loadRun({ root: ref.root, run: ref.name, warn: quiet });
  // pre_script and post_script have logs of their own in log_dir, under these names.
  const names = [
    ...run.stages.map((s) => s.name),
    ...(run.preScript ? ["pre_script"] : []),
    ...(run.postScript ? ["post_script"] : []),
  ];
  if (!names.includes(stage))
    throw new LbgError(
      `run '${runArg}' has no stage '${stage}'`,
      { file: run.file },
      suggest(stage, names, `stages of '${runArg}'`),
    );
  const log = logPath(run.logDir, stage);
  const shown = relative(process.cwd(), log) || log;
  const lockFile = join(runCacheDir(ref.root, ref.name), "lock");

  if (!o.follow) {
    if (!existsSync(log)) {
      err(`lbg: no log of ${stage} yet (${shown}): it has not run since the last clean\n`);
      return 1;
    }
    // -n: from where its last lines begin, found from the end (a log may be gigabytes).
    await printFrom(log, lines === undefined ? 0 : lastLinesOffset(log, lines), out);
    return 0;
  }

  // -f: print what is there, then what is appended; a log truncated or replaced (the stage started again,
  // e.g. under lbg watch) is printed from its start after a marker line.
  let pos = 0;
  let ino: number | undefined;
  let seenRunning = false;
  let first = true;
  const interrupted = new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  let stop = false;
  void interrupted.then(() => (stop = true));
  if (!liveLockHolder(lockFile) && !existsSync(log)) {
    err(`lbg: no log of ${stage} yet (${shown}), and no build of '${runArg}' is running\n`);
    return 1;
  }
  for (;;) {
    // Decide whether to stop before reading, so that the last bytes a finished stage wrote are printed.
    const holder = liveLockHolder(lockFile);
    const running = stageRunning(holder, log);
    if (running) seenRunning = true;
    const done = stop || !holder || (running === false && seenRunning);
    try {
      const st = statSync(log);
      if (ino !== undefined && (st.ino !== ino || st.size < pos)) {
        out(`--- ${stage} started again ---\n`);
        pos = 0;
      }
      ino = st.ino;
      if (first && lines !== undefined) pos = lastLinesOffset(log, lines);
      if (st.size > pos) pos += await printFrom(log, pos, out);
      first = false;
    } catch {
      /* no log yet: the stage has not started in this build */
    }
    if (done) {
      if (!holder && !stop && !seenRunning) err(`lbg: ${stage} is not running (no build of '${runArg}' is)\n`);
      return stop ? 130 : 0;
    }
    await Promise.race([new Promise((r) => setTimeout(r, POLL_MS)), interrupted]);
  }
}
