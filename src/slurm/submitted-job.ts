// The batch job `lbg submit` made for a run, kept in `.cache/runs/<run>/slurm-job.json`:
//   { "jobId": "123", "submittedAt": "<ISO time>", "script": "<path of the batch script>" }
import { readFileSync } from "node:fs";
import { writeAtomic } from "../fs/write-atomic.ts";
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
  writeAtomic(join(cacheDir, "slurm-job.json"), JSON.stringify(job));
}
