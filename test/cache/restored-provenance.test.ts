// What `lbg why` and `lbg report` say about outputs restored from the run cache (real CLI on the mini fixture
// with the cache fixture's stages): the restored record carries the provenance of the build that made the
// files (CacheEntry.record), says it was restored and from where, and keeps that build's resources.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";
import { stageRuns } from "./cache-helpers.ts";

const OUT = "results/numbers/outputs";
const AGAIN = "results/numbers_again/outputs";

function why(p: TempProject, file: string, deep = false) {
  const r = p.lbg(["why", file, "--json", ...(deep ? ["--deep"] : [])]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe("provenance of restored outputs", () => {
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject(["mini", "cache"]);
    expect(p.build("numbers", ["--set", "MakeNumbers.n=4"]).code).toBe(0);
    expect(p.build("numbers").code).toBe(0); // n = 10: MakeNumbers and its dependants run
    const runs = stageRuns(p).length;
    const back = p.build("numbers", ["--set", "MakeNumbers.n=4"]); // restored, as built by the first build
    expect(back.code).toBe(0);
    expect(back.end).toMatchObject({ restored: 3 });
    expect(stageRuns(p)).toHaveLength(runs);
  }, 180_000);
  afterAll(() => p.remove());

  it("lbg why on a restored file: made by lbg, with the building run's provenance, the restore and its resources", () => {
    const a = why(p, `${OUT}/numbers.txt`);
    expect(a.state).toBe("made");
    const m = a.made;
    expect(m).toMatchObject({ run: "numbers", stage: "MakeNumbers", restored: { run: "numbers" } });
    expect(m.builtInRun).toBeUndefined();
    // How the first build chose n, carried in the cache entry: not how this build did.
    expect(m.config.n).toEqual({ value: 4, from: "set", at: "--set MakeNumbers.n=4" });
    expect(m.reasons).toEqual(["never built"]);
    expect(m.resources).toMatchObject({ measuredBy: "worker" });
    expect(m.resources.cpuSeconds).toBeGreaterThan(0);
    expect(m.resources.maxRssBytes).toBeGreaterThan(0);
    expect(Date.parse(m.startedAt)).toBeLessThan(Date.parse(m.restored.builtAt) + 1);
    expect(Date.parse(m.restored.builtAt)).toBeLessThan(Date.parse(m.finishedAt));

    const text = p.lbg(["why", `${OUT}/numbers.txt`]).stdout;
    expect(text).toContain("made by lbg: output 'numbers' of MakeNumbers");
    expect(text).toMatch(/restored\s+.*\n\s+from the run cache: built .* by run numbers on /);
    expect(text).toMatch(/resources\s+wall [\d.]+s, CPU [\d.]+s, peak memory \d+ MB \(measured by worker\)/);
    // "took" on the built line is the build's wall time, not the restore's.
    const w = m.resources.wallSeconds as number;
    expect(text).toMatch(new RegExp(`built .*took ${w < 10 ? w.toFixed(2) : w.toFixed(1)}s`));
  });

  it("a second run sharing the stages: lbg why names the run that built them, and --deep walks the restored records", () => {
    const r = p.build("numbers_again", ["--set", "MakeNumbers.n=4"]);
    expect(r.code).toBe(0);
    expect(r.end).toMatchObject({ succeeded: 4, restored: 4 });
    const a = why(p, `${AGAIN}/total.txt`, true);
    expect(a.state).toBe("made");
    expect(a.made).toMatchObject({
      run: "numbers_again",
      stage: "SumNumbers",
      builtInRun: "numbers",
      restored: { run: "numbers" },
    });
    expect(a.made.inputs.numbers).toMatchObject({ path: `${AGAIN}/numbers.txt`, madeBy: "MakeNumbers" });
    expect(a.upstream.map((u: { run: string; stage: string }) => `${u.run}:${u.stage}`)).toEqual([
      "numbers_again:MakeNumbers",
    ]);
    expect(a.gaps).toEqual([]);
    expect(p.lbg(["why", `${AGAIN}/total.txt`]).stdout).toContain(
      "SumNumbers (lbg_stages:SumNumbers) in run numbers_again (built by run numbers)",
    );
  });

  it("the report shows each stage's resources (wall, CPU, peak memory), and who built a restored stage", () => {
    const r = p.lbg(["report", "numbers_again", "-o", "out/again.html"]);
    expect(r.code, r.stderr).toBe(0);
    const html = p.read("out/again.html");
    const section = html.slice(html.indexOf('id="stage-MakeNumbers"'), html.indexOf('id="stage-SumNumbers"'));
    expect(section).toMatch(
      /<b>resources<\/b><\/td><td>wall [\d.]+s, CPU [\d.]+s, peak memory \d+ MB \(measured by worker\)/,
    );
    expect(section).toContain("<b>built by run</b></td><td>numbers</td>");
    expect(section).toMatch(/<b>restored<\/b><\/td><td>[^<]* in [^<]*, from the run cache: built /);

    // A stage that ran (CountNotes, never restored): its own figures.
    const ran = p.lbg(["report", "numbers", "-o", "out/numbers.html"]);
    expect(ran.code, ran.stderr).toBe(0);
    const html2 = p.read("out/numbers.html");
    const notes = html2.slice(html2.indexOf('id="stage-CountNotes"'));
    expect(notes).toMatch(
      /<b>resources<\/b><\/td><td>wall [\d.]+s, CPU [\d.]+s, peak memory \d+ MB \(measured by worker\)/,
    );
    expect(notes.slice(0, notes.indexOf("</article>"))).not.toContain("<b>restored</b>");
  });
});
