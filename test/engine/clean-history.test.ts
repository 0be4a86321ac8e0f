// `lbg clean` removes every output lbg ever recorded for the run, also one the run no longer makes because
// a config override renamed it — after compaction forgot the record that named it (issue 13, item 15).
import { appendFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const CFG = "configs/pipelines/numbers/config.yaml";

describe("lbg clean and outputs the run no longer makes", () => {
  let p: TempProject;
  afterEach(() => p?.remove());

  it("an output renamed by an override leaves its old file, and clean removes both", () => {
    p = new TempProject("mini");
    expect(p.build("numbers").code).toBe(0);
    p.write(CFG, p.read(CFG).replace("SumNumbers: {}", "SumNumbers:\n  total: grand_total.txt"));
    expect(p.build("numbers").ran).toEqual(["SumNumbers"]);
    expect(p.exists("results/numbers/outputs/total.txt")).toBe(true); // the old name stays, as in Make
    // The records file is compacted (as after many builds; a damaged line makes the next build do it now):
    // the record that named total.txt is gone.
    appendFileSync(p.path(".cache/runs/numbers/records.jsonl"), "not a record\n");
    expect(p.build("numbers").code).toBe(0);
    expect(p.read(".cache/runs/numbers/records.jsonl")).not.toContain('"total.txt"');
    const r = p.lbg(["clean", "numbers"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^removed results\/numbers\/outputs\/total\.txt$/m);
    expect(r.stdout).toMatch(/^removed results\/numbers\/outputs\/grand_total\.txt$/m);
    expect(p.exists("results/numbers")).toBe(false);
  });
});
