// No stage process outlives lbg: after a kill -9 of lbg its reaper kills the stages within seconds (however
// busy), what a stage started with `detached: true` dies with the stage, and the next build puts right
// what the killed one left in output_dir (issue 13, items 5 and 8).
import { readdirSync, readFileSync, readlinkSync, renameSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { PY } from "../helpers/debian-python.ts";
import { noPython } from "../helpers/requirements.ts";
import { isAlive, waitUntil } from "../helpers/processes.ts";
import { TempProject, waitForEvent } from "../helpers/temp-project.ts";

const PIPE = "configs/pipelines/numbers/pipeline.yaml";
const OUT = "results/numbers/outputs";

/** A CPU-bound stage (it cannot notice anything while it spins) that first starts `sleep 300` detached. */
const SPIN = `import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { Stage, type StageContext } from "../src/sdk/index.ts";
export default class Spin extends Stage {
  static outputs = { spun: "txt" } as const;
  run(ctx: StageContext) {
    const child = spawn("sleep", ["300"], { detached: true, stdio: "ignore" });
    child.unref();
    writeFileSync(ctx.outputs.spun!, "partial\\n");
    writeFileSync("pids.txt", process.pid + " " + child.pid);
    const end = Date.now() + 60_000;
    while (Date.now() < end) { /* busy */ }
    writeFileSync(ctx.outputs.spun!, "late write\\n");
  }
}
`;

/** Pids of processes whose command line contains `needle` and that run in `dir`. */
function processesIn(dir: string, needle: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const cmd = readFileSync(`/proc/${e}/cmdline`, "utf8").replaceAll("\0", " ");
      if (cmd.includes(needle) && readlinkSync(`/proc/${e}/cwd`) === dir) out.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return out.filter(isAlive);
}

describe("stage processes never outlive lbg", () => {
  let p: TempProject;
  const leftovers: number[] = [];
  afterEach(() => {
    for (const pid of leftovers.splice(0)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* gone, as it should be */
      }
    }
    p?.remove();
  });

  it("kill -9 of lbg: a busy stage and its detached child are killed within seconds; the next build removes the in-progress file", async () => {
    p = new TempProject("mini");
    p.write("lbg_stages/spin.ts", SPIN);
    p.write(PIPE, `${p.read(PIPE)}  - name: Spin\n`);
    const child = p.spawn(["build", "numbers", "--json"]);
    await waitForEvent(child, (e) => e.event === "stage-start" && e.stage === "Spin");
    await waitUntil(() => p.exists("pids.txt") && p.read("pids.txt").includes(" "), "the stage's pids");
    const [worker, detached] = p.read("pids.txt").split(" ").map(Number) as [number, number];
    leftovers.push(worker, detached);
    expect(isAlive(worker) && isAlive(detached)).toBe(true);
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    // Generous under load; the reaper learns of the death at once, so this is well under a second when quiet.
    await waitUntil(() => !isAlive(worker) && !isAlive(detached), "the reaper to kill the orphaned stage", 15_000);
    expect(p.exists(`${OUT}/inprogress_spun.txt`)).toBe(true); // what the killed stage left
    expect(p.read(`${OUT}/inprogress_spun.txt`)).toBe("partial\n");
    // The next build, with Spin made quick, finds the leftover and removes it before anything runs.
    p.write("lbg_stages/spin.ts", SPIN.replace("60_000", "0"));
    const r = p.build("numbers");
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.events.filter((e) => e.event === "warning").map((e) => e.message);
    expect(warnings, JSON.stringify(warnings)).toContainEqual(
      expect.stringMatching(/^an earlier build of this run was cut short: \d+ leftovers? put right \(removed /),
    );
    expect(p.read(`${OUT}/spun.txt`)).toBe("late write\n");
    leftovers.push(...p.read("pids.txt").split(" ").map(Number));
  }, 90_000);

  it("a stale in-progress file of a stage that is fresh is removed too", () => {
    p = new TempProject("mini");
    expect(p.build("numbers").code).toBe(0);
    writeFileSync(p.path(`${OUT}/inprogress_total.txt`), "left by a killed build\n");
    const r = p.build("numbers");
    expect(r.ran).toEqual([]);
    expect(p.exists(`${OUT}/inprogress_total.txt`)).toBe(false);
  });

  it("an output set aside by a build killed while it swapped outputs is put back, or dropped once recorded", () => {
    p = new TempProject("mini");
    expect(p.build("numbers").code).toBe(0);
    // Killed after the old total was set aside and a new one put in place, before the record: the old one
    // goes back and the stage is fresh, as after a failure.
    renameSync(p.path(`${OUT}/total.txt`), p.path(`${OUT}/.lbg-previous-total.txt`));
    writeFileSync(p.path(`${OUT}/total.txt`), "999\n");
    const r = p.build("numbers");
    expect(r.ran).toEqual([]);
    expect(p.read(`${OUT}/total.txt`)).toBe("45\n");
    expect(p.exists(`${OUT}/.lbg-previous-total.txt`)).toBe(false);
    // Killed after the record was written: the output in place is the recorded one; the old one is dropped.
    writeFileSync(p.path(`${OUT}/.lbg-previous-total.txt`), "an older total\n");
    expect(p.build("numbers").ran).toEqual([]);
    expect(p.read(`${OUT}/total.txt`)).toBe("45\n");
    expect(p.exists(`${OUT}/.lbg-previous-total.txt`)).toBe(false);
  });

  it("Ctrl-C kills what a stage started with detached: true (outside its process group)", async () => {
    p = new TempProject("mini");
    p.write(
      "lbg_stages/spin.ts",
      SPIN.replace(
        "while (Date.now() < end) { /* busy */ }",
        "await new Promise((r) => setTimeout(r, 60_000));",
      ).replace("run(ctx", "async run(ctx"),
    );
    p.write(PIPE, `${p.read(PIPE)}  - name: Spin\n`);
    const child = p.spawn(["build", "numbers", "--json"]);
    const exit = new Promise<number | null>((r) => child.on("exit", r));
    await waitUntil(() => p.exists("pids.txt") && p.read("pids.txt").includes(" "), "the stage's pids");
    const [, detached] = p.read("pids.txt").split(" ").map(Number) as [number, number];
    leftovers.push(detached);
    expect(isAlive(detached)).toBe(true);
    child.kill("SIGINT");
    expect(await exit).toBe(130);
    await waitUntil(() => !isAlive(detached), "the detached child to be killed", 10_000);
  }, 60_000);

  it("a detached child a finished stage left running is ended with the build", async () => {
    p = new TempProject("mini");
    p.write("lbg_stages/spin.ts", SPIN.replace("60_000", "0"));
    p.write(PIPE, `${p.read(PIPE)}  - name: Spin\n`);
    expect(p.build("numbers").code).toBe(0);
    const [, detached] = p.read("pids.txt").split(" ").map(Number) as [number, number];
    leftovers.push(detached);
    await waitUntil(() => !isAlive(detached), "the detached child to be killed", 10_000);
  }, 60_000);

  it("kill -9 of lbg during pre_script: the script and what it started are killed too", async () => {
    p = new TempProject("mini");
    p.write(
      "configs/runs/numbers.yaml",
      `${p.read("configs/runs/numbers.yaml")}pre_script: "echo $$ > script.pid; sleep 300 & echo $! >> script.pid; wait"\n`,
    );
    const child = p.spawn(["build", "numbers", "--json"]);
    await waitUntil(() => p.exists("script.pid") && p.read("script.pid").trim().split("\n").length === 2, "the script");
    const pids = p.read("script.pid").trim().split("\n").map(Number);
    leftovers.push(...pids);
    expect(pids.every(isAlive)).toBe(true);
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    await waitUntil(() => pids.every((pid) => !isAlive(pid)), "the reaper to kill the script", 15_000);
  }, 60_000);

  it("kill -9 of lbg: a running Python stage is killed too", async (ctx) => {
    if (noPython) ctx.skip(noPython);
    p = new TempProject(["mini", "mixed"]);
    const env = { LBG_PYTHON: PY };
    const child = p.spawn(["build", "mixed", "--json", "--set", "PyScale.sleep=120"], env);
    await waitForEvent(child, (e) => e.event === "stage-start" && e.stage === "PyScale");
    await waitUntil(() => processesIn(p.dir, "PyScale").length > 0, "the Python stage to start");
    const py = processesIn(p.dir, "PyScale");
    leftovers.push(...py);
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    await waitUntil(() => py.every((pid) => !isAlive(pid)), "the reaper to kill the Python stage", 15_000);
  }, 60_000);
});
