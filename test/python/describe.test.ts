// `lbg describe` for Python ceci stages: in a project with or without TypeScript stages, or pointed at a
// pipeline file with --pipeline (as one would in a ceci checkout, outside any lbg project).
import { rmSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PY } from "../helpers/debian-python.ts";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

const env = { LBG_PYTHON: PY };
const PIPE = "configs/pipelines/py/pipeline.yaml";

describe("lbg describe of Python stages", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject(["mixed"]);
  });
  afterEach(() => p?.remove());

  it("in a project without TypeScript stages: the class's own file, its parallel flag, no lbg_stages import", () => {
    rmSync(p.path("configs/pipelines/numbers"), { recursive: true });
    p.write(PIPE, p.read(PIPE).replace("modules: lbg_stages lbgtest_stages", "modules: lbgtest_stages"));
    const d = p.lbg(["describe", "PyScale"], { env });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stderr).toBe("");
    expect(d.stdout.split("\n")[0]).toBe(
      "PyScale  (Python class lbgtest_stages.stages.PyScale, pylib/lbgtest_stages/stages.py)",
    );
    expect(d.stdout).toContain("\nParallel: yes (nprocess > 1 runs it under MPI with --mpi)\n");
    expect(p.lbg(["describe", "PyTotal"], { env }).stdout).toContain("\nParallel: no (nprocess must be 1)\n");
  });

  it("a module that fails to import does not hide the stages of the others", () => {
    p.write(
      PIPE,
      p.read(PIPE).replace("modules: lbg_stages lbgtest_stages", "modules: lbgtest_nowhere lbgtest_stages"),
    );
    const d = p.lbg(["describe", "PyConcat"], { env });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toContain("first: txt");
  });

  it("--pipeline reads the modules and python_paths of a ceci pipeline file, outside any lbg project", () => {
    rmSync(p.path("configs"), { recursive: true });
    expect(p.lbg(["describe", "PyScale"], { env }).stderr).toMatch(/not inside an lbg project/);
    const d = p.lbg(["describe", "PyScale", "--pipeline", "ceci/pipeline.yml"], { env });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toContain("factor (float, default 2)");
    p.write("two.yml", "modules: twomods.a\npython_paths: pylib\n");
    const t = p.lbg(["describe", "TwoA", "--pipeline", "two.yml"], { env });
    expect(t.stdout, "a class without a docstring shows none, not PipelineStage's").toMatch(
      /^TwoA {2}\(Python class twomods\.a\.TwoA, pylib\/twomods\/a\.py\)\n\nParallel: yes/,
    );
    const u = p.lbg(["describe", "PyScal", "--pipeline", "ceci/pipeline.yml"], { env });
    expect(u.code).toBe(2);
    expect(u.stderr.trim()).toMatch(
      /^lbg: error: ceci\/pipeline\.yml: unknown stage class 'PyScal' \(hint: did you mean 'PyScale'\?\)$/,
    );
  });
});
