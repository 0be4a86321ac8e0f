// The batch job `lbg submit` made for a run, kept in `.cache/runs/<run>/slurm-job.json`:
//   { "jobId": "123", "submittedAt": "<ISO time>", "script": "<path of the batch script>" }
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface SubmittedJob {
  jobId: string;
  submittedAt: string;
  script: string;
}

export function readSubmittedJob(cacheDir: string): SubmittedJob | undefined {
  try {
    const j = JSON.parse(readFileSync(join(cacheDir, "slurm-job.json"), "utf8")) as SubmittedJob;
    return typeof j.jobId === "string" ? j : undefined;
  } catch {
    return undefined;
  }
}

export function writeSubmittedJob(cacheDir: string, job: SubmittedJob): void {
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, "slurm-job.json");
  writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(job));
  renameSync(`${file}.${process.pid}.tmp`, file);
}
