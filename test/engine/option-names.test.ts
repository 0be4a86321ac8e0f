// Option, output and alias names are looked up as the stage declares them, never through JavaScript's object
// prototype: `constructor`, `toString` or `__proto__` were taken for declared options (a `--set` of one was
// accepted and did nothing, a config key of one was not warned about). Hostile cases after issue 13.
import { afterEach, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const CFG = "configs/pipelines/numbers/config.yaml";

describe("names that JavaScript objects have of their own", () => {
  let p: TempProject;
  afterEach(() => p?.remove());

  it("--set of one is refused as an unknown option; a config key of one is warned about", () => {
    p = new TempProject("mini");
    const set = p.lbg(["build", "numbers", "--set", "MakeNumbers.constructor=5"]);
    expect(set.code).toBe(2);
    expect(set.stderr.trim()).toMatch(
      /^lbg: error: --set MakeNumbers\.constructor=5: stage 'MakeNumbers' \(class MakeNumbers\) has no option 'constructor'/,
    );
    p.write(CFG, p.read(CFG).replace("  n: 10\n", "  n: 10\n  toString: 5\n  __proto__: 6\n"));
    const r = p.build("numbers");
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.events.filter((e) => e.event === "warning").map((e) => e.message as string);
    for (const key of ["toString", "__proto__"])
      expect(warnings).toContainEqual(expect.stringContaining(`unknown option '${key}' for stage 'MakeNumbers'`));
  });
});
