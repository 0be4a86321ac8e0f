// A Python ceci stage's YAML output marked as metrics on its pipeline entry (its class is a package's, which a
// user does not edit), and the provenance lbg records for it (real CLI; ceci stand-in in fixtures/mixed/pylib).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PY } from "../helpers/debian-python.ts";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

const STAGE = `from ceci import PipelineStage, TextFile, YamlFile


class PyStats(PipelineStage):
    """Count and total of a number file, as YAML."""

    inputs = [("numbers", TextFile)]
    outputs = [("stats", YamlFile)]
    config_options = {"offset": 0.0}

    def run(self):
        with open(self.get_input("numbers")) as f:
            values = [float(x) + float(self.config["offset"]) for x in f.read().split()]
        with open(self.get_output("stats"), "w") as f:
            f.write("count: %d\\ntotal: %s\\n" % (len(values), sum(values)))
`;

describe("metrics of a Python stage", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  const env = { LBG_PYTHON: PY };
  beforeAll(() => {
    if (noPython) return;
    p = new TempProject(["mini", "mixed"]);
    p.write("pylib/pystats/__init__.py", `${STAGE}\n__version__ = "0.1"\n`);
    p.write(
      "pylib/pystats/__main__.py",
      "import sys\nfrom ceci import PipelineStage\nimport pystats  # noqa: F401\nsys.exit(PipelineStage.main())\n",
    );
    p.write(
      "configs/pipelines/py/pipeline.yaml",
      [
        "modules: lbg_stages pystats",
        "python_paths: pylib",
        "config: configs/pipelines/py/config.yaml",
        "stages:",
        "  - name: PyStats",
        "    metrics: stats",
        "",
      ].join("\n"),
    );
    p.write("configs/pipelines/py/config.yaml", "PyStats:\n  offset: 1\n");
  });
  afterAll(() => p?.remove());

  it("lbg metrics reads it; a build reports its changes; lbg why names its config source", () => {
    const first = p.build("mixed", [], env);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.events.find((e) => e.event === "metrics-changed")!.changes).toContainEqual({
      metric: "stats.count",
      new: 5,
    });
    expect(p.lbg(["metrics", "mixed"], { env }).stdout).toMatch(/^stats\.total\s+15$/m);
    const b = p.build("mixed", ["--set", "PyStats.offset=2"], env);
    expect(b.events.find((e) => e.event === "metrics-changed")!.changes).toEqual([
      { metric: "stats.total", old: 15, new: 20, change: 5 },
    ]);
    const why = JSON.parse(p.lbg(["why", "results/mixed/outputs/stats.yml", "--json"], { env }).stdout);
    expect(why).toMatchObject({ state: "made", made: { stage: "PyStats", class: "pystats:PyStats" } });
    expect(why.made.config.offset).toEqual({ value: 2, from: "set", at: "--set PyStats.offset=2" });
    expect(why.made.command).toMatch(/-m pystats PyStats --numbers=/);
    expect(Object.keys(why.made.code)).toContain("pylib/pystats/__init__.py");
  });
});
