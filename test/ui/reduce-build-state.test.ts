// The UI reducer: every event kind moves the right row to the right state, finished rows are printed once
// (and in order), counts and per-build facts reset between the builds of a watch session.
import { describe, expect, it } from "vitest";
import { buildCounts, initialBuildState } from "../../src/ui/build-state.ts";
import { reduceBuildState } from "../../src/ui/reduce-build-state.ts";
import {
  blocked,
  cancelled,
  end,
  failed,
  fresh,
  ok,
  progress,
  replay,
  run,
  runEstimated,
  start,
  T0,
} from "./events.ts";

describe("reduceBuildState", () => {
  it("build-start records the run, pipelines, stage count, jobs and estimates, and prints nothing", () => {
    const s = replay([start({ estimates: { MakeNumbers: 2 }, upstream: { SumNumbers: ["MakeNumbers"] } })]);
    expect(s.build).toEqual({
      run: "numbers",
      pipelines: ["numbers"],
      total: 4,
      jobs: 2,
      dryRun: false,
      estimates: { MakeNumbers: 2 },
      upstream: { SumNumbers: ["MakeNumbers"] },
      scale: {},
      startedAt: T0,
    });
    expect(s.printed).toEqual([]);
    expect(buildCounts(s)).toMatchObject({ total: 4, fresh: 0, toRun: 4, done: 0, waiting: 4 });
  });

  it("a started stage is a running row with its reasons, log and start time; its end prints it once with the final time", () => {
    let s = replay([start(), [100, run("MakeNumbers", ["config changed: MakeNumbers.n 10 → 12"])]]);
    expect(s.running).toEqual([
      {
        name: "MakeNumbers",
        kind: "stage",
        state: "running",
        reasons: ["config changed: MakeNumbers.n 10 → 12"],
        log: "results/numbers/logs/MakeNumbers.out",
        startedAt: T0 + 100,
      },
    ]);
    expect(s.stages).toEqual({ MakeNumbers: "running" });
    expect(s.printed).toEqual([]);
    s = replay([[2100, ok("MakeNumbers", 2)]], s);
    expect(s.running).toEqual([]);
    expect(s.printed).toHaveLength(1);
    expect(s.printed[0]).toMatchObject({
      kind: "row",
      row: { name: "MakeNumbers", state: "succeeded", seconds: 2, reasons: ["config changed: MakeNumbers.n 10 → 12"] },
    });
    expect(buildCounts(s)).toMatchObject({ done: 1, running: 0, toRun: 4, waiting: 3 });
  });

  it("fresh, failed (with log tail), cancelled and blocked rows go straight to the printed history", () => {
    const s = replay([
      start(),
      fresh("CountNotes"),
      run("MakeNumbers"),
      failed("MakeNumbers"),
      blocked("SumNumbers", "MakeNumbers"),
      run("CountNumbers"),
      cancelled("CountNumbers"),
    ]);
    expect(s.printed.map((p) => (p.kind === "row" ? [p.row.name, p.row.state] : p.kind))).toEqual([
      ["CountNotes", "fresh"],
      ["MakeNumbers", "failed"],
      ["SumNumbers", "blocked"],
      ["CountNumbers", "cancelled"],
    ]);
    const failedRow = s.printed[1]!;
    expect(failedRow.kind === "row" && failedRow.row).toMatchObject({
      error: "Error: asked to fail",
      logTail: ["read 10 values", "Error: asked to fail"],
      log: "results/numbers/logs/MakeNumbers.out",
    });
    const blockedRow = s.printed[2]!;
    expect(blockedRow.kind === "row" && blockedRow.row.blockedBy).toBe("MakeNumbers failed");
    expect(buildCounts(s)).toEqual({
      total: 4,
      fresh: 1,
      toRun: 2,
      done: 2,
      running: 0,
      failed: 1,
      blocked: 1,
      waiting: 0,
    });
  });

  it("a stage that fails without starting (missing input) is printed as failed", () => {
    const s = replay([
      start(),
      {
        event: "stage-end",
        stage: "SumNumbers",
        status: "failed",
        seconds: 0,
        outputs: [],
        log: "l",
        error: "input 'numbers' is missing: x.txt",
      },
    ]);
    expect(s.printed[0]).toMatchObject({
      kind: "row",
      row: { name: "SumNumbers", state: "failed", error: "input 'numbers' is missing: x.txt" },
    });
  });

  it("a dry run's stage-start is a pending row (would run), not a running one", () => {
    const s = replay([
      start({ dryRun: true }),
      { event: "stage-start", stage: "MakeNumbers", reasons: ["never built"], log: "l", dryRun: true },
    ]);
    expect(s.running).toEqual([]);
    expect(s.printed[0]).toMatchObject({ kind: "row", row: { state: "pending", reasons: ["never built"] } });
  });

  it("scripts are rows too, but not stages (no counts)", () => {
    let s = replay([start(), [0, { event: "script-start", which: "pre_script", command: "echo hi" }]]);
    expect(s.running).toMatchObject([{ name: "pre_script", kind: "script", reasons: ["echo hi"] }]);
    s = replay(
      [
        {
          event: "script-end",
          which: "pre_script",
          ok: false,
          seconds: 0.1,
          log: "results/numbers/logs/pre_script.out",
          logTail: ["boom"],
        },
      ],
      s,
    );
    expect(s.printed[0]).toMatchObject({
      kind: "row",
      row: { name: "pre_script", kind: "script", state: "failed", logTail: ["boom"] },
    });
    expect(s.stages).toEqual({});
  });

  it("warnings, restart-all, watch-change and watch-notice are printed; watch-idle and watch-error feed the footer", () => {
    let s = replay([
      start(),
      { event: "warning", message: "unknown key 'sede'" },
      { event: "restart-all", reason: "--no-resume" },
    ]);
    expect(s.printed.map((p) => p.kind)).toEqual(["warning", "notice"]);
    expect(s.printed[1]).toMatchObject({ text: "--no-resume: every stage re-runs" });
    s = replay(
      [end(), { event: "watch-idle", files: 9, lastBuild: { ok: true, at: "2025-01-01T10:00:00.000Z", seconds: 1.5 } }],
      s,
    );
    expect(s.watch).toEqual({
      files: 9,
      lastBuild: { ok: true, at: "2025-01-01T10:00:00.000Z", seconds: 1.5 },
      idle: true,
    });
    s = replay(
      [
        { event: "watch-change", paths: ["a", "b", "c", "d", "e", "f", "g"] },
        { event: "watch-error", message: "bad YAML" },
      ],
      s,
    );
    expect(s.printed.at(-1)).toMatchObject({ kind: "notice", text: "changed: a, b, c, d, e and 2 more" });
    expect(s.watchError).toBe("bad YAML");
    s = replay([{ event: "watch-notice", message: "no failed stages to force" }], s);
    expect(s.printed.at(-1)).toMatchObject({ kind: "notice", text: "no failed stages to force" });
  });

  it("build-end shows the summary live; anything printed next (or the next build) moves it into the history first", () => {
    let s = replay([start(), run("B"), ok("B"), end({ succeeded: 1 })]);
    expect(s.liveSummary).toMatchObject({ run: "numbers", end: { succeeded: 1 }, dryRun: false });
    expect(s.printed.map((p) => p.kind)).toEqual(["row"]);
    s = replay([{ event: "watch-change", paths: ["x.yaml"] }], s);
    expect(s.liveSummary).toBeUndefined();
    expect(s.printed.map((p) => p.kind)).toEqual(["row", "summary", "notice"]);
    const again = replay([start(), end(), start()]);
    expect(again.printed.map((p) => p.kind)).toEqual(["summary"]);
  });

  it("blocked rows say why: a failure, a cancelled stage, an interrupt", () => {
    const s = replay([
      start(),
      run("A"),
      failed("A"),
      blocked("B", "A"),
      run("C"),
      cancelled("C"),
      blocked("D", "C"),
      blocked("E", "interrupt"),
    ]);
    expect(s.printed.flatMap((p) => (p.kind === "row" && p.row.state === "blocked" ? [p.row.blockedBy] : []))).toEqual([
      "A failed",
      "C was cancelled",
      "interrupted",
    ]);
  });

  it("the next build-start resets the build but keeps the history and the name column", () => {
    let s = replay([
      start(),
      run("AVeryLongStageNameIndeed"),
      ok("AVeryLongStageNameIndeed"),
      end({ succeeded: 1 }),
      { event: "watch-error", message: "x" },
    ]);
    expect(s.end).toBeDefined();
    s = replay([[5000, start({ run: "numbers" })]], s);
    expect(s.end).toBeUndefined();
    expect(s.stages).toEqual({});
    expect(s.watchError).toBeUndefined();
    expect(s.printed.map((p) => p.kind)).toEqual(["row", "summary"]);
    expect(s.nameWidth).toBe("AVeryLongStageNameIndeed".length);
    expect(new Set(s.printed.map((p) => p.id)).size).toBe(2);
  });

  it("is pure: the previous state is never modified", () => {
    const before = replay([start(), run("MakeNumbers")]);
    const snapshot = JSON.stringify(before);
    reduceBuildState(before, ok("MakeNumbers"), T0);
    reduceBuildState(before, { event: "warning", message: "w" }, T0);
    expect(JSON.stringify(before)).toBe(snapshot);
    expect(reduceBuildState(initialBuildState(), start(), 5).build?.startedAt).toBe(5);
  });

  it("stage-progress updates the running row (first report kept for the rate) and the stage's work scale", () => {
    let s = replay([start({ estimates: { A: 2 } }), [0, runEstimated("A", 3)]]);
    expect(s.running[0]).toMatchObject({ name: "A", estimate: 3 });
    expect(s.build?.scale).toEqual({ A: 1.5 });
    s = replay(
      [
        [1000, progress("A", 10, 100, 1, 30)],
        [2000, progress("A", 40, 100, 2, 30)],
      ],
      s,
    );
    expect(s.running[0]).toMatchObject({
      estimate: 30,
      progress: { done: 40, total: 100, seconds: 2, at: T0 + 2000, first: { done: 10, seconds: 1 } },
    });
    expect(s.build?.scale).toEqual({ A: 15 });
    // A new total: the stage counts something else now, its rate starts afresh.
    s = replay([[3000, progress("A", 1, 5, 3)]], s);
    expect(s.running[0]?.progress).toMatchObject({ done: 1, total: 5, first: { done: 1, seconds: 3 } });
    expect(s.running[0]?.estimate).toBe(30);
    // For a stage not running (a late event), nothing changes; the finished row keeps no bar.
    expect(replay([progress("B", 1, 2, 1)], s)).toBe(s);
  });
});
