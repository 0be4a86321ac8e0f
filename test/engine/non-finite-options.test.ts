// A float option set to .inf, -.inf or .nan (a "no cut" limit, common in DESC configs). JSON, the records'
// format, has no such numbers: stored as null, the stage never matched its own record and ran on every
// build, and a change between them was named only "fingerprint changed" (hostile cases after issue 13).
import { afterEach, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const CFG = "configs/pipelines/numbers/config.yaml";

describe("non-finite option values", () => {
  let p: TempProject;
  afterEach(() => p?.remove());

  it("a stage with a -.inf option is fresh on the next build; a change to .nan is named (as Python writes them: -inf → nan)", () => {
    p = new TempProject("mini");
    // MakeNumbers.sleep is a float; a value that is not > 0 means no sleep.
    p.write(CFG, p.read(CFG).replace("MakeNumbers:\n", "MakeNumbers:\n  sleep: -.inf\n"));
    expect(p.build("numbers").code).toBe(0);
    const again = p.build("numbers");
    expect(again.code, again.stderr).toBe(0);
    expect(again.ran).toEqual([]);
    p.write(CFG, p.read(CFG).replace("sleep: -.inf", "sleep: .nan"));
    const changed = p.build("numbers");
    expect(changed.reasons.MakeNumbers).toEqual(["config changed: MakeNumbers.sleep -inf → nan"]);
    expect(p.build("numbers").ran).toEqual([]);
    const why = p.lbg(["why", "results/numbers/outputs/numbers.txt"]);
    expect(why.stdout).toMatch(/sleep = nan\b/);
  });
});
