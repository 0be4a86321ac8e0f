// `lbg why <file>`: provenance from the records, honest by content hash (real CLI on the mini fixture with the
// experiments overlay: a Summarize stage with YAML metrics and a plot).
import { copyFileSync, rmSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const OUT = "results/numbers/outputs";

describe("lbg why", () => {
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject(["mini", "experiments"]);
    expect(p.build("numbers", ["--set", "MakeNumbers.n=4"]).code).toBe(0);
  });
  afterAll(() => p.remove());

  it("names the stage, class, code, config with where each value came from, inputs with their makers, host and time", () => {
    const r = p.lbg(["why", `${OUT}/total.txt`, "--json"]);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout);
    expect(a).toMatchObject({ file: `${OUT}/total.txt`, state: "made" });
    const m = a.made;
    expect(m).toMatchObject({
      run: "numbers",
      stage: "SumNumbers",
      class: "lbg_stages:SumNumbers",
      reasons: ["never built"],
    });
    expect(m.outputs.total).toEqual({ path: `${OUT}/total.txt`, hash: a.hash });
    expect(Object.keys(m.code)).toEqual(
      expect.arrayContaining(["lbg_stages/sum_numbers.ts", "lbg_stages/lib/parse-lines.ts"]),
    );
    expect(m.config.fail).toEqual({ value: false, from: "global", at: "configs/pipelines/numbers/config.yaml:2" });
    expect(m.inputs.numbers).toMatchObject({ path: `${OUT}/numbers.txt`, madeBy: "MakeNumbers" });
    expect(m.host).toBeTruthy();
    expect(m.lbgVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(Date.parse(m.startedAt)).toBeLessThanOrEqual(Date.parse(m.finishedAt));

    const made = JSON.parse(p.lbg(["why", `${OUT}/numbers.txt`, "--json"]).stdout).made;
    expect(made.config.n).toEqual({ value: 4, from: "set", at: "--set MakeNumbers.n=4" });
    expect(made.config.sleep).toEqual({ value: 0, from: "default" });
    const notes = JSON.parse(p.lbg(["why", `${OUT}/notes_count.txt`, "--json"]).stdout).made;
    expect(notes.inputs.notes).toMatchObject({ path: "data/notes.txt", madeBy: null });

    const text = p.lbg(["why", `${OUT}/total.txt`]).stdout;
    expect(text).toContain("made by lbg: output 'total' of SumNumbers");
    expect(text).toMatch(/fail = false\s+global\s+configs\/pipelines\/numbers\/config\.yaml:2/);
    expect(text).toMatch(/numbers\s+results\/numbers\/outputs\/numbers\.txt\s+[0-9a-f]{16}\s+made by MakeNumbers/);
    // The record's ETA bookkeeping (work) is not shown as an unknown record field.
    expect(a.made.extra?.work).toBeUndefined();
    expect(text).not.toContain("inputBytes");
  });

  it("a section value is named as the section's, also from the run file's config:", () => {
    const s = JSON.parse(p.lbg(["why", `${OUT}/summary.yml`, "--json"]).stdout).made;
    expect(s.config.scale).toEqual({ value: 1, from: "section", at: "configs/pipelines/numbers/config.yaml:10" });
    expect(p.build("numbers_big").code).toBe(0);
    const big = JSON.parse(p.lbg(["why", "results/numbers_big/outputs/numbers.txt", "--json"]).stdout).made;
    expect(big).toMatchObject({ run: "numbers_big", config: { n: { value: 20, from: "section" } } });
    expect(big.config.n.at).toMatch(/^configs\/runs\/numbers_big\.yaml:\d+$/);
  });

  it("--deep walks to the stages that made exactly the content read, and to the run inputs", () => {
    const a = JSON.parse(p.lbg(["why", `${OUT}/summary.yml`, "--deep", "--json"]).stdout);
    expect(a.upstream.map((u: { stage: string }) => u.stage)).toEqual(["MakeNumbers"]);
    const notes = JSON.parse(p.lbg(["why", `${OUT}/notes_count.txt`, "--deep", "--json"]).stdout);
    expect(notes.runInputs).toEqual([
      expect.objectContaining({ tag: "notes", path: "data/notes.txt", now: "unchanged", readBy: ["CountNotes"] }),
    ]);
    const text = p.lbg(["why", `${OUT}/summary.yml`, "--deep"]).stdout;
    expect(text).toContain("upstream: MakeNumbers");
  });

  it("says when the stage that made an input was re-run since (a gap), rather than describing the wrong version", () => {
    // MakeNumbers re-runs with n=5, SumNumbers fails: its record still describes the total of the n=4 numbers.
    const b = p.build("numbers", ["--set", "MakeNumbers.n=5", "--set", "SumNumbers.fail=true"]);
    expect(b.code).toBe(1);
    const a = JSON.parse(p.lbg(["why", `${OUT}/total.txt`, "--deep", "--json"]).stdout);
    expect(a.state).toBe("made");
    expect(a.upstream).toEqual([]);
    expect(a.gaps).toEqual([expect.stringContaining("made by MakeNumbers, which has been re-run since")]);
    expect(p.build("numbers", ["--set", "MakeNumbers.n=4"]).code).toBe(0);
  });

  it("an output edited or deleted since: changed / missing, by content hash, exit 1", () => {
    writeFileSync(p.path(OUT, "total.txt"), "999\n");
    const changed = p.lbg(["why", `${OUT}/total.txt`]);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain("CHANGED since lbg made it");
    expect(JSON.parse(p.lbg(["why", `${OUT}/total.txt`, "--json"]).stdout).state).toBe("changed");
    rmSync(p.path(OUT, "total.txt"));
    const missing = p.lbg(["why", `${OUT}/total.txt`, "--json"]);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ state: "missing", hash: null, made: { stage: "SumNumbers" } });
    expect(p.build("numbers", ["--set", "MakeNumbers.n=4"]).ran).toEqual(["SumNumbers"]);
    expect(p.lbg(["why", `${OUT}/total.txt`]).code).toBe(0);
  });

  it("a file lbg did not make: not made by lbg, with an output of the same content or the stages that read it", () => {
    const input = p.lbg(["why", "data/notes.txt"]);
    expect(input.code).toBe(1);
    expect(input.stdout).toContain("not made by lbg");
    expect(input.stdout).toContain("a run input: read as 'notes' by CountNotes in run numbers");
    copyFileSync(p.path(OUT, "total.txt"), p.path("copy-of-total.txt"));
    const copy = JSON.parse(p.lbg(["why", "copy-of-total.txt", "--json"]).stdout);
    expect(copy).toMatchObject({ state: "not-made" });
    expect(copy.sameContentAs).toEqual([
      { run: "numbers", stage: "SumNumbers", tag: "total", path: `${OUT}/total.txt` },
    ]);
    // From a subfolder, paths are taken from the current directory.
    const sub = p.lbg(["why", "outputs/total.txt", "--json"], { cwd: p.path("results/numbers") });
    expect(JSON.parse(sub.stdout).state).toBe("made");
    const outside = p.lbg(["why", "/etc/hostname"]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/outside the project/);
  });

  it("records written by lbg accept say so", () => {
    p.write(
      "configs/pipelines/numbers/config.yaml",
      p.read("configs/pipelines/numbers/config.yaml").replace("scale: 1", "scale: 1.0 # same"),
    );
    writeFileSync(p.path("lbg_stages/summarize.ts"), `${p.read("lbg_stages/summarize.ts")}\n// a comment\n`);
    expect(p.lbg(["accept", "numbers", "Summarize"]).code).toBe(0);
    const a = JSON.parse(p.lbg(["why", `${OUT}/summary.yml`, "--json"]).stdout).made;
    expect(a).toMatchObject({ accepted: true, reasons: ["code changed: lbg_stages/summarize.ts"] });
    expect(p.lbg(["why", `${OUT}/summary.yml`]).stdout).toContain("accepted by lbg accept");
  });
});
