// Single-file ceci pipelines: `lbg build path/to/pipeline.yml [key=value...]` as ceci runs them, and the
// other commands on them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PY } from "../helpers/debian-python.ts";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

const env = { LBG_PYTHON: PY };

describe("ceci pipeline files", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  beforeAll(() => {
    if (noPython) return;
    p = new TempProject(["mini", "mixed"]);
  });
  afterAll(() => p?.remove());

  it("builds from the file, with ceci's overrides; resume=True makes the second build a no-op", () => {
    const r = p.build("ceci/pipeline.yml", ["resume=True"], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.ran.sort()).toEqual(["PyScale", "PyScaleTwice"]);
    expect(p.read("ceci/outputs/scaled.txt")).toBe("2\n4\n6\n");
    expect(p.read("ceci/outputs/scaled_twice.txt")).toBe("200\n400\n600\n");
    expect(p.read("ceci/logs/PyScaleTwice.out")).toMatch(
      /^Command is: OMP_NUM_THREADS=2 .* -m lbgtest_stages PyScale --numbers=\S+\/ceci\/outputs\/scaled\.txt --name=PyScaleTwice --config=\S+ --scaled=\S+\/ceci\/outputs\/scaled_twice\.txt/,
    );
    expect(p.build("ceci/pipeline.yml", ["resume=True"], env).ran).toEqual([]);
  });

  it("the file's resume: False re-runs everything and says so; overrides reach the site", () => {
    const r = p.lbg(["build", "ceci/pipeline.yml", "site.max_threads=1"], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/resume: False in ceci\/pipeline\.yml: every stage re-runs/);
    expect(r.stdout).toContain("-j 1");
  });

  it("status, dag and clean work on the file", () => {
    const s = p.lbg(["status", "ceci/pipeline.yml", "resume=True", "--json"], { env });
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout).stages.map((x: { state: string }) => x.state)).toEqual(["fresh", "fresh"]);
    const d = p.lbg(["dag", "ceci/pipeline.yml"], { env });
    expect(d.stdout).toContain('"PyScale" -> "PyScaleTwice" [label="scaled"]');
    const c = p.lbg(["clean", "ceci/pipeline.yml"], { env });
    expect(c.code).toBe(0);
    expect(p.exists("ceci/outputs/scaled.txt")).toBe(false);
    expect(p.exists("ceci/pipeline.yml")).toBe(true);
  });

  it("a bad override is one clear line", () => {
    const r = p.lbg(["build", "ceci/pipeline.yml", "resume"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^lbg: error: command line: override 'resume': expected key=value/);
  });
});
