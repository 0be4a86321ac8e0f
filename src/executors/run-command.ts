// Runs a command-line stage (a Python ceci stage) as its own process group, stdout and stderr to its log.
// The group, and every process carrying the stage's token (tagged-processes.ts: also what it started
// detached), is signalled when the stage is cancelled and killed when the stage's own process has ended.
import { spawn } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";
import type { StageReaper } from "./stage-reaper.ts";
import type { CommandStageJob, JobOutcome } from "./stage-job.ts";
import { killTagged, newStageToken, TOKEN_VAR } from "./tagged-processes.ts";

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
      try {
        process.kill(-child.pid!, sig);
      } catch {
        /* gone */
      }
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
    child.on("error", (e) => {
      reaper?.untrack(token);
      closeSync(fd);
      onExit();
      resolve({ status: "failed", error: `cannot start ${job.argv[0]}: ${e.message}` });
    });
    child.on("exit", (code, sig) => {
      signal.removeEventListener("abort", onAbort);
      if (killTimer) clearTimeout(killTimer);
      // Anything the stage left running in its group; what it started detached is found by its token — at
      // once when it was cancelled, else by the reaper when the build ends (one /proc pass for all stages).
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
      if (cancelled || !reaper) killTagged(token, "SIGKILL");
      reaper?.ended(token);
      try {
        closeSync(fd);
      } catch {
        /* closed by the error path */
      }
      onExit();
      if (cancelled) return resolve({ status: "cancelled" });
      if (code === 0) return resolve({ status: "succeeded" });
      resolve({ status: "failed", error: exitReason(code, sig) });
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort);
  });
}
