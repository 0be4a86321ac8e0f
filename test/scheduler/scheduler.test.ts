// The build loop against a fake executor: no process is spawned, every stage ends when the test says. Stage
// planning, output renaming, hashing and records are the real ones (on a temporary folder), so early cutoff
// is decided by real output hashes.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { BuildControl } from "../../src/scheduler/run-build.ts";
import { endOf, type FakeStage, FakeExecutor, FakeProject, stagesOf } from "./fake-build.ts";

const projects: FakeProject[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.remove();
});

async function project(stages: Record<string, FakeStage>, inputs: Record<string, string> = {}) {
  const p = await FakeProject.create(stages, inputs);
  projects.push(p);
  return p;
}

/** Lets the build loop react to what the test just did (its reactions are promise callbacks). */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe("slots", () => {
  it("a stage takes nprocess × threads_per_process slots, and one that does not fit is not overtaken", async () => {
    const p = await project({
      S1: { outputs: ["s1"] },
      W: { outputs: ["w"], nprocess: 2, threads: 2 },
      S2: { outputs: ["s2"] },
    });
    const x = new FakeExecutor();
    const build = p.build(x, { jobs: 4 });
    await x.whenStarted("S1");
    await settle();
    // W needs 4 slots, 3 are free: it waits, and S2 (1 slot, queued behind it) waits too.
    expect(x.runningStages).toEqual(["S1"]);
    x.finish("S1");
    await x.whenStarted("W");
    await settle();
    expect(x.runningStages).toEqual(["W"]);
    x.finish("W");
    await x.whenStarted("S2");
    x.finish("S2");
    const { summary } = await build;
    expect(summary).toMatchObject({ ok: true, succeeded: 3 });
    expect(x.maxSlots).toBe(4);
  });

  it("independent stages run side by side up to the slot budget, and never beyond it", async () => {
    const stages: Record<string, FakeStage> = {};
    for (let i = 0; i < 12; i++) stages[`S${i}`] = { outputs: [`o${i}`], threads: 1 + (i % 3) };
    const p = await project(stages);
    const x = new FakeExecutor();
    const build = p.build(x, { jobs: 5 });
    // Finish the oldest running stage, one at a time, until all have run.
    while (x.started.length < 12 || x.runningStages.length > 0) {
      await settle();
      expect(x.slotsInUse()).toBeLessThanOrEqual(5);
      x.finish(x.runningStages[0]!);
    }
    const { summary } = await build;
    expect(summary).toMatchObject({ ok: true, succeeded: 12 });
    expect(x.maxSlots).toBe(5);
  });

  it("a stage that asks for more slots than the build has runs alone with all of them", async () => {
    const p = await project({ Big: { outputs: ["b"], nprocess: 4, threads: 4 }, Small: { outputs: ["s"] } });
    const x = new FakeExecutor();
    const build = p.build(x, { jobs: 2 });
    await x.whenStarted("Big");
    await settle();
    expect(x.runningStages).toEqual(["Big"]);
    x.finish("Big");
    await x.whenStarted("Small");
    x.finish("Small");
    expect((await build).summary).toMatchObject({ ok: true, succeeded: 2 });
  });
});

describe("waiting", () => {
  it("a stage with two producers is checked once both are done, and runs once", async () => {
    const p = await project({
      A: { outputs: ["a"] },
      B: { outputs: ["b"] },
      C: { inputs: ["a", "b"], outputs: ["c"] },
    });
    const x = new FakeExecutor();
    const build = p.build(x, { jobs: 2 });
    await x.whenStarted("B");
    x.finish("A");
    await settle();
    expect(x.runningStages).toEqual(["B"]);
    x.finish("B");
    await x.whenStarted("C");
    x.finish("C");
    const { summary, events } = await build;
    expect(summary).toMatchObject({ ok: true, succeeded: 3 });
    expect(stagesOf(events, "stage-start")).toEqual(["A", "B", "C"]);
  });

  it("a slow stage does not hold up the independent ones", async () => {
    const p = await project({
      Slow: { outputs: ["s"] },
      A: { outputs: ["a"] },
      B: { inputs: ["a"], outputs: ["b"] },
      AfterSlow: { inputs: ["s"], outputs: ["t"] },
    });
    const x = new FakeExecutor();
    x.auto = new Set(["A", "B", "AfterSlow"]);
    const build = p.build(x, { jobs: 2 });
    await x.whenStarted("B");
    await settle();
    expect(x.runningStages).toEqual(["Slow"]);
    x.finish("Slow");
    const { summary } = await build;
    expect(summary).toMatchObject({ ok: true, succeeded: 4 });
    expect(x.started).toEqual(["Slow", "A", "B", "AfterSlow"]);
  });
});

