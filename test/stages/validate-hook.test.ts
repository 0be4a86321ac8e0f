// The SDK's `static validate(config)` hook through the real CLI: a problem it reports is a config error when
// the run loads (status, build, dag) — exit 2, one line naming the config file:line of the very value — and
// nothing runs. SelectLBGColorCuts uses it for its cut expressions; a small stage written here covers the
// hook's other forms (returned problems, an option left at its default, a hook that throws).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const CONFIG = "configs/pipelines/select_lbg_color_cuts/config.yaml";

function expectConfigError(r: { code: number | null; stderr: string; stdout: string }, pattern: RegExp) {
  expect(r.code, r.stderr + r.stdout).toBe(2);
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe("validate hooks", () => {
  let p: TempProject;
  let good: string;
  beforeAll(() => {
    p = new TempProject();
    good = p.read(CONFIG);
  });
  afterAll(() => p.remove());

  it("a malformed colour cut is a config error naming file:line, sample and cut, for status, build and dag", () => {
    const lines = good.split("\n");
    const line = lines.findIndex((l) => l.trim() === "- r - i < 1") + 1;
    lines[line - 1] = lines[line - 1]!.replace("r - i < 1", "r - i < 1; require('fs')");
    p.write(CONFIG, lines.join("\n"));
    const where = new RegExp(
      `^lbg: error: ${CONFIG.replaceAll(".", "\\.")}:${line}:\\d+: option 'color_mag_cuts' of stage 'SelectLBGColorCuts': ` +
        `sample "g-dropouts", cut "r - i < 1; require\\('fs'\\)": unexpected character ';' at column 10`,
    );
    expectConfigError(p.lbg(["status", "lbg_color_cuts_sim"]), where);
    expectConfigError(p.lbg(["dag", "lbg_color_cuts_sim"]), where);
    const b = p.build("lbg_color_cuts_sim");
    expectConfigError(b, where);
    expect(b.ran).toEqual([]); // SimulateCatalog did not run first
    expect(p.exists("results/lbg_color_cuts_sim/outputs/photometry_catalog.hdf5")).toBe(false);
    // The answer is cached: the same error again, and fixing the file makes the run load.
    expectConfigError(p.lbg(["status", "lbg_color_cuts_sim"]), where);
    p.write(CONFIG, good);
    expect(p.lbg(["status", "lbg_color_cuts_sim"]).code).toBe(0);
  });

  it("a --set value is named by its flag; an empty mapping and non-finite numbers are rejected", () => {
    const r = p.lbg(["status", "lbg_color_cuts_sim", "--set", "SelectLBGColorCuts.color_mag_cuts={lbg: [g - r >]}"]);
    expectConfigError(
      r,
      /^lbg: error: --set SelectLBGColorCuts\.color_mag_cuts=.*: option 'color_mag_cuts' of stage 'SelectLBGColorCuts': sample "lbg", cut "g - r >"/,
    );
    const empty = p.lbg(["status", "lbg_color_cuts_sim", "--set", "SelectLBGColorCuts.color_mag_cuts={}"]);
    expectConfigError(
      empty,
      /option 'color_mag_cuts' of stage 'SelectLBGColorCuts': names no sample \(hint: e\.g\. g-dropouts:/,
    );
    const huge = p.lbg([
      "status",
      "lbg_color_cuts_sim",
      "--set",
      "SelectLBGColorCuts.color_mag_cuts={lbg: [g > 1e999]}",
    ]);
    expectConfigError(huge, /sample "lbg", cut "g > 1e999": number '1e999' at column 5 is too large/);
  });

  it("returned problems, defaulted options and a hook that throws are reported with the best position", () => {
    p.write(
      "lbg_stages/checked_stage.ts",
      [
        'import { writeFileSync } from "node:fs";',
        'import { Stage, type OptionProblem, type StageContext } from "../src/sdk/index.ts";',
        "export default class CheckedStage extends Stage<{ lo: number; hi: number; mode: string }> {",
        '  static doc = "test stage";',
        '  static outputs = { checked: "txt" } as const;',
        "  static config = {",
        '    lo: { type: "float", default: 0, doc: "lower edge" },',
        '    hi: { type: "float", default: 1, doc: "upper edge" },',
        '    mode: { type: "str", default: "strict", doc: "strict or lax" },',
        "  } as const;",
        "  static validate(c: { lo: number; hi: number; mode: string }): OptionProblem[] {",
        '    if (c.mode === "crash") throw new TypeError("boom");',
        '    if (c.mode !== "strict" && c.mode !== "lax") return [{ option: "mode", message: `must be strict or lax, not ${c.mode}`, hint: "pick one" }];',
        '    return c.lo < c.hi ? [] : [{ option: "hi", message: `must exceed lo (${c.lo})` }, { option: "lo", message: "too big" }];',
        "  }",
        '  run(ctx: StageContext) { writeFileSync(ctx.outputs.checked, "ok\\n"); }',
        "}",
        "",
      ].join("\n"),
    );
    p.write(
      "configs/pipelines/checked/pipeline.yaml",
      "modules: lbg_stages\nconfig: configs/pipelines/checked/config.yaml\nstages:\n  - name: CheckedStage\n",
    );
    p.write("configs/runs/checked.yaml", "pipelines: checked\ninputs: {}\n");
    p.write("configs/pipelines/checked/config.yaml", "CheckedStage:\n  lo: 0\n  mode: fuzzy\n");
    expectConfigError(
      p.lbg(["status", "checked"]),
      /^lbg: error: configs\/pipelines\/checked\/config\.yaml:3:9: option 'mode' of stage 'CheckedStage': must be strict or lax, not fuzzy \(hint: pick one\)$/,
    );
    // `hi` keeps its default (1): the problem is placed at the stage's config section; the second is counted.
    p.write("configs/pipelines/checked/config.yaml", "CheckedStage:\n  lo: 5\n");
    expectConfigError(
      p.lbg(["status", "checked"]),
      /^lbg: error: configs\/pipelines\/checked\/config\.yaml:1:1: option 'hi' of stage 'CheckedStage': must exceed lo \(5\) \(and 1 more problem\) \(hint: upper edge\)$/,
    );
    p.write("configs/pipelines/checked/config.yaml", "CheckedStage:\n  mode: crash\n");
    expectConfigError(
      p.lbg(["status", "checked"]),
      /^lbg: error: configs\/pipelines\/checked\/config\.yaml:1:1: stage 'CheckedStage': TypeError: boom \(hint: raised by the validate hook of lbg_stages\/checked_stage\.ts\)$/,
    );
    p.write("configs/pipelines/checked/config.yaml", "CheckedStage:\n  mode: lax\n");
    expect(p.build("checked").code).toBe(0);
  });

  // Issue 13 item 4: every shipped stage checks its option ranges when the run loads, so a bad value is exit 2
  // at its --set flag or config line before SimulateCatalog (or anything) runs.
  it.each([
    [
      "photoz_sim",
      "EstimatePhotozTest.chunk_rows=0",
      /option 'chunk_rows' of stage 'EstimatePhotozTest' \(class EstimatePhotoz\): must be a positive integer, got 0/,
    ],
    [
      "photoz_sim",
      "SplitCatalog.train_fraction=1.5",
      /option 'train_fraction' of stage 'SplitCatalog': must be a number in \(0, 1\), got 1\.5/,
    ],
  ])("build %s --set %s fails at the flag, exit 2, before any stage runs", (run, set, message) => {
    const r = p.lbg(["build", run, "--set", set]);
    expectConfigError(r, new RegExp(`^lbg: error: --set ${set.replaceAll(".", "\\.")}: ${message.source}`));
    expect(r.stdout).not.toMatch(/^run /m);
    expect(p.exists(`results/${run}/outputs/photometry_catalog.hdf5`)).toBe(false);
  });

  it.each([
    ["photoz_sim", "SimulateCatalog.n_objects=0", "n_objects", "must be a positive integer, got 0"],
    ["photoz_sim", "SimulateCatalog.n_years=0", "n_years", "must be a positive number, got 0"],
    ["photoz_sim", "SimulateCatalog.mag_limit=deep", "mag_limit", 'must be an i magnitude or auto, got "deep"'],
    ["photoz_sim", "SimulateCatalog.z_max=0.05", "z_max", "must be a number in (0.1, 10], got 0.05"],
    ["photoz_sim", "SimulateCatalog.star_fraction=1", "star_fraction", "must be a number in [0, 1), got 1"],
    [
      "photoz_sim",
      "SimulateCatalog.spec_deep_fraction=-0.1",
      "spec_deep_fraction",
      "must be a number in [0, 1], got -0.1",
    ],
    [
      "photoz_sim",
      "SimulateCatalog.spec_desert=[2.5, 1.5]",
      "spec_desert",
      "must increase, but entry 1 (1.5) does not exceed entry 0 (2.5)",
    ],
    [
      "photoz_sim",
      "SimulateCatalog.spec_deep_limit=21",
      "spec_deep_limit",
      "must not be brighter than spec_bright_limit (22.5), got 21",
    ],
    ["photoz_sim", "SimulateCatalog.spec_success_width=0", "spec_success_width", "must be a positive number, got 0"],
    ["photoz_sim", "TrainPhotoz.k=0", "k", "must be a positive integer, got 0"],
    ["photoz_sim", "TrainPhotoz.magnitude_weight=-1", "magnitude_weight", "must be a number ≥ 0, got -1"],
    ["photoz_sim", "EstimatePhotozTarget.kernel_width=0", "kernel_width", "must be a positive number, got 0"],
    [
      "photoz_sim",
      "EvaluatePhotoz.point_estimate=z_max",
      "point_estimate",
      'must be one of z_mode, z_mean, z_median, got "z_max"',
    ],
    ["photoz_sim", "EvaluatePhotoz.outlier_threshold=0", "outlier_threshold", "must be a positive number, got 0"],
    [
      "photoz_sim",
      "EvaluatePhotoz.z_bins=[1, 0.5]",
      "z_bins",
      "must increase, but entry 1 (0.5) does not exceed entry 0 (1)",
    ],
    ["photoz_sim", "EvaluatePhotoz.mag_bins=[24]", "mag_bins", "must be a list of at least 2 finite numbers, got [24]"],
    ["lbg_color_cuts_sim", "SelectLBGColorCuts.chunk_rows=0", "chunk_rows", "must be a positive integer, got 0"],
    [
      "lbg_color_cuts_sim",
      "SelectLBGColorCuts.snr_cuts={u-dropouts: [snr_g > 5]}",
      "snr_cuts",
      `sample "u-dropouts" is not one of color_mag_cuts' samples`,
    ],
    [
      "lbg_color_cuts_sim",
      "SelectLBGColorCuts.snr_cuts={g-dropouts: [snr_q > 5]}",
      "snr_cuts",
      `sample "g-dropouts", cut "snr_q > 5": unknown name 'snr_q' at column 1`,
    ],
    ["lbg_color_cuts_sim", "EvaluateLBGSelection.nz_bin_width=0", "nz_bin_width", "must be a positive number, got 0"],
    [
      "lbg_color_cuts_sim",
      "EvaluateLBGSelection.target_redshifts={g-dropouts: [4.5, 3.3]}",
      "target_redshifts",
      "g-dropouts: must be [z_min, z_max] with z_min < z_max, got [4.5,3.3]",
    ],
    [
      "lbg_color_cuts_sim",
      "EvaluateLBGSelection.interloper_z_edges=[]",
      "interloper_z_edges",
      "must be a list of at least 1 finite numbers, got []",
    ],
  ])("%s --set %s is refused when the run loads", (run, set, option, message) => {
    const stage = set.slice(0, set.indexOf("."));
    const r = p.lbg(["status", run, "--set", set]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`lbg: error: --set ${set}: option '${option}' of stage '${stage}'`);
    expect(r.stderr).toContain(message);
  });

  it("a bad value in a config file is named by its file and line", () => {
    const config = "configs/pipelines/photoz/config.yaml";
    const good = p.read(config);
    const lines = good.split("\n");
    const section = lines.findIndex((l) => l.startsWith("EstimatePhotozTarget:"));
    const line = lines.findIndex((l, k) => k > section && l.trim().startsWith("chunk_rows:"));
    lines[line] = "  chunk_rows: -5";
    p.write(config, lines.join("\n"));
    try {
      expectConfigError(
        p.build("photoz_sim"),
        new RegExp(
          `^lbg: error: ${config.replaceAll(".", "\\.")}:${line + 1}:\\d+: option 'chunk_rows' of stage 'EstimatePhotozTarget' \\(class EstimatePhotoz\\): must be a positive integer, got -5`,
        ),
      );
    } finally {
      p.write(config, good);
    }
  });
});
