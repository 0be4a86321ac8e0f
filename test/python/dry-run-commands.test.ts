// `lbg build -n` lists, for each stage that would run, its reasons and the exact command it would execute
// (as `ceci --dry-run` lists its commands), and `--json` carries it as `command` in `stage-start` — for lbg
// runs and ceci pipeline files, Python and TypeScript stages, locally and as Slurm job steps.
import { chmodSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PY } from "../helpers/debian-python.ts";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

const env = { LBG_PYTHON: PY };

/** The log's first line, `Command is: <the command>`, written when the stage really ran. */
const header = (p: TempProject, log: string) =>
  p
    .read(log)
    .split("\n")[0]!
    .replace(/^Command is: /, "");

describe("dry runs list commands", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject(["mini", "mixed"]);
  });
  afterEach(() => p?.remove());

  it("a ceci pipeline file: each would-run line is followed by the command the build then runs", () => {
    const dry = p.lbg(["build", "ceci/pipeline.yml", "-n"], { env });
    expect(dry.code, dry.stderr).toBe(0);
    const lines = dry.stdout.split("\n");
    const i = lines.findIndex((l) => l.startsWith("would run PyScaleTwice "));
    expect(lines[i + 1]).toMatch(/^ {4}OMP_NUM_THREADS=2 PYTHONPATH=\S+ \S+ -m lbgtest_stages PyScale --numbers=/);
    const json = p.lbg(["build", "ceci/pipeline.yml", "-n", "--json"], { env });
    const planned = Object.fromEntries(
      json.events.filter((e) => e.event === "stage-start").map((e) => [e.stage, e.command as string]),
    );
    expect(lines[i + 1]!.trim()).toBe(planned.PyScaleTwice);
    // Nothing ran, nothing was written.
    expect(p.exists("ceci/outputs")).toBe(false);
    expect(p.exists("ceci/logs")).toBe(false);

    const real = p.build("ceci/pipeline.yml", [], env);
    expect(real.code, real.stderr).toBe(0);
    const started = Object.fromEntries(
      real.events.filter((e) => e.event === "stage-start").map((e) => [e.stage, e.command as string]),
    );
    expect(started).toEqual(planned);
    expect(header(p, "ceci/logs/PyScale.out")).toBe(planned.PyScale);
    expect(header(p, "ceci/logs/PyScaleTwice.out")).toBe(planned.PyScaleTwice);
  });

  it("an lbg run: TypeScript stages name their worker call, an MPI stage its launcher", () => {
    p.write(
      "configs/pipelines/py/pipeline.yaml",
      p
        .read("configs/pipelines/py/pipeline.yaml")
        .replace("  - name: PyScale\n", "  - name: PyScale\n    nprocess: 2\n"),
    );
    const r = p.lbg(["build", "mixed", "-n", "--json"], { env });
    expect(r.code, r.stderr).toBe(0);
    const cmd = Object.fromEntries(
      r.events.filter((e) => e.event === "stage-start").map((e) => [e.stage, e.command as string]),
    );
    expect(cmd.MakeNumbers).toBe(
      `[lbg worker] lbg_stages/make_numbers.ts MakeNumbers --numbers=${p.dir}/results/mixed/outputs/numbers.txt '--config={"n":5,"sleep":0}'`,
    );
    expect(cmd.CountJoined).toMatch(
      /^\[lbg worker\] lbg_stages\/count_lines\.ts CountLines --text=\S+\/joined\.txt --count=\S+\/joined_count\.txt '--config=/,
    );
    expect(cmd.PyScale).toMatch(
      /^OMP_NUM_THREADS=1 PYTHONPATH=\S+ mpirun -n 2 \S+ -m lbgtest_stages PyScale .* --mpi$/,
    );
    const plain = p.lbg(["build", "mixed", "-n"], { env });
    expect(plain.stdout).toContain(`would run MakeNumbers  (never built)\n    ${cmd.MakeNumbers}\n`);
  });

  it("under Slurm the command is the job step, and the log's header names the same srun", () => {
    // A stand-in srun: drops its own options and runs the step's command.
    p.write("bin/srun", '#!/bin/sh\nwhile [ "${1#--}" != "$1" ]; do shift; done\nexec "$@"\n');
    chmodSync(p.path("bin/srun"), 0o755);
    const senv = { ...env, PATH: `${p.path("bin")}:${process.env.PATH}` };
    const dry = p.lbg(["build", "ceci/pipeline.yml", "-n", "--json", "--launcher", "slurm"], { env: senv });
    expect(dry.code, dry.stderr).toBe(0);
    const planned = dry.events.find((e) => e.event === "stage-start" && e.stage === "PyScaleTwice")!.command;
    expect(planned).toMatch(
      /^OMP_NUM_THREADS=2 PYTHONPATH=\S+ srun --ntasks=1 --cpus-per-task=2 --nodes=1 --exact --job-name=PyScaleTwice --kill-on-bad-exit=1 \S+ -m lbgtest_stages PyScale /,
    );
    const real = p.build("ceci/pipeline.yml", ["--launcher", "slurm"], senv);
    expect(real.code, real.stderr).toBe(0);
    expect(header(p, "ceci/logs/PyScaleTwice.out")).toBe(planned);
    const ts = p.lbg(["build", "numbers", "-n", "--json", "--launcher", "slurm"], { env: senv });
    expect(ts.events.find((e) => e.event === "stage-start")!.command).toMatch(
      /^srun --ntasks=1 --cpus-per-task=1 --nodes=1 --exact --job-name=\w+ --kill-on-bad-exit=1 \[lbg worker\] lbg_stages\//,
    );
  });

  it("a NERSC pipeline's dry run shows its job steps where there is no srun (as ceci --dry-run does)", () => {
    p.write("ceci/nersc.yml", p.read("ceci/pipeline.yml").replace("name: local", "name: nersc-interactive"));
    p.write("nothing/README", "an empty PATH: no srun (nor anything else)\n");
    const bare = { ...env, PATH: p.path("nothing") };
    const r = p.lbg(["build", "ceci/nersc.yml", "-n"], { env: bare });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\n {4}OMP_NUM_THREADS=1 PYTHONPATH=\S+ srun --ntasks=1 .* -m lbgtest_stages PyScale /);
    const real = p.lbg(["build", "ceci/nersc.yml"], { env: bare });
    expect(real.code).toBe(2);
    expect(real.stderr).toMatch(/the slurm launcher needs srun, which is not on PATH/);
  });

  it("a dry run needs no inputs: a missing one is a reason, and the commands are still listed", () => {
    p.write("ceci/missing.yml", p.read("ceci/pipeline.yml").replace("./data/numbers.txt", "./data/not-yet.txt"));
    const r = p.lbg(["build", "ceci/missing.yml", "-n"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /would run PyScale {2}\(input missing: numbers \(data\/not-yet\.txt\)\)\n {4}\S.* --numbers=\S+\/data\/not-yet\.txt /,
    );
    const real = p.lbg(["build", "ceci/missing.yml"], { env });
    expect(real.code).toBe(2);
    expect(real.stderr).toMatch(/input 'numbers' \(needed by PyScale\) does not exist: data\/not-yet\.txt/);
  });
});
