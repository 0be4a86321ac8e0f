// Test rig for the scheduler (src/scheduler/run-build.ts) without processes: a stage graph made by hand in a
// temporary folder, the real planning, renaming, hashing and records, and a FakeExecutor in place of the
// workers, whose jobs finish, fail or hang when the test says so.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BuildEvent } from "../../src/events/build-event.ts";
import type { Executor, JobOutcome, StageJob } from "../../src/executors/stage-job.ts";
import { StatCache } from "../../src/fs/stat-cache.ts";
import type { InputEdge, OutputFile, StageGraph, StageNode } from "../../src/graph/build-graph.ts";
import { type BuildControl, type BuildSummary, runBuild } from "../../src/scheduler/run-build.ts";
import { RecordStore } from "../../src/store/record-store.ts";

export interface FakeStage {
  /** Tags: another stage's output tag makes an edge; any other is a run input `in/<tag>.txt`. */
  inputs?: string[];
  outputs?: string[];
  nprocess?: number;
  threads?: number;
  config?: Record<string, unknown>;
}

interface Job {
  job: StageJob;
  slots: number;
  resolve: (o: JobOutcome) => void;
}

/** An Executor whose jobs end when the test says (or at once for stages in `auto`). */
export class FakeExecutor implements Executor {
  /** Stages in the order they started. */
  readonly started: string[] = [];
  /** The most slots (nprocess × threads) in use at one time. */
  maxSlots = 0;
  /** Stages that finish (succeed) as soon as they start; `true`: every stage. */
  auto: Set<string> | true = new Set();
  /** What a stage writes into an output when it finishes. */
  content: (stage: string, tag: string) => string = (stage, tag) => `${stage}:${tag}\n`;
  private readonly running = new Map<string, Job>();
  private waiters: (() => void)[] = [];

  commandLine(job: StageJob): string {
    return `fake ${job.instance}`;
  }

