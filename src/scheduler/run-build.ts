// The build loop. Every stage has exactly one state (`states`), and each arrow below is one method of
// BuildScheduler. Stages are checked as their producers finish, so early cutoff uses the real output hashes;
// stale ones run within the slot budget, longest remaining path first; every transition is an event.
//
//   waiting ──(last producer fresh or succeeded)──► check ──► fresh
//                                                     ├──► failed  (an input is missing)
//                                                     └──► ready ──(its slots free)──► running ──► succeeded (ran or restored)
//                                                                                       ├──► failed
//                                                                                       └──► cancelled
//   waiting, ready ──(a producer failed or was cancelled; the build stops)──► blocked
//
// fresh and succeeded release their dependants; failed and cancelled block them. With `unchanged` (an
// incremental build, src/cli/incremental-build.ts), check takes a stage whose files are as when it was last
// found fresh, and whose producers all ended fresh, as fresh without computing its fingerprint: only the
// stages that read a changed file, and those downstream of one that re-ran, are checked. What `running`
// does — restore the stage's outputs from the run cache, or run it on the executor and put its outputs in
// place — is run-stale-stage.ts, behind the Executor seam (the tests in test/scheduler drive this loop with a
// fake one).
import { relative } from "node:path";
import type { RunModel } from "../config/run-model.ts";
import type { BuildEnd, EventSink, StageEnd } from "../events/build-event.ts";
import type { RunCache } from "../cache/run-cache.ts";
import type { Executor } from "../executors/stage-job.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import type { StageGraph, StageNode } from "../graph/build-graph.ts";
import { producerLists } from "../graph/graph-facts.ts";
import { planStage, type StalePlan } from "../plan/plan-stage.ts";
import type { PythonEnv } from "../stages/python-env.ts";
import type { RecordStore } from "../store/record-store.ts";
import type { RestoredFrom } from "../store/stage-record.ts";
import { criticalPaths } from "./critical-path.ts";
import { runStaleStage, type StageRunEnv, type StageRunResult } from "./run-stale-stage.ts";
import { stageJobFor } from "./stage-job-for.ts";
import { clipShown, logPath } from "./stage-log.ts";
import { inputBytes, predictSeconds } from "./stage-work.ts";

export interface BuildOptions {
  run: Pick<RunModel, "root" | "logDir" | "name"> & { site: Pick<RunModel["site"], "mpiCommand" | "name"> };
  graph: StageGraph;
  records: RecordStore;
  hashes: StatCache;
  executor: Executor;
  /** Slots: a stage takes nprocess × threads_per_process of them (all of them at most). */
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
  /** The run cache (absent: stages always run, nothing is stored). */
  cache?: RunCache;
  /** Stages known fresh with every file, its code and config unchanged since (from the previous plan). */
  unchanged?: (stage: string) => boolean;
}

export interface BuildControl {
  /** Running stage → the fingerprint hash it was started with. */
  running?: () => Map<string, string>;
  /** Cancels one running stage (it ends `cancelled`; its dependants are blocked in this build).
   *  `superseded`: because an edit changed it and the caller builds again at once (said in the events). */
  cancel?: (stage: string, superseded?: boolean) => void;
}

/** How a build's stages ended: build-end's counts (`superseded`: of the cancelled, those an edit superseded;
 *  `restored`: of the succeeded, those restored from the run cache), and `checked`: the stages whose
 *  fingerprint was computed from their files (the others were known unchanged; build-end's `stagesChecked`). */
export type BuildSummary = Pick<
  BuildEnd,
  "ok" | "succeeded" | "failed" | "fresh" | "blocked" | "cancelled" | "superseded" | "restored"
> & { checked?: number };

/** The summary of a build before any stage ended (or of one that runs none). */
export const NOTHING_DONE: Readonly<BuildSummary> = {
  ok: true,
  succeeded: 0,
  failed: 0,
  fresh: 0,
  blocked: 0,
  cancelled: 0,
};

