// Metrics: declared by a class (`static metrics`) or a pipeline entry (`metrics:`), shown flattened, compared
// with another run or the previous build, and reported after every build (real CLI, mini + experiments).
import { appendFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffMetrics } from "../../src/metrics/diff-metrics.ts";
import { flattenMetrics } from "../../src/metrics/flatten-metrics.ts";
import { TempProject } from "../helpers/temp-project.ts";

describe("flattening and comparing metrics (pure)", () => {
  it("joins nested keys with dots and list entries by index, keeps non-finite numbers as YAML spells them", () => {
    expect(flattenMetrics("m", { a: 1, b: { c: [2, { d: "x" }] }, e: null, f: Infinity, g: Number.NaN })).toEqual({
      "m.a": 1,
      "m.b.c.0": 2,
      "m.b.c.1.d": "x",
      "m.e": null,
      "m.f": ".inf",
      "m.g": ".nan",
    });
    expect(flattenMetrics("m", 3)).toEqual({ m: 3 });
  });

  it("lists changed, new and gone metrics with the numeric change, without float noise", () => {
    expect(diffMetrics({ a: 0.1, b: 1, gone: 2, s: "x" }, { a: 0.3, b: 1, added: 5, s: "y" })).toEqual([
      { metric: "a", old: 0.1, new: 0.3, change: 0.2 },
      { metric: "gone", old: 2 },
      { metric: "s", old: "x", new: "y" },
      { metric: "added", new: 5 },
    ]);
    expect(diffMetrics({ a: 1 }, { a: 1 }, { all: true })).toEqual([{ metric: "a", old: 1, new: 1, change: 0 }]);
  });
});

