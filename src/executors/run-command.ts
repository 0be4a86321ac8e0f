// Runs a command-line stage (a Python ceci stage) as its own process group, stdout and stderr to its log.
import { spawn } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";
import { TreeSampler } from "./proc-sampler.ts";
import type { CommandStageJob, JobOutcome } from "./stage-job.ts";

const KILL_GRACE_MS = 3_000;

/** Why a stage process ended badly, in the words both executors use (`what` names it: "worker" …). */
export function exitReason(code: number | null, sig: NodeJS.Signals | null, what = ""): string {
  if (sig) return `killed by ${sig}${sig === "SIGKILL" ? " (out of memory, or killed from outside)" : ""}`;
  return `${what ? `${what} ` : ""}exited with code ${code}`;
}

export function runCommand(
  job: CommandStageJob,
  signal: AbortSignal,
  onSpawn: (pid: number) => void = () => {},
  onExit: () => void = () => {},
): Promise<JobOutcome> {
  const fd = openSync(job.log, "w");
  if (job.header) writeSync(fd, `${job.header}\n`);
  return new Promise<JobOutcome>((resolve) => {
    const child = spawn(job.argv[0]!, job.argv.slice(1), {
      cwd: job.cwd,
      env: { ...process.env, ...job.env },
      stdio: ["ignore", fd, fd],
      detached: true,
    });
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const kill = (sig: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        /* gone */
      }
    };
    const onAbort = () => {
      cancelled = true;
      kill("SIGTERM");
      killTimer = setTimeout(() => kill("SIGKILL"), KILL_GRACE_MS);
      killTimer.unref();
    };
    if (child.pid) onSpawn(child.pid);
    // The stage's process tree, measured from outside (a Slurm executor replaces these by the step's figures).
    const t0 = Date.now();
    const sampler = child.pid ? new TreeSampler(child.pid) : undefined;
    child.on("error", (e) => {
      sampler?.stop();
      closeSync(fd);
      onExit();
      resolve({ status: "failed", error: `cannot start ${job.argv[0]}: ${e.message}` });
    });
    child.on("exit", (code, sig) => {
      const usage = sampler?.stop();
      signal.removeEventListener("abort", onAbort);
      if (killTimer) clearTimeout(killTimer);
      kill("SIGKILL"); // anything the stage left running in its group
      try {
        closeSync(fd);
      } catch {
        /* closed by the error path */
      }
      onExit();
      if (cancelled) return resolve({ status: "cancelled" });
      if (code === 0)
        return resolve({
          status: "succeeded",
          resources: { wallSeconds: (Date.now() - t0) / 1000, ...usage, measuredBy: usage ? "proc" : "wall" },
        });
      resolve({ status: "failed", error: exitReason(code, sig) });
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort);
  });
}
