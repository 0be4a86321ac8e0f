// Reasons of one kind are said once (issue 16 item 7: "reason wording without repetition").
import { describe, expect, it } from "vitest";
import { groupReasons } from "../../src/fingerprint/group-reasons.ts";

describe("groupReasons", () => {
  it("leaves single reasons and other kinds as they are", () => {
    expect(groupReasons(["never built"])).toEqual(["never built"]);
    expect(groupReasons(["config changed: SplitCatalog.seed 42 → 7"])).toEqual([
      "config changed: SplitCatalog.seed 42 → 7",
    ]);
    expect(groupReasons(["class changed: A → B", "forced"])).toEqual(["class changed: A → B", "forced"]);
  });

  it("joins reasons of one kind under one heading, in their first order", () => {
    expect(
      groupReasons([
        "code changed: lbg_stages/a.ts",
        "config changed: S.x 1 → 2",
        "code changed: lbg_stages/lib/b.ts (new import)",
        "input changed: training_catalog",
        "input changed: test_catalog",
        'config changed: S.y "a" → "b"',
      ]),
    ).toEqual([
      "code changed: lbg_stages/a.ts, lbg_stages/lib/b.ts (new import)",
      'config changed: S.x 1 → 2, y "a" → "b"',
      "inputs changed: training_catalog, test_catalog",
    ]);
  });

  it("says an output folder once", () => {
    expect(
      groupReasons([
        "output missing: results/photoz_sim/outputs/training_catalog.hdf5",
        "output missing: results/photoz_sim/outputs/test_catalog.hdf5",
      ]),
    ).toEqual(["outputs missing in results/photoz_sim/outputs: training_catalog.hdf5, test_catalog.hdf5"]);
    expect(groupReasons(["output modified: a/x.txt", "output modified: b/y.txt"])).toEqual([
      "outputs modified: a/x.txt, b/y.txt",
    ]);
  });
});
