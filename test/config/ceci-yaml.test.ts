// The YAML layer of ceci-format files (single-file ceci pipelines and stage config files) and of lbg's own
// run files: repeated keys, merge keys, environment variables and ceci's `key=value` overrides. The errors
// are in test/engine/bad-input.test.ts; this file checks what loads and what each stage then gets.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { LbgError } from "../../src/errors/lbg-error.ts";
import { loadCeciPipeline } from "../../src/config/load-ceci-pipeline.ts";
import { TempProject } from "../helpers/temp-project.ts";

const CFG = "configs/pipelines/numbers/config.yaml";
const RUN = "configs/runs/numbers.yaml";

describe("ceci-format files on the command line", () => {
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject("mini");
  });
  afterAll(() => p.remove());

  it("a stage config key written twice: the later value is used, with one warning naming both lines", () => {
    p.write(CFG, "global:\n  fail: false\nMakeNumbers:\n  n: 3\n  n: 4\n");
    const r = p.lbg(["build", "numbers"]);
    expect(r.code, r.stderr).toBe(0);
    const warnings = (r.stdout + r.stderr).split("\n").filter((l) => l.includes("duplicate key"));
    expect(warnings).toEqual([
      `warning: ${CFG}:5:3: duplicate key 'n' (also at line 4): the later value is used, as ceci's PyYAML does (hint: remove one of them)`,
    ]);
    expect(p.read("results/numbers/outputs/numbers.txt")).toBe("0\n1\n2\n3\n");
  });

  it("merge keys: an earlier mapping of `<<: [...]` wins, the section's own key over both", () => {
    p.write(CFG, "MakeNumbers:\n  <<: [{n: 7, sleep: 0}, {n: 2}]\n");
    expect(p.lbg(["build", "numbers"]).code).toBe(0);
    expect(p.read("results/numbers/outputs/numbers.txt").split("\n")).toHaveLength(8);
    p.write(CFG, "global: &g {fail: false}\nsmall: &s {n: 2}\nMakeNumbers:\n  <<: *s\n  n: 3\n");
    const r = p.lbg(["build", "numbers"]);
    expect(r.code, r.stderr).toBe(0);
    expect(p.read("results/numbers/outputs/numbers.txt")).toBe("0\n1\n2\n");
  });

  it("pre_script and post_script reach the shell as written; $$ is a literal $ elsewhere in a run file", () => {
    p.write(
      RUN,
      "pipelines: numbers\noutput_dir: results/price$$5\ninputs:\n  notes: data/notes.txt\n" +
        "pre_script: 'for f in data/*; do echo \"$f\"; done > pre.txt'\npost_script: 'echo $$ > /dev/null'\n",
    );
    const r = p.lbg(["build", "numbers"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(p.read("pre.txt")).toBe("data/notes.txt\n");
    expect(p.exists("results/price$5/total.txt")).toBe(true);
  });
});

describe("loading a ceci pipeline file", () => {
  let dir: string;
  const saved = { ...process.env };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "lbg-ceci-yaml-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => {
    for (const k of ["LBGT_DATA", "LBGT_OUT"]) if (saved[k] === undefined) delete process.env[k];
  });

  const load = (pipeline: string, overrides: string[] = [], config?: string) => {
    writeFileSync(join(dir, "pipe.yml"), pipeline);
    if (config !== undefined) writeFileSync(join(dir, "cfg.yml"), config);
    const warnings: string[] = [];
    const run = loadCeciPipeline(dir, "pipe.yml", "pipe", overrides, (w: LbgError) => warnings.push(w.format()));
    return { run, warnings };
  };
  const BASE = "modules: lbg_stages\nstages:\n  - name: MakeNumbers\n";

  it("$VAR is expanded in the paths ceci's shell expands, and nowhere else", () => {
    process.env.LBGT_DATA = "/data/here";
    process.env.LBGT_OUT = "out";
    const { run } = load(
      `${BASE}inputs:\n  notes: $LBGT_DATA/notes.txt\noutput_dir: \${LBGT_OUT}/x\nconfig: cfg.yml\n`,
      [],
      "MakeNumbers:\n  label: $LBGT_DATA/x\n",
    );
    expect(run.inputs.get("notes")?.path).toBe("/data/here/notes.txt");
    expect(run.outputDir).toBe(join(dir, "out", "x"));
    // A stage reads its config file itself (PyYAML expands nothing): the option stays as written.
    expect(run.stageConfig.sections.get("MakeNumbers")?.get("label")?.value).toBe("$LBGT_DATA/x");
  });

  it("an unset variable in an input path is an error naming it and its line", () => {
    expect(() => load(`${BASE}inputs:\n  notes: $LBGT_NOPE/notes.txt\n`)).toThrow(
      expect.objectContaining({ message: "environment variable $LBGT_NOPE is not set" }),
    );
  });

  it("a key written twice in the pipeline file: the last one, with a warning", () => {
    const { run, warnings } = load(`${BASE}inputs: {}\nresume: True\nresume: False\n`);
    expect(run.resume).toBe("restart");
    expect(warnings).toEqual([
      `${join(dir, "pipe.yml")}:6:1: duplicate key 'resume' (also at line 5): the later value is used, as ceci's PyYAML does (hint: remove one of them)`,
    ]);
  });

  it("overrides set nested keys, create missing mappings and leave the file's other keys", () => {
    const { run } = load(`${BASE}inputs:\n  notes: a.txt\nsite:\n  name: local\n  max_threads: 2\n`, [
      "inputs.extra=b.txt",
      "site.max_threads=3",
    ]);
    expect([...run.inputs.keys()]).toEqual(["notes", "extra"]);
    expect(run.site.maxThreads).toBe(3);
    expect(run.site.name).toBe("local");
  });

  it("an error in a value an override set names the override", () => {
    expect(() => load(`${BASE}inputs: {}\n`, ["stages=[{name: MakeNumbers, nprocess: 0}]"])).toThrow(
      expect.objectContaining({
        pos: { file: "override 'stages=[{name: MakeNumbers, nprocess: 0}]'" },
        message: "'nprocess' must be a positive integer, not number 0",
      }),
    );
  });
});