type StageState =
  | { is: "waiting"; producersLeft: number }
  | { is: "ready"; plan: StalePlan }
  | { is: "running"; hash: string; abort: AbortController; superseded: boolean }
  | { is: "fresh" | "succeeded" | "failed" | "cancelled" | "blocked" };

type Unsuccessful = Exclude<StageRunResult, { status: "succeeded" }>;

/** Runs the build to its end: every stage of the graph ends fresh, succeeded, failed, cancelled or blocked. */
export function runBuild(o: BuildOptions): Promise<BuildSummary> {
  return new BuildScheduler(o).run();
}

class BuildScheduler {
  private readonly states = new Map<string, StageState>();
  /** The ready stages, longest remaining path first. */
  private readonly queue: string[] = [];
  /** Longest remaining path of each stage, worked out when a first stage is queued (an incremental build
   *  often queues none). */
  private priorityOf?: Map<string, number>;
  /** Each stage's producers, each once, for the stages that have any (the inverse of graph.dependants). */
  private readonly producers: Map<string, string[]>;
  private freeSlots: number;
  private runningCount = 0;
  /** Nothing new starts: a stage failed (without --keep-going) or the build was interrupted. */
  private stopping = false;
  private firstFailure: string | undefined;
  private wake: () => void = () => {};
  private readonly summary: BuildSummary = { ...NOTHING_DONE };
  private checked = 0;
  private readonly env: StageRunEnv;

  constructor(private readonly o: BuildOptions) {
    this.producers = producerLists(o.graph);
    for (const name of o.graph.nodes.keys())
      this.states.set(name, { is: "waiting", producersLeft: this.producers.get(name)?.length ?? 0 });
    this.freeSlots = o.jobs;
    const setting = {
      root: o.run.root,
      mpiCommand: o.run.site.mpiCommand,
      siteName: o.run.site.name,
      python: o.python,
    };
    this.env = {
      root: o.run.root,
      run: o.run.name,
      records: o.records,
      hashes: o.hashes,
      executor: o.executor,
      emit: o.emit,
      job: (node, log) => stageJobFor(node, log, setting),
      cache: o.cache,
      forced: o.forced,
      madeDirs: new Set(),
    };
  }

