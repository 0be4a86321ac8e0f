// Progress reporting, piece by piece: the `lbg-progress: done/total` line protocol, the SDK side's throttle
// (ctx.progress in a worker), the log follower that turns lines into reports, and the scaled duration
// prediction (src/scheduler/stage-work.ts).
import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isProgressLine, parseProgressLine, progressLine } from "../../src/events/progress-line.ts";
import { followProgress } from "../../src/scheduler/follow-progress.ts";
import { tail } from "../../src/scheduler/stage-log.ts";
import { predictSeconds } from "../../src/scheduler/stage-work.ts";
import { throttledProgress } from "../../src/stages/run-stage.ts";
import type { StageRecord } from "../../src/store/stage-record.ts";
import { lastLine } from "../../src/ui/read-last-line.ts";

const dir = mkdtempSync(join(tmpdir(), "lbg-progress-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the progress line protocol", () => {
  it("writes and reads done/total, integers or decimals, after a carriage return too", () => {
    expect(progressLine(120000, 300000)).toBe("lbg-progress: 120000/300000");
    expect(progressLine(0.5, 2)).toBe("lbg-progress: 0.5/2");
    expect(parseProgressLine("lbg-progress: 120000/300000")).toEqual({ done: 120000, total: 300000 });
    expect(parseProgressLine("lbg-progress: 1.25/2.5 ")).toEqual({ done: 1.25, total: 2.5 });
    expect(parseProgressLine("50%|#####\rlbg-progress: 3/4")).toEqual({ done: 3, total: 4 });
    expect(parseProgressLine("lbg-progress: 7/5")).toEqual({ done: 5, total: 5 }); // done never beyond total
  });

  it("anything else is an ordinary log line", () => {
    for (const l of [
      "lbg-progress: 1/0",
      "lbg-progress: -1/3",
      "lbg-progress: 1e3/1e4",
      "progress: 1/2",
      "x lbg-progress: 1/2",
      "lbg-progress: 1/2 rows",
    ])
      expect(isProgressLine(l)).toBe(false);
  });

  it("is left out of the UI's last log line and of a failure's tail", () => {
    expect(lastLine("read 10 values\nlbg-progress: 3/10\nlbg-progress: 4/10\n")).toBe("read 10 values");
    const log = join(dir, "tail.out");
    writeFileSync(log, "start\nlbg-progress: 1/2\nError: boom\n");
    expect(tail(log)).toEqual(["start", "Error: boom"]);
  });
});

describe("ctx.progress (throttledProgress)", () => {
  it("writes the first report, then at most one a second, and the final one once; ignores bad values", () => {
    let t = 0;
    const lines: string[] = [];
    const progress = throttledProgress(
      (l) => lines.push(l),
      () => t,
    );
    progress(0, 100);
    progress(1, 100); // same instant: held back
    t = 999;
    progress(2, 100);
    t = 1000;
    progress(3, 100);
    progress(NaN, 100);
    progress(5, 0);
    progress(-1, 100);
    t = 1001;
    progress(100, 100); // the final report is always written...
    progress(100, 100); // ...once
    progress(150, 100);
    expect(lines).toEqual(["lbg-progress: 0/100", "lbg-progress: 3/100", "lbg-progress: 100/100"]);
  });
});

describe("followProgress", () => {
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it("reports each new progress line appended to the log, and the last one when stopped", async () => {
    const log = join(dir, "follow.out");
    const seen: string[] = [];
    const f = followProgress(log, (p) => seen.push(`${p.done}/${p.total}`), 30);
    await wait(100); // no log yet: nothing, and no error
    writeFileSync(log, "Executing stage\nlbg-progress: 1/10\nlbg-progress: 2/10\n");
    await wait(150);
    appendFileSync(log, "a line\nlbg-progress: 2/10\n"); // unchanged: not reported again
    await wait(150);
    appendFileSync(log, "lbg-progress: 5/1"); // no line end yet: could be cut mid-number
    await wait(150);
    appendFileSync(log, "0\n");
    await wait(150);
    // The stage's log started afresh (a re-run): read from the start again.
    truncateSync(log, 0);
    writeFileSync(log, "lbg-progress: 1/3\n");
    await wait(150);
    appendFileSync(log, `${"x".repeat(200_000)}\nlbg-progress: 2/3\n`); // a big burst: only its end is read
    expect(f.stop()).toEqual({ done: 2, total: 3 });
    expect(seen).toEqual(["2/10", "5/10", "1/3"]);
  });

  it("a stage that ends before the first tick costs no read", () => {
    const log = join(dir, "short.out");
    writeFileSync(log, "lbg-progress: 1/2\n");
    const f = followProgress(log, () => {
      throw new Error("not reported");
    });
    expect(f.stop()).toBeUndefined();
  });
});

describe("predictSeconds", () => {
  const record = (seconds: number, work?: StageRecord["work"]) => ({ seconds, work }) as StageRecord;

  it("scales the last run's time by the progress total, else by the input bytes; the start-up stays fixed", () => {
    expect(predictSeconds(undefined, { inputBytes: 10 })).toBeUndefined();
    expect(predictSeconds(record(4), { inputBytes: 100 })).toBe(4); // nothing to compare with
    expect(predictSeconds(record(4, { inputBytes: 100 }), { inputBytes: 300 })).toBe(12);
    expect(
      predictSeconds(record(4, { inputBytes: 100, progressTotal: 20_000 }), {
        inputBytes: 100,
        progressTotal: 300_000,
      }),
    ).toBe(60);
    // 1 s before the first report does not grow with the total: 1 + 3 × 15.
    const r = record(4, { inputBytes: 0, progressTotal: 20_000, progressStart: 1 });
    expect(predictSeconds(r, { progressTotal: 300_000 })).toBe(46);
    expect(predictSeconds(r, { inputBytes: 0 })).toBe(4);
  });

  it("a record that does not hold numbers is not trusted", () => {
    const bad = { seconds: 4, work: { inputBytes: "x", progressTotal: -3 } } as unknown as StageRecord;
    expect(predictSeconds(bad, { inputBytes: 10, progressTotal: 5 })).toBe(4);
    expect(predictSeconds({ seconds: Number.NaN } as StageRecord, {})).toBeUndefined();
  });
});