describe("priority", () => {
  it("the stage with the longest remaining path starts first, whatever the pipeline order", async () => {
    const p = await project({
      Lone: { outputs: ["lone"] },
      P: { outputs: ["p"] },
      Q: { inputs: ["p"], outputs: ["q"] },
      R: { inputs: ["q"], outputs: ["r"] },
    });
    const x = new FakeExecutor();
    x.auto = true;
    await p.build(x, { jobs: 1 });
    // P (3 stages to go) and Q (2) before Lone (1); Lone and R tie, and Lone was ready first.
    expect(x.started).toEqual(["P", "Q", "Lone", "R"]);
  });

  it("the longest path is weighted by each stage's last recorded duration", async () => {
    const p = await project({ Quick: { outputs: ["q"] }, Slow: { outputs: ["s"] } });
    const x = new FakeExecutor();
    x.auto = new Set(["Quick"]);
    const first = p.build(x, { jobs: 1 });
    await x.whenStarted("Slow");
    await new Promise((r) => setTimeout(r, 30)); // Slow's record says it takes longer than Quick
    x.finish("Slow");
    await first;
    expect(x.started).toEqual(["Quick", "Slow"]);
    const y = new FakeExecutor();
    y.auto = true;
    await p.build(y, { jobs: 1, forced: () => "forced" });
    expect(y.started).toEqual(["Slow", "Quick"]);
  });
});

