// The ETA: estimates of running and unreported stages, the median for stages never timed, spread over
// jobs but never shorter than the longest remaining stage; none without any estimate. Revised as the build
// goes: lbg's scaled prediction at stage-start, a stage's progress rate, producers' growth for stages not
// started yet, and unknown (undefined, `ETA ?`) once a stage has run past what was predicted.
import { describe, expect, it } from "vitest";
import { estimateRemaining, median, stageRemaining } from "../../src/ui/estimate-remaining.ts";
import { formatEta } from "../../src/ui/progress-bar.tsx";
import { end, fresh, ok, progress, replay, run, runEstimated, start, T0 } from "./events.ts";

describe("estimateRemaining", () => {
  it("median of known estimates", () => {
    expect(median([])).toBeUndefined();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it("no estimates at all: no ETA", () => {
    expect(estimateRemaining(replay([start(), run("MakeNumbers")]), T0)).toBeUndefined();
  });

  it("running stages count what is left of their estimate; unreported ones their whole estimate; divided by jobs", () => {
    const estimates = { MakeNumbers: 10, SumNumbers: 4, CountNumbers: 2, CountNotes: 6 };
    const s = replay([start({ estimates, jobs: 2 }), fresh("CountNotes"), [0, run("MakeNumbers")]]);
    // MakeNumbers ran 3 of its 10 s: 7 left; Sum 4 + Count 2 unreported: 13 s of work on 2 slots → 7 s
    // (the longest single remaining stage), not 6.5.
    expect(estimateRemaining(s, T0 + 3000)).toBeCloseTo(7);
    const one = replay([start({ estimates, jobs: 1 }), fresh("CountNotes"), [0, run("MakeNumbers")]]);
    expect(estimateRemaining(one, T0 + 3000)).toBeCloseTo(13);
    // A stage past its estimate is not known to end soon: no number at all (the bar says `ETA ?`).
    expect(estimateRemaining(one, T0 + 60_000)).toBeUndefined();
  });

  it("stages without an estimate count as the median of the known ones", () => {
    const s = replay([start({ estimates: { MakeNumbers: 2, SumNumbers: 4 }, stages: 4, jobs: 1 })]);
    // Make 2 + Sum 4 + two unknown stages at the median 3 each.
    expect(estimateRemaining(s, T0)).toBeCloseTo(12);
  });

  it("no ETA for a dry run or a finished build", () => {
    expect(estimateRemaining(replay([start({ dryRun: true, estimates: { MakeNumbers: 1 } })]), T0)).toBeUndefined();
    expect(
      estimateRemaining(
        replay([start({ estimates: { MakeNumbers: 1 } }), run("MakeNumbers"), ok("MakeNumbers"), end()]),
        T0,
      ),
    ).toBeUndefined();
  });

  it("formats the ETA coarsely", () => {
    expect([0.2, 1.2, 59, 61, 3600 + 120].map(formatEta)).toEqual(["<1s", "2s", "59s", "1m01s", "1h02m"]);
  });

  it("a stage's progress rate replaces the prediction once it has done 5 % and reported twice", () => {
    const estimates = { MakeNumbers: 3, SumNumbers: 4, CountNumbers: 2, CountNotes: 6 };
    const base = [start({ estimates, jobs: 1 }), fresh("CountNotes"), fresh("CountNumbers"), fresh("SumNumbers")];
    // The case: predicted 3 s, but 300,000 objects at 20,000 a second take 15 s.
    const s = replay([...base, [0, run("MakeNumbers")], [1000, progress("MakeNumbers", 0, 300_000, 1)]]);
    expect(estimateRemaining(s, T0 + 1000)).toBeCloseTo(2); // only the prediction so far
    const later = replay([[5000, progress("MakeNumbers", 80_000, 300_000, 5)]], s);
    // 80,000 in the 4 s since the first report: 20,000/s, 220,000 left = 11 s, counted down between reports.
    expect(estimateRemaining(later, T0 + 5000)).toBeCloseTo(11);
    expect(estimateRemaining(later, T0 + 7000)).toBeCloseTo(9);
    expect(stageRemaining(later.running[0]!, T0 + 7000)).toBeCloseTo(9);
    // Past the end of its rate and of its prediction: unknown, not "<1s".
    expect(estimateRemaining(later, T0 + 30_000)).toBeUndefined();
  });

  it("a single report is measured from the stage's start; under 5 % the prediction still rules", () => {
    const s = replay([start({ estimates: { A: 10 }, stages: 1 }), [0, run("A")], [2000, progress("A", 50, 100, 2)]]);
    expect(estimateRemaining(s, T0 + 2000)).toBeCloseTo(2); // 50 in 2 s from the start: 2 s for the other 50
    const early = replay([start({ estimates: { A: 10 }, stages: 1 }), [0, run("A")], [2000, progress("A", 2, 100, 2)]]);
    expect(estimateRemaining(early, T0 + 2000)).toBeCloseTo(8); // 2 %: the 10 s prediction minus 2 s
  });

  it("after the counted work, a prediction still ahead covers the stage's tail (writing its outputs)", () => {
    const s = replay([
      start({ estimates: { A: 10 }, stages: 1 }),
      [0, run("A")],
      [1000, progress("A", 0, 100, 1, 12)],
      [5000, progress("A", 100, 100, 5, 12)],
    ]);
    expect(estimateRemaining(s, T0 + 6000)).toBeCloseTo(6); // 12 s predicted for this total, 6 s run
    expect(estimateRemaining(s, T0 + 13_000)).toBeUndefined();
  });

  it("stage-start's scaled estimate replaces the last run's time, and scales the stages downstream", () => {
    const estimates = { Sim: 1, Split: 1, Est: 2, Eval: 1 };
    const upstream = { Split: ["Sim"], Est: ["Split"], Eval: ["Est"] };
    const s = replay([start({ estimates, upstream, jobs: 1 }), [0, runEstimated("Sim", 15)]]);
    // Sim does 15× its last work: 15 s, and so, by their inputs, Split 15 s, Est 30 s and Eval 15 s.
    expect(estimateRemaining(s, T0)).toBeCloseTo(15 + 15 + 30 + 15);
    // Progress that reports the total does the same before any input size is known.
    const p = replay([start({ estimates, upstream, jobs: 1 }), [0, run("Sim")], [500, progress("Sim", 0, 1, 0.5, 15)]]);
    expect(estimateRemaining(p, T0 + 500)).toBeCloseTo(14.5 + 15 + 30 + 15);
    // A fresh producer grew by nothing; a shrinking one scales its readers down.
    const f = replay([start({ estimates, upstream, jobs: 1 }), fresh("Sim"), [0, runEstimated("Split", 0.1)]]);
    expect(estimateRemaining(f, T0)).toBeCloseTo(0.1 + 0.2 + 0.1);
  });

  it("a first build has no ETA; a stage reporting progress gives its own time left", () => {
    const s = replay([start({ stages: 1 }), [0, run("A")], [1000, progress("A", 10, 100, 1)]]);
    expect(estimateRemaining(s, T0 + 1000)).toBeCloseTo(9);
    expect(estimateRemaining(replay([start({ stages: 2 }), [0, run("A")]]), T0)).toBeUndefined();
  });
});
