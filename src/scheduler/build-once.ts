// One build of a loaded run: decides what is forced, runs pre_script, the stages and post_script, and
// reports build-start … build-end. Shared by `lbg build` (once) and `lbg watch` (after every change); the
// caller owns the run lock, the executor and the interrupt signal.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { isAbsolute, join, relative } from "node:path";
import { appendCacheBuild } from "../cache/cache-history.ts";
import { cacheDirFor } from "../cache/cache-dir.ts";
import { RunCache } from "../cache/run-cache.ts";
import { LbgError } from "../errors/lbg-error.ts";
import { suggest } from "../errors/did-you-mean.ts";
import { shownPath } from "../fs/shown-path.ts";
import type { ResumeMode, RunModel } from "../config/run-model.ts";
import type { EventSink } from "../events/build-event.ts";
import type { Executor } from "../executors/stage-job.ts";
import { stageMetas, stagesWithMetrics, upstreamOf } from "../graph/graph-facts.ts";
import { predictRun } from "../plan/predict-run.ts";
import { checkRunInputs } from "../project/check-run-inputs.ts";
import type { LoadedProject } from "../project/load-project.ts";
import { RecordStore } from "../store/record-store.ts";
import { recoverInterrupted } from "./recover-interrupted.ts";
import { NOTHING_DONE, runBuild, type BuildControl, type BuildSummary } from "./run-build.ts";
import { logPath, tail } from "./stage-log.ts";
import { runScript } from "./run-script.ts";
import { type JobSetting, stageJobFor } from "./stage-job-for.ts";
import { metricsReporter } from "./report-metrics.ts";
import { LastBuildRecorder, writeLastBuild } from "../store/last-build.ts";
import { errorReason } from "../fs/error-reason.ts";

export interface BuildFlags {
  jobs?: number;
  dryRun?: boolean;
  /** `true` (`--force`): every stage the build selects; a list (`--force-stage S`, `--force=S`): those. */
  force?: string[] | boolean;
  keepGoing?: boolean;
  site?: string;
  set?: string[];
  resume?: boolean;
  wait?: boolean;
  /** `local` or `slurm` (stages as job steps); default: slurm inside an allocation or if the site says so. */
  launcher?: string;
  /** `--type-check error|warn|off` (the CLI checks the word): beats the site file's `type_check`. */
  typeCheck?: "error" | "warn" | "off";
}

/** Checks done before taking the lock, so bad flags and missing inputs fail fast with exit code 2. */
export function validateBuild(p: LoadedProject, flags: BuildFlags): void {
  const forceSet = Array.isArray(flags.force) ? flags.force : [];
  for (const f of forceSet) {
    if (p.graph.nodes.has(f)) continue;
    if (p.allStages.includes(f))
      throw new LbgError(
        `--force-stage ${f}: stage '${f}' is not among the stages this build selects (${p.selection})`,
        { file: "--force-stage" },
        "name it as a target as well, or leave out --until/--from",
      );
    throw new LbgError(
      `--force-stage ${f}: no stage '${f}' in run '${p.run.name}'`,
      { file: "--force-stage" },
      suggest(f, p.allStages, "stages"),
    );
  }
  checkRunInputs(p, { allowMissing: flags.dryRun });
}

export interface BuildOutcome {
  summary: BuildSummary;
  /** Exit code: 0 ok, 1 failed. */
  code: number;
  /** The run's records as the build left them. */
  records: RecordStore;
}

export interface BuildDeps {
  executor: Executor;
  emit: EventSink;
  signal: AbortSignal;
  warnings?: string[];
  control?: BuildControl;
  /** Stages known unchanged since the previous plan (an incremental build): see run-build.ts. */
  unchanged?: (stage: string) => boolean;
  /** Where each record is in the records file, as the no-op stamp knows it (an incremental build). */
  recordsAt?: Parameters<typeof RecordStore.at>[2];
}