describe("lbg metrics", () => {
  let p: TempProject;
  let first: ReturnType<TempProject["build"]>;
  beforeAll(() => {
    p = new TempProject(["mini", "experiments"]);
    first = p.build("numbers");
  });
  afterAll(() => p.remove());

  it("lbg describe marks a class's metrics outputs", () => {
    const d = p.lbg(["describe", "Summarize"]);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/^ {2}summary: yml \(metrics\)$/m);
    expect(d.stdout).toMatch(/^ {2}details: yml$/m); // a metrics file by its pipeline entry only
  });

  it("the first build reports its metrics; lbg metrics shows them flattened (class and pipeline-entry metrics)", () => {
    expect(first.code).toBe(0);
    const m = first.events.find((e) => e.event === "metrics-changed")!;
    expect(m.since).toBeUndefined();
    expect(m.changes).toContainEqual({ metric: "summary.count", new: 10 });
    expect(m.changes).toContainEqual({ metric: "details.label", new: "numbers" });
    // metrics-changed comes just before build-end
    expect(first.events.at(-2)!.event).toBe("metrics-changed");
    const r = p.lbg(["metrics", "numbers"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^summary\.count\s+10$/m);
    expect(r.stdout).toMatch(/^summary\.mean\s+4\.5$/m);
    expect(r.stdout).toMatch(/^summary\.spread\.max\s+9$/m);
    expect(r.stdout).toMatch(/^details\.first\s+0$/m);
    const j = JSON.parse(p.lbg(["metrics", "numbers", "--json"]).stdout);
    expect(j.metrics).toMatchObject({ "summary.count": 10, "details.label": "numbers" });
    expect(j.files).toEqual([
      expect.objectContaining({ tag: "summary", stage: "Summarize", path: "results/numbers/outputs/summary.yml" }),
      expect.objectContaining({ tag: "details", stage: "Summarize" }),
    ]);
  });

  it("a build shows what it changed (old → new), --previous compares with the build before; a no-op says nothing", () => {
    const b = p.build("numbers", ["--set", "MakeNumbers.n=4"]);
    const m = b.events.find((e) => e.event === "metrics-changed")!;
    expect(m.since).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(m.changes).toEqual([
      { metric: "summary.count", old: 10, new: 4, change: -6 },
      { metric: "summary.mean", old: 4.5, new: 1.5, change: -3 },
      { metric: "summary.spread.max", old: 9, new: 3, change: -6 },
    ]);
    const prev = JSON.parse(p.lbg(["metrics", "numbers", "--previous", "--json"]).stdout);
    expect(prev.against.previous).toBe(m.since);
    expect(prev.changes).toContainEqual({ metric: "summary.count", old: 10, new: 4, change: -6 });
    const text = p.lbg(["metrics", "numbers", "--previous"]).stdout;
    expect(text).toMatch(/^metric\s+previous\s+now\s+change$/m);
    expect(text).toMatch(/^summary\.count\s+10\s+4\s+-6 \(-60\.0%\)$/m);

    const noop = p.build("numbers", ["--set", "MakeNumbers.n=4"]);
    expect(noop.events.some((e) => e.event === "metrics-changed")).toBe(false);
    // Back to n=10, in plain words this time.
    const plain = p.lbg(["build", "numbers", "--plain"]);
    expect(plain.stdout).toMatch(/metrics changed since the build of .*:\n {2}summary\.count 4 → 10 \(\+6, \+150%\)\n/);
    // --previous is now the n=4 state again.
    expect(JSON.parse(p.lbg(["metrics", "numbers", "--previous", "--json"]).stdout).changes).toContainEqual({
      metric: "summary.count",
      old: 4,
      new: 10,
      change: 6,
    });
  });

  it("--diff another run: its values are the old side; --all lists the unchanged too", () => {
    expect(p.build("numbers_big").code).toBe(0);
    const d = JSON.parse(p.lbg(["metrics", "numbers", "--diff", "numbers_big", "--json"]).stdout);
    expect(d.against).toEqual({ run: "numbers_big" });
    expect(d.changes).toContainEqual({ metric: "summary.count", old: 20, new: 10, change: -10 });
    expect(d.changes.some((c: { metric: string }) => c.metric === "details.label")).toBe(false);
    const all = JSON.parse(p.lbg(["metrics", "numbers", "--diff", "numbers_big", "--all", "--json"]).stdout);
    expect(all.changes).toContainEqual({ metric: "details.label", old: "numbers", new: "numbers" });
    const text = p.lbg(["metrics", "numbers", "--diff", "numbers_big"]).stdout;
    expect(text).toMatch(/^metric\s+numbers_big\s+numbers\s+change$/m);
    expect(p.lbg(["metrics", "numbers", "--diff", "numbers"]).stdout).toMatch(/no metric differs \(\d+ compared\)/);
    const both = p.lbg(["metrics", "numbers", "--diff", "numbers_big", "--previous"]);
    expect(both.code).toBe(2);
    const unknown = p.lbg(["metrics", "numbers", "--diff", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/nope/);
  });

  it("a metrics file edited by hand or not YAML is said so, not a crash", () => {
    appendFileSync(p.path("results/numbers/outputs/details.yml"), "extra: 1\n");
    const edited = p.lbg(["metrics", "numbers"]);
    expect(edited.code).toBe(0);
    expect(edited.stderr).toContain("results/numbers/outputs/details.yml changed since lbg made it");
    expect(edited.stdout).toMatch(/^details\.extra\s+1$/m);
    writeFileSync(p.path("results/numbers/outputs/details.yml"), "a: [unclosed\n");
    const bad = p.lbg(["metrics", "numbers"]);
    expect(bad.code).toBe(0);
    expect(bad.stderr).toMatch(/^details: not readable as YAML: /m);
    expect(bad.stdout).toMatch(/^summary\.count\s+10$/m);
  });

  it("a torn last line of the metrics history is ignored, and the next entry is not glued onto it", () => {
    appendFileSync(p.path(".cache/runs/numbers/metrics.jsonl"), '0123456789abcdef {"v":1,"at":"x","fi');
    const r = p.lbg(["metrics", "numbers", "--previous", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).against.previous).toMatch(/^\d{4}-/);
    const b = p.build("numbers", ["--set", "MakeNumbers.n=3"]);
    expect(b.events.find((e) => e.event === "metrics-changed")!.changes).toContainEqual(
      expect.objectContaining({ metric: "summary.count", new: 3 }),
    );
    const after = p.build("numbers", ["--set", "MakeNumbers.n=2"]);
    expect(after.events.find((e) => e.event === "metrics-changed")!.changes).toContainEqual({
      metric: "summary.count",
      old: 3,
      new: 2,
      change: -1,
    });
  });

  it("metrics: naming a tag the stage does not have, or a file that is not YAML, is a positioned error", () => {
    const pipeline = "configs/pipelines/numbers/pipeline.yaml";
    const good = p.read(pipeline);
    p.write(pipeline, good.replace("metrics: [details]", "metrics: [detials]"));
    const r = p.lbg(["status", "numbers"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /pipeline\.yaml:\d+:\d+: metrics: 'detials' is not an output of stage 'Summarize'.*did you mean 'details'/,
    );
    p.write(pipeline, good.replace("metrics: [details]", "metrics: numbers_plot"));
    const png = p.lbg(["status", "numbers"]);
    expect(png.code).toBe(2);
    expect(png.stderr).toMatch(
      /pipeline\.yaml:\d+:\d+: metrics: output 'numbers_plot' of stage 'Summarize' is a png file/,
    );
    p.write(pipeline, good);
    const cls = p.read("lbg_stages/summarize.ts");
    p.write(
      "lbg_stages/summarize.ts",
      cls.replace('static metrics = ["summary"]', 'static metrics = ["numbers_plot"]'),
    );
    const st = p.lbg(["status", "numbers"]);
    expect(st.code).toBe(2);
    expect(st.stderr).toMatch(/Summarize\.metrics: output 'numbers_plot' is png; a metrics output must be yml/);
    p.write("lbg_stages/summarize.ts", cls);
  });
});
