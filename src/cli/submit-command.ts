// `lbg submit <run> [--qos Q] [--time T] [--nodes N] [--account A] [--constraint C] [--partition P]
// [-- build options]`: writes the batch script into the run's log folder, submits it with sbatch from the
// project root, prints and records the job id. A run whose submitted job is still pending or running is
// refused with that job's id. `lbg cancel <run>` cancels it; `lbg status <run>` shows its Slurm state.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { LbgError } from "../errors/lbg-error.ts";
import { loadProject } from "../project/load-project.ts";
import type { RunRef } from "../project/run-ref.ts";
import { BATCH_KEYS, batchOptions, batchScript, type BatchOptions } from "../slurm/batch-script.ts";
import { checkSlurmOption } from "../slurm/check-slurm-option.ts";
import { isActive, jobInfo, sbatch, scancel } from "../slurm/slurm-cli.ts";
import { readSubmittedJob, writeSubmittedJob } from "../slurm/submitted-job.ts";

export async function submitCommand(
  ref: RunRef,
  flags: BatchOptions & { site?: string },
  buildArgs: string[],
  out: (s: string) => void,
): Promise<number> {
  for (const key of BATCH_KEYS) {
    const v = flags[key];
    if (v !== undefined) checkSlurmOption(key, v, { file: `--${key}` });
  }
  const p = await loadProject(ref, { site: flags.site, warn: () => {} });
  const options = batchOptions(p.run.site.raw, flags);
  for (const key of BATCH_KEYS) {
    const v = options[key];
    if (v !== undefined && flags[key] === undefined)
      checkSlurmOption(key, v, { file: p.run.site.file ?? "site" }, `site option ${key}: ${JSON.stringify(v)}`);
  }
  const previous = readSubmittedJob(p.cacheDir);
  if (previous) {
    const info = jobInfo(previous.jobId);
    if (info && isActive(info.state)) {
      throw new LbgError(
        `run '${ref.name}' already has Slurm job ${previous.jobId} (${info.state})`,
        { file: "submit" },
        `wait for it, or lbg cancel ${ref.ceciFile ?? ref.name}`,
        1,
      );
    }
  }
  mkdirSync(p.run.logDir, { recursive: true });
  const script = join(p.run.logDir, "lbg-submit.sh");
  writeFileSync(
    script,
    batchScript({
      run: ref.name,
      root: p.run.root,
      logDir: p.run.logDir,
      node: process.execPath,
      lbg: resolve(process.argv[1]!),
      runArg: ref.ceciFile ?? ref.name,
      buildArgs: [...ref.overrides, ...(flags.site ? ["--site", flags.site] : []), ...buildArgs],
      options,
    }),
    { mode: 0o755 },
  );
  const jobId = sbatch(script, p.run.root);
  writeSubmittedJob(p.cacheDir, { jobId, submittedAt: new Date().toISOString(), script });
  out(
    `Submitted batch job ${jobId} (script ${relative(process.cwd(), script)}, log ${relative(process.cwd(), join(p.run.logDir, `slurm-${jobId}.out`))})\n`,
  );
  return 0;
}

export async function cancelCommand(ref: RunRef, out: (s: string) => void): Promise<number> {
  const p = await loadProject(ref, { warn: () => {} });
  const job = readSubmittedJob(p.cacheDir);
  if (!job)
    throw new LbgError(
      `run '${ref.name}' has no submitted Slurm job`,
      { file: "cancel" },
      "lbg submit <run> submits one",
      1,
    );
  const info = jobInfo(job.jobId);
  if (!info || !isActive(info.state)) {
    out(
      `Slurm job ${job.jobId} is not pending or running (${info?.state ?? "no longer known to Slurm"}); nothing to cancel\n`,
    );
    return 0;
  }
  scancel(job.jobId);
  out(`Cancelled Slurm job ${job.jobId}\n`);
  return 0;
}
