// Progress and duration estimates end to end through the real CLI: a TypeScript stage's ctx.progress and a
// Python ceci stage's printed `lbg-progress:` lines reach `--json` as stage-progress events (at most one a
// second per stage), the record keeps the size of each run's work, and the next run's stage-start estimate
// is the last run's time scaled by its input bytes (or its progress total).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PY } from "../helpers/debian-python.ts";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

type Ev = Record<string, any>;
const records = (p: TempProject, run: string): Ev[] =>
  p
    .read(`.cache/runs/${run}/records.jsonl`)
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l.slice(17)));
const lastRecord = (p: TempProject, run: string, stage: string): Ev =>
  records(p, run)
    .filter((r) => r.stage === stage)
    .at(-1)!;

/** The stage-progress events of one stage, checked for the protocol's promises. */
function progressOf(events: Ev[], stage: string): Ev[] {
  const ps = events.filter((e) => e.event === "stage-progress" && e.stage === stage);
  const startAt = events.findIndex((e) => e.event === "stage-start" && e.stage === stage);
  const endAt = events.findIndex((e) => e.event === "stage-end" && e.stage === stage);
  for (const e of ps) {
    const at = events.indexOf(e);
    expect(at > startAt && at < endAt, "between the stage's start and end").toBe(true);
    expect(e.total).toBe(10);
    expect(e.done).toBeGreaterThanOrEqual(0);
    expect(e.done).toBeLessThanOrEqual(10);
  }
  // Rate-limited: one a second (the log is read once a second), never two for the same numbers.
  for (let i = 1; i < ps.length; i++) {
    expect(ps[i]!.seconds - ps[i - 1]!.seconds).toBeGreaterThan(0.8);
    expect(ps[i]!.done).not.toBe(ps[i - 1]!.done);
  }
  return ps;
}

describe("progress of a TypeScript stage, and estimates scaled by input size", () => {
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject("mini");
  });
  afterAll(() => p?.remove());

  it("ctx.progress becomes stage-progress events; the record keeps the total and the input bytes", () => {
    const r = p.build("numbers", ["--set", "MakeNumbers.sleep=4"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const ps = progressOf(r.events, "MakeNumbers");
    expect(ps.length).toBeGreaterThanOrEqual(2);
    expect(ps.length).toBeLessThanOrEqual(6);
    expect(ps.at(-1)!.done).toBeGreaterThan(ps[0]!.done);
    // No stage-progress for stages that report none, and no estimate on a first build.
    expect(r.events.filter((e) => e.event === "stage-progress" && e.stage !== "MakeNumbers")).toEqual([]);
    expect(r.events.filter((e) => e.event === "stage-start").every((e) => !("estimate" in e))).toBe(true);
    const rec = lastRecord(p, "numbers", "MakeNumbers");
    expect(rec.work.progressTotal).toBe(10);
    expect(rec.work.progressStart).toBeGreaterThan(0);
    expect(rec.work.inputBytes).toBe(0); // it reads nothing
    expect(lastRecord(p, "numbers", "SumNumbers").work).toEqual({ inputBytes: 20 }); // "0\n" … "9\n"
    // The progress lines stay in the stage's log (a record of the run), the UI and failure tails skip them.
    expect(p.read("results/numbers/logs/MakeNumbers.out")).toMatch(/^lbg-progress: \d+\/10$/m);
  });

  it("the next run's stage-start estimate is the last time scaled by the input bytes now against then", () => {
    const before = lastRecord(p, "numbers", "SumNumbers");
    const makeBefore = lastRecord(p, "numbers", "MakeNumbers");
    const r = p.build("numbers", ["--set", "MakeNumbers.n=100"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const start = r.events.find((e) => e.event === "stage-start" && e.stage === "SumNumbers")!;
    // 0..99, one per line: 290 bytes against 20.
    expect(start.estimate).toBeCloseTo((before.seconds * 290) / 20, 2);
    // MakeNumbers has no inputs and reported no progress this time: its last time as it was.
    const make = r.events.find((e) => e.event === "stage-start" && e.stage === "MakeNumbers")!;
    expect(make.estimate).toBe(makeBefore.seconds);
    expect(lastRecord(p, "numbers", "SumNumbers").work).toEqual({ inputBytes: 290 });
    // build-start names each stage's producers, for the ETA of stages not started yet.
    const bs = r.events.find((e) => e.event === "build-start")!;
    expect(bs.upstream).toEqual({ SumNumbers: ["MakeNumbers"], CountNumbers: ["MakeNumbers"] });
  });
});

describe("progress of a Python ceci stage (printed lines)", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  beforeAll(() => {
    if (noPython) return;
    p = new TempProject(["mini", "mixed"]);
  });
  afterAll(() => p?.remove());

  it("`lbg-progress: i/10` lines printed by the stage become stage-progress events", () => {
    const r = p.build("mixed", ["--set", "PyScale.sleep=4"], { LBG_PYTHON: PY });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const ps = progressOf(r.events, "PyScale");
    expect(ps.length).toBeGreaterThanOrEqual(2);
    expect(lastRecord(p, "mixed", "PyScale").work.progressTotal).toBe(10);
    expect(r.events.filter((e) => e.event === "stage-progress" && e.stage !== "PyScale")).toEqual([]);
  });
});
