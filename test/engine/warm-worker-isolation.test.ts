// Stages share warm worker processes, one after another: nothing one stage does to its process — its folder,
// its environment, talking on the worker's IPC channel or closing it, exiting it — may reach the next stage or be taken for
// lbg's protocol (hostile cases tried after issue 13).
import { afterEach, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const stage = (name: string, io: string, body: string) => `import { writeFileSync } from "node:fs";
import { Stage, type StageContext } from "../src/sdk/index.ts";
export default class ${name} extends Stage {
  ${io}
  async run(ctx: StageContext) {
    ${body}
  }
}
`;

describe("a warm worker keeps stages apart", () => {
  let p: TempProject;
  afterEach(() => p?.remove());

  function pipeline(stages: string[]): void {
    p.write(
      "configs/pipelines/iso/pipeline.yaml",
      `modules: lbg_stages\nstages:\n${stages.map((s) => `  - name: ${s}\n`).join("")}`,
    );
    p.write("configs/runs/iso.yaml", "pipelines: iso\ninputs: {}\n");
  }

  it("a stage that changes its folder and environment does not change the next stage's", () => {
    p = new TempProject("mini");
    p.write(
      "lbg_stages/meddle.ts",
      stage(
        "Meddle",
        'static outputs = { m: "txt" } as const;',
        'process.chdir("/tmp"); process.env.LBG_TEST_LEAK = "leaked"; delete process.env.HOME; writeFileSync(ctx.outputs.m!, `${process.pid}\\n`);',
      ),
    );
    p.write(
      "lbg_stages/look.ts",
      stage(
        "Look",
        'static inputs = { m: "txt" } as const;\n  static outputs = { l: "txt" } as const;',
        'writeFileSync(ctx.outputs.l!, `${process.pid} ${process.cwd()} ${process.env.LBG_TEST_LEAK ?? "clean"} ${process.env.HOME === undefined ? "no-home" : "home"}\\n`);',
      ),
    );
    pipeline(["Meddle", "Look"]);
    const r = p.build("iso", ["-j", "1"]);
    expect(r.code, r.stderr).toBe(0);
    const pid = p.read("results/iso/outputs/m.txt").trim(); // the same warm worker ran both
    expect(p.read("results/iso/outputs/l.txt")).toBe(`${pid} ${p.dir} clean home\n`);
  });

  it("a stage that calls process.send is not taken for having ended", () => {
    p = new TempProject("mini");
    p.write(
      "lbg_stages/chatty.ts",
      stage(
        "Chatty",
        'static outputs = { c: "txt" } as const;',
        'process.send?.({ type: "done", ok: true }); writeFileSync(ctx.outputs.c!, "first\\n"); await new Promise((r) => setTimeout(r, 500)); writeFileSync(ctx.outputs.c!, typeof process.send + "\\n");',
      ),
    );
    pipeline(["Chatty"]);
    const r = p.build("iso");
    expect(r.code, JSON.stringify(r.events)).toBe(0);
    expect(p.read("results/iso/outputs/c.txt")).toBe("undefined\n");
  });

  it("a stage that calls process.disconnect does not cut its worker off", () => {
    p = new TempProject("mini");
    p.write(
      "lbg_stages/hermit.ts",
      stage(
        "Hermit",
        'static outputs = { h: "txt" } as const;',
        '(process as { disconnect?: () => void }).disconnect?.(); await new Promise((r) => setTimeout(r, 300)); writeFileSync(ctx.outputs.h!, "alone\\n");',
      ),
    );
    pipeline(["Hermit"]);
    const r = p.build("iso");
    expect(r.code, JSON.stringify(r.events)).toBe(0);
    expect(p.read("results/iso/outputs/h.txt")).toBe("alone\n");
  });

  it("a stage that calls process.exit(0) fails with a message that says so", () => {
    p = new TempProject("mini");
    p.write(
      "lbg_stages/quitter.ts",
      stage(
        "Quitter",
        'static outputs = { q: "txt" } as const;',
        'writeFileSync(ctx.outputs.q!, "x\\n"); process.exit(0);',
      ),
    );
    pipeline(["Quitter"]);
    const r = p.build("iso");
    expect(r.code).toBe(1);
    const end = r.events.find((e) => e.event === "stage-end");
    expect(end?.error).toMatch(/^the stage ended its worker process \(exit code 0\) before run\(\) returned/);
    expect(p.exists("results/iso/outputs/q.txt")).toBe(false);
  });
});
