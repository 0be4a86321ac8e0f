// The small inconsistencies of issue 16 item 7, through the real CLI: accept's did-you-mean, `list stage`,
// `list stages` within the terminal's width, reasons said once per kind, and `lbg clean` with no run, which
// outside a terminal needs --all (or -y). (Its question on a terminal: test/ui/everyday-terminal-e2e.test.ts.)
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

describe("everyday commands", () => {
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject("mini");
  });
  afterAll(() => p?.remove());

  it("accept names the stage it guesses was meant", () => {
    const r = p.lbg(["accept", "numbers", "SumNumber"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "lbg: error: accept: no stage 'SumNumber' in run 'numbers' (hint: did you mean 'SumNumbers'?)",
    );
  });

  it("list takes stage, pipeline and run as well as their plurals; stage docs are wrapped, never one long line", () => {
    p.write(
      "lbg_stages/long_doc.ts",
      `import { Stage } from "#lbg/sdk";\nexport default class LongDoc extends Stage {\n  static doc = "${"A very long description of what this stage does, ".repeat(20)}";\n  run() {}\n}\n`,
    );
    try {
      const one = p.lbg(["list", "stage"]);
      expect(one.code, one.stderr).toBe(0);
      expect(one.stdout).toEqual(p.lbg(["list", "stages"]).stdout);
      expect(one.stdout).toMatch(/^LongDoc +lbg_stages\/long_doc\.ts\n {4}A very long description/m);
      expect(Math.max(...one.stdout.split("\n").map((l) => l.length))).toBeLessThanOrEqual(100);
      expect(one.stdout).toContain(" …\n"); // three lines at most; lbg describe has it whole
      expect(p.lbg(["list", "run"]).stdout).toBe("numbers\n");
      expect(p.lbg(["list", "pipeline"]).stdout).toBe("numbers\n");
      const bad = p.lbg(["list", "stags"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("(hint: did you mean 'stages'?)");
    } finally {
      rmSync(p.path("lbg_stages/long_doc.ts"));
    }
  });

  it("reasons of one kind are said once: several missing outputs name their folder once", () => {
    const q = new TempProject("mini");
    try {
      q.write(
        "lbg_stages/two_outputs.ts",
        `import { writeFileSync } from "node:fs";\nimport { Stage, type StageContext } from "#lbg/sdk";\nexport default class TwoOutputs extends Stage {\n  static outputs = { first: "txt", second: "txt" } as const;\n  async run(ctx: StageContext<typeof TwoOutputs>) {\n    writeFileSync(ctx.outputs.first, "1");\n    writeFileSync(ctx.outputs.second, "2");\n  }\n}\n`,
      );
      q.write(
        "configs/pipelines/numbers/pipeline.yaml",
        `${q.read("configs/pipelines/numbers/pipeline.yaml")}  - name: TwoOutputs\n`,
      );
      expect(q.build("numbers").code).toBe(0);
      q.write("results/numbers/outputs/first.txt", "x");
      q.write("results/numbers/outputs/second.txt", "y");
      const s = q.lbg(["status", "numbers"]);
      expect(s.stdout).toMatch(
        /^stale +TwoOutputs +outputs modified in results\/numbers\/outputs: first\.txt, second\.txt$/m,
      );
    } finally {
      q.remove();
    }
  });

  it("clean with no run, outside a terminal, refuses without --all and removes nothing; --all and -y clean", () => {
    expect(p.build("numbers").code).toBe(0);
    const r = p.lbg(["clean"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "lbg: error: lbg clean with no run removes what lbg made for every run (1 run: numbers) (hint: name the run to clean, or add --all (or -y) to clean every run)",
    );
    expect(p.exists("results/numbers/outputs/total.txt")).toBe(true);
    expect(p.lbg(["clean", "--dry-run"]).stdout).toContain("would remove results/numbers/outputs/total.txt");
    const all = p.lbg(["clean", "--all"]);
    expect(all.code, all.stderr).toBe(0);
    expect(p.exists("results/numbers/outputs/total.txt")).toBe(false);
    expect(p.build("numbers").code).toBe(0);
    expect(p.lbg(["clean", "-y"]).code).toBe(0);
    expect(p.exists("results/numbers/outputs/total.txt")).toBe(false);
  });
});
