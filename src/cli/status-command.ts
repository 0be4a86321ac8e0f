// `lbg status <run>`: each stage fresh or stale with reasons; nothing is executed or written.
import { join, relative } from "node:path";
import { fromCwd } from "../errors/lbg-error.ts";
import { predictRun } from "../plan/predict-run.ts";
import { RecordStore } from "../store/record-store.ts";
import { loadProject } from "../project/load-project.ts";
import { jobInfo, type JobInfo } from "../slurm/slurm-cli.ts";
import { readSubmittedJob } from "../slurm/submitted-job.ts";
import type { RunRef } from "../project/run-ref.ts";
import { formatBytes } from "../cache/byte-size.ts";
import { formatSeconds, localMinute, restoredWords } from "../events/event-words.ts";
import type { RestoredFrom, StageRecord, StageResources } from "../store/stage-record.ts";

/** Slurm's view of a job; when Slurm cannot be asked here, why not (status must still work). */
function safeJobInfo(id: string): { info?: JobInfo; unknown?: string } {
  try {
    const info = jobInfo(id);
    return info ? { info } : { unknown: "no longer known to Slurm" };
  } catch (e) {
    return { unknown: `state unknown: ${(e as Error).message}` };
  }
}

/** `--long`: what each stage's last run cost (from its record), beside its state. */
export interface LastRun {
  finishedAt: string;
  seconds: number;
  resources?: StageResources;
  restored?: RestoredFrom;
}

function lastRun(r: StageRecord | undefined): LastRun | undefined {
  if (!r) return undefined;
  return {
    finishedAt: r.finishedAt,
    seconds: r.seconds,
    ...(r.resources ? { resources: r.resources } : {}),
    ...(r.restored ? { restored: r.restored } : {}),
  };
}

/** `2.65s  0.87s  96.7 MiB` — wall, CPU, peak RSS of the run that made the outputs; `-` where unknown. */
function costColumns(l: LastRun | undefined): string[] {
  const res = l?.resources;
  return [
    res ? formatSeconds(res.wallSeconds) : l ? formatSeconds(l.seconds) : "-",
    res?.cpuSeconds !== undefined ? formatSeconds(res.cpuSeconds) : "-",
    res?.maxRssBytes !== undefined ? formatBytes(res.maxRssBytes) : "-",
    l ? localMinute(l.finishedAt) : "-",
  ];
}

export async function statusCommand(
  ref: RunRef,
  flags: { json?: boolean; check?: boolean; site?: string; set?: string[]; long?: boolean },
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
  // Inputs given as `none` (no file) are named, so nobody looks for a file the stage never reads.
  const stages = predictRun(root, p.graph, records, p.hashes, forced).map((s) => {
    const noFile = (p.graph.nodes.get(s.stage)?.inputs ?? []).filter((i) => i.noFile).map((i) => i.tag);
    return noFile.length ? { ...s, noFile } : s;
  });
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
  // --check: make -q's answer (0 up to date, 1 not); errors are 2 as for every command.
  const code = flags.check && stages.some((s) => s.state === "stale") ? 1 : 0;
  if (flags.json) {
    const shown = flags.long
      ? stages.map((s) => {
          const l = lastRun(records.get(s.stage));
          return l ? { ...s, lastRun: l } : s;
        })
      : stages;
    out(`${JSON.stringify({ run: runName, stages: shown, ...(slurmJob ? { slurmJob } : {}) })}\n`);
    return code;
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
  if (flags.long) {
    // A table: the cost of the run that made each stage's outputs (restored ones: of the run that built them).
    const rows = stages.map((s) => {
      const l = lastRun(records.get(s.stage));
      const note = [l?.restored ? restoredWords(l.restored) : "", ...notesOf(s)].filter(Boolean).join("; ");
      return [s.state, s.stage, ...costColumns(l), note];
    });
    const head = ["state", "stage", "wall", "CPU", "peak RSS", "finished", ""];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const right = new Set([2, 3, 4]);
    for (const r of [head, ...rows])
      out(
        `${r
          .map((c, i) => (i === r.length - 1 ? c : right.has(i) ? c.padStart(w[i]!) : c.padEnd(w[i]!)))
          .join("  ")
          .trimEnd()}\n`,
      );
  } else
    for (const s of stages)
      out(`${s.state.padEnd(6)} ${s.stage.padEnd(width)}  ${notesOf(s).join("; ")}\n`.replace(/\s+\n$/, "\n"));
  const stale = stages.filter((s) => s.state === "stale").length;
  const part = p.selection ? ` (${stages.length} of ${p.allStages.length} stages: ${p.selection})` : "";
  out(`${runName}: ${stages.length - stale} fresh, ${stale} stale${part}\n`);
  return code;
}

/** A stage's reasons, and its inputs given as `none` (the stage is told there is no file). */
function notesOf(s: { reasons: string[]; noFile?: string[] }): string[] {
  return [...s.reasons, ...(s.noFile ?? []).map((t) => `${t}: no file`)];
}
