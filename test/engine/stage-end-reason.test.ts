// A stage that does not succeed says why twice in its stage-end event: `error` for people and `reason` for
// programs. One keep-going build of the mini project with a stage for each way a stage can fail here (the
// signal, out-of-memory, cancellation, supersede and disk cases are asserted beside their own tests).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const STAGES: Record<string, { outputs: string; run: string }> = {
  Throws: { outputs: '{ out: "txt" }', run: 'throw new Error("no good");' },
  ExitsThree: { outputs: '{ out: "txt" }', run: "process.exit(3);" },
  WritesNothing: { outputs: '{ out: "txt" }', run: "" },
  WritesFolder: { outputs: '{ tree: "txt" }', run: "mkdirSync(ctx.outputs.tree!);" },
};

describe("stage-end reason", () => {
  let p: TempProject;
  let ends: Record<string, Record<string, unknown>>;
  beforeAll(() => {
    p = new TempProject("mini");
    let pipeline = p.read("configs/pipelines/numbers/pipeline.yaml");
    for (const [name, s] of Object.entries(STAGES)) {
      p.write(
        `lbg_stages/${name.toLowerCase()}.ts`,
        `import { mkdirSync } from "node:fs";
import { Stage, type StageContext } from "../src/sdk/index.ts";
export default class ${name} extends Stage {
  static outputs = ${s.outputs} as const;
  run(ctx: StageContext) { void mkdirSync; void ctx; ${s.run} }
}
`,
      );
      pipeline += `  - name: ${name}\n    aliases: {${s.outputs.includes("tree") ? "tree" : "out"}: ${name.toLowerCase()}}\n`;
    }
    p.write("configs/pipelines/numbers/pipeline.yaml", pipeline);
    // The run's input exists when the run loads and is gone when CountNotes, which reads it, is checked.
    p.write("configs/runs/numbers.yaml", `${p.read("configs/runs/numbers.yaml")}pre_script: rm data/notes.txt\n`);
    const r = p.build("numbers", ["-k"]);
    expect(r.code, r.stderr).toBe(1);
    ends = Object.fromEntries(r.events.filter((e) => e.event === "stage-end").map((e) => [e.stage, e]));
  }, 120_000);
  afterAll(() => p.remove());

  it("names the exception, the exit code, a missing or wrong output and a missing input", () => {
    expect(ends.Throws).toMatchObject({ status: "failed", error: "Error: no good", reason: { kind: "exception" } });
    expect(ends.ExitsThree).toMatchObject({
      status: "failed",
      error: "worker exited with code 3",
      reason: { kind: "exit-code", code: 3 },
    });
    expect(ends.WritesNothing).toMatchObject({
      status: "failed",
      reason: { kind: "missing-output", tag: "out", path: "results/numbers/outputs/inprogress_writesnothing.txt" },
    });
    expect(ends.WritesFolder).toMatchObject({
      status: "failed",
      reason: { kind: "wrong-output-kind", tag: "tree", expected: "file" },
    });
    expect(ends.CountNotes).toMatchObject({
      status: "failed",
      error: "input 'notes' is missing: data/notes.txt",
      reason: { kind: "missing-input", tag: "notes", path: "data/notes.txt" },
    });
  });

  it("leaves it out when the stage succeeded", () => {
    expect(ends.MakeNumbers).toMatchObject({ status: "succeeded" });
    expect(ends.MakeNumbers).not.toHaveProperty("reason");
    expect(ends.MakeNumbers).not.toHaveProperty("error");
  });
});
