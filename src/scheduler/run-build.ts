// The build loop: checks stages as their producers finish (so early cutoff uses the real output hashes),
// runs stale ones on an executor within the slot budget, longest remaining path first, and reports every
// transition as an event.
//
//   waiting ──(producers done)──► check ──► fresh
//                                   └──► ready ──(slots free)──► running ──► succeeded | failed | cancelled
//   waiting ──(a producer failed / build stopping)──► blocked
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { RunModel } from "../config/run-model.ts";
import type { BuildEvent, EventSink } from "../events/build-event.ts";
import type { Executor } from "../executors/stage-job.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import type { StageGraph, StageNode } from "../graph/build-graph.ts";
import { planStage } from "../plan/plan-stage.ts";
import type { RecordStore } from "../store/record-store.ts";
import { finishStage, removeInprogress, restorePrevious, setAsidePrevious } from "./finish-stage.ts";
import type { PythonEnv } from "../stages/python-module-loader.ts";
import { stageJobFor } from "./stage-job-for.ts";
import { recordProvenance } from "./record-provenance.ts";
import { criticalPaths } from "./critical-path.ts";

export interface BuildOptions {
  run: RunModel;
  graph: StageGraph;
  records: RecordStore;
  hashes: StatCache;
  executor: Executor;
  jobs: number;
  keepGoing: boolean;
  /** Reason to re-run a stage regardless of its record, or undefined. */
  forced: (stage: string) => string | undefined;
  emit: EventSink;
  /** Aborted on SIGINT/SIGTERM/SIGHUP: running stages are cancelled, nothing new starts. */
  signal: AbortSignal;
  /** Filled in by runBuild so `lbg watch` can see and cancel running stages. */
  control?: BuildControl;
  /** For Python stages: the interpreter and the merged stage config file passed as --config. */
  python?: { env: PythonEnv; configFile: string };
}

export interface BuildControl {
  /** Running stage → the fingerprint hash it was started with. */
  running?: () => Map<string, string>;
  /** Cancels one running stage (it ends `cancelled`; its dependants are blocked in this build).
   *  `superseded`: because an edit changed it and the caller builds again at once (said in the events). */
  cancel?: (stage: string, superseded?: boolean) => void;
}

export interface BuildSummary {
  ok: boolean;
  succeeded: number;
  failed: number;
  fresh: number;
  blocked: number;
  cancelled: number;
  /** Of the cancelled stages, those cancelled as superseded (absent when none). */
  superseded?: number;
}

export function logPath(run: RunModel, stage: string): string {
  return join(run.logDir, `${stage}.out`);
}

export function tail(file: string, lines = 20): string[] {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines);
  } catch {
    return [];
  }
}

