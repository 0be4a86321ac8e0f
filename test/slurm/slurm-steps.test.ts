// Stages as Slurm job steps, against a real single-node Slurm (test/helpers/slurm-cluster.ts installs and
// starts it; skipped, saying why, only where it cannot be had).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSlurmInstalled, SlurmCluster } from "../helpers/slurm-cluster.ts";
import { parseEvents, TempProject } from "../helpers/temp-project.ts";
import { spawnSync } from "node:child_process";

const why = ensureSlurmInstalled();
if (why) console.warn(`skipping Slurm tests: ${why}`);

describe.skipIf(!!why)("stages as Slurm job steps", () => {
  let cluster: SlurmCluster;
  let p: TempProject;
  beforeAll(() => {
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
    const r = spawnSync("salloc", ["-n", "2", "--quiet", process.execPath, p.path("src/bin/lbg.mjs"), "build", "numbers", "--json", "--set", "MakeNumbers.sleep=1"], { cwd: p.dir, env: env(), encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stdout + r.stderr + cluster.logs()).toBe(0);
    const events = parseEvents(r.stdout);
    expect(events.at(-1)).toMatchObject({ event: "build-end", ok: true, succeeded: 4 });
    const steps = ["MakeNumbers", "SumNumbers", "CountNumbers", "CountNotes"].map((s) => /in Slurm step (\d+)\.(\d+)/.exec(readFileSync(p.path(`results/numbers/logs/${s}.out`), "utf8")));
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
    const child = spawnSync("sh", ["-c", `salloc -n 2 --quiet ${process.execPath} ${p.path("src/bin/lbg.mjs")} build numbers --json --force MakeNumbers --set MakeNumbers.sleep=20 & sleep 4; scancel $(squeue -s -h -o '%i %j' | awk '$2=="MakeNumbers"{print $1}'); wait`], { cwd: p.dir, env: env(), encoding: "utf8", timeout: 120_000 });
    const events = parseEvents(child.stdout);
    const end = events.find((e) => e.event === "stage-end" && e.stage === "MakeNumbers");
    expect(end, child.stdout + child.stderr).toMatchObject({ status: "failed" });
    expect(end!.error).toMatch(/exited with code|killed by/);
    expect(p.build("numbers", ["--launcher", "local"]).ran).toContain("MakeNumbers");
  }, 120_000);
});
