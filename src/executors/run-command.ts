// Runs a command-line stage (a Python ceci stage) as its own process group, stdout and stderr to its log.
// The group, and every process carrying the stage's token (tagged-processes.ts: also what it started
// detached), is signalled when the stage is cancelled and killed when the stage's own process has ended.
import { spawn } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";
import { KILL_GRACE_MS, killGroup } from "../process/kill-group.ts";
import type { StageReaper } from "./stage-reaper.ts";
import type { CommandStageJob, JobFailure, JobOutcome } from "./stage-job.ts";
import { TreeSampler } from "./proc-sampler.ts";
import { killTagged, newStageToken, TOKEN_VAR } from "./tagged-processes.ts";

/** A stage process that ended badly, in the words both executors use (`what` names it: "worker" …). */
export function exitFailure(code: number | null, sig: NodeJS.Signals | null, what = ""): JobFailure {
  if (sig) {
    const error = `killed by ${sig}${sig === "SIGKILL" ? " (out of memory, or killed from outside)" : ""}`;
    return { status: "failed", error, reason: { kind: "signal", signal: sig } };
  }
  // Node reports an exit with neither a code nor a signal only for a process it never saw end normally.
  const exit = code ?? 1;
  return {
    status: "failed",
    error: `${what ? `${what} ` : ""}exited with code ${exit}`,
    reason: { kind: "exit-code", code: exit },
  };
}

export function runCommand(
  job: CommandStageJob,
  signal: AbortSignal,
  onSpawn: (pid: number) => void = () => {},
  onExit: () => void = () => {},
  reaper?: StageReaper,
): Promise<JobOutcome> {
  const fd = openSync(job.log, "w");
  if (job.header) writeSync(fd, `${job.header}\n`);
  const token = newStageToken();
  reaper?.track(token);
  return new Promise<JobOutcome>((resolve) => {
    const child = spawn(job.argv[0]!, job.argv.slice(1), {
      cwd: job.cwd,
      env: { ...process.env, ...job.env, [TOKEN_VAR]: token },
      stdio: ["ignore", fd, fd],
      detached: true,
    });
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const kill = (sig: NodeJS.Signals) => {
      killGroup(child.pid, sig);
      killTagged(token, sig);
    };
    const onAbort = () => {
      cancelled = true;
      kill("SIGTERM");
      killTimer = setTimeout(() => kill("SIGKILL"), KILL_GRACE_MS);
      killTimer.unref();
    };
    if (child.pid) {
      reaper?.track(token, child.pid);
      onSpawn(child.pid);
    }
    // The stage's process tree, measured from outside (a Slurm executor replaces these by the step's figures).
    const t0 = Date.now();
    const sampler = child.pid ? new TreeSampler(child.pid) : undefined;
    child.on("error", (e) => {
      sampler?.stop();
      reaper?.untrack(token);
      closeSync(fd);
      onExit();
      resolve({
        status: "failed",
        error: `cannot start ${job.argv[0]}: ${e.message}`,
        reason: { kind: "cannot-start" },
      });
    });
    child.on("exit", (code, sig) => {
      const usage = sampler?.stop();
      signal.removeEventListener("abort", onAbort);
      if (killTimer) clearTimeout(killTimer);
      // Anything the stage left running in its group; what it started detached is found by its token — at
      // once when it was cancelled, else by the reaper when the build ends (one /proc pass for all stages).
      killGroup(child.pid, "SIGKILL");
      if (cancelled || !reaper) killTagged(token, "SIGKILL");
      reaper?.ended(token);
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
      resolve(exitFailure(code, sig));
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort);
  });
}
