// `lbg build <run>`: lock the run, run pre_script, the stages, post_script, and report every event.
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { LbgError } from "../config/lbg-error.ts";
import type { BuildEvent, EventSink } from "../events/build-event.ts";
import { LocalExecutor } from "../executors/local-executor.ts";
import { predictRun } from "../plan/predict-run.ts";
import { RecordStore } from "../store/record-store.ts";
import { RunLock } from "../store/run-lock.ts";
import { runBuild, tail } from "../scheduler/run-build.ts";
import { runScript } from "../scheduler/run-script.ts";
import { checkRunInputs, loadProject } from "./load-project.ts";
import { availableParallelism } from "node:os";

export interface BuildFlags {
  jobs?: number;
  dryRun?: boolean;
  force?: string[] | boolean;
  keepGoing?: boolean;
  site?: string;
  set?: string[];
  resume?: boolean;
  wait?: boolean;
}

export async function buildCommand(root: string, runName: string, flags: BuildFlags, emit: EventSink): Promise<number> {
  const t0 = Date.now();
  const warnings: string[] = [];
  const p = await loadProject(root, runName, { site: flags.site, sets: flags.set, warn: (w) => warnings.push(w.format((f) => relative(process.cwd(), f) || f)) });
  const { run, graph, hashes } = p;
  const forceAll = flags.force === true || (Array.isArray(flags.force) && flags.force.length === 0);
  const forceSet = new Set(Array.isArray(flags.force) ? flags.force : []);
  for (const f of forceSet) if (!graph.nodes.has(f)) throw new LbgError(`--force ${f}: no stage '${f}' in run '${runName}'`, { file: "--force" });
  let resume = run.resume;
  if (flags.resume === true) resume = "resume";
  if (flags.resume === false) resume = "restart";
  const forced = (s: string) => (forceAll || forceSet.has(s) ? "forced" : resume === "restart" ? "resume: false (restart)" : undefined);
  checkRunInputs(p);
  if (resume === "refuse") {
    const existing = [...graph.nodes.values()].flatMap((n) => n.outputs).find((o) => existsSync(o.path));
    if (existing) throw new LbgError(`output ${relative(root, existing.path)} already exists and resume is 'refuse'`, { file: run.file }, "clean the run (lbg clean) or set resume: True", 1);
  }
  const jobs = flags.jobs ?? run.site.maxThreads ?? availableParallelism();

  const lock = flags.dryRun ? undefined : await RunLock.acquire(join(p.cacheDir, "lock"), runName, !!flags.wait);
  const records = new RecordStore(join(p.cacheDir, "records.jsonl"), (s) => hashes.h.h64ToString(s)).load();
  const estimates = Object.fromEntries(records.all().filter((r) => graph.nodes.has(r.stage)).map((r) => [r.stage, r.seconds]));
  const start: BuildEvent = { event: "build-start", run: runName, pipelines: run.pipelines.map((x) => x.name), stages: graph.nodes.size, jobs, resume, dryRun: !!flags.dryRun, estimates };
  emit(start);
  for (const w of warnings) emit({ event: "warning", message: w });
  if (records.damage) emit({ event: "warning", message: records.damage });
  if (resume === "restart" && !forceAll) emit({ event: "restart-all", reason: flags.resume === false ? "--no-resume" : `resume: ${run.resume === "restart" ? "False" : run.resume} in ${relative(root, run.file)}` });

  const end = (ok: boolean, s: { succeeded: number; failed: number; fresh: number; blocked: number; cancelled: number }, error?: string) =>
    emit({ event: "build-end", ok, ...s, seconds: (Date.now() - t0) / 1000, filesHashed: hashes.filesRead, error });

  if (flags.dryRun) {
    const predicted = predictRun(root, graph, records, hashes, forced);
    for (const s of predicted) {
      if (s.state === "fresh") emit({ event: "stage-fresh", stage: s.stage });
      else emit({ event: "stage-start", stage: s.stage, reasons: s.reasons, log: relative(root, join(run.logDir, `${s.stage}.out`)), dryRun: true });
    }
    end(true, { succeeded: 0, failed: 0, fresh: predicted.filter((s) => s.state === "fresh").length, blocked: 0, cancelled: 0 });
    return 0;
  }

  const abort = new AbortController();
  let signalCode = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signalCode = sig === "SIGINT" ? 130 : 143;
    abort.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const executor = new LocalExecutor(root, (pids) => lock?.setWorkers(pids));
  try {
    records.compactIfNeeded();
    const zero = { succeeded: 0, failed: 0, fresh: 0, blocked: 0, cancelled: 0 };
    if (run.preScript.trim()) {
      const ok = await script("pre_script", run.preScript);
      if (!ok) {
        end(false, zero, "pre_script failed");
        return 1;
      }
    }
    const sum = await runBuild({ run, graph, records, hashes, executor, jobs, keepGoing: !!flags.keepGoing, forced, emit, signal: abort.signal });
    if (sum.ok && run.postScript.trim() && !abort.signal.aborted) {
      if (!(await script("post_script", run.postScript))) {
        end(false, sum, "post_script failed");
        return 1;
      }
    }
    end(sum.ok, sum, abort.signal.aborted ? "interrupted" : undefined);
    return signalCode || (sum.ok ? 0 : 1);
  } finally {
    await executor.close();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    try {
      await hashes.settle();
      hashes.save();
    } finally {
      lock?.release();
    }
  }

  async function script(which: "pre_script" | "post_script", command: string): Promise<boolean> {
    const log = join(run.logDir, `${which}.out`);
    emit({ event: "script-start", which, command });
    const t = Date.now();
    const ok = await runScript(command, root, log, abort.signal);
    emit({ event: "script-end", which, ok, seconds: (Date.now() - t) / 1000, log: relative(root, log), logTail: ok ? undefined : tail(log) });
    return ok;
  }
}
