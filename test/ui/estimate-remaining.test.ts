// The ETA: estimates of running and unreported stages, the median for stages never timed, spread over
// jobs but never shorter than the longest remaining stage; none without any estimate.
import { describe, expect, it } from "vitest";
import { estimateRemaining, median } from "../../src/ui/estimate-remaining.ts";
import { formatEta } from "../../src/ui/progress-bar.tsx";
import { end, fresh, ok, replay, run, start, T0 } from "./events.ts";

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
    // A stage past its estimate counts 0, not negative.
    expect(estimateRemaining(one, T0 + 60_000)).toBeCloseTo(6);
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
});
