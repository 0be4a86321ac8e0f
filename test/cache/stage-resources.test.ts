// Per-stage resources: what each stage run cost, measured per stage (a warm worker's figures are the stage's,
// not the worker's lifetime), recorded, shown by lbg status --long and carried in stage-end.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TreeSampler } from "../../src/executors/proc-sampler.ts";
import { TempProject } from "../helpers/temp-project.ts";

const MiB = 1024 * 1024;
const linux = process.platform === "linux";

describe("per-stage resources", () => {
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject(["mini", "cache"]);
  });
  afterAll(() => p.remove());

  it.skipIf(!linux)("a warm worker reports each stage's own CPU and peak memory, not its lifetime's", () => {
    // -j 1: Big then Small in the same warm worker (Big is first in the pipeline).
    const r = p.build("hogs", ["-j", "1"]);
    expect(r.code).toBe(0);
    const res = Object.fromEntries(r.events.filter((e) => e.event === "stage-end").map((e) => [e.stage, e.resources]));
    expect(res.Big).toMatchObject({ measuredBy: "worker" });
    expect(res.Big.cpuSeconds).toBeGreaterThanOrEqual(0.4);
    expect(res.Big.maxRssBytes).toBeGreaterThan(200 * MiB);
    expect(res.Small).toMatchObject({ measuredBy: "worker" });
    expect(res.Small.maxRssBytes).toBeLessThan(res.Big.maxRssBytes - 150 * MiB);
    expect(res.Small.cpuSeconds).toBeLessThan(0.4);
    expect(res.Big.wallSeconds).toBeGreaterThan(0);

    // Recorded, and shown as a table by status --long (JSON: lastRun).
    const long = p.lbg(["status", "hogs", "--long"]);
    expect(long.code).toBe(0);
    expect(long.stdout).toMatch(/^state +stage +wall +CPU +peak RSS +finished$/m);
    expect(long.stdout).toMatch(/^fresh +Big +\d+\.\d+s +0\.[4-9]\ds|^fresh +Big +\d+\.\d+s +\d+\.\d+s +2\d\d MiB/m);
    const json = JSON.parse(p.lbg(["status", "hogs", "--long", "--json"]).stdout);
    const big = json.stages.find((s: any) => s.stage === "Big");
    expect(big.lastRun.resources).toEqual(res.Big);
    expect(typeof big.lastRun.finishedAt).toBe("string");
    // Without --long the JSON shape is as before.
    expect(JSON.parse(p.lbg(["status", "hogs", "--json"]).stdout).stages[0].lastRun).toBeUndefined();
  });

  it.skipIf(!linux)("the /proc sampler measures a process tree from outside, children included", async () => {
    // sh starts node, which holds 150 MiB and uses 0.4 s of CPU; sh waits for it (so its cutime has it).
    const js =
      "const b=Buffer.alloc(150*1024*1024,1);const s=process.cpuUsage();let x=0;" +
      "while((process.cpuUsage(s).user+process.cpuUsage(s).system)<4e5)x+=Math.sqrt(x+1);" +
      "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,300);console.log(b.length+x>0)";
    const child = spawn("sh", ["-c", `"${process.execPath}" -e '${js}'; true`], { stdio: "ignore" });
    const sampler = new TreeSampler(child.pid!, 50);
    await new Promise((r) => child.on("exit", r));
    const u = sampler.stop()!;
    expect(u.maxRssBytes).toBeGreaterThan(150 * MiB);
    // At most the last sampling period before the end is missed.
    expect(u.cpuSeconds).toBeGreaterThan(0.25);
    expect(u.cpuSeconds).toBeLessThan(5);
  });

  it.skipIf(!linux)("a lazy sampler (a warm worker's) reads nothing before 10 ms, then sees the children", async () => {
    // Something that stays 400 ms with a child holding 100 MiB: a lazy sampler starts, like a warm worker's,
    // before the child exists.
    const js = "const b=Buffer.alloc(100*1024*1024,1);Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,400);";
    const parent = spawn("sh", ["-c", `sleep 0.05; "${process.execPath}" -e '${js}'; true`], { stdio: "ignore" });
    const early = new TreeSampler(parent.pid!, 50, true);
    expect(early.stop(), "stopped at once: no sample taken").toBeUndefined();
    const sampler = new TreeSampler(parent.pid!, 50, true);
    await new Promise((r) => parent.on("exit", r));
    const u = sampler.stop()!;
    expect(u.maxChildRssBytes).toBeGreaterThan(100 * MiB);
  });
});
