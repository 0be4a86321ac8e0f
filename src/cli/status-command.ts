// `lbg status <run>`: each stage fresh or stale with reasons; nothing is executed or written.
import { join, relative } from "node:path";
import { fromCwd } from "../errors/lbg-error.ts";
import { predictRun } from "../plan/predict-run.ts";
import { RecordStore } from "../store/record-store.ts";
import { loadProject } from "../project/load-project.ts";
import { jobInfo, type JobInfo } from "../slurm/slurm-cli.ts";
import { readSubmittedJob } from "../slurm/submitted-job.ts";
import type { RunRef } from "../project/run-ref.ts";

/** Slurm's view of a job; when Slurm cannot be asked here, why not (status must still work). */
function safeJobInfo(id: string): { info?: JobInfo; unknown?: string } {
  try {
    const info = jobInfo(id);
    return info ? { info } : { unknown: "no longer known to Slurm" };
  } catch (e) {
    return { unknown: `state unknown: ${(e as Error).message}` };
  }
}

export async function statusCommand(
  ref: RunRef,
  flags: { json?: boolean; site?: string; set?: string[] },
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const { root, name: runName } = ref;
  const p = await loadProject(ref, {
    site: flags.site,
    sets: flags.set,
    warn: (w) => err(`warning: ${w.format(fromCwd)}\n`),
  });
  const records = RecordStore.open(p.cacheDir, p.hashes.h);
  if (records.damage) err(`warning: ${records.damage}\n`);
  const forced = (_: string) => (p.run.resume === "restart" ? "resume: false (restart)" : undefined);
  const stages = predictRun(root, p.graph, records, p.hashes, forced);
  // A batch job from `lbg submit`: its Slurm state goes next to the stages' states.
  const submitted = readSubmittedJob(p.cacheDir);
  const { info, unknown } = submitted ? safeJobInfo(submitted.jobId) : {};
  const slurmJob = submitted && {
    id: submitted.jobId,
    state: info?.state ?? "UNKNOWN",
    ...(info?.reason && info.reason !== "None" ? { reason: info.reason } : {}),
    ...(info?.exitCode ? { exitCode: info.exitCode } : {}),
    log: relative(process.cwd(), join(p.run.logDir, `slurm-${submitted.jobId}.out`)),
  };
  if (flags.json) {
    out(`${JSON.stringify({ run: runName, stages, ...(slurmJob ? { slurmJob } : {}) })}\n`);
    return 0;
  }
  if (slurmJob) {
    const detail = [
      slurmJob.reason && `reason ${slurmJob.reason}`,
      slurmJob.exitCode && slurmJob.exitCode !== "0:0" && `exit code ${slurmJob.exitCode}`,
      `log ${slurmJob.log}`,
    ];
    out(`Slurm job ${slurmJob.id}: ${unknown ?? slurmJob.state} (${detail.filter(Boolean).join(", ")})\n`);
  }
  const width = Math.max(...stages.map((s) => s.stage.length), 5);
  for (const s of stages)
    out(`${s.state.padEnd(6)} ${s.stage.padEnd(width)}  ${s.reasons.join("; ")}\n`.replace(/\s+\n$/, "\n"));
  const stale = stages.filter((s) => s.state === "stale").length;
  out(`${runName}: ${stages.length - stale} fresh, ${stale} stale\n`);
  return 0;
}
