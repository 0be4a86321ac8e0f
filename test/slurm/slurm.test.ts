// lbg under Slurm, against a real single-node Slurm (test/helpers/slurm-cluster.ts starts a private one from
// the installed packages and stops it after; skipped, saying why, where they are missing): stages as job steps inside an allocation, MPI stages as
// one step of N tasks, `lbg build --salloc`, and `lbg submit` / `status` / `cancel` for batch jobs. One file,
// because one cluster at a time can listen on Slurm's ports.
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PY } from "../helpers/debian-python.ts";
import { SlurmCluster } from "../helpers/slurm-cluster.ts";
import { noPython, noSlurm, skipAllWhen } from "../helpers/requirements.ts";
import { parseEvents, TempProject } from "../helpers/temp-project.ts";
import { spawnSync } from "node:child_process";

describe("lbg under a real Slurm", () => {
  skipAllWhen(noSlurm);
  let cluster: SlurmCluster;
  let p: TempProject;
  beforeAll(() => {
    if (noSlurm) return;
    cluster = new SlurmCluster();
    cluster.start();
    p = new TempProject("mini");
  }, 120_000);
  afterAll(() => {
    p?.remove();
    cluster?.stop();
  });

  const env = () => ({ ...process.env, ...cluster.env });

  it("inside an allocation every stage runs as its own step, several at once; the result is fresh locally", () => {
    const r = spawnSync(
      "salloc",
      [
        "-n",
        "2",
        "--quiet",
        process.execPath,
        p.path("src/bin/lbg.mjs"),
        "build",
        "numbers",
        "--json",
        "--set",
        "MakeNumbers.sleep=1",
      ],
      { cwd: p.dir, env: env(), encoding: "utf8", timeout: 120_000 },
    );
    expect(r.status, r.stdout + r.stderr + cluster.logs()).toBe(0);
    const events = parseEvents(r.stdout);
    expect(events.at(-1)).toMatchObject({ event: "build-end", ok: true, succeeded: 4 });
    const steps = ["MakeNumbers", "SumNumbers", "CountNumbers", "CountNotes"].map((s) =>
      /in Slurm step (\d+)\.(\d+)/.exec(readFileSync(p.path(`results/numbers/logs/${s}.out`), "utf8")),
    );
    expect(steps.every(Boolean)).toBe(true);
    expect(new Set(steps.map((m) => m![1])).size).toBe(1); // one allocation
    expect(new Set(steps.map((m) => m![2])).size).toBe(4); // four steps
    // MakeNumbers sleeps 1 s; CountNotes ran beside it (2 slots): its step ended before MakeNumbers's did.
    const ends = events.filter((e) => e.event === "stage-end").map((e) => e.stage);
    expect(ends.indexOf("CountNotes")).toBeLessThan(ends.indexOf("MakeNumbers"));
    expect(p.read("results/numbers/outputs/total.txt")).toBe("45\n");
    // Fingerprints do not depend on where a stage ran.
    const local = p.build("numbers", ["--launcher", "local", "--set", "MakeNumbers.sleep=1"]);
    expect(local.ran).toEqual([]);
  }, 120_000);

  it("a step killed with scancel fails its stage with the reason, and nothing is recorded", async () => {
    const child = spawnSync(
      "sh",
      [
        "-c",
        `salloc -n 2 --quiet ${process.execPath} ${p.path("src/bin/lbg.mjs")} build numbers --json --force MakeNumbers --set MakeNumbers.sleep=20 & sleep 4; scancel $(squeue -s -h -o '%i %j' | awk '$2=="MakeNumbers"{print $1}'); wait`,
      ],
      { cwd: p.dir, env: env(), encoding: "utf8", timeout: 120_000 },
    );
    const events = parseEvents(child.stdout);
    const end = events.find((e) => e.event === "stage-end" && e.stage === "MakeNumbers");
    expect(end, child.stdout + child.stderr).toMatchObject({ status: "failed" });
    expect(end!.error).toMatch(/exited with code|killed by/);
    expect(p.build("numbers", ["--launcher", "local"]).ran).toContain("MakeNumbers");
  }, 120_000);

  it("an MPI stage with nprocess: 2 is one step with two tasks, ranks from srun (no mpirun)", (ctx) => {
    if (noPython) ctx.skip(noPython);
    const q = new TempProject(["mini", "mixed"]);
    try {
      q.write(
        "configs/pipelines/py/pipeline.yaml",
        `${q.read("configs/pipelines/py/pipeline.yaml")}  - name: PyRanks\n    nprocess: 2\n`,
      );
      const r = spawnSync(
        "salloc",
        ["-n", "2", "--quiet", process.execPath, q.path("src/bin/lbg.mjs"), "build", "mixed", "--json"],
        { cwd: q.dir, env: { ...env(), LBG_PYTHON: PY }, encoding: "utf8", timeout: 120_000 },
      );
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(q.read("results/mixed/outputs/ranks.txt")).toBe("size 2\n");
      const log = q.read("results/mixed/logs/PyRanks.out");
      expect(log).toMatch(
        /^Command is: .*srun --ntasks=2 --cpus-per-task=1 --nodes=1 --exact --job-name=PyRanks .*-m lbgtest_stages PyRanks .* --mpi\n/,
      );
      expect(log).not.toContain("mpirun");
      expect(log).toContain("rank 0 of 2");
      expect(log).toContain("rank 1 of 2");
    } finally {
      q.remove();
    }
  }, 120_000);

  it("lbg build --salloc requests an allocation, runs the stages as its steps and releases it", async () => {
    p.lbg(["clean", "numbers"]);
    const r = p.lbg(["build", "numbers", "--json", "--salloc", "--nodes", "1", "--time", "5"], { env: env() });
    expect(r.code, r.stdout + r.stderr + cluster.logs()).toBe(0);
    expect(r.events.at(-1)).toMatchObject({ event: "build-end", ok: true, succeeded: 4 });
    expect(readFileSync(p.path("results/numbers/logs/SumNumbers.out"), "utf8")).toMatch(/in Slurm step \d+\.\d+/);
    // Released: salloc returns once the allocation is given back; Slurm may still list it as COMPLETING
    // for a moment while it cleans up, never as RUNNING.
    expect(squeue()).not.toMatch(/RUNNING|PENDING/);
    await until(() => squeue() === "", "the allocation to leave the queue");
  }, 120_000);

  it("lbg submit runs the build as a batch job to completion; status shows the job and fresh stages", async () => {
    p.lbg(["clean", "numbers"]);
    p.write(
      "configs/sites/testslurm.yaml",
      'site:\n  name: testslurm\n  launcher: slurm\n  partition: debug\n  walltime: "00:05:00"\n',
    );
    const r = p.lbg(["submit", "numbers", "--site", "testslurm", "--", "--set", "MakeNumbers.n=5"], { env: env() });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const id =
      /^Submitted batch job (\d+) \(script results\/numbers\/logs\/lbg-submit\.sh, log results\/numbers\/logs\/slurm-\1\.out\)$/m.exec(
        r.stdout,
      )?.[1];
    expect(id, r.stdout).toBeTruthy();
    const script = p.read("results/numbers/logs/lbg-submit.sh");
    expect(script).toContain("#SBATCH --partition=debug\n");
    expect(script).toContain("#SBATCH --time=00:05:00\n"); // ceci's walltime, read as time
    expect(script).toMatch(/build numbers --plain --launcher slurm --site testslurm --set MakeNumbers\.n=5\n/);
    expect(await waitForJob(id!)).toBe("COMPLETED");
    const log = p.read(`results/numbers/logs/slurm-${id}.out`);
    expect(log).toMatch(/^lbg: build succeeded — 4 ran, 0 fresh/m);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("10\n");
    const status = p.lbg(["status", "numbers", "--site", "testslurm", "--set", "MakeNumbers.n=5", "--json"], {
      env: env(),
    });
    const s = JSON.parse(status.stdout);
    expect(s.slurmJob).toMatchObject({ id, state: "COMPLETED", log: `results/numbers/logs/slurm-${id}.out` });
    expect(s.stages.map((x: { state: string }) => x.state)).toEqual(["fresh", "fresh", "fresh", "fresh"]);
    // Fresh locally too: where a stage ran is not part of its fingerprint.
    expect(p.build("numbers", ["--launcher", "local", "--set", "MakeNumbers.n=5"]).ran).toEqual([]);
  }, 120_000);

  it("a second submit while the job runs is refused with its id; lbg cancel cancels it and nothing is marked fresh", async () => {
    const r = p.lbg(["submit", "numbers", "--", "--set", "MakeNumbers.sleep=60"], { env: env() });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const id = /Submitted batch job (\d+)/.exec(r.stdout)![1]!;
    expect(await waitForJob(id, ["RUNNING"])).toBe("RUNNING");
    const again = p.lbg(["submit", "numbers"], { env: env() });
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toMatch(
      new RegExp(
        `^lbg: error: .*run 'numbers' already has Slurm job ${id} \\((PENDING|RUNNING)\\).*lbg cancel numbers`,
      ),
    );
    expect(p.lbg(["status", "numbers"], { env: env() }).stdout).toMatch(
      new RegExp(`^Slurm job ${id}: (PENDING|RUNNING) `, "m"),
    );
    // Let the build start MakeNumbers as a step, then cancel the whole job.
    await until(() => existsSync(p.path("results/numbers/logs/MakeNumbers.out")));
    const c = p.lbg(["cancel", "numbers"], { env: env() });
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toBe(`Cancelled Slurm job ${id}\n`);
    expect(await waitForJob(id)).toBe("CANCELLED");
    expect(p.lbg(["status", "numbers"], { env: env() }).stdout).toMatch(new RegExp(`^Slurm job ${id}: CANCELLED`, "m"));
    expect(p.lbg(["cancel", "numbers"], { env: env() }).stdout).toMatch(
      /is not pending or running \(CANCELLED\); nothing to cancel/,
    );
    await until(() => squeue() === "");
    // The cancelled build recorded nothing for MakeNumbers, and left no lock behind.
    const after = p.build("numbers", ["--launcher", "local", "--set", "MakeNumbers.sleep=60", "-n"]);
    expect(after.code, after.stderr).toBe(0);
    expect(after.ran).toContain("MakeNumbers");
  }, 120_000);

  it("a rejected submission quotes sbatch; a failing job shows FAILED with its exit code; no Slurm commands is one line", async () => {
    const bad = p.lbg(["submit", "numbers", "--partition", "nosuch"], { env: env() });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toMatch(
      /^lbg: error: .*sbatch rejected the job: sbatch: error: .*(invalid partition|nosuch)/i,
    );
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    const r = p.lbg(["submit", "numbers", "--", "--set", "Nope.n=1"], { env: env() });
    const id = /Submitted batch job (\d+)/.exec(r.stdout)![1]!;
    expect(await waitForJob(id)).toBe("FAILED");
    expect(p.read(`results/numbers/logs/slurm-${id}.out`)).toMatch(/lbg: error: .*Nope/);
    expect(p.lbg(["status", "numbers"], { env: env() }).stdout).toMatch(
      new RegExp(
        `^Slurm job ${id}: FAILED \\(reason NonZeroExitCode, exit code 2:0, log results/numbers/logs/slurm-${id}\\.out\\)`,
        "m",
      ),
    );

    const none = p.lbg(["submit", "numbers"], { env: { ...env(), PATH: "/nonexistent" } });
    expect(none.code).not.toBe(0);
    expect(none.stderr.trim()).toMatch(/^lbg: error: .*(scontrol|sbatch) not found: Slurm's commands are not on PATH/);
    expect(none.stderr.trim().split("\n").length).toBe(1);
    // status still answers for the stages when Slurm cannot be asked about the job.
    const st = p.lbg(["status", "numbers"], { env: { ...env(), PATH: "/nonexistent" } });
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(new RegExp(`^Slurm job ${id}: state unknown: scontrol not found`, "m"));
  }, 120_000);

  function squeue(): string {
    return spawnSync("squeue", ["-h", "-o", "%i %j %T"], { env: env(), encoding: "utf8" }).stdout.trim();
  }

  /** Polls `scontrol show job` until the job reaches one of `states` (default: any final state). */
  async function waitForJob(
    id: string,
    states = ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY"],
  ): Promise<string> {
    let state = "";
    await until(
      () => {
        state =
          /JobState=(\S+)/.exec(
            spawnSync("scontrol", ["show", "job", "-o", id], { env: env(), encoding: "utf8" }).stdout,
          )?.[1] ?? "";
        return states.includes(state);
      },
      `job ${id} to be ${states.join("/")}`,
    );
    return state;
  }

  async function until(ok: () => boolean, what = "condition"): Promise<void> {
    for (const t = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 200))) {
      if (Date.now() - t > 90_000) throw new Error(`timed out waiting for ${what}\n${squeue()}\n${cluster.logs()}`);
    }
  }
});
