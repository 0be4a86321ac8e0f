// One build of a loaded run: decides what is forced, runs pre_script, the stages and post_script, and
// reports build-start … build-end. Shared by `lbg build` (once) and `lbg watch` (after every change); the
// caller owns the run lock, the executor and the interrupt signal.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { LbgError } from "../config/lbg-error.ts";
import type { BuildEvent, EventSink } from "../events/build-event.ts";
import type { Executor } from "../executors/stage-job.ts";
import { predictRun } from "../plan/predict-run.ts";
import { checkRunInputs, type LoadedProject } from "../project/load-project.ts";
import { RecordStore } from "../store/record-store.ts";
import { recoverInterrupted } from "./recover-interrupted.ts";
import { runBuild, tail, type BuildControl, type BuildSummary } from "./run-build.ts";
import { runScript } from "./run-script.ts";
import { writeStageConfig } from "./write-stage-config.ts";

export interface BuildFlags {
  jobs?: number;
  dryRun?: boolean;
  force?: string[] | boolean;
  keepGoing?: boolean;
  site?: string;
  set?: string[];
  resume?: boolean;
  wait?: boolean;
  /** `local` or `slurm` (stages as job steps); default: slurm inside an allocation or if the site says so. */
  launcher?: string;
}

/** Checks done before taking the lock, so bad flags and missing inputs fail fast with exit code 2. */
export function validateBuild(p: LoadedProject, flags: BuildFlags): void {
  const forceSet = Array.isArray(flags.force) ? flags.force : [];
  for (const f of forceSet)
    if (!p.graph.nodes.has(f))
      throw new LbgError(`--force ${f}: no stage '${f}' in run '${p.run.name}'`, { file: "--force" });
  checkRunInputs(p);
}

export interface BuildOutcome {
  summary: BuildSummary;
  /** Exit code: 0 ok, 1 failed. */
  code: number;
}

export async function buildOnce(
  p: LoadedProject,
  flags: BuildFlags,
  deps: { executor: Executor; emit: EventSink; signal: AbortSignal; warnings?: string[]; control?: BuildControl },
): Promise<BuildOutcome> {
  const t0 = Date.now();
  const { run, graph, hashes } = p;
  const { emit } = deps;
  const root = run.root;
  const forceAll = flags.force === true || (Array.isArray(flags.force) && flags.force.length === 0);
  const forceSet = new Set(Array.isArray(flags.force) ? flags.force : []);
  let resume = run.resume;
  if (flags.resume === true) resume = "resume";
  if (flags.resume === false) resume = "restart";
  const forced = (s: string) =>
    forceAll || forceSet.has(s) ? "forced" : resume === "restart" ? "resume: false (restart)" : undefined;
  if (resume === "refuse") {
    const existing = [...graph.nodes.values()].flatMap((n) => n.outputs).find((o) => existsSync(o.path));
    if (existing)
      throw new LbgError(
        `output ${relative(root, existing.path)} already exists and resume is 'refuse'`,
        { file: run.file },
        "clean the run (lbg clean) or set resume: True",
        1,
      );
  }
  const jobs = flags.jobs ?? run.site.maxThreads ?? availableParallelism();
  const records = new RecordStore(join(p.cacheDir, "records.jsonl"), (s) => hashes.h.h64ToString(s)).load();
  const estimates = Object.fromEntries(
    records
      .all()
      .filter((r) => graph.nodes.has(r.stage))
      .map((r) => [r.stage, r.seconds]),
  );
  const start: BuildEvent = {
    event: "build-start",
    run: run.name,
    pipelines: run.pipelines.map((x) => x.name),
    stages: graph.nodes.size,
    jobs,
    resume,
    dryRun: !!flags.dryRun,
    estimates,
  };
  emit(start);
  for (const w of deps.warnings ?? []) emit({ event: "warning", message: w });
  if (records.damage) emit({ event: "warning", message: records.damage });
  if (resume === "restart" && !forceAll)
    emit({
      event: "restart-all",
      reason:
        flags.resume === false
          ? "--no-resume"
          : `resume: ${run.resume === "restart" ? "False" : run.resume} in ${relative(root, run.file)}`,
    });

  const zero: BuildSummary = { ok: true, succeeded: 0, failed: 0, fresh: 0, blocked: 0, cancelled: 0 };
  const end = (s: BuildSummary, error?: string): BuildOutcome => {
    const { ok, ...counts } = s;
    const seconds = (Date.now() - t0) / 1000;
    // Saved now so that a cache that cannot be written is a warning before build-end; saved again after the
    // racy entries settle (below), which must not delay the end of the build.
    const saveProblem = flags.dryRun ? undefined : hashes.save(); // a dry run leaves no state behind
    if (saveProblem) emit({ event: "warning", message: saveProblem });
    emit({ event: "build-end", ok: ok && !error, ...counts, seconds, filesHashed: hashes.filesRead, error });
    return { summary: s, code: ok && !error ? 0 : 1 };
  };

  if (flags.dryRun) {
    const predicted = predictRun(root, graph, records, hashes, forced);
    for (const s of predicted) {
      if (s.state === "fresh") emit({ event: "stage-fresh", stage: s.stage });
      else
        emit({
          event: "stage-start",
          stage: s.stage,
          reasons: s.reasons,
          log: relative(root, join(run.logDir, `${s.stage}.out`)),
          dryRun: true,
        });
    }
    return end({ ...zero, fresh: predicted.filter((s) => s.state === "fresh").length });
  }

  const script = async (which: "pre_script" | "post_script", command: string): Promise<boolean> => {
    const log = join(run.logDir, `${which}.out`);
    emit({ event: "script-start", which, command });
    const t = Date.now();
    const ok = await runScript(command, root, log, deps.signal);
    emit({
      event: "script-end",
      which,
      ok,
      seconds: (Date.now() - t) / 1000,
      log: relative(root, log),
      logTail: ok ? undefined : tail(log),
    });
    return ok;
  };

  try {
    records.compactIfNeeded();
    try {
      const fixed = recoverInterrupted(graph, records, hashes);
      if (fixed.length > 0)
        emit({
          event: "warning",
          message: `an earlier build of this run was cut short: ${fixed.length} leftover${fixed.length > 1 ? "s" : ""} put right (${fixed
            .slice(0, 2)
            .map((f) => f.replace(`${root}/`, ""))
            .join(", ")}${fixed.length > 2 ? ", ..." : ""})`,
        });
    } catch (e) {
      emit({ event: "warning", message: `could not clean up after an earlier build: ${(e as Error).message}` });
    }
    if (run.preScript.trim() && !(await script("pre_script", run.preScript)))
      return end({ ...zero, ok: false }, "pre_script failed");
    const hasPython = [...graph.nodes.values()].some((n) => n.meta.kind === "python");
    if (hasPython) writeStageConfig(run, graph, run.mergedConfigFile);
    const python = hasPython ? { env: p.python, configFile: run.mergedConfigFile } : undefined;
    const sum = await runBuild({
      run,
      graph,
      records,
      hashes,
      executor: deps.executor,
      jobs,
      keepGoing: !!flags.keepGoing,
      forced,
      emit,
      signal: deps.signal,
      control: deps.control,
      python,
    });
    if (sum.ok && run.postScript.trim() && !deps.signal.aborted && !(await script("post_script", run.postScript)))
      return end({ ...sum, ok: false }, "post_script failed");
    return end(sum, deps.signal.aborted ? "interrupted" : undefined);
  } finally {
    await hashes.settle();
    hashes.save(); // a failure was reported above, or is new since then: costs only re-hashing next time
  }
}
