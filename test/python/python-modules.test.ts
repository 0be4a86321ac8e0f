// Which Python stage classes a `modules:` entry provides, and what their code fingerprint covers, as ceci
// decides it: its registry of complete PipelineStage subclasses, filled by importing the modules. Through
// the real CLI with the ceci stand-in (test/fixtures/mixed/pylib) and Debian's python3.
import { appendFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PY } from "../helpers/debian-python.ts";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

const env = { LBG_PYTHON: PY };
const PIPE = "configs/pipelines/py/pipeline.yaml";
const OUT = "results/mixed/outputs";
const pipeline = (modules: string, stages: string) =>
  `modules: lbg_stages ${modules}\npython_paths: pylib\nstages:\n${stages}`;

describe("Python stage modules", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject(["mini", "mixed"]);
  });
  afterEach(() => p?.remove());

  it("a module that imports a stage from another package provides it (ceci's registry); ceci runs it from its own package", () => {
    p.write(PIPE, pipeline("wrapmod", "  - name: ExtCopy\n"));
    const r = p.build("mixed", [], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(p.read(`${OUT}/copied.txt`)).toBe(p.read(`${OUT}/numbers.txt`));
    expect(p.read("results/mixed/logs/ExtCopy.out")).toMatch(/^Command is: .* -m extpkg ExtCopy --numbers=/);
  });

  it("an incomplete base class (no inputs, outputs or run) is not a stage, as in ceci", () => {
    p.write(PIPE, pipeline("wrapmod extpkg", "  - name: ExtCopy\n"));
    const l = p.lbg(["list", "stages"], { env });
    expect(l.code, l.stderr).toBe(0);
    expect(l.stdout).toMatch(/^ExtCopy /m);
    expect(l.stdout).not.toContain("ExtBase");
    p.write(PIPE, pipeline("extpkg", "  - name: ExtBase\n"));
    const r = p.lbg(["build", "mixed"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown stage class 'ExtBase'/);
  });

  it("a local module two modules: entries share is in both stages' code fingerprints", () => {
    p.write(PIPE, pipeline("twomods.a twomods.b", "  - name: TwoA\n  - name: TwoB\n"));
    expect(p.build("mixed", [], env).code).toBe(0);
    expect(p.read(`${OUT}/b_out.txt`)).toBe("0\n3\n6\n9\n12\n");
    appendFileSync(p.path("pylib/twomods/common.py"), "\n# edited\n");
    const r = p.build("mixed", [], env);
    expect(r.ran.sort()).toEqual(["TwoA", "TwoB"]);
    expect(r.reasons.TwoB).toEqual(["code changed: pylib/twomods/common.py"]);
  });

  it("module_name may name the submodule that defines the class (ceci only imports it)", () => {
    p.write(
      PIPE,
      p.read(PIPE).replace("  - name: PyConcat\n", "  - name: PyConcat\n    module_name: lbgtest_stages.stages\n"),
    );
    const r = p.build("mixed", [], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.ran).toContain("PyConcat");
  });

  it("module_name naming a module the class does not come from is one line saying where it does", () => {
    p.write(PIPE, p.read(PIPE).replace("  - name: PyConcat\n", "  - name: PyConcat\n    module_name: twomods.a\n"));
    const r = p.lbg(["build", "mixed"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^lbg: error: configs\/pipelines\/py\/pipeline\.yaml:\d+:\d+: stage class 'PyConcat' for stage 'PyConcat' comes from module lbgtest_stages\.stages \(pylib\/lbgtest_stages\/stages\.py\), not from module_name 'twomods\.a' \(hint: set module_name to lbgtest_stages\.stages/,
    );
  });

  it("an import error names the file and line where Python failed: a SyntaxError's, else the innermost frame's", () => {
    p.write("pylib/badsyntax.py", "from ceci import PipelineStage\n\nclass Broken(PipelineStage:\n    pass\n");
    p.write("pylib/baddep/__init__.py", "from .inner import Thing  # noqa: F401\n");
    p.write("pylib/baddep/inner.py", "import os\n\n\nimport lbgtest_not_installed\n");
    for (const [mod, line] of [
      ["badsyntax", /pylib\/badsyntax\.py:3: SyntaxError: /],
      ["baddep", /pylib\/baddep\/inner\.py:4: ModuleNotFoundError: No module named 'lbgtest_not_installed'/],
    ] as const) {
      p.write(PIPE, pipeline(mod, "  - name: PyScale\n"));
      const r = p.lbg(["build", "mixed"], { env });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(
        new RegExp(
          `^lbg: error: configs/pipelines/py/pipeline\\.yaml:1:\\d+: Python module '${mod}' failed to import: ${line.source}`,
        ),
      );
    }
  });

  it("nprocess > 1 for a class that is not parallel is an error at the pipeline's nprocess line", () => {
    p.write(PIPE, pipeline("lbgtest_stages", "  - name: PyTotal\n    nprocess: 2\n"));
    const r = p.lbg(["build", "mixed"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "lbg: error: configs/pipelines/py/pipeline.yaml:5:15: stage 'PyTotal' has nprocess: 2, but class PyTotal is not parallel (parallel = False) (hint: remove nprocess (or set it to 1): the class runs as one process)",
    );
  });

  it("a Python class with the name of a TypeScript class is an error naming both files", () => {
    p.write(
      "pylib/dupmod.py",
      'from ceci import PipelineStage, TextFile\n\n\nclass SumNumbers(PipelineStage):\n    inputs = [("numbers", TextFile)]\n    outputs = [("total", TextFile)]\n\n    def run(self):\n        pass\n',
    );
    p.write(PIPE, pipeline("dupmod", "  - name: PyScale\n    module_name: lbgtest_stages\n"));
    const r = p.lbg(["build", "mixed"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^lbg: error: pylib\/dupmod\.py: stage class 'SumNumbers' is defined twice: lbg_stages\/sum_numbers\.ts and pylib\/dupmod\.py \(hint: rename one/,
    );
  });

  it("a package's version is its distribution's (packages_distributions), and installing another re-runs its stages", () => {
    const info = "pylib/lbgtest_dist-0.3.dist-info";
    const meta = (v: string) =>
      p.write(`${info}/METADATA`, `Metadata-Version: 2.1\nName: lbgtest-dist\nVersion: ${v}\n`);
    meta("0.3");
    p.write(`${info}/top_level.txt`, "lbgtest_stages\n");
    expect(p.build("mixed", [], env).code).toBe(0);
    meta("0.4"); // the package's own __version__ stays 0.1, no source file changes
    const r = p.build("mixed", [], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.reasons.PyScale).toEqual(["code changed: python-package:lbgtest_stages"]);
    expect(r.ran).not.toContain("MakeNumbers");
  });
});