  async run(): Promise<BuildSummary> {
    const { signal } = this.o;
    this.exposeControl();
    for (const name of this.o.graph.order) if (this.released(name)) this.check(name);
    const onAbort = () => this.wake();
    signal.addEventListener("abort", onAbort);
    try {
      for (;;) {
        if (signal.aborted) this.stopping = true;
        this.startWhatFits();
        if (this.runningCount === 0) break;
        await new Promise<void>((r) => {
          this.wake = r;
        });
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
    this.blockTheRest();
    const s = this.summary;
    s.checked = this.checked;
    if (s.failed + s.cancelled + s.blocked > 0) s.ok = false;
    return s;
  }

  /** waiting → check: fresh, failed (an input is missing) or ready. */
  private check(name: string): void {
    if (this.o.unchanged?.(name) && this.producersFresh(name)) {
      this.markFresh(name);
      return;
    }
    this.checked++;
    const plan = planStage(
      this.o.run.root,
      this.node(name),
      this.o.records.get(name),
      this.o.hashes,
      this.o.forced(name),
    );
    if (plan.state === "fresh") this.markFresh(name);
    else if (plan.state === "missing-input") {
      const m = plan.missing[0]!;
      const path = relative(this.o.run.root, m.path);
      this.fail(name, {
        status: "failed",
        seconds: 0,
        error: `input '${m.tag}' is missing: ${path}`,
        reason: { kind: "missing-input", tag: m.tag, path },
      });
    } else this.enqueue(name, plan);
  }

  /** check → fresh: reported, and its dependants may be checked. */
  private markFresh(name: string): void {
    this.states.set(name, { is: "fresh" });
    this.summary.fresh++;
    this.o.emit({ event: "stage-fresh", stage: name });
    this.release(name);
  }

  /** Every producer of the stage ended fresh: its inputs are the contents they were when it was last fresh. */
  private producersFresh(name: string): boolean {
    for (const p of this.producers.get(name) ?? []) if (this.states.get(p)?.is !== "fresh") return false;
    return true;
  }

  /** → ready: queued behind the stages with a longer remaining path (after those with an equal one). */
  private enqueue(name: string, plan: StalePlan): void {
    this.states.set(name, { is: "ready", plan });
    // (Alone in the queue, its place needs no priority: an incremental build that runs one stage then never
    // works out the critical paths of a 10,000-stage graph.)
    if (this.queue.length === 0) {
      this.queue.push(name);
      return;
    }
    this.priorityOf ??= criticalPaths(this.o.graph, (s) => this.o.records.secondsOf(s) ?? 1);
    const priority = this.priorityOf;
    const p = priority.get(name)!;
    let i = this.queue.length;
    while (i > 0 && priority.get(this.queue[i - 1]!)! < p) i--;
    this.queue.splice(i, 0, name);
  }

  /** ready → running for the head of the queue while its slots are free. A stage needing more slots than are
   *  free is not overtaken by smaller ones behind it: it would wait for ever on a busy build. */
  private startWhatFits(): void {
    while (!this.stopping && this.queue.length > 0) {
      const name = this.queue[0]!;
      if (this.slotsOf(name) > this.freeSlots) return;
      this.queue.shift();
      this.start(name);
    }
  }

  /** The stage's command line for its stage-start event; a job that cannot be built fails in runStaleStage. */
  private commandOf(name: string, log: string): string | undefined {
    try {
      return this.o.executor.commandLine(this.env.job(this.node(name), log));
    } catch {
      return undefined;
    }
  }

  /** ready → running: the stage runs (run-stale-stage.ts) and comes back as succeeded, failed or cancelled. */
  private start(name: string): void {
    const state = this.states.get(name);
    if (state?.is !== "ready") return;
    const { signal } = this.o;
    const slots = this.slotsOf(name);
    const log = logPath(this.o.run.logDir, name);
    const abort = new AbortController();
    const onBuildAbort = () => abort.abort();
    signal.addEventListener("abort", onBuildAbort);
    if (signal.aborted) abort.abort();
    this.states.set(name, { is: "running", hash: state.plan.hash, abort, superseded: false });
    this.freeSlots -= slots;
    this.runningCount++;
    const estimate = predictSeconds(this.o.records.get(name), { inputBytes: inputBytes(this.node(name)) });
    // stage-start comes when run-stale-stage says: before the stage runs, or once its outputs are restored.
    let announced = false;
    const announce = (restoredFrom?: RestoredFrom) => {
      if (announced) return;
      announced = true;
      this.o.emit({
        event: "stage-start",
        stage: name,
        reasons: state.plan.reasons,
        log: this.rel(log),
        ...(restoredFrom ? { restoredFrom } : { command: this.commandOf(name, log) }),
        ...(restoredFrom || estimate === undefined ? {} : { estimate }),
      });
    };
    const ended = (r: StageRunResult) => {
      announce();
      signal.removeEventListener("abort", onBuildAbort);
      this.freeSlots += slots;
      this.runningCount--;
      if (r.status === "succeeded") this.succeed(name, r);
      else this.fail(name, r);
      this.wake();
    };
    const started = Date.now();
    runStaleStage(this.env, this.node(name), state.plan, log, abort.signal, announce).then(ended, (e: unknown) =>
      ended({
        status: "failed",
        seconds: (Date.now() - started) / 1000,
        error: `lbg could not run it: ${e}`,
        reason: { kind: "cannot-start" },
      }),
    );
  }

  /** running → succeeded: its outputs are in place (run or restored) and recorded; dependants may be checked. */
  private succeed(name: string, r: Extract<StageRunResult, { status: "succeeded" }>): void {
    this.states.set(name, { is: "succeeded" });
    this.summary.succeeded++;
    if (r.restored) this.summary.restored = (this.summary.restored ?? 0) + 1;
    this.o.emit({
      event: "stage-end",
      stage: name,
      status: "succeeded",
      seconds: r.seconds,
      outputs: this.node(name).outputs.map((x) => this.rel(x.path)),
      log: this.rel(logPath(this.o.run.logDir, name)),
      ...(r.restored ? { restored: true as const, restoredFrom: r.restored } : {}),
      ...(r.resources ? { resources: r.resources } : {}),
    });
    this.release(name);
  }

  /**
   * → failed or cancelled, from check (a missing input) or running (the stage, or putting its outputs in
   * place, failed; or it was cancelled): reported, its dependants blocked, and without --keep-going the build
   * stops starting stages.
   */
  private fail(name: string, r: Unsuccessful): void {
    const was = this.states.get(name);
    const superseded = r.status === "cancelled" && was?.is === "running" && was.superseded && !this.o.signal.aborted;
    this.states.set(name, { is: r.status });
    this.summary.ok = false;
    if (r.status === "cancelled") this.summary.cancelled++;
    else this.summary.failed++;
    if (superseded) this.summary.superseded = (this.summary.superseded ?? 0) + 1;
    const end: StageEnd = {
      event: "stage-end",
      stage: name,
      status: r.status,
      seconds: r.seconds,
      outputs: [],
      log: this.rel(logPath(this.o.run.logDir, name)),
      ...(r.status === "failed"
        ? { error: clipShown(r.error), reason: r.reason, logTail: r.logTail }
        : { reason: { kind: "cancelled", by: superseded ? "edit" : "interrupt" } as const }),
      ...(superseded ? { superseded: true as const } : {}),
    };
    this.o.emit(end);
    this.firstFailure ??= name;
    for (const d of this.o.graph.dependants.get(name)!) this.block(d, name);
    if (!this.o.keepGoing) this.stopping = true;
  }

  /** waiting or ready → blocked, and everything downstream with it. `by`: the stage that failed, or "interrupt". */
  private block(name: string, by: string): void {
    const s = this.states.get(name);
    if (s?.is !== "waiting" && s?.is !== "ready") return;
    if (s.is === "ready") this.queue.splice(this.queue.indexOf(name), 1);
    this.states.set(name, { is: "blocked" });
    this.summary.blocked++;
    this.o.emit({ event: "stage-blocked", stage: name, by });
    for (const d of this.o.graph.dependants.get(name)!) this.block(d, by);
  }

  /** A producer is fresh or succeeded: each dependant whose last producer it was is checked now. */
  private release(name: string): void {
    for (const d of this.o.graph.dependants.get(name)!) {
      const s = this.states.get(d);
      if (s?.is !== "waiting") continue;
      s.producersLeft--;
      if (s.producersLeft === 0) this.check(d);
    }
  }

  /** The build ended: what never got to run (the build stopped, or it waited on a stage that did not succeed). */
  private blockTheRest(): void {
    const by = this.o.signal.aborted ? "interrupt" : (this.firstFailure ?? "an earlier failure");
    for (const name of this.o.graph.order) this.block(name, by);
  }

  /** Lets `lbg watch` see running stages and cancel one whose code or inputs an edit changed. */
  private exposeControl(): void {
    const c = this.o.control;
    if (!c) return;
    c.running = () => {
      const out = new Map<string, string>();
      for (const [name, s] of this.states) if (s.is === "running") out.set(name, s.hash);
      return out;
    };
    c.cancel = (stage, superseded) => {
      const s = this.states.get(stage);
      if (s?.is !== "running") return;
      if (superseded) s.superseded = true;
      s.abort.abort();
    };
  }

  private released(name: string): boolean {
    const s = this.states.get(name);
    return s?.is === "waiting" && s.producersLeft === 0;
  }

  private slotsOf(name: string): number {
    const { entry } = this.node(name);
    return Math.min(entry.nprocess * entry.threadsPerProcess, this.o.jobs);
  }

  private node(name: string): StageNode {
    return this.o.graph.nodes.get(name)!;
  }

  private rel(path: string): string {
    return relative(this.o.run.root, path);
  }
}
