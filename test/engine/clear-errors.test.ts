// Surprises of issue 13 turned into clear behaviour: .cache removed under a running build (item 12), one rule
// for run names (17), a run file's path given as the run (18), and whatever a stage throws (21).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { TempProject, waitForEvent } from "../helpers/temp-project.ts";

const PIPE = "configs/pipelines/numbers/pipeline.yaml";

describe("clear errors instead of surprises", () => {
  let p: TempProject;
  afterEach(() => p?.remove());

  it(".cache removed while a build runs: a one-line stage error naming the cause, and the next build recovers", async () => {
    p = new TempProject("mini");
    const child = p.spawn(["build", "numbers", "--json", "--set", "MakeNumbers.sleep=2"]);
    let stdout = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    const exit = new Promise<number | null>((r) => child.on("exit", r));
    await waitForEvent(child, (e) => e.event === "stage-start" && e.stage === "MakeNumbers");
    rmSync(p.path(".cache"), { recursive: true, force: true });
    expect(await exit).toBe(1);
    const failed = stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l))
      .filter((e) => e.event === "stage-end" && e.status === "failed");
    expect(failed.length).toBeGreaterThan(0);
    for (const e of failed) {
      expect(e.error).toMatch(/^the stage's code bundle is gone \(.*\.mjs\): was \.cache removed while lbg ran\?/);
      expect(e.logTail.join("\n")).not.toMatch(/\n\s+at /);
    }
    const again = p.build("numbers");
    expect(again.code, again.stderr).toBe(0);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("45\n");
  }, 60_000);

  it("run from a folder that was removed: one line saying so", () => {
    p = new TempProject("mini");
    const gone = p.path("gone");
    mkdirSync(gone);
    // A shell whose folder another terminal removed: the child starts in it and finds it gone.
    const r = spawnSync(
      "sh",
      [
        "-c",
        `cd "${gone}" && rmdir "${gone}" && exec "${process.execPath}" "${p.path("src/bin/lbg.mjs")}" build numbers`,
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    expect(r.stderr).toBe("lbg: error: the current folder no longer exists (hint: cd into the project again)\n");
    expect(r.status).toBe(2);
  });

  it("an output that is a FIFO is no output: the build fails the stage, accept refuses it", () => {
    p = new TempProject("mini");
    p.write(
      "lbg_stages/fifo.ts",
      `import { execFileSync } from "node:child_process";
import { Stage, type StageContext } from "../src/sdk/index.ts";
export default class Fifo extends Stage {
  static outputs = { f: "txt" } as const;
  run(ctx: StageContext) { execFileSync("mkfifo", [ctx.outputs.f!]); }
}
`,
    );
    p.write(PIPE, `${p.read(PIPE)}  - name: Fifo\n`);
    const r = p.build("numbers", ["-k"]);
    expect(r.code).toBe(1);
    expect(r.events.find((e) => e.event === "stage-end" && e.stage === "Fifo")?.error).toBe(
      "output 'f' is not a regular file or a directory (a FIFO, socket or device)",
    );
    execFileSync("mkfifo", [p.path("results/numbers/outputs/f.txt")]);
    const a = p.lbg(["accept", "numbers", "Fifo"]);
    expect(a.stderr.trim()).toBe(
      "skipped Fifo: output results/numbers/outputs/f.txt is not a regular file or a directory (build it instead)",
    );
    expect(a.stdout).toMatch(/0 stages recorded as fresh/);
  });

  it("lbg list runs shows exactly the runs lbg build accepts", () => {
    p = new TempProject("mini");
    p.write("configs/runs/run-ü.yaml", p.read("configs/runs/numbers.yaml"));
    p.write("configs/runs/my run ☃.yaml", p.read("configs/runs/numbers.yaml"));
    const list = p.lbg(["list", "runs"]);
    expect(list.code).toBe(0);
    expect(list.stdout.split("\n").filter(Boolean)).toEqual(["numbers", "run-ü"]);
    expect(list.stderr.trim()).toMatch(
      /^warning: configs\/runs\/my run ☃\.yaml is not a run lbg can build: 'my run ☃' is not a run name/,
    );
    const built = p.build("run-ü");
    expect(built.code, built.stderr).toBe(0);
    expect(p.read("results/run-ü/outputs/total.txt")).toBe("45\n");
    expect(p.lbg(["build", "my run ☃"]).code).toBe(2);
  });

  it("the path of a run file names that run, from the root or a subfolder", () => {
    p = new TempProject("mini");
    const r = p.build("configs/runs/numbers.yaml");
    expect(r.code, r.stderr).toBe(0);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("45\n");
    const s = p.lbg(["status", "runs/numbers.yaml", "--json"], { cwd: p.path("configs") });
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout).run).toBe("numbers");
    expect(p.build("numbers").ran).toEqual([]);
  });

  it("whatever a stage throws is described neutrally, never as what its own toString threw", () => {
    p = new TempProject("mini");
    p.write(
      "lbg_stages/thrower.ts",
      `import { Stage, type StageContext } from "../src/sdk/index.ts";
export default class Thrower extends Stage {
  static outputs = { t: "txt" } as const;
  static config = { how: { type: "str", default: "object" } } as const;
  async run(ctx: StageContext<{ how: string }>) {
    const bad = { toString() { throw new Error("nope"); } };
    if (ctx.config.how === "object") throw bad;
    if (ctx.config.how === "number") throw 42;
    if (ctx.config.how === "nothing") throw null;
    setTimeout(() => { throw bad; }, 10);
    await new Promise((r) => setTimeout(r, 2000));
  }
}
`,
    );
    p.write(PIPE, `${p.read(PIPE)}  - name: Thrower\n`);
    const expected: Record<string, RegExp> = {
      object: /^a thrown object \(not an Error\)$/,
      number: /^a thrown number \(not an Error\): 42$/,
      nothing: /^a thrown null \(not an Error\): null$/,
      uncaught: /^a thrown object \(not an Error\) \(uncaught\)$/,
    };
    for (const [how, want] of Object.entries(expected)) {
      const r = p.build("numbers", ["--set", `Thrower.how=${how}`]);
      expect(r.code).toBe(1);
      const end = r.events.find((e) => e.event === "stage-end" && e.stage === "Thrower");
      expect(end?.error, how).toMatch(want);
      expect(end?.error).not.toMatch(/nope/);
    }
  }, 60_000);
});
