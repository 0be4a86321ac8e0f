// null for a typed option of a TypeScript stage follows ceci's rule, as for Python stages: null is no value —
// the default, an error for a required option, and a null --set sets nothing (issue 13, item 2).
import { afterEach, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const CFG = "configs/pipelines/numbers/config.yaml";

describe("null for an option of a TypeScript stage", () => {
  let p: TempProject;
  afterEach(() => p?.remove());

  it("`n: ~` and `n:` in the config mean the default (5 numbers), never a null the stage computes with", () => {
    p = new TempProject("mini");
    for (const spelled of ["n: ~", "n:", "n: null"]) {
      p.write(CFG, p.read(CFG).replace(/n: .*|n:$/m, spelled));
      const r = p.build("numbers");
      expect(r.code, r.stderr).toBe(0);
      expect(p.read("results/numbers/outputs/numbers.txt")).toBe("0\n1\n2\n3\n4\n");
    }
  });

  it("a null in the stage section hides the global value, as ceci's dict update does", () => {
    p = new TempProject("mini");
    p.write(CFG, "global:\n  n: 8\nMakeNumbers:\n  n: ~\n");
    expect(p.build("numbers").code).toBe(0);
    expect(p.read("results/numbers/outputs/numbers.txt").split("\n").filter(Boolean)).toHaveLength(5);
  });

  it("a null --set sets nothing: the config's value stands, and lbg warns", () => {
    p = new TempProject("mini");
    for (const set of ["MakeNumbers.n=", "MakeNumbers.n=~", "MakeNumbers.n=null"]) {
      const r = p.build("numbers", ["--set", set]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.events.filter((e) => e.event === "warning").map((e) => e.message)).toContainEqual(
        expect.stringMatching(/^--set MakeNumbers\.n=.*: null is no value \(as in ceci\), so this sets nothing/),
      );
      expect(p.read("results/numbers/outputs/total.txt")).toBe("45\n"); // n: 10 from config.yaml
    }
  });

  it("null for a required option is an error naming its line; .inf for an int is named inf, not null", () => {
    p = new TempProject("mini");
    p.write(
      "lbg_stages/make_numbers.ts",
      p.read("lbg_stages/make_numbers.ts").replace('n: { type: "int", default: 5,', 'n: { type: "int",'),
    );
    p.write(CFG, p.read(CFG).replace("n: 10", "n: ~"));
    const r = p.lbg(["build", "numbers"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^lbg: error: configs\/pipelines\/numbers\/config\.yaml:5:6: option 'n' of stage 'MakeNumbers' is required and null is no value \(int\)/,
    );
    p.write(CFG, p.read(CFG).replace("n: ~", "n: .inf"));
    const inf = p.lbg(["build", "numbers"]);
    expect(inf.code).toBe(2);
    expect(inf.stderr).toMatch(/config\.yaml:5:6: option 'n' of stage 'MakeNumbers' must be an int, not inf \(/);
  });
});
