// A Python module whose import takes longer than LBG_LOAD_TIMEOUT (TXPipe and RAIL on a busy node, or an
// import that never returns) is cut off with one line naming the module being imported, the limit and how to
// raise it — it was "exit code SIGTERM" after a fixed 300 s. Through the real CLI with the ceci stand-in
// (test/fixtures/mixed/pylib) and Debian's python3.
import { existsSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PY } from "../helpers/debian-python.ts";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

const PIPE = "configs/pipelines/py/pipeline.yaml";

describe("a Python import slower than LBG_LOAD_TIMEOUT", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject(["mini", "mixed"]);
  });
  afterEach(() => p?.remove());

  it("is one line naming the module, the seconds and LBG_LOAD_TIMEOUT, exit 2", () => {
    // Long enough that a build which waits for it (no limit honoured) fails the test, short enough that no
    // interpreter outlives it by much.
    p.write("pylib/slowmod.py", "import time\n\ntime.sleep(40)\n");
    p.write(PIPE, "modules: lbg_stages lbgtest_stages slowmod\npython_paths: pylib\nstages:\n  - name: PyScale\n");
    const r = p.lbg(["build", "mixed"], { env: { LBG_PYTHON: PY, LBG_LOAD_TIMEOUT: "2" }, timeout: 90_000 });
    expect(r.signal, "lbg hung").toBeNull();
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^lbg: error: configs\/pipelines\/py\/pipeline\.yaml:1:\d+: Python module 'slowmod' was still importing after 2 s .*\(hint: .*LBG_LOAD_TIMEOUT=<seconds> sets the limit\)$/,
    );
    expect(lines[0]!.length).toBeLessThan(400);
    expect(existsSync(p.path(".cache/python/slowmod.json")), "a module that was cut off is not cached").toBe(false);
  }, 120_000);

  it("a ceci whose import hangs is named as such, before the modules", () => {
    p.write("slowceci/ceci/__init__.py", "import time\n\ntime.sleep(40)\n");
    p.write(PIPE, "modules: lbg_stages lbgtest_stages\npython_paths: slowceci pylib\nstages:\n  - name: PyScale\n");
    const r = p.lbg(["build", "mixed"], { env: { LBG_PYTHON: PY, LBG_LOAD_TIMEOUT: "2" }, timeout: 90_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^lbg: error: configs\/pipelines\/py\/pipeline\.yaml:1:\d+: Python module 'ceci' was still importing after 2 s, before reading lbgtest_stages \(hint: .*LBG_LOAD_TIMEOUT=<seconds> sets the limit\)$/,
    );
  }, 120_000);
});