export async function runBuild(o: BuildOptions): Promise<BuildSummary> {
  const { run, graph, hashes, emit } = o;
  const root = run.root;
  const sum: BuildSummary = { ok: true, succeeded: 0, failed: 0, fresh: 0, blocked: 0, cancelled: 0 };
  const waitingOn = new Map<string, number>();
  for (const [name, node] of graph.nodes)
    waitingOn.set(name, new Set(node.inputs.map((i) => i.producer).filter(Boolean)).size);
  const priority = criticalPaths(graph, (s) => o.records.get(s)?.seconds ?? 1);
  const ready: { node: StageNode; reasons: string[]; fp: ReturnType<typeof planStage> }[] = [];
  const done = new Set<string>();
  let stopping = false;
  let firstFailure: string | undefined;
  let freeSlots = o.jobs;
  const running = new Set<Promise<void>>();
  const runningStages = new Map<string, { hash: string; abort: AbortController; superseded?: boolean }>();
  if (o.control) {
    o.control.running = () => new Map([...runningStages].map(([k, v]) => [k, v.hash]));
    o.control.cancel = (stage, superseded) => {
      const r = runningStages.get(stage);
      if (!r) return;
      if (superseded) r.superseded = true;
      r.abort.abort();
    };
  }
  let wake: () => void = () => {};

  const block = (name: string, by: string) => {
    if (done.has(name)) return;
    done.add(name);
    sum.blocked++;
    emit({ event: "stage-blocked", stage: name, by });
    for (const d of graph.dependants.get(name)!) block(d, by);
  };

  const checked = new Set<string>();
  const check = (name: string) => {
    if (checked.has(name)) return;
    checked.add(name);
    const node = graph.nodes.get(name)!;
    const plan = planStage(root, node, o.records.get(name), hashes, o.forced(name));
    if (plan.state === "fresh") {
      sum.fresh++;
      emit({ event: "stage-fresh", stage: name });
      complete(name);
    } else if (plan.state === "missing-input") {
      sum.failed++;
      sum.ok = false;
      done.add(name);
      const m = plan.missing[0]!;
      emit({
        event: "stage-end",
        stage: name,
        status: "failed",
        seconds: 0,
        outputs: [],
        log: relative(root, logPath(run, name)),
        error: `input '${m.tag}' is missing: ${relative(root, m.path)}`,
      });
      onFailure(name);
    } else {
      ready.push({ node, reasons: plan.reasons, fp: plan });
      ready.sort((a, b) => priority.get(b.node.name)! - priority.get(a.node.name)!);
    }
  };

  const complete = (name: string) => {
    done.add(name);
    for (const d of graph.dependants.get(name)!) {
      const left = waitingOn.get(d)! - 1;
      waitingOn.set(d, left);
      if (left === 0 && !done.has(d)) check(d);
    }
  };

  const onFailure = (name: string) => {
    firstFailure ??= name;
    for (const d of graph.dependants.get(name)!) block(d, name);
    if (!o.keepGoing) stopping = true;
  };

  const launch = (item: (typeof ready)[number]) => {
    const { node } = item;
    if (item.fp.state !== "stale") return;
    const { fingerprint, hash } = item.fp;
    const slots = Math.min(node.entry.nprocess * node.entry.threadsPerProcess, o.jobs);
    freeSlots -= slots;
    const log = logPath(run, node.name);
    const job = stageJobFor(node, log, o);
    const command = o.executor.commandLine(job);
    emit({ event: "stage-start", stage: node.name, reasons: item.reasons, log: relative(root, log), command });
    const started = Date.now();
    try {
      mkdirSync(dirname(log), { recursive: true });
      for (const out of node.outputs) mkdirSync(dirname(out.inprogress), { recursive: true });
      removeInprogress(node);
      if (node.meta.kind === "python") setAsidePrevious(node);
    } catch (e) {
      // A folder lbg cannot create or clean (permissions, full disk) fails this stage, not the whole process.
      freeSlots += slots;
      sum.failed++;
      sum.ok = false;
      done.add(node.name);
      emit({
        event: "stage-end",
        stage: node.name,
        status: "failed",
        seconds: 0,
        outputs: [],
        log: relative(root, log),
        error: (e as Error).message,
      });
      onFailure(node.name);
      return;
    }
    const stageAbort = new AbortController();
    const onBuildAbort = () => stageAbort.abort();
    o.signal.addEventListener("abort", onBuildAbort);
    if (o.signal.aborted) stageAbort.abort();
    runningStages.set(node.name, { hash, abort: stageAbort });
    const p = o.executor.run(job, stageAbort.signal).then((outcome) => {
      o.signal.removeEventListener("abort", onBuildAbort);
      const supersedeAsked = !!runningStages.get(node.name)?.superseded;
      runningStages.delete(node.name);
      freeSlots += slots;
      const seconds = (Date.now() - started) / 1000;
      const end = (
        status: "succeeded" | "failed" | "cancelled",
        error?: string,
      ): Extract<BuildEvent, { event: "stage-end" }> => ({
        event: "stage-end",
        stage: node.name,
        status,
        seconds,
        log: relative(root, log),
        error,
        outputs: status === "succeeded" ? node.outputs.map((x) => relative(root, x.path)) : [],
        logTail: status === "failed" ? tail(log) : undefined,
        ...(status === "cancelled" && supersedeAsked && !o.signal.aborted ? { superseded: true as const } : {}),
      });
      let result = outcome;
      if (outcome.status === "succeeded") {
        try {
          const made = recordProvenance(root, run.name, node, { reasons: item.reasons, startedAt: started, command });
          const f = finishStage(root, node, fingerprint, hash, started, hashes, o.records, made);
          if (!f.ok) result = { status: "failed", error: f.error };
          else for (const w of f.warnings) emit({ event: "warning", message: w });
        } catch (e) {
          result = { status: "failed", error: `could not put outputs in place: ${(e as Error).message}` };
        }
      }
      if (result.status !== "succeeded") {
        removeInprogress(node);
        if (node.meta.kind === "python") restorePrevious(node);
      } // on success finishStage has already dropped the outputs it set aside
      const ended = end(result.status, result.error);
      emit(ended);
      if (result.status === "succeeded") {
        sum.succeeded++;
        complete(node.name);
      } else {
        done.add(node.name);
        sum.ok = false;
        if (result.status === "cancelled") sum.cancelled++;
        else sum.failed++;
        if (ended.superseded) sum.superseded = (sum.superseded ?? 0) + 1;
        onFailure(node.name);
      }
    });
    running.add(p);
    void p.finally(() => {
      running.delete(p);
      wake();
    });
  };

  const onAbort = () => wake();
  o.signal.addEventListener("abort", onAbort);
  for (const name of graph.order) if (waitingOn.get(name) === 0 && !done.has(name)) check(name);

  for (;;) {
    if (o.signal.aborted) stopping = true;
    while (!stopping && ready.length > 0) {
      const need = Math.min(ready[0]!.node.entry.nprocess * ready[0]!.node.entry.threadsPerProcess, o.jobs);
      if (need > freeSlots) break;
      launch(ready.shift()!);
    }
    if (running.size === 0) break;
    await new Promise<void>((r) => {
      wake = r;
    });
  }
  o.signal.removeEventListener("abort", onAbort);

  for (const name of graph.order) {
    if (!done.has(name)) block(name, o.signal.aborted ? "interrupt" : (firstFailure ?? "an earlier failure"));
  }
  if (sum.failed + sum.cancelled + sum.blocked > 0) sum.ok = false;
  return sum;
}
