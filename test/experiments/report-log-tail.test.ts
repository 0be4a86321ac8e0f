// `lbg report` shows the last lines of each stage's log, reading only its end: a log of gigabytes (a chatty
// stage over weeks) must neither be read whole nor make the report fail. It read the whole file as one string,
// so a log longer than the longest string (about 2^29 characters) showed no tail at all.
import { closeSync, ftruncateSync, openSync, writeSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const LOG = "results/numbers/logs/SumNumbers.out";

describe("lbg report: a stage's log tail", () => {
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject("mini");
    expect(p.build("numbers").code).toBe(0);
  }, 120_000);
  afterAll(() => p?.remove());

  /** The tail the report shows for SumNumbers' log, as lines. */
  const shownTail = () => {
    const r = p.lbg(["report", "numbers", "-o", "out/report.html"]);
    expect(r.code, r.stderr).toBe(0);
    const html = p.read("out/report.html");
    const m = html.match(/SumNumbers\.out<\/span> \(last lines\)<\/h4><pre>([^<]*)<\/pre>/);
    expect(m, "no log section for SumNumbers").not.toBeNull();
    return m![1]!.split("\n");
  };
  const tailText = Array.from({ length: 40 }, (_, i) => `tail line ${i}\nlbg-progress: ${i}/40`).join("\n");
  const expected = Array.from({ length: 30 }, (_, i) => `tail line ${i + 10}`);

  it("of a 5 MB log: its last 30 lines, without progress lines", () => {
    p.write(LOG, `${"an early line of the log, long enough to make megabytes\n".repeat(90_000)}${tailText}\n`);
    expect(shownTail()).toEqual(expected);
  });

  it("of a 1.5 GiB (sparse) log, longer than any string: its last lines too, from its end only", () => {
    const fd = openSync(p.path(LOG), "w");
    const end = 1.5 * 2 ** 30;
    ftruncateSync(fd, end);
    writeSync(fd, Buffer.from(`\n${tailText}\n`), 0, undefined, end);
    closeSync(fd);
    expect(shownTail()).toEqual(expected);
  });
});
