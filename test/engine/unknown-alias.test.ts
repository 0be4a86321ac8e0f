// An alias for a tag the stage's class does not have: ceci ignores it, so lbg warns once, at the alias, and
// builds (a pipeline file shared with ceci keeps working).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const PIPE = "configs/pipelines/numbers/pipeline.yaml";

describe("an alias of a tag the class lacks", () => {
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject("mini");
    p.write(
      PIPE,
      p.read(PIPE).replace("      count: numbers_count\n", "      count: numbers_count\n      weights: none\n"),
    );
  });
  afterEach(() => p.remove());

  it("is a warning at the alias, once, and the build goes on", () => {
    const r = p.lbg(["build", "numbers"]);
    expect(r.code, r.stderr).toBe(0);
    const warnings = (r.stdout + r.stderr).split("\n").filter((l) => l.includes("alias 'weights: none'"));
    expect(warnings).toEqual([
      `warning: ${PIPE}:11:7: alias 'weights: none' of stage 'CountNumbers': class CountLines has no tag 'weights'; ignored, as ceci does (hint: known tags: text, count)`,
    ]);
    expect(p.read("results/numbers/outputs/numbers_count.txt")).toBeTruthy();
  });
});