  run(job: StageJob, signal: AbortSignal): Promise<JobOutcome> {
    const stage = job.instance;
    this.started.push(stage);
    return new Promise<JobOutcome>((resolve) => {
      const done = (o: JobOutcome) => {
        signal.removeEventListener("abort", onAbort);
        this.running.delete(stage);
        resolve(o);
      };
      const onAbort = () => done({ status: "cancelled" });
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort);
      this.running.set(stage, { job, slots: job.nprocess * job.threadsPerProcess, resolve: done });
      this.maxSlots = Math.max(this.maxSlots, this.slotsInUse());
      for (const w of this.waiters.splice(0)) w();
      if (this.auto === true || this.auto.has(stage)) this.finish(stage);
    });
  }

  async close(): Promise<void> {}

  /** Names of the running stages, in start order. */
  get runningStages(): string[] {
    return [...this.running.keys()];
  }

  slotsInUse(): number {
    return [...this.running.values()].reduce((n, j) => n + j.slots, 0);
  }

  /** Writes the stage's outputs (`content`, or `skip` none of them) and ends it succeeded. */
  finish(stage: string, o: { skip?: boolean } = {}): void {
    const j = this.take(stage);
    if (!o.skip && j.job.kind === "ts")
      for (const [tag, path] of Object.entries(j.job.outputs)) writeFileSync(path, this.content(stage, tag));
    j.resolve({ status: "succeeded" });
  }

  /** Ends the stage failed (as a stage that threw or exited non-zero). */
  fail(stage: string, error = "asked to fail"): void {
    this.take(stage).resolve({ status: "failed", error, reason: { kind: "exception" } });
  }

  /** Resolves once `stage` has started (at once when it has); rejects after 10 s without it. */
  async whenStarted(stage: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!this.started.includes(stage)) {
      if (Date.now() > deadline) throw new Error(`${stage} did not start (started: ${this.started.join(", ")})`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  private take(stage: string): Job {
    const j = this.running.get(stage);
    if (!j) throw new Error(`stage ${stage} is not running (running: ${this.runningStages.join(", ") || "none"})`);
    return j;
  }
}

/** A graph of FakeStages in a temporary project, built with runBuild as many times as a test likes. */
export class FakeProject {
  readonly graph: StageGraph;
  readonly records: RecordStore;
  /** Where stage logs go (a test makes it unusable to fail the preparation of a stage). */
  logDir: string;

  private constructor(
    readonly dir: string,
    stages: Record<string, FakeStage>,
    readonly hashes: StatCache,
  ) {
    this.graph = makeGraph(dir, stages);
    this.logDir = join(dir, "logs");
    this.records = new RecordStore(join(this.dir, ".cache", "records.jsonl"), (s) => hashes.h.h64ToString(s)).load();
  }

  static async create(stages: Record<string, FakeStage>, runInputs: Record<string, string> = {}): Promise<FakeProject> {
    const dir = mkdtempSync(join(tmpdir(), "lbg-scheduler-"));
    const p = new FakeProject(dir, stages, await StatCache.open(join(dir, ".cache", "hashes.json")));
    for (const [tag, text] of Object.entries(runInputs)) p.writeInput(tag, text);
    return p;
  }

  writeInput(tag: string, text: string): void {
    mkdirSync(join(this.dir, "in"), { recursive: true });
    writeFileSync(join(this.dir, "in", `${tag}.txt`), text);
  }

  /** One build: as a new lbg process would, it forgets what it hashed before. */
  async build(
    executor: Executor,
    o: {
      jobs?: number;
      keepGoing?: boolean;
      forced?: (stage: string) => string | undefined;
      signal?: AbortSignal;
      control?: BuildControl;
    } = {},
  ): Promise<{ summary: BuildSummary; events: BuildEvent[] }> {
    this.hashes.invalidate();
    const events: BuildEvent[] = [];
    const summary = await runBuild({
      run: { root: this.dir, logDir: this.logDir, name: "fake", site: { mpiCommand: "mpirun -n", name: "local" } },
      graph: this.graph,
      records: this.records,
      hashes: this.hashes,
      executor,
      jobs: o.jobs ?? 4,
      keepGoing: o.keepGoing ?? false,
      forced: o.forced ?? (() => undefined),
      emit: (e) => events.push(e),
      signal: o.signal ?? new AbortController().signal,
      control: o.control,
    });
    return { summary, events };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function makeGraph(dir: string, stages: Record<string, FakeStage>): StageGraph {
  const out = join(dir, "out");
  const producers = new Map<string, string>();
  for (const [name, s] of Object.entries(stages)) for (const t of s.outputs ?? []) producers.set(t, name);
  const nodes = new Map<string, StageNode>();
  for (const [name, s] of Object.entries(stages)) {
    const inputs: InputEdge[] = (s.inputs ?? []).map((tag) => {
      const producer = producers.get(tag);
      const path = producer ? join(out, `${tag}.txt`) : join(dir, "in", `${tag}.txt`);
      return { tag, alias: tag, type: "txt", path, producer };
    });
    const outputs: OutputFile[] = (s.outputs ?? []).map((tag) => ({
      tag,
      alias: tag,
      type: "txt",
      path: join(out, `${tag}.txt`),
      inprogress: join(out, `inprogress_${tag}.txt`),
    }));
    const tags = (list: string[] = []) => Object.fromEntries(list.map((t) => [t, "txt"]));
    nodes.set(name, {
      name,
      entry: {
        name,
        classname: name,
        aliases: {},
        nprocess: s.nprocess ?? 1,
        threadsPerProcess: s.threads ?? 1,
        nodes: 1,
        pipelineFile: join(dir, "pipeline.yaml"),
        pos: { file: join(dir, "pipeline.yaml") },
      },
      meta: {
        kind: "ts",
        name,
        module: "fake",
        file: `${name}.ts`,
        doc: "",
        inputs: tags(s.inputs),
        outputs: tags(s.outputs),
        options: {},
        sources: [],
        exportName: "default",
        bundle: join(dir, `${name}.mjs`),
        validates: false,
      },
      inputs,
      outputs,
      config: s.config ?? {},
      configOrigin: {},
    });
  }
  const dependants = new Map<string, string[]>([...nodes.keys()].map((k) => [k, []]));
  for (const node of nodes.values())
    for (const p of new Set(node.inputs.flatMap((i) => (i.producer ? [i.producer] : []))))
      dependants.get(p)!.push(node.name);
  // Stages are listed producers first in every test, so their order is a topological one.
  return { nodes, order: [...nodes.keys()], dependants };
}

/** The stages named by the events of one kind, in event order. */
export function stagesOf(events: BuildEvent[], kind: BuildEvent["event"]): string[] {
  return events.flatMap((e) => (e.event === kind && "stage" in e ? [e.stage] : []));
}

export function endOf(events: BuildEvent[], stage: string): Extract<BuildEvent, { event: "stage-end" }> | undefined {
  return events.find(
    (e): e is Extract<BuildEvent, { event: "stage-end" }> => e.event === "stage-end" && e.stage === stage,
  );
}