describe("failures", () => {
  const chain = { A: { outputs: ["a"] }, B: { inputs: ["a"], outputs: ["b"] }, C: { inputs: ["b"], outputs: ["c"] } };

  it("a failed stage blocks everything downstream of it, named by the stage that failed", async () => {
    const p = await project({ ...chain, D: { outputs: ["d"] } });
    const x = new FakeExecutor();
    x.auto = new Set(["D"]);
    const build = p.build(x, { jobs: 2 });
    await x.whenStarted("A");
    x.fail("A", "boom");
    const { summary, events } = await build;
    expect(summary).toEqual({ ok: false, succeeded: 1, failed: 1, fresh: 0, blocked: 2, cancelled: 0 });
    expect(endOf(events, "A")).toMatchObject({ status: "failed", error: "boom", outputs: [] });
    expect(events.filter((e) => e.event === "stage-blocked")).toEqual([
      { event: "stage-blocked", stage: "B", by: "A" },
      { event: "stage-blocked", stage: "C", by: "A" },
    ]);
    expect(x.started).toEqual(["A", "D"]);
    expect(p.records.get("A")).toBeUndefined();
    expect(existsSync(join(p.dir, "out", "inprogress_a.txt"))).toBe(false);
  });

  it("without --keep-going a failure stops new starts; running stages finish and are recorded", async () => {
    const p = await project({ ...chain, D: { outputs: ["d"] }, E: { outputs: ["e"] } });
    const x = new FakeExecutor();
    const build = p.build(x, { jobs: 2 });
    await x.whenStarted("A");
    await x.whenStarted("D");
    x.fail("A");
    await settle();
    expect(x.runningStages).toEqual(["D"]); // E would fit, but the build is stopping
    x.finish("D");
    const { summary, events } = await build;
    expect(summary).toMatchObject({ ok: false, succeeded: 1, failed: 1, blocked: 3 });
    expect(events).toContainEqual({ event: "stage-blocked", stage: "E", by: "A" });
    expect(p.records.get("D")).toBeDefined();
  });

  it("with --keep-going the independent branches still run", async () => {
    const p = await project({ ...chain, D: { outputs: ["d"] }, E: { outputs: ["e"] } });
    const x = new FakeExecutor();
    x.auto = new Set(["D", "E"]);
    const build = p.build(x, { jobs: 1, keepGoing: true });
    await x.whenStarted("A");
    x.fail("A");
    const { summary } = await build;
    expect(summary).toMatchObject({ ok: false, succeeded: 2, failed: 1, blocked: 2 });
    expect(x.started).toEqual(["A", "D", "E"]);
  });

  it("a stage that reports success without writing its outputs fails, with the end of its log", async () => {
    const p = await project(chain);
    const x = new FakeExecutor();
    const build = p.build(x);
    await x.whenStarted("A");
    x.finish("A", { skip: true });
    const { events } = await build;
    expect(endOf(events, "A")).toMatchObject({
      status: "failed",
      error: "stage did not write its output 'a' (expected out/inprogress_a.txt)",
      logTail: [],
    });
    expect(stagesOf(events, "stage-blocked")).toEqual(["B", "C"]);
  });

  it("a missing run input fails its stage before anything runs", async () => {
    const p = await project({ Read: { inputs: ["raw"], outputs: ["r"] }, Next: { inputs: ["r"], outputs: ["n"] } });
    const x = new FakeExecutor();
    const { summary, events } = await p.build(x);
    expect(x.started).toEqual([]);
    expect(endOf(events, "Read")).toMatchObject({
      status: "failed",
      seconds: 0,
      error: "input 'raw' is missing: in/raw.txt",
    });
    expect(summary).toMatchObject({ failed: 1, blocked: 1 });
  });

  it("a log folder lbg cannot create fails the stage without running it", async () => {
    const p = await project(chain);
    writeFileSync(join(p.dir, "not-a-folder"), "");
    p.logDir = join(p.dir, "not-a-folder", "logs");
    const x = new FakeExecutor();
    const { summary, events } = await p.build(x);
    expect(x.started).toEqual([]);
    expect(endOf(events, "A")).toMatchObject({ status: "failed", seconds: 0 });
    expect(endOf(events, "A")?.error).toMatch(/ENOTDIR/);
    expect(summary).toMatchObject({ failed: 1, blocked: 2 });
  });
});

describe("cancellation", () => {
  it("an interrupt cancels running stages, starts nothing more and blocks the rest as 'interrupt'", async () => {
    const p = await project({
      A: { outputs: ["a"] },
      B: { inputs: ["a"], outputs: ["b"] },
      C: { outputs: ["c"], threads: 4 },
    });
    const x = new FakeExecutor();
    const abort = new AbortController();
    const build = p.build(x, { jobs: 4, signal: abort.signal });
    await x.whenStarted("A");
    abort.abort();
    const { summary, events } = await build;
    expect(x.started).toEqual(["A"]);
    expect(endOf(events, "A")).toMatchObject({ status: "cancelled" });
    expect(endOf(events, "A")).not.toHaveProperty("superseded");
    expect(events.filter((e) => e.event === "stage-blocked")).toEqual([
      { event: "stage-blocked", stage: "B", by: "A" },
      { event: "stage-blocked", stage: "C", by: "interrupt" },
    ]);
    expect(summary).toMatchObject({ ok: false, cancelled: 1, blocked: 2 });
    expect(p.records.get("A")).toBeUndefined();
  });

  it("a stage superseded by an edit ends cancelled with superseded, counted in the summary", async () => {
    const p = await project({ A: { outputs: ["a"] }, B: { inputs: ["a"], outputs: ["b"] }, C: { outputs: ["c"] } });
    const x = new FakeExecutor();
    const control: BuildControl = {};
    const build = p.build(x, { control, keepGoing: true });
    await x.whenStarted("A");
    await x.whenStarted("C");
    expect([...control.running!().keys()]).toEqual(["A", "C"]);
    control.cancel!("A", true);
    control.cancel!("B"); // not running: nothing happens
    x.finish("C");
    const { summary, events } = await build;
    expect(endOf(events, "A")).toMatchObject({ status: "cancelled", superseded: true });
    expect(summary).toEqual({ ok: false, succeeded: 1, failed: 0, fresh: 0, blocked: 1, cancelled: 1, superseded: 1 });
    expect(control.running!().size).toBe(0);
  });

  it("control.running gives the fingerprint hash each running stage started with", async () => {
    const p = await project({ A: { outputs: ["a"], config: { n: 1 } } });
    const x = new FakeExecutor();
    const control: BuildControl = {};
    const build = p.build(x, { control });
    await x.whenStarted("A");
    const hash = control.running!().get("A");
    x.finish("A");
    await build;
    expect(hash).toBe(p.records.get("A")?.fingerprintHash);
  });
});

