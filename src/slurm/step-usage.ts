// A finished job step's figures from Slurm's accounting (`sacct`), for per-stage resources under Slurm. sacct
// needs slurmdbd (accounting storage) and a jobacct_gather plugin, which many sites and test clusters lack:
// then it fails or leaves the fields empty, and the caller falls back on the step's own figures. A site
// without accounting is asked once per lbg process.
import { execFile } from "node:child_process";

export interface StepUsage {
  wallSeconds: number;
  cpuSeconds: number;
  maxRssBytes?: number;
}

let unavailable = false;

/** `[D-]HH:MM:SS[.mmm]`, `MM:SS.mmm` (sacct's Elapsed and TotalCPU) → seconds, or undefined. */
export function parseSlurmDuration(s: string): number | undefined {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(s.trim());
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

/** sacct's MaxRSS (`123456K`, `1.5G`, a bare number of bytes) → bytes, or undefined when empty. */
export function parseSlurmSize(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMGTP]?)$/i.exec(s.trim());
  if (!m) return undefined;
  const pow = " KMGTP".indexOf((m[2] || " ").toUpperCase());
  return Math.round(Number(m[1]) * 1024 ** pow);
}

/**
 * The newest completed step named `name` in `sacct -P -n -o JobID,JobName,State,Elapsed,TotalCPU,MaxRSS`
 * output (steps of a job are `<job>.<n>`; a stage re-run in one allocation has several, the highest `n` is
 * the last).
 */
export function pickStep(sacctOutput: string, jobId: string, name: string): StepUsage | undefined {
  let best: { n: number; u: StepUsage } | undefined;
  for (const line of sacctOutput.split("\n")) {
    const [id, jobName, state, elapsed, totalCpu, maxRss] = line.split("|");
    const m = new RegExp(`^${jobId}\\.(\\d+)$`).exec(id ?? "");
    if (!m || jobName !== name || state !== "COMPLETED") continue;
    const wall = parseSlurmDuration(elapsed ?? "");
    const cpu = parseSlurmDuration(totalCpu ?? "");
    if (wall === undefined || cpu === undefined) continue;
    const rss = parseSlurmSize(maxRss ?? "");
    const n = Number(m[1]);
    if (!best || n > best.n)
      best = { n, u: { wallSeconds: wall, cpuSeconds: cpu, ...(rss !== undefined ? { maxRssBytes: rss } : {}) } };
  }
  return best?.u;
}

/** The step's figures, or undefined (no accounting here, or the step not in it after a second try). */
export async function stepUsage(jobId: string, name: string): Promise<StepUsage | undefined> {
  const first = await askSacct(jobId, name);
  if (first || unavailable) return first;
  // slurmdbd learns of a step's end a moment after srun returns.
  await new Promise((r) => setTimeout(r, 1000));
  return askSacct(jobId, name);
}

function askSacct(jobId: string, name: string): Promise<StepUsage | undefined> {
  if (unavailable) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    execFile(
      "sacct",
      ["-j", jobId, "-P", "-n", "-o", "JobID,JobName,State,Elapsed,TotalCPU,MaxRSS"],
      { timeout: 10_000, encoding: "utf8" },
      (err, stdout) => {
        if (err) {
          unavailable = true;
          return resolve(undefined);
        }
        resolve(pickStep(stdout, jobId, name));
      },
    );
  });
}
