// Python ceci stages (the ceci-protocol stand-in in test/fixtures/mixed/pylib, run by Debian's python3) in
// the run cache: restored like TypeScript stages, without starting Python; their resources come from
// sampling their process tree.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countedPython } from "../helpers/debian-python.ts";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

const OUT = "results/mixed/outputs";

describe("Python stages and the run cache", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  let env: NodeJS.ProcessEnv;
  let pythonStarts: () => number;
  beforeAll(() => {
    if (noPython) return;
    p = new TempProject(["mini", "mixed"]);
    const python = countedPython(p);
    pythonStarts = python.starts;
    env = { LBG_PYTHON: python.path };
  });
  afterAll(() => p?.remove());

  it("a Python stage is stored, restored on the way back without starting Python, and measured", () => {
    const first = p.build("mixed", [], env);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const py = first.events.find((e) => e.event === "stage-end" && e.stage === "PyScale")!;
    expect(py.resources).toMatchObject({ measuredBy: "proc" });
    expect(py.resources.cpuSeconds).toBeGreaterThan(0);
    expect(py.resources.maxRssBytes).toBeGreaterThan(4 * 1024 * 1024); // a Python interpreter, at least

    const changed = p.build("mixed", ["--set", "PyScale.factor=4"], env);
    expect(changed.code).toBe(0);
    expect(p.read(`${OUT}/scaled.txt`)).toBe("0\n4\n8\n12\n16\n");
    const starts = pythonStarts();
    const back = p.build("mixed", [], env);
    expect(back.code).toBe(0);
    const restored = back.events.filter((e) => e.event === "stage-end" && e.restored).map((e) => e.stage);
    expect(restored.sort()).toEqual(["CountJoined", "PyConcat", "PyScale", "PyScaleTwice"]);
    expect(pythonStarts()).toBe(starts);
    expect(p.read(`${OUT}/scaled.txt`)).toBe("0\n3\n6\n9\n12\n");
    expect(p.read(`${OUT}/scaled_twice.txt`)).toBe("0\n30\n60\n90\n120\n");
    expect(p.build("mixed", [], env).ran).toEqual([]);
  });
});
