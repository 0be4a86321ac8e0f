// Faults injected for real: damaged records, inputs edited under a running stage, a stage killed by a
// signal, an lbg killed with SIGKILL (its workers must not outlive it into the next build), parallel runs.
import { appendFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { parseEvents, TempProject, waitForEvent } from "../helpers/temp-project.ts";

const RECORDS = ".cache/runs/numbers/records.jsonl";

/** A process that exists and is not a zombie. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe("reliability", () => {
  let p: TempProject;
  afterEach(() => p?.remove());

  it("a torn record tail is ignored silently; damage before it is reported once and those stages re-run", () => {
    p = new TempProject("mini");
    expect(p.build("numbers").code).toBe(0);
    appendFileSync(p.path(RECORDS), '0123456789abcdef {"v":1,"stage":"Sum'); // kill -9 mid-append
    let r = p.build("numbers");
    expect(r.ran).toEqual([]);
    expect(r.events.filter((e) => e.event === "warning")).toEqual([]);
    // The next record must not be glued onto the torn bytes (and lost with them): a change re-runs once.
    r = p.build("numbers", ["--set", "MakeNumbers.n=11"]);
    expect(r.ran.sort()).toEqual(["CountNumbers", "MakeNumbers", "SumNumbers"]);
    r = p.build("numbers", ["--set", "MakeNumbers.n=11"]);
    expect(r.ran).toEqual([]);
    expect(r.events.filter((e) => e.event === "warning")).toEqual([]);
    expect(readFileSync(p.path(RECORDS), "utf8")).not.toContain('"stage":"Sum0');
    r = p.build("numbers");
    expect(r.ran.sort()).toEqual(["CountNumbers", "MakeNumbers", "SumNumbers"]);
    const lines = readFileSync(p.path(RECORDS), "utf8").split("\n");
    const i = lines.length - 1 - [...lines].reverse().findIndex((l) => l.includes('"stage":"SumNumbers"')); // the newest one decides
    lines[i] = lines[i]!.replace('"seconds":', '"seconds":1');
    writeFileSync(p.path(RECORDS), lines.join("\n"));
    r = p.build("numbers");
    expect(r.code).toBe(0);
    expect(r.ran).toEqual(["SumNumbers"]);
    expect(r.events.filter((e) => e.event === "warning").map((e) => e.message)).toEqual([
      expect.stringMatching(/1 damaged or foreign record line in .*records\.jsonl ignored/),
    ]);
    expect(p.build("numbers").events.filter((e) => e.event === "warning")).toEqual([]);
  });

  it("a records file of another format version or plain garbage is never a crash", () => {
    p = new TempProject("mini");
    expect(p.build("numbers").code).toBe(0);
    const text = readFileSync(p.path(RECORDS), "utf8");
    writeFileSync(p.path(RECORDS), text.replaceAll('"v":1', '"v":99'));
    let r = p.build("numbers");
    expect(r.code).toBe(0);
    expect(r.ran.length).toBe(4);
    // Said once, in one line for the whole file, and not again once the file is rewritten.
    expect(r.events.filter((e) => e.event === "warning").map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^4 damaged or foreign record lines in .*records\.jsonl ignored; the stages involved will re-run$/,
      ),
    ]);
    const plain = p.lbg(["build", "numbers", "--plain"]);
    expect(plain.stdout + plain.stderr).not.toMatch(/foreign/);
    writeFileSync(p.path(RECORDS), text.replaceAll('"v":1', '"v":99'));
    const again = p.lbg(["build", "numbers", "--plain"]);
    expect((again.stdout + again.stderr).match(/damaged or foreign record/g)).toHaveLength(1);
    writeFileSync(p.path(RECORDS), Buffer.from([0, 255, 10, 1, 2, 3, 10]));
    r = p.build("numbers");
    expect(r.code).toBe(0);
    expect(r.ran.length).toBe(4);
    writeFileSync(p.path(".cache/runs/numbers/hashes.json"), "{ not json");
    r = p.build("numbers");
    expect(r.code).toBe(0);
    expect(r.ran).toEqual([]);
  });

  it("damaged cache entries (a stage bundle, a stage or YAML cache file that is still valid) cost a rebuild of the entry, never a wrong or failed build", () => {
    p = new TempProject("mini");
    expect(p.build("numbers").code).toBe(0);
    const noop = p.path(".cache/runs/numbers/noop.json");
    const bundles = readdirSync(p.path(".cache/bundles")).map((f) => p.path(".cache/bundles", f));
    expect(bundles.length).toBe(3);
    for (const b of bundles) writeFileSync(b, "export const damaged = true;\n");
    let r = p.build("numbers", ["--set", "MakeNumbers.n=11"]);
    expect(r.code, JSON.stringify(r.events.filter((e) => e.error))).toBe(0);
    expect(r.ran.sort()).toEqual(["CountNumbers", "MakeNumbers", "SumNumbers"]);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("55\n");
    // Valid JSON that says something else: a config value, and a stage's declared default.
    let edited = 0;
    for (const dir of [".cache/yaml", ".cache/stages"]) {
      for (const f of readdirSync(p.path(dir))) {
        const text = readFileSync(p.path(dir, f), "utf8");
        const changed = text.replace('"n":10', '"n":12').replace('"default":5', '"default":6');
        if (changed !== text) edited++;
        writeFileSync(p.path(dir, f), changed);
      }
    }
    expect(edited).toBe(2);
    rmSync(noop, { force: true });
    r = p.build("numbers");
    expect(r.code).toBe(0);
    expect(r.ran.sort()).toEqual(["CountNumbers", "MakeNumbers", "SumNumbers"]); // back to n: 10, not 12
    expect(r.reasons.MakeNumbers).toEqual(["config changed: MakeNumbers.n 11 → 10"]);
    expect(p.lbg(["describe", "MakeNumbers"]).stdout).toContain("n (int, default 5)");
    rmSync(noop, { force: true });
    expect(p.build("numbers").ran).toEqual([]);
  });

  it("ceci pipeline files whose paths differ only in / and _ keep build state of their own", () => {
    p = new TempProject("mini");
    const pipeline = (out: string) =>
      `modules: lbg_stages\nstages:\n  - name: MakeNumbers\n  - name: SumNumbers\ninputs: {}\nconfig: configs/pipelines/numbers/config.yaml\noutput_dir: ${out}\nlog_dir: ${out}/logs\nresume: True\n`;
    p.write("a/b_c.yml", pipeline("out/one"));
    p.write("a_b/c.yml", pipeline("out/two"));
    expect(p.build("a/b_c.yml").ran.sort()).toEqual(["MakeNumbers", "SumNumbers"]);
    expect(p.build("a_b/c.yml").ran.sort()).toEqual(["MakeNumbers", "SumNumbers"]);
    expect(p.build("a/b_c.yml").ran).toEqual([]);
    expect(p.build("a_b/c.yml").ran).toEqual([]);
    expect(readdirSync(p.path(".cache/runs")).sort()).toEqual([
      expect.stringMatching(/^ceci-a_b_c-[0-9a-f]{8}$/),
      expect.stringMatching(/^ceci-a_b_c-[0-9a-f]{8}$/),
    ]);
  });

  it("an input edited while its stage runs: the stage is not recorded as fresh", async () => {
    p = new TempProject("mini");
    p.write(
      "lbg_stages/slow_copy.ts",
      `import { readFileSync, writeFileSync } from "node:fs";
import { Stage, type StageContext } from "../src/sdk/index.ts";
export default class SlowCopy extends Stage {
  static inputs = { notes: "txt" } as const;
  static outputs = { copy: "txt" } as const;
  async run(ctx: StageContext) {
    const text = readFileSync(ctx.inputs.notes!, "utf8");
    console.log("read input");
    await new Promise((r) => setTimeout(r, 1500));
    writeFileSync(ctx.outputs.copy!, text);
  }
}
`,
    );
    p.write(
      "configs/pipelines/numbers/pipeline.yaml",
      `${p.read("configs/pipelines/numbers/pipeline.yaml")}  - name: SlowCopy\n`,
    );
    const child = p.spawn(["build", "numbers", "--json"]);
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    const done = new Promise<number | null>((r) => child.on("exit", r));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        try {
          if (readFileSync(p.path("results/numbers/logs/SlowCopy.out"), "utf8").includes("read input")) {
            clearInterval(t);
            resolve();
          }
        } catch {
          /* not yet */
        }
      }, 50);
    });
    writeFileSync(p.path("data/notes.txt"), "edited\nwhile\nrunning\nnow\n");
    expect(await done).toBe(0);
    const warnings = parseEvents(out)
      .filter((e) => e.event === "warning")
      .map((e) => e.message);
    expect(warnings, JSON.stringify(warnings)).toContainEqual(
      expect.stringMatching(/input notes changed while stage 'SlowCopy' ran/),
    );
    expect(p.read("results/numbers/outputs/copy.txt")).toBe("a\nb\nc\n");
    const again = p.build("numbers");
    expect(again.ran).toContain("SlowCopy");
    expect(p.read("results/numbers/outputs/copy.txt")).toBe("edited\nwhile\nrunning\nnow\n");
  });

  it("a stage killed by a signal is reported as such, and nothing is recorded for it", () => {
    p = new TempProject("mini");
    p.write(
      "lbg_stages/suicide.ts",
      `import { Stage } from "../src/sdk/index.ts";
export default class Suicide extends Stage {
  static outputs = { never: "txt" } as const;
  run() { process.kill(process.pid, "SIGKILL"); }
}
`,
    );
    p.write(
      "configs/pipelines/numbers/pipeline.yaml",
      `${p.read("configs/pipelines/numbers/pipeline.yaml")}  - name: Suicide\n`,
    );
    const r = p.build("numbers", ["-k"]);
    expect(r.code).toBe(1);
    const end = r.events.find((e) => e.event === "stage-end" && e.stage === "Suicide");
    expect(end).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/killed by SIGKILL \(out of memory, or killed from outside\)/),
      reason: { kind: "signal", signal: "SIGKILL" },
    });
    expect(r.end).toMatchObject({ ok: false, succeeded: 4, failed: 1 });
    expect(p.build("numbers", ["-k"]).ran).toEqual(["Suicide"]);
  });

  it("after lbg is killed with SIGKILL, its orphaned workers are killed before the run is built again", async () => {
    p = new TempProject("mini");
    // A CPU-bound stage cannot notice that its parent died: only a kill stops it from writing later.
    p.write(
      "lbg_stages/spin.ts",
      `import { writeFileSync } from "node:fs";
import { Stage, type StageContext } from "../src/sdk/index.ts";
export default class Spin extends Stage {
  static outputs = { spun: "txt" } as const;
  run(ctx: StageContext) {
    const end = Date.now() + 8000;
    while (Date.now() < end) { /* busy */ }
    writeFileSync(ctx.outputs.spun!, "late write\\n");
  }
}
`,
    );
    p.write(
      "configs/pipelines/numbers/pipeline.yaml",
      `${p.read("configs/pipelines/numbers/pipeline.yaml")}  - name: Spin\n`,
    );
    const child = p.spawn(["build", "numbers", "--json"]);
    await waitForEvent(child, (e) => e.event === "stage-start" && e.stage === "Spin");
    let lock: { workers?: number[] } = {};
    for (let i = 0; i < 100 && !lock.workers?.length; i++) {
      await new Promise((r) => setTimeout(r, 50));
      lock = JSON.parse(readFileSync(p.path(".cache/runs/numbers/lock"), "utf8"));
    }
    expect(lock.workers!.length).toBeGreaterThan(0);
    // The reaper (stage-reaper.ts) would kill the workers at once; killed with lbg (as a kill of everything,
    // or the OOM killer, may do), the next build is what must stop them.
    const reaper = reaperOf(child.pid!);
    expect(reaper).toBeDefined();
    process.kill(reaper!, "SIGKILL");
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    expect(lock.workers!.some(running)).toBe(true);
    expect(p.lbg(["clean", "numbers"]).code).toBe(0); // takes the run's lock, breaking the dead one
    await new Promise((r) => setTimeout(r, 200));
    expect(lock.workers!.filter(running)).toEqual([]);
    const r = p.build("numbers");
    expect(r.code).toBe(0);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("45\n");
    expect(p.build("numbers").ran).toEqual([]);
  }, 60_000);

  it("builds of different runs in one project proceed in parallel", async () => {
    p = new TempProject("mini");
    p.write("configs/runs/other.yaml", p.read("configs/runs/numbers.yaml"));
    const a = p.spawn(["build", "numbers", "--json", "--set", "MakeNumbers.sleep=1.5"]);
    const aDone = new Promise<number | null>((r) => a.on("exit", r));
    await waitForEvent(a, (e) => e.event === "stage-start");
    const b = p.build("other");
    expect(b.code).toBe(0);
    expect(await aDone).toBe(0);
    expect(p.read("results/other/outputs/total.txt")).toBe("45\n");
    expect(p.read("results/numbers/outputs/total.txt")).toBe("45\n");
  });
});

/** The pid of the stage reaper of the lbg with pid `lbg`. */
function reaperOf(lbg: number): number | undefined {
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(`/proc/${e}/cmdline`, "utf8").includes(`lbg: reaper of the stage processes of lbg pid ${lbg} `))
        return Number(e);
    } catch {
      /* gone */
    }
  }
  return undefined;
}
