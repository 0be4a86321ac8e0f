// Which Python runs the Python stages (LBG_PYTHON > the site file's python > python3 on PATH), and that
// lbg's introspection cache follows the interpreter itself: another python3 first on PATH (a venv)
// re-introspects. Wrapper scripts around Debian's python3 log each start.
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PY } from "../helpers/debian-python.ts";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

describe("the Python interpreter", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  /** A python3 wrapper at `path` that logs to `<path>.log`. */
  const wrapper = (path: string) => {
    p.write(path, `#!/bin/sh\necho "$1" >> ${p.path(`${path}.log`)}\nexec ${PY} "$@"\n`);
    chmodSync(p.path(path), 0o755);
  };
  const starts = (path: string) =>
    existsSync(p.path(`${path}.log`))
      ? readFileSync(p.path(`${path}.log`), "utf8")
          .split("\n")
          .filter(Boolean).length
      : 0;
  beforeEach(() => {
    p = new TempProject(["mini", "mixed"]);
  });
  afterEach(() => p?.remove());

  it("a top-level python: in the site file is used, and LBG_PYTHON beats it", () => {
    wrapper("site-python");
    p.write("configs/sites/venv.yaml", `python: ${p.path("site-python")}\n`);
    const r = p.build("mixed", ["--site", "venv"], { LBG_PYTHON: "" });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.events.filter((e) => e.event === "warning")).toEqual([]);
    expect(p.read("results/mixed/logs/PyScale.out")).toMatch(
      /^Command is: \S+ \S+ \S+\/site-python -m lbgtest_stages PyScale /,
    );
    const r2 = p.build("mixed", ["--site", "venv", "--force", "PyScale"], { LBG_PYTHON: PY });
    expect(r2.code, r2.stdout + r2.stderr).toBe(0);
    expect(p.read("results/mixed/logs/PyScale.out")).toMatch(
      new RegExp(`^Command is: \\S+ \\S+ ${PY} -m lbgtest_stages PyScale `),
    );
  });

  it("python: and site.python naming different interpreters is an error", () => {
    p.write("configs/sites/venv.yaml", "python: /a/python3\nsite:\n  python: /b/python3\n");
    const r = p.lbg(["status", "mixed", "--site", "venv"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^lbg: error: configs\/sites\/venv\.yaml:1:9: the site file names two interpreters/,
    );
  });

  it("the introspection cache is keyed on the python3 PATH finds: another one re-introspects", () => {
    wrapper("bin1/python3");
    wrapper("bin2/python3");
    const path = (dir: string) => ({ LBG_PYTHON: "", PATH: `${p.path(dir)}:${process.env.PATH}` });
    expect(p.lbg(["status", "mixed"], { env: path("bin1") }).code).toBe(0);
    expect(p.lbg(["status", "mixed"], { env: path("bin1") }).code).toBe(0);
    expect(starts("bin1/python3")).toBe(1);
    expect(p.lbg(["status", "mixed"], { env: path("bin2") }).code).toBe(0);
    expect(starts("bin2/python3")).toBe(1);
  });
});