export async function buildOnce(p: LoadedProject, flags: BuildFlags, callerDeps: BuildDeps): Promise<BuildOutcome> {
  const t0 = Date.now();
  const { run, hashes } = p;
  // How each stage ends is kept for `lbg report` (src/store/last-build.ts): it sees every event of the build.
  const outcomes = new LastBuildRecorder();
  const emit: EventSink = (e) => {
    outcomes.see(e);
    callerDeps.emit(e);
  };
  const deps: BuildDeps = { ...callerDeps, emit };
  const resume = resumeMode(run, flags);
  const forced = forcedReason(flags, resume);
  if (resume === "refuse") refuseExistingOutputs(p);
  const jobs = flags.jobs ?? run.site.maxThreads ?? availableParallelism();
  // An incremental build: the no-op stamp vouched for the records file and knows where each record is in it.
  const records = deps.recordsAt
    ? RecordStore.at(p.cacheDir, hashes.h, deps.recordsAt)
    : RecordStore.open(p.cacheDir, hashes.h);
  announce(p, flags, { records, jobs, resume }, deps);
  const cache = flags.dryRun ? undefined : openRunCache(p, emit);
  const reportMetrics = flags.dryRun ? undefined : await metricsReporter(p);

  const end = (s: BuildSummary, error?: string): BuildOutcome => {
    const { ok, checked, ...counts } = s;
    const seconds = (Date.now() - t0) / 1000;
    if (cache) noteCacheUse(p, cache, emit);
    // Saved now so that a cache that cannot be written is a warning before build-end; saved again after the
    // racy entries settle (below), which must not delay the end of the build.
    if (!flags.dryRun) {
      reportMetrics?.(emit);
      try {
        writeLastBuild(join(p.cacheDir, "last-build.json"), outcomes.result(ok && !error, seconds));
      } catch (e) {
        emit({
          event: "warning",
          message: `could not write ${relative(run.root, join(p.cacheDir, "last-build.json"))}: ${errorReason(e)}`,
        });
      }
    }
    const saveProblem = flags.dryRun ? undefined : hashes.save(); // a dry run leaves no state behind
    if (saveProblem) emit({ event: "warning", message: saveProblem });
    emit({
      event: "build-end",
      ok: ok && !error,
      ...counts,
      seconds,
      filesHashed: hashes.filesRead,
      stagesChecked: checked ?? 0,
      error,
    });
    return { summary: s, code: ok && !error ? 0 : 1, records };
  };

  if (flags.dryRun) return end(dryRun(p, records, forced, emit, deps.executor));
  const script = (which: "pre_script" | "post_script", command: string) => runScriptReported(run, which, command, deps);
  try {
    records.compactIfNeeded();
    try {
      const fixed = recoverInterrupted(p.graph, records, hashes);
      if (fixed.length > 0)
        emit({
          event: "warning",
          message: `an earlier build of this run was cut short: ${fixed.length} leftover${fixed.length > 1 ? "s" : ""} put right (${fixed
            .slice(0, 2)
            .map((f) => f.replace(`${run.root}/`, ""))
            .join(", ")}${fixed.length > 2 ? ", ..." : ""})`,
        });
    } catch (e) {
      emit({ event: "warning", message: `could not clean up after an earlier build: ${(e as Error).message}` });
    }
    if (run.preScript.trim() && !(await script("pre_script", run.preScript)))
      return end({ ...NOTHING_DONE, ok: false }, "pre_script failed");
    const hasPython = stageMetas(p.graph).some((m) => m.kind === "python");
    // A restored project's configs are those of the plan that wrote the file (the no-op stamp covers it).
    // (Imported here: it needs the YAML library, which a TypeScript-only build does not load.)
    if (hasPython && !p.restored)
      (await import("./write-stage-config.ts")).writeStageConfig(run, p.graph, run.mergedConfigFile);
    const sum = await runBuild({
      run,
      graph: p.graph,
      records,
      hashes,
      executor: deps.executor,
      jobs,
      keepGoing: !!flags.keepGoing,
      forced,
      emit,
      signal: deps.signal,
      control: deps.control,
      python: hasPython ? { env: p.python, configFile: run.mergedConfigFile } : undefined,
      cache,
      unchanged: deps.unchanged,
    });
    await cache?.drain(); // the last stores, before their counts and build-end
    if (sum.ok && run.postScript.trim() && !deps.signal.aborted && !(await script("post_script", run.postScript)))
      return end({ ...sum, ok: false }, "post_script failed");
    return end(sum, deps.signal.aborted ? "interrupted" : undefined);
  } finally {
    await cache?.drain(); // after a failure too: no store outlives its build
    records.close();
    await hashes.settle();
    hashes.save(); // a failure was reported above, or is new since then: costs only re-hashing next time
  }
}

