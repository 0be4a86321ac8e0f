// Runs TypeScript stages in a pool of warm worker processes (worker-main.ts), one job per worker at a time.
// Each worker is started detached, so it leads its own process group: cancelling a stage kills the group
// (the stage and anything it spawned), and the pool starts a fresh worker for the next job.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runCommand } from "./run-command.ts";
import type { Executor, FromWorker, JobOutcome, StageJob } from "./stage-job.ts";

const KILL_GRACE_MS = 3_000;

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}

export class LocalExecutor implements Executor {
  private idle: ChildProcess[] = [];
  private busy = new Set<ChildProcess>();
  /** Process groups of running command-line stages. */
  private commands = new Set<number>();
  private readonly workerPath = fileURLToPath(new URL("./worker.mjs", import.meta.url));

  /**
   * `owner` is put in every stage process's environment as LBG_OWNER, so a later lbg can tell, before
   * killing a pid left in a dead build's lock, that the process really is one of that build's stages.
   */
  constructor(private readonly cwd: string, private readonly onWorkers: (pids: number[]) => void = () => {}, private readonly owner = "") {}

  /** Pids of live workers (the run lock records them so a later build can clean up after a kill -9). */
  pids(): number[] {
    return [...[...this.idle, ...this.busy].map((c) => c.pid!).filter(Boolean), ...this.commands];
  }

  private spawnWorker(): ChildProcess {
    const child = fork(this.workerPath, [], {
      cwd: this.cwd,
      env: { ...process.env, LBG_OWNER: this.owner },
      detached: true,
      stdio: ["ignore", "ignore", "ignore", "ipc"],
      serialization: "advanced",
    });
    child.once("exit", () => this.onWorkers(this.pids()));
    this.busy.add(child);
    this.onWorkers(this.pids());
    return child;
  }

  run(job: StageJob, signal: AbortSignal): Promise<JobOutcome> {
    if (job.kind === "command") {
      let pid = 0;
      return runCommand({ ...job, env: { ...job.env, LBG_OWNER: this.owner } }, signal, (p) => {
        pid = p;
        this.commands.add(p);
        this.onWorkers(this.pids());
      }, () => {
        this.commands.delete(pid);
        this.onWorkers(this.pids());
      });
    }
    const child = this.idle.pop() ?? this.spawnWorker();
    this.busy.add(child);
    return new Promise<JobOutcome>((resolve) => {
      let settled = false;
      let cancelled = false;
      let killTimer: NodeJS.Timeout | undefined;
      const finish = (o: JobOutcome, reusable: boolean) => {
        if (settled) return;
        settled = true;
        child.off("message", onMessage);
        child.off("exit", onExit);
        signal.removeEventListener("abort", onAbort);
        if (killTimer) clearTimeout(killTimer);
        this.busy.delete(child);
        if (reusable && child.connected) this.idle.push(child);
        else if (child.exitCode === null) killGroup(child, "SIGKILL");
        resolve(o);
      };
      const onMessage = (m: FromWorker) => {
        if (m.type !== "done") return;
        finish(m.ok ? { status: "succeeded" } : { status: "failed", error: m.error }, !m.error?.endsWith("(uncaught)"));
      };
      const onExit = (code: number | null, sig: NodeJS.Signals | null) => {
        if (cancelled) return finish({ status: "cancelled" }, false);
        const why = sig
          ? `killed by ${sig}${sig === "SIGKILL" ? " (out of memory, or killed from outside)" : ""}`
          : `worker exited with code ${code}`;
        finish({ status: "failed", error: why }, false);
      };
      const onAbort = () => {
        cancelled = true;
        killGroup(child, "SIGTERM");
        killTimer = setTimeout(() => killGroup(child, "SIGKILL"), KILL_GRACE_MS);
        killTimer.unref();
      };
      child.on("message", onMessage);
      child.on("exit", onExit);
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort);
      child.send({ type: "run", job });
    });
  }

  async close(): Promise<void> {
    for (const c of [...this.idle, ...this.busy]) {
      if (c.connected) c.disconnect();
      killGroup(c, "SIGTERM");
    }
    this.idle = [];
  }
}
