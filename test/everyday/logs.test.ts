// `lbg logs <run> <stage> [-f]`: the stage's last log; -f follows it while the stage runs and ends with it.
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InitProject } from "../helpers/init-project.ts";
import { waitForEvent } from "../helpers/temp-project.ts";

/** A stage that logs, waits for `seconds`, and logs again; `input` wires it after another stage. */
const sleeper = (name: string, input: string, output: string, seconds: number) => `
import { readFileSync, writeFileSync } from "node:fs";
import { Stage, type StageContext } from "#lbg/sdk";
export default class ${name} extends Stage {
  static inputs = { ${input}: "txt" } as const;
  static outputs = { ${output}: "txt" } as const;
  static config = {} as const;
  async run(ctx: StageContext<typeof ${name}>): Promise<void> {
    ctx.log("${name} begins");
    await new Promise((r) => setTimeout(r, ${seconds * 1000}));
    writeFileSync(ctx.outputs.${output}, readFileSync(ctx.inputs.${input}));
    ctx.log("${name} ends");
  }
}
`;

function exited(child: ChildProcess, ms: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("still running")), ms);
    child.on("exit", (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

describe("lbg logs", () => {
  let p: InitProject;
  const children: ChildProcess[] = [];
  beforeAll(() => {
    p = new InitProject();
  });
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    p?.remove();
  });

  it("prints the stage's last log, -n its last lines; a misspelt stage gets a did-you-mean", () => {
    expect(p.lbg(["build", "example", "--plain"]).code).toBe(0);
    const r = p.lbg(["logs", "example", "MakeNumbers"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Executing stage: MakeNumbers/);
    expect(r.stdout).toContain("wrote 100 numbers (seed 1)");
    expect(r.stdout).toMatch(/Stage complete: MakeNumbers took [\d.]+ s\n$/);
    const tail = p.lbg(["logs", "example", "MakeNumbers", "-n", "1"]);
    expect(tail.stdout).toMatch(/^Stage complete: MakeNumbers/);
    const typo = p.lbg(["logs", "example", "MakeNumber"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/run 'example' has no stage 'MakeNumber'.*did you mean 'MakeNumbers'\?/);
    const noRun = p.lbg(["logs", "exampel", "MakeNumbers"]);
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toMatch(/unknown run 'exampel'.*did you mean 'example'/);
  });

  it("a stage that has not run since clean: exit 1 saying so", () => {
    p.lbg(["clean", "example"]);
    const r = p.lbg(["logs", "example", "SummarizeNumbers"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no log of SummarizeNumbers yet .*results\/example\/logs\/SummarizeNumbers\.out/);
  });

  it("-f follows a running stage and ends when it ends, while the build goes on", async () => {
    p.write("lbg_stages/slow.ts", sleeper("Slow", "numbers", "slow_numbers", 3));
    p.write("lbg_stages/slower.ts", sleeper("Slower", "slow_numbers", "slower_numbers", 30));
    p.write(
      "configs/pipelines/example/pipeline.yaml",
      `${p.read("configs/pipelines/example/pipeline.yaml")}  - name: Slow\n  - name: Slower\n`,
    );
    const build = spawn(process.execPath, [p.path("node_modules/lbg/src/bin/lbg.mjs"), "build", "example", "--json"], {
      cwd: p.dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(build);
    await waitForEvent(build, (e) => e.event === "stage-start" && e.stage === "Slow", 60_000);
    const follow = spawn(
      process.execPath,
      [p.path("node_modules/lbg/src/bin/lbg.mjs"), "logs", "example", "Slow", "-f"],
      {
        cwd: p.dir,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    children.push(follow);
    let text = "";
    follow.stdout!.on("data", (d: Buffer) => (text += d.toString()));
    let errText = "";
    follow.stderr!.on("data", (d: Buffer) => (errText += d.toString()));
    expect(await exited(follow, 60_000), errText).toBe(0);
    expect(text).toMatch(/Executing stage: Slow[\s\S]*Slow begins\n[\s\S]*Slow ends\nStage complete: Slow took/);
    // Slower (30 s) still runs: the follower ended with its stage, not with the build.
    expect(build.exitCode).toBe(null);
    // Following Slower, which runs on: Ctrl-C ends the follower (130) and leaves the build alone.
    const follow2 = spawn(
      process.execPath,
      [p.path("node_modules/lbg/src/bin/lbg.mjs"), "logs", "example", "Slower", "-f"],
      { cwd: p.dir, stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(follow2);
    let text2 = "";
    follow2.stdout!.on("data", (d: Buffer) => (text2 += d.toString()));
    for (let i = 0; i < 300 && !text2.includes("Slower begins"); i++) await new Promise((r) => setTimeout(r, 100));
    expect(text2).toContain("Slower begins");
    follow2.kill("SIGINT");
    expect(await exited(follow2, 30_000)).toBe(130);
    expect(build.exitCode).toBe(null);
    build.kill("SIGINT");
    expect(await exited(build, 60_000)).toBe(130);
  }, 180_000);

  it("-f with no build running prints the log and ends at once", () => {
    const r = p.lbg(["logs", "example", "Slow", "-f"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Slow begins");
  });
});
