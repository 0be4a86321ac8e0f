// A Python stage's code is also what it imports from other local packages — a module beside its own package
// on python_paths, a local ceci checkout — not only its own package: an edit there changes what the stage
// computes and no installed version says so. (The stage's helper imports a sibling top-level module here.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

const UTIL = "pylib/lbgtest_stages/util.py";
const OUT = "results/mixed/outputs/scaled.txt";

describe("a Python stage importing another local package", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  const env = { LBG_PYTHON: "/usr/bin/python3", LBG_TRACE_NOOP: "1" };
  beforeAll(() => {
    if (noPython) return;
    p = new TempProject(["mini", "mixed"]);
    p.write("pylib/myhelp.py", "OFFSET = 0\n");
    p.write(UTIL, `import myhelp\n${p.read(UTIL).replace('"%g\\n" % v for', '"%g\\n" % (v + myhelp.OFFSET) for')}`);
  });
  afterAll(() => p?.remove());

  it("re-runs the stage when that module changes, with a no-op stamp and with a full check", () => {
    expect(p.build("mixed", [], env).code).toBe(0);
    expect(p.read(OUT).split("\n").slice(0, 2)).toEqual(["0", "3"]);
    expect(p.build("mixed", [], env).ran).toEqual([]);
    // Through the no-op stamp (the file is covered, so its change needs the full check).
    p.write("pylib/myhelp.py", "OFFSET = 100\n");
    const edited = p.build("mixed", [], env);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.ran).toContain("PyScale");
    expect(edited.reasons.PyScale?.join(" ")).toContain("myhelp.py");
    expect(p.read(OUT).split("\n").slice(0, 2)).toEqual(["100", "103"]);
    // And without a stamp: the record now holds the module's hash.
    p.write("pylib/myhelp.py", "OFFSET = 7\n");
    const full = p.build("mixed", ["--set", "PyScale.factor=3"], env); // other arguments: no stamp for them
    expect(full.ran).toContain("PyScale");
    expect(p.read(OUT).split("\n").slice(0, 2)).toEqual(["7", "10"]);
  });
});