describe("early cutoff", () => {
  const stages = {
    A: { inputs: ["raw"], outputs: ["a"], config: { seed: 1 } },
    B: { inputs: ["a"], outputs: ["b"] },
    C: { inputs: ["b"], outputs: ["c"] },
  };

  it("a second build with nothing changed runs nothing", async () => {
    const p = await project(stages, { raw: "1\n" });
    const x = new FakeExecutor();
    x.auto = true;
    expect((await p.build(x)).summary).toMatchObject({ ok: true, succeeded: 3 });
    const { summary, events } = await p.build(x);
    expect(summary).toMatchObject({ ok: true, succeeded: 0, fresh: 3 });
    expect(stagesOf(events, "stage-fresh")).toEqual(["A", "B", "C"]);
  });

  it("a re-run that reproduces its outputs leaves its dependants fresh", async () => {
    const p = await project(stages, { raw: "1\n" });
    const x = new FakeExecutor();
    x.auto = true;
    await p.build(x);
    p.graph.nodes.get("A")!.config = { seed: 2 }; // A is stale, but writes the same output
    const y = new FakeExecutor();
    y.auto = true;
    const { summary, events } = await p.build(y);
    expect(y.started).toEqual(["A"]);
    expect(events.find((e) => e.event === "stage-start")).toMatchObject({
      stage: "A",
      reasons: ["config changed: A.seed 1 → 2"],
    });
    expect(stagesOf(events, "stage-fresh")).toEqual(["B", "C"]);
    expect(summary).toMatchObject({ ok: true, succeeded: 1, fresh: 2 });
  });

  it("a re-run that changes its output re-runs the next stage, which may stop the chain there", async () => {
    const p = await project(stages, { raw: "1\n" });
    const x = new FakeExecutor();
    x.auto = true;
    await p.build(x);
    const y = new FakeExecutor();
    y.auto = true;
    y.content = (stage, tag) => (stage === "A" ? "a changed\n" : `${stage}:${tag}\n`);
    const { events } = await p.build(y, { forced: (s) => (s === "A" ? "forced" : undefined) });
    expect(y.started).toEqual(["A", "B"]);
    expect(events.find((e) => e.event === "stage-start" && e.stage === "B")).toMatchObject({
      reasons: ["input changed: a"],
    });
    expect(stagesOf(events, "stage-fresh")).toEqual(["C"]);
    expect(readFileSync(join(p.dir, "out", "a.txt"), "utf8")).toBe("a changed\n");
  });

  it("a stage is checked only once its producers are done, with the hashes of their new outputs", async () => {
    const p = await project(stages, { raw: "1\n" });
    const x = new FakeExecutor();
    x.auto = true;
    await p.build(x);
    p.writeInput("raw", "2\n");
    const y = new FakeExecutor();
    y.content = (stage, tag) => (stage === "B" ? "b changed\n" : `${stage}:${tag}\n`);
    const build = p.build(y);
    await y.whenStarted("A");
    await settle();
    expect(y.runningStages).toEqual(["A"]); // B waits for A: it is neither fresh nor started
    y.finish("A"); // same output as before: B is fresh, and C with it
    const { events } = await build;
    expect(stagesOf(events, "stage-fresh")).toEqual(["B", "C"]);
  });
});
