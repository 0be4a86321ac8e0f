// Thin wrappers over Slurm's own commands (sbatch, scontrol, scancel, salloc). sacct needs slurmdbd, which
// sites and this machine may lack, so job states come from `scontrol show job -o <id>`.
import { spawnSync } from "node:child_process";
import { LbgError } from "../errors/lbg-error.ts";

/** The one-line error for a Slurm command that could not be started (most often: not installed here). */
function cannotStart(error: Error, cmd: string): LbgError {
  return (error as NodeJS.ErrnoException).code === "ENOENT"
    ? new LbgError(
        `${cmd} not found: Slurm's commands are not on PATH`,
        undefined,
        "run lbg on a Slurm login node, or load the slurm module",
      )
    : new LbgError(`${cmd}: ${error.message}`, undefined);
}

function slurmCommand(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 60_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") throw cannotStart(r.error, cmd);
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Runs `command args...` inside a fresh allocation (salloc requests it and releases it); its exit code. */
export function salloc(options: string[], command: string[]): number {
  const r = spawnSync("salloc", [...options, ...command], { stdio: "inherit" });
  if (r.error) throw cannotStart(r.error, "salloc");
  return r.status ?? 1;
}

/** Submits a batch script; returns the job id. A rejection quotes sbatch's own message. */
export function sbatch(scriptPath: string, cwd: string): string {
  const r = slurmCommand("sbatch", ["--parsable", `--chdir=${cwd}`, scriptPath]);
  if (r.status !== 0)
    throw new LbgError(
      `sbatch rejected the job: ${r.stderr.trim().split("\n").join(" ") || `exit code ${r.status}`}`,
      { file: scriptPath },
      undefined,
      1,
    );
  const id = r.stdout.trim().split(";")[0]!;
  if (!/^\d+$/.test(id))
    throw new LbgError(`sbatch answered '${r.stdout.trim()}' instead of a job id`, { file: scriptPath }, undefined, 1);
  return id;
}

export interface JobInfo {
  id: string;
  state: string;
  reason?: string;
  exitCode?: string;
}

/** The job's state (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, ...), or undefined once Slurm forgot it. */
export function jobInfo(id: string): JobInfo | undefined {
  const r = slurmCommand("scontrol", ["show", "job", "-o", id]);
  if (r.status !== 0) return undefined;
  const field = (k: string) => new RegExp(`(?:^| )${k}=(\\S+)`).exec(r.stdout)?.[1];
  const state = field("JobState");
  return state ? { id, state, reason: field("Reason"), exitCode: field("ExitCode") } : undefined;
}

export function isActive(state: string): boolean {
  return ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING"].includes(state);
}

export function scancel(id: string): void {
  const r = slurmCommand("scancel", [id]);
  if (r.status !== 0) throw new LbgError(`scancel ${id} failed: ${r.stderr.trim()}`, { file: "scancel" }, undefined, 1);
}