/** The run's cache (cache-dir.ts), or none — with a warning — when its folder cannot be used: the build then
 *  runs every stale stage, as without a cache. */
function openRunCache(p: LoadedProject, emit: EventSink): RunCache | undefined {
  const dir = cacheDirFor(p.run.root, p.run.site);
  try {
    return RunCache.open(dir, p.hashes.h);
  } catch (e) {
    emit({
      event: "warning",
      message: `run cache ${shownPath(p.run.root, dir)} cannot be used (${errorReason(e)}): stale stages run and nothing is stored`,
    });
    return undefined;
  }
}

/** After a build: which entries it used (for gc) and its hits and misses (for `lbg cache status`). */
function noteCacheUse(p: LoadedProject, cache: RunCache, emit: EventSink): void {
  const c = cache.counts;
  if (c.hits + c.misses + c.stored === 0) return;
  for (const problem of [
    cache.flushUsage(),
    appendCacheBuild(p.run.root, { at: new Date().toISOString(), run: p.run.name, cache: cache.dir, ...c }),
  ])
    if (problem) emit({ event: "warning", message: problem });
}

/** The run's resume mode, as --resume / --no-resume override it. */
export function resumeMode(run: RunModel, flags: BuildFlags): ResumeMode {
  if (flags.resume === true) return "resume";
  if (flags.resume === false) return "restart";
  return run.resume;
}

/** Why a stage re-runs whatever its record says (--force, restart), or undefined. */
function forcedReason(flags: BuildFlags, resume: ResumeMode): (stage: string) => string | undefined {
  const forceAll = forcesAll(flags);
  const forceSet = new Set(Array.isArray(flags.force) ? flags.force : []);
  return (s) => (forceAll || forceSet.has(s) ? "forced" : resume === "restart" ? "resume: false (restart)" : undefined);
}

/** `--force` alone (or `force: []`) forces every stage. */
function forcesAll(flags: BuildFlags): boolean {
  return flags.force === true || (Array.isArray(flags.force) && flags.force.length === 0);
}

/** `resume: refuse`: no output of the run may exist yet. */
function refuseExistingOutputs(p: LoadedProject): void {
  const existing = [...p.graph.nodes.values()].flatMap((n) => n.outputs).find((o) => existsSync(o.path));
  if (existing)
    throw new LbgError(
      `output ${relative(p.run.root, existing.path)} already exists and resume is 'refuse'`,
      { file: p.run.file },
      "clean the run (lbg clean) or set resume: True",
      1,
    );
}

