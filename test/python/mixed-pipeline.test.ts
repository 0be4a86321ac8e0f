// Python ceci stages mixed with TypeScript stages, end to end through the real CLI. ceci itself is not in
// the registries here: test/fixtures/mixed/pylib holds a small ceci-protocol stand-in and a stage package.
// Debian's /usr/bin/python3 runs them (LBG_PYTHON), through a wrapper that counts Python starts.
import { appendFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countedPython, PY } from "../helpers/debian-python.ts";
import { noMpirun, noPython, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

const OUT = "results/mixed/outputs";

describe("mixed TypeScript + Python ceci pipeline", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  let env: NodeJS.ProcessEnv;
  let pythonStarts: () => number;
  beforeAll(() => {
    if (noPython) return;
    p = new TempProject(["mini", "mixed"]);
    const python = countedPython(p);
    pythonStarts = python.starts;
    env = { LBG_PYTHON: python.path, OMPI_ALLOW_RUN_AS_ROOT: "1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: "1" };
  });
  afterAll(() => p?.remove());

  it("first build runs TS and Python stages with ceci's command lines; outputs are right", () => {
    const r = p.build("mixed", [], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.ran.sort()).toEqual(["CountJoined", "MakeNumbers", "PyConcat", "PyScale", "PyScaleTwice"]);
    expect(p.read(`${OUT}/scaled.txt`)).toBe("0\n3\n6\n9\n12\n");
    expect(p.read(`${OUT}/scaled_twice.txt`)).toBe("0\n30\n60\n90\n120\n");
    expect(p.read(`${OUT}/joined_count.txt`)).toBe("10\n");
    // Aliased instance: flags use the class's unaliased tags, --name because the instance is not the class.
    const log = p.read("results/mixed/logs/PyScaleTwice.out");
    expect(log).toMatch(
      new RegExp(
        `^Command is: OMP_NUM_THREADS=1 PYTHONPATH=\\S*pylib\\S* \\S+pywrap\\.sh -m lbgtest_stages PyScale --numbers=\\S+/${OUT}/scaled\\.txt --name=PyScaleTwice --config=\\S+/results/mixed/config\\.yaml --scaled=\\S+/${OUT}/scaled_twice\\.txt\\n`,
      ),
    );
    expect(log).toContain("scaling 5 values by 10");
    expect(p.read("results/mixed/logs/PyScale.out")).not.toContain("--name=");
    expect(p.read("results/mixed/config.yaml")).toContain(
      "PyScaleTwice:\n  name: PyScaleTwice\n  factor: 10.0\n  note: from global",
    );
  });

  it("a no-op build starts no Python process", () => {
    const before = pythonStarts();
    const r = p.build("mixed", [], env);
    expect(r.ran).toEqual([]);
    expect(pythonStarts()).toBe(before);
  });

  it("a config change re-runs the Python stage and its dependants", () => {
    const cfg = p.read("configs/pipelines/py/config.yaml");
    writeFileSync(p.path("configs/pipelines/py/config.yaml"), cfg.replace("factor: 3", "factor: 4"));
    const r = p.build("mixed", [], env);
    expect(r.reasons.PyScale).toEqual(["config changed: PyScale.factor 3.0 → 4.0"]);
    expect(r.ran.sort()).toEqual(["CountJoined", "PyConcat", "PyScale", "PyScaleTwice"]);
    expect(p.read(`${OUT}/scaled_twice.txt`)).toBe("0\n40\n80\n120\n160\n");
    const set = p.build("mixed", ["--set", "PyScale.factor=5"], env);
    expect(set.reasons.PyScale).toEqual(["config changed: PyScale.factor 4.0 → 5.0"]);
    expect(p.read(`${OUT}/scaled.txt`)).toBe("0\n5\n10\n15\n20\n");
    expect(p.build("mixed", [], env).reasons.PyScale).toEqual(["config changed: PyScale.factor 5.0 → 4.0"]);
  });

  it("a change in a local module the Python stages import re-runs them, not the TS stage", () => {
    appendFileSync(p.path("pylib/lbgtest_stages/util.py"), "\n# edited\n");
    const r = p.build("mixed", [], env);
    expect(r.ran).not.toContain("MakeNumbers");
    expect(r.ran).toEqual(expect.arrayContaining(["PyScale", "PyScaleTwice", "PyConcat"]));
    expect(r.reasons.PyScale).toEqual(["code changed: pylib/lbgtest_stages/util.py"]);
    expect(r.ran).not.toContain("CountJoined"); // identical joined.txt: early cutoff
  });

  it("an unknown config key of a Python stage is warned about with a did-you-mean", () => {
    const cfg = p.read("configs/pipelines/py/config.yaml");
    writeFileSync(p.path("configs/pipelines/py/config.yaml"), cfg.replace("factor: 4", "factor: 4\n  factr: 9"));
    const r = p.build("mixed", [], env);
    expect(r.events.filter((e) => e.event === "warning").map((e) => e.message)).toContainEqual(
      expect.stringMatching(/unknown option 'factr' for stage 'PyScale' \(class PyScale\).*did you mean 'factor'/),
    );
    writeFileSync(p.path("configs/pipelines/py/config.yaml"), cfg);
  });

  it("a failing Python stage: its traceback from the log, previous outputs kept, nothing recorded", () => {
    p.write(
      "configs/pipelines/py/pipeline.yaml",
      `${p.read("configs/pipelines/py/pipeline.yaml")}  - name: PyFail\n    aliases:\n      numbers: scaled\n`,
    );
    p.write("configs/pipelines/py/config.yaml", `${p.read("configs/pipelines/py/config.yaml")}\nPyFail:\n  level: 3\n`);
    p.write(`${OUT}/never.txt`, "an old output\n");
    const r = p.lbg(["build", "mixed", "-k"], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAILED\s+PyFail.*exited with code 1/);
    expect(r.stdout).toContain("| RuntimeError: PyFail failed on purpose at level 3");
    expect(r.stdout).toContain("Traceback");
    expect(p.read(`${OUT}/never.txt`)).toBe("an old output\n");
    expect(p.build("mixed", ["-k"], env).ran).toEqual(["PyFail"]);
  });

  it("lbg describe shows a Python stage's introspected options", () => {
    const d = p.lbg(["describe", "PyScale"], { env });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toContain("factor (float, default 2.0)");
    expect(d.stdout).toContain('note (str, default "none"): a free-text note');
    expect(d.stdout).toContain("numbers: txt");
  });

  it("a module that fails to import is an error quoting Python's message", () => {
    const q = new TempProject(["mini", "mixed"]);
    try {
      q.write(
        "configs/pipelines/py/pipeline.yaml",
        q
          .read("configs/pipelines/py/pipeline.yaml")
          .replace("lbg_stages lbgtest_stages", "lbg_stages lbgtest_stages lbgtest_nowhere"),
      );
      const r = q.lbg(["build", "mixed"], { env: { LBG_PYTHON: PY } });
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toMatch(
        /^lbg: error: configs\/pipelines\/py\/pipeline\.yaml:\d+:\d+: Python module 'lbgtest_nowhere' failed to import: ModuleNotFoundError: No module named 'lbgtest_nowhere'/,
      );
    } finally {
      q.remove();
    }
  });

  it("nprocess: 2 runs through mpirun with --mpi", (ctx) => {
    if (noMpirun) ctx.skip(noMpirun);
    const q = new TempProject(["mini", "mixed"]);
    try {
      q.write(
        "configs/pipelines/py/pipeline.yaml",
        `${q.read("configs/pipelines/py/pipeline.yaml")}  - name: PyRanks\n    nprocess: 2\n`,
      );
      const r = q.build("mixed", ["-j", "2"], env);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(q.read(`${OUT}/ranks.txt`)).toBe("size 2\n");
      const log = q.read("results/mixed/logs/PyRanks.out");
      expect(log).toMatch(
        /^Command is: OMP_NUM_THREADS=1 PYTHONPATH=\S+ mpirun -n 2 \S+ -m lbgtest_stages PyRanks .* --mpi\n/,
      );
      expect(log).toContain("rank 0 of 2");
      expect(log).toContain("rank 1 of 2");
    } finally {
      q.remove();
    }
  });
});

describe("lbg watch with Python stages", () => {
  skipAllWhen(noPython);
  it("an edit of a Python stage's module re-runs the Python stages", async () => {
    const p = new TempProject(["mini", "mixed"]);
    const child = p.spawn(["watch", "mixed", "--json"], { LBG_PYTHON: PY });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    const events = () =>
      out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l));
    const until = async (pred: (e: Record<string, any>) => boolean, n: number) => {
      for (let t = 0; events().filter(pred).length < n; t++) {
        if (t > 600) throw new Error(`timed out:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await until((e) => e.event === "watch-idle", 1);
      appendFileSync(p.path("pylib/lbgtest_stages/stages.py"), "\n# edited while watching\n");
      await until((e) => e.event === "watch-idle", 2);
      const afterFirst = events().slice(events().findIndex((e) => e.event === "watch-idle") + 1);
      const started = afterFirst
        .filter((e) => e.event === "stage-start")
        .map((e) => e.stage)
        .sort();
      expect(started).toEqual(["PyConcat", "PyScale", "PyScaleTwice"]);
    } finally {
      child.kill("SIGINT");
      await new Promise((r) => child.on("exit", r));
      p.remove();
    }
  }, 60_000);
});
