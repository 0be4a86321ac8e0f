// Runs TypeScript stages in a pool of warm worker processes (worker-main.ts), one job per worker at a time.
// Each worker is started detached, so it leads its own process group: cancelling a stage kills the group
// (the stage and anything it spawned), and the pool starts a fresh worker for the next job. A worker answers
// "started" when it takes a job, so a warm worker that died while idle costs a fresh worker, not the stage.
// Each worker also carries a stage token (tagged-processes.ts), so what a stage started outside its group
// (`detached: true`) is signalled with it, and a reaper (stage-reaper.ts) kills it all if lbg dies.
import { fork, type ChildProcess } from "node:child_process";
import { appendFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { KILL_GRACE_MS, killGroup } from "../process/kill-group.ts";
import { showCommand, tsCommandLine } from "./command-line.ts";
import type { StageResources } from "../store/stage-record.ts";
import { TreeSampler, type TreeUsage } from "./proc-sampler.ts";
import type { SelfUsage } from "./self-usage.ts";
import { exitFailure, runCommand } from "./run-command.ts";
import { StageReaper } from "./stage-reaper.ts";
import { killTagged, newStageToken, TOKEN_VAR } from "./tagged-processes.ts";
import type { Executor, FromWorker, JobFailure, JobOutcome, StageJob, ToWorker, TsStageJob } from "./stage-job.ts";

/** The stage token of each worker. */
const tokens = new WeakMap<ChildProcess, string>();

/** Signals a worker's process group and (`tagged`) every process that carries its token: what it started
 *  detached. The token costs a pass over /proc, so closing the pool leaves that to the reaper. */
function signalWorker(child: ChildProcess, signal: NodeJS.Signals, tagged = true): void {
  const token = tokens.get(child);
  if (token && tagged) killTagged(token, signal);
  if (!killGroup(child.pid, signal)) {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** Why a worker died, in the stage's words; V8's own last words go to the stage's log. */
function deathReason(code: number | null, sig: NodeJS.Signals | null, stderr: string, log: string): JobFailure {
  if (stderr.trim()) {
    try {
      appendFileSync(log, `\n${stderr.trimEnd()}\n`);
    } catch {
      /* log gone: the reason below still says it */
    }
  }
  if (/heap out of memory|Allocation failed - process out of memory|Reached heap limit/.test(stderr)) {
    return {
      status: "failed",
      error:
        "out of memory: the stage exceeded Node's heap limit (raise it with NODE_OPTIONS=--max-old-space-size=<MiB>)",
      reason: { kind: "out-of-memory" },
    };
  }
  if (code === 0 && !sig)
    return {
      status: "failed",
      error:
        "the stage ended its worker process (exit code 0) before run() returned: a stage returns or throws, it never calls process.exit",
      reason: { kind: "exit-code", code: 0 },
    };
  return exitFailure(code, sig, "worker");
}

/** A TypeScript stage's figures: the worker's own (its peak from inside, plus what processes the stage started
 *  added, sampled from here), or the sampled tree's peak where the worker could not measure its own. */
function workerResources(usage: SelfUsage | undefined, tree: TreeUsage | undefined): StageResources | undefined {
  if (!usage) return undefined;
  const peak =
    usage.maxRssBytes !== undefined ? usage.maxRssBytes + (tree?.maxChildRssBytes ?? 0) : (tree?.maxRssBytes ?? 0);
  return {
    wallSeconds: usage.wallSeconds,
    cpuSeconds: usage.cpuSeconds,
    ...(peak > 0 ? { maxRssBytes: peak } : {}),
    measuredBy: "worker",
  };
}

export class LocalExecutor implements Executor {
  private idle: ChildProcess[] = [];
  private busy = new Set<ChildProcess>();
  /** Process groups of running command-line stages. */
  private commands = new Set<number>();
  /** What each worker printed on its own stderr during its current job (the last 4 KiB). */
  private stderrTail = new WeakMap<ChildProcess, { text: string }>();
  private readonly workerPath = fileURLToPath(new URL("./worker.mjs", import.meta.url));
  private readonly reaper = new StageReaper();

  /**
   * `owner` is put in every stage process's environment as LBG_OWNER, so a later lbg can tell, before
   * killing a pid left in a dead build's lock, that the process really is one of that build's stages.
   */
  constructor(
    private readonly cwd: string,
    private readonly onWorkers: (pids: number[]) => void = () => {},
    private readonly owner = "",
  ) {}

  /** Pids of live workers (the run lock records them so a later build can clean up after a kill -9). */
  pids(): number[] {
    return [...[...this.idle, ...this.busy].map((c) => c.pid!).filter(Boolean), ...this.commands];
  }

  private spawnWorker(): ChildProcess {
    const token = newStageToken();
    this.reaper.track(token);
    const child = fork(this.workerPath, [], {
      cwd: this.cwd,
      env: { ...process.env, LBG_OWNER: this.owner, [TOKEN_VAR]: token },
      detached: true,
      // stderr is kept (its tail only): a stage's own output goes to its log, but what V8 itself prints when
      // the worker dies — "JavaScript heap out of memory" before a SIGABRT — can only be read from here.
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "advanced",
    });
    const tail = { text: "" };
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (d: string) => (tail.text = (tail.text + d).slice(-4096)));
    (child.stderr as unknown as { unref?: () => void }).unref?.();
    this.stderrTail.set(child, tail);
    tokens.set(child, token);
    if (child.pid) this.reaper.track(token, child.pid);
    child.once("exit", () => {
      // What its stages started and left running is ended by the reaper when the build ends (its token
      // stays on the reaper's list); a cancelled stage's is ended at once (killGroup).
      this.reaper.ended(token);
      // A worker that dies while idle (killed from outside, out of memory) must leave the pool at once, or
      // the next stage would be sent to it.
      this.idle = this.idle.filter((c) => c !== child);
      this.onWorkers(this.pids());
    });
    // Node reports an IPC failure as an 'error' event, which would crash lbg unheard. Sends are checked
    // through their callback and a job's outcome comes from its messages and the exit: nothing to do here.
    child.on("error", () => {});
    this.busy.add(child);
    this.onWorkers(this.pids());
    return child;
  }

  /** The last idle worker that is still alive (the exit handler removes dead ones; this also covers an exit
   *  Node has not reported yet). */
  private takeIdle(): ChildProcess | undefined {
    for (let c = this.idle.pop(); c; c = this.idle.pop()) {
      if (c.connected && c.exitCode === null && c.signalCode === null) return c;
    }
    return undefined;
  }

  commandLine(job: StageJob): string {
    return job.kind === "command" ? showCommand(job) : tsCommandLine(job);
  }

  run(job: StageJob, signal: AbortSignal): Promise<JobOutcome> {
    if (job.kind === "command") {
      let pid = 0;
      return runCommand(
        { ...job, env: { ...job.env, LBG_OWNER: this.owner } },
        signal,
        (p) => {
          pid = p;
          this.commands.add(p);
          this.onWorkers(this.pids());
        },
        () => {
          this.commands.delete(pid);
          this.onWorkers(this.pids());
        },
        this.reaper,
      );
    }
    return this.runInWorker(job, signal, false);
  }

  /** `fresh`: start a new worker rather than take an idle one (the retry after a warm worker was lost). */
  private runInWorker(job: TsStageJob, signal: AbortSignal, fresh: boolean): Promise<JobOutcome> {
    const warm = fresh ? undefined : this.takeIdle();
    const child = warm ?? this.spawnWorker();
    this.busy.add(child);
    return new Promise<JobOutcome>((resolve) => {
      let settled = false;
      let cancelled = false;
      /** The worker said it took the job ("started"): from then on, its death is the stage's failure. */
      let accepted = false;
      let killTimer: NodeJS.Timeout | undefined;
      // The worker's process tree, sampled from here (lazily: see TreeSampler): the worker's own figures (sent
      // with "done") cover its process exactly; this adds processes the stage started.
      let sampler: TreeSampler | undefined;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        sampler?.stop();
        child.off("message", onMessage);
        child.off("exit", onExit);
        signal.removeEventListener("abort", onAbort);
        if (killTimer) clearTimeout(killTimer);
        this.busy.delete(child);
        return true;
      };
      const finish = (o: JobOutcome, reusable: boolean) => {
        if (!settle()) return;
        // A worker that was told to stop is never reused, even when its "done" came first: it may be dying.
        if (reusable && !cancelled && child.connected) this.idle.push(child);
        else if (child.exitCode === null && child.signalCode === null) signalWorker(child, "SIGKILL");
        else if (cancelled) signalWorker(child, "SIGKILL"); // what it started detached and that outlived SIGTERM
        resolve(o);
      };
      // The worker is gone (or cannot be written to). If it never took the job, nothing of the stage ran:
      // a warm worker that died while idle is replaced by a fresh one and the job still runs.
      const lost = (why: JobFailure) => {
        if (cancelled) return finish({ status: "cancelled" }, false);
        if (accepted || !warm) return finish(why, false);
        if (!settle()) return;
        signalWorker(child, "SIGKILL");
        resolve(this.runInWorker(job, signal, true));
      };
      const onMessage = (m: FromWorker) => {
        if (m?.type === "started") {
          accepted = true;
          if (child.pid) sampler ??= new TreeSampler(child.pid, 100, true);
        } else if (m?.type !== "done" || typeof m.ok !== "boolean")
          return; // not the worker's protocol
        else if (cancelled) finish({ status: "cancelled" }, false);
        else {
          const tree = sampler?.stop();
          sampler = undefined;
          finish(
            m.ok
              ? { status: "succeeded", resources: workerResources(m.usage, tree) }
              : { status: "failed", error: m.error ?? "the stage failed", reason: { kind: "exception" } },
            !m.error?.endsWith("(uncaught)"),
          );
        }
      };
      const onExit = (code: number | null, sig: NodeJS.Signals | null) => {
        // The exit may be reported before the last of stderr: give the pipe a moment to drain.
        setTimeout(() => lost(deathReason(code, sig, this.stderrTail.get(child)?.text ?? "", job.log)), 50);
      };
      const onAbort = () => {
        cancelled = true;
        signalWorker(child, "SIGTERM");
        killTimer = setTimeout(() => signalWorker(child, "SIGKILL"), KILL_GRACE_MS);
        killTimer.unref();
      };
      // Cancelled before it was sent: the worker never saw the job and stays in the pool.
      if (signal.aborted) return finish({ status: "cancelled" }, true);
      child.on("message", onMessage);
      child.on("exit", onExit);
      signal.addEventListener("abort", onAbort);
      const tail = this.stderrTail.get(child);
      if (tail) tail.text = "";
      child.send({ type: "run", job } satisfies ToWorker, (err) => {
        if (err) {
          lost({
            status: "failed",
            error: `could not send the stage to its worker: ${err.message}`,
            reason: { kind: "worker-lost" },
          });
        }
      });
    });
  }

  async close(): Promise<void> {
    for (const c of [...this.idle, ...this.busy]) {
      if (c.connected) c.disconnect();
      signalWorker(c, "SIGTERM", false);
    }
    this.idle = [];
    // SIGKILL, after a grace, for what did not end on SIGTERM: done by the reaper, which outlives lbg.
    this.reaper.close();
  }
}