/** build-start, then the warnings gathered while loading, and why every stage re-runs if they all do. */
function announce(
  p: LoadedProject,
  flags: BuildFlags,
  b: { records: RecordStore; jobs: number; resume: ResumeMode },
  deps: BuildDeps,
): void {
  const { run, graph } = p;
  const estimates = recordedSeconds(b.records, graph);
  deps.emit({
    event: "build-start",
    run: run.name,
    pipelines: run.pipelines.map((x) => x.name),
    stages: graph.nodes.size,
    ...(p.selection ? { of: p.allStages.length, selection: p.selection } : {}),
    ...whereOutputsGo(p),
    jobs: b.jobs,
    resume: b.resume,
    dryRun: !!flags.dryRun,
    estimates,
    upstream: Object.fromEntries(upstreamOf(graph)),
  });
  for (const w of deps.warnings ?? []) deps.emit({ event: "warning", message: w });
  if (b.records.damage) deps.emit({ event: "warning", message: b.records.damage });
  if (b.resume === "restart" && !forcesAll(flags))
    deps.emit({
      event: "restart-all",
      reason:
        flags.resume === false
          ? "--no-resume"
          : `resume: ${run.resume === "restart" ? "False" : run.resume} in ${relative(run.root, run.file)}`,
    });
}

/** build-start's outputDir and metrics: the output folder and the metrics files of the stages built (a class's
 *  `static metrics`, an entry's `metrics:`) — what the end of a build points to. Relative to the project when
 *  inside it (`results/x/outputs`), absolute otherwise (a shared `output_dir` on a site). */
function whereOutputsGo(p: LoadedProject): { outputDir: string; metrics?: string[] } {
  const shown = (path: string) => {
    const r = relative(p.run.root, path);
    return r.startsWith("..") || isAbsolute(r) ? path : r || ".";
  };
  const metrics = stagesWithMetrics(p.graph)
    .flatMap((n) => n.outputs)
    .filter((o) => o.metrics)
    .map((o) => shown(o.path));
  return { outputDir: shown(p.run.outputDir), ...(metrics.length ? { metrics } : {}) };
}

/** Stage → seconds of its last successful run, for the stages of the graph that have a record. */
export function recordedSeconds(records: RecordStore, graph: LoadedProject["graph"]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of records.stages()) {
    const seconds = graph.nodes.has(s) ? records.secondsOf(s) : undefined;
    if (seconds !== undefined) out[s] = seconds;
  }
  return out;
}

/** --dry-run: what would run and why, as events, and nothing else. */
function dryRun(
  p: LoadedProject,
  records: RecordStore,
  forced: (stage: string) => string | undefined,
  emit: EventSink,
  executor: Executor,
): BuildSummary {
  const { root, logDir, site, mergedConfigFile } = p.run;
  // Listed in ceci's order, so that `lbg build -n` and `ceci --dry-run` can be compared line by line.
  const rank = new Map(p.ceciOrder.map((s, i) => [s, i]));
  const predicted = predictRun(root, p.graph, records, p.hashes, forced).sort(
    (a, b) => (rank.get(a.stage) ?? 0) - (rank.get(b.stage) ?? 0),
  );
  const setting: JobSetting = {
    root,
    mpiCommand: site.mpiCommand,
    siteName: site.name,
    python: { env: p.python, configFile: mergedConfigFile },
  };
  for (const s of predicted) {
    if (s.state === "fresh") emit({ event: "stage-fresh", stage: s.stage });
    else {
      const log = logPath(logDir, s.stage);
      const command = executor.commandLine(stageJobFor(p.graph.nodes.get(s.stage)!, log, setting));
      emit({
        event: "stage-start",
        stage: s.stage,
        reasons: s.reasons,
        log: relative(root, log),
        command,
        dryRun: true,
      });
    }
  }
  return { ...NOTHING_DONE, fresh: predicted.filter((s) => s.state === "fresh").length, checked: predicted.length };
}

/** pre_script or post_script, between script-start and script-end events; whether it succeeded. */
async function runScriptReported(
  run: RunModel,
  which: "pre_script" | "post_script",
  command: string,
  deps: BuildDeps,
): Promise<boolean> {
  const log = logPath(run.logDir, which);
  deps.emit({ event: "script-start", which, command });
  const t = Date.now();
  const ok = await runScript(command, run.root, log, deps.signal);
  deps.emit({
    event: "script-end",
    which,
    ok,
    seconds: (Date.now() - t) / 1000,
    log: relative(run.root, log),
    logTail: ok ? undefined : tail(log),
  });
  return ok;
}
