// `lbg accept` records only what a build could have recorded, and says why it records nothing for a stage
// that was named (issue 13, item 3).
import { mkdirSync, rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const CFG = "configs/pipelines/numbers/config.yaml";

describe("lbg accept", () => {
  let p: TempProject;
  afterEach(() => p?.remove());

  it("never records a directory as a file output (nor a file as a directory output)", () => {
    p = new TempProject("mini");
    expect(p.build("numbers").code).toBe(0);
    rmSync(p.path("results/numbers/outputs/total.txt"));
    mkdirSync(p.path("results/numbers/outputs/total.txt"));
    const r = p.lbg(["accept", "numbers"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^skipped SumNumbers: output results\/numbers\/outputs\/total\.txt is a directory, but its type txt is a file/m,
    );
    expect(r.stdout).toMatch(/0 stages recorded as fresh/);
    const s = p.lbg(["status", "numbers", "--json"]);
    const sum = JSON.parse(s.stdout).stages.find((x: { stage: string }) => x.stage === "SumNumbers");
    expect(sum.state).toBe("stale");
    // The next build rebuilds it (the directory is replaced by the file).
    rmSync(p.path("results/numbers/outputs/total.txt"), { recursive: true });
    expect(p.build("numbers").ran).toEqual(["SumNumbers"]);
  });

  it("a named stage that is fresh while its upstream is stale: says so, and names the upstream", () => {
    p = new TempProject("mini");
    expect(p.build("numbers").code).toBe(0);
    p.write(CFG, p.read(CFG).replace("n: 10", "n: 11"));
    const r = p.lbg(["accept", "numbers", "SumNumbers"]);
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe(
      "SumNumbers is already fresh: nothing to record (its upstream MakeNumbers is stale: accept it by name, or build)",
    );
    // Accepting both: the upstream is recorded, and the note about it is gone.
    const both = p.lbg(["accept", "numbers", "SumNumbers", "MakeNumbers"]);
    expect(both.stdout).toMatch(/^accepted MakeNumbers {2}\(was: config changed: MakeNumbers\.n 10 → 11\)$/m);
    expect(both.stderr.trim()).toBe("SumNumbers is already fresh: nothing to record");
    expect(p.build("numbers").ran).toEqual([]);
  });
});
