// Config of Python ceci stages checked by lbg as ceci checks it, before anything runs: required options,
// output-name overrides in the merged config file, unknown keys. Through the real CLI, with the ceci
// stand-in in test/fixtures/mixed/pylib and Debian's python3.
import { spawnSync } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PY } from "../helpers/debian-python.ts";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

const env = { LBG_PYTHON: PY };
const PIPE = "configs/pipelines/py/pipeline.yaml";
const CFG = "configs/pipelines/py/config.yaml";

describe("config of Python stages", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject(["mini", "mixed"]);
    p.write(PIPE, `${p.read(PIPE)}  - name: PyFail\n    aliases:\n      numbers: scaled\n`);
  });
  afterEach(() => p?.remove());

  it("a required option with no value is an error naming the section, and nothing runs", () => {
    const r = p.lbg(["build", "mixed"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^lbg: error: configs\/pipelines\/py\/pipeline\.yaml:\d+:\d+: stage 'PyFail' needs option 'level' \(int\) and no value is set \(hint: add 'level: \.\.\.' under 'PyFail:'/,
    );
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(p.exists("results/mixed")).toBe(false);
  });

  it("null is no value for a required option (as in ceci), and is not written to the merged config", () => {
    p.write(CFG, `${p.read(CFG)}\nPyFail:\n  level: null\n`);
    const r = p.lbg(["build", "mixed"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^lbg: error: configs\/pipelines\/py\/config\.yaml:12:10: option 'level' of stage 'PyFail' is required and null is no value/,
    );
    expect(p.exists("results/mixed/config.yaml")).toBe(false);
  });

  it("lbg describe says a required option is required", () => {
    const d = p.lbg(["describe", "PyFail"], { env });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toContain("level (int, required)");
  });

  it("the stand-in, like ceci, rejects None for a required option", () => {
    p.write("c.yml", "PyFail:\n  level: null\n");
    const r = spawnSync(
      PY,
      ["-m", "lbgtest_stages", "PyFail", "--numbers=data/numbers.txt", "--config=c.yml", "--never=x.txt"],
      { cwd: p.dir, env: { ...process.env, PYTHONPATH: p.path("pylib") }, encoding: "utf8" },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("ValueError: Missing configuration option level");
  });

  it("an output-name override goes into the --<tag> flag only, not into the merged config the stage reads", () => {
    p.write(PIPE, p.read(PIPE).replace(/  - name: PyFail[\s\S]*$/, ""));
    p.write(CFG, p.read(CFG).replace("  factor: 3\n", "  factor: 3\n  scaled: custom_scaled.txt\n"));
    const r = p.build("mixed", [], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(p.read("results/mixed/outputs/custom_scaled.txt")).toBe("0\n3\n6\n9\n12\n");
    expect(p.read("results/mixed/logs/PyScaleTwice.out")).toMatch(
      /--numbers=\S+\/results\/mixed\/outputs\/custom_scaled\.txt/,
    );
    expect(p.read("results/mixed/config.yaml")).toMatch(/PyScale:\n  factor: 3\n  note: from global\n/);
    expect(p.exists("inprogress_custom_scaled.txt") || p.exists("custom_scaled.txt")).toBe(false);
  });
});
