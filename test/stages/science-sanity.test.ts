// Science sanity of the shipped example runs, through the real CLI on a temp copy of the project (issue 6
// acceptance): photoz_sim's photo-z quality, photoz_sim_y1 worse than photoz_sim, and the LBG team's
// unmodified g-dropout cuts selecting a sample with purity > 50% in 3.3 < z < 4.5 on lbg_color_cuts_sim.
// Also: `lbg describe` shows every option of every example stage with its default and doc line.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import type { StageClass } from "../../src/sdk/index.ts";
import EstimatePhotoz from "../../lbg_stages/estimate_photoz.ts";
import EvaluateLBGSelection from "../../lbg_stages/evaluate_lbg_selection.ts";
import EvaluatePhotoz from "../../lbg_stages/evaluate_photoz.ts";
import SelectLBGColorCuts, { DEFAULT_CUTS } from "../../lbg_stages/select_lbg_color_cuts.ts";
import SimulateCatalog from "../../lbg_stages/simulate_catalog.ts";
import SplitCatalog from "../../lbg_stages/split_catalog.ts";
import TrainPhotoz from "../../lbg_stages/train_photoz.ts";
import { REPO, TempProject } from "../helpers/temp-project.ts";

/** The LBG team's default cuts (lbg-pipelines, configs/pipelines/select_lbg_color_cuts/config.yaml). */
const TEAM_CUTS = {
  "g-dropouts": ["g - r > 1", "r - i < 1", "g - r > 1.5 * (r - i) + 0.8"],
  "r-dropouts": ["r - i > 1.2", "i - z < 0.7", "r - i > 1.5 * (i - z) + 1.0"],
};
const TEAM_CONFIG = join(
  REPO,
  "test",
  "fixtures",
  "lbg-pipelines",
  "configs",
  "pipelines",
  "select_lbg_color_cuts",
  "config.yaml",
);

interface PhotozMetrics {
  count: number;
  bias: number;
  sigma_nmad: number;
  outlier_fraction: number;
}

describe("science sanity of the example runs (real CLI, default options)", () => {
  let p: TempProject;
  const metrics: Record<string, PhotozMetrics> = {};
  let lbg: { total: number; samples: Record<string, Record<string, number>> };

  beforeAll(() => {
    p = new TempProject();
    for (const run of ["photoz_sim", "photoz_sim_y1", "lbg_color_cuts_sim"]) {
      const r = p.build(run);
      expect(r.code, `${run}: ${r.stderr}`).toBe(0);
    }
    for (const run of ["photoz_sim", "photoz_sim_y1"])
      metrics[run] = YAML.parse(p.read(`results/${run}/outputs/photoz_metrics.yml`));
    lbg = YAML.parse(p.read("results/lbg_color_cuts_sim/outputs/lbg_selection_metrics.yml"));
    const m = (run: string) =>
      `sigma_nmad ${metrics[run].sigma_nmad}, outliers ${metrics[run].outlier_fraction}, bias ${metrics[run].bias} (${metrics[run].count} test objects)`;
    console.log(
      `photoz_sim: ${m("photoz_sim")}\nphotoz_sim_y1: ${m("photoz_sim_y1")}\nlbg_color_cuts_sim: ${JSON.stringify(lbg.samples)}`,
    );
  }, 180_000);
  afterAll(() => p.remove());

  it("photoz_sim reaches sigma_NMAD < 0.06 and an outlier fraction < 10%", () => {
    const m = metrics.photoz_sim;
    expect(m.count).toBeGreaterThan(800);
    expect(m.sigma_nmad).toBeGreaterThan(0);
    expect(m.sigma_nmad).toBeLessThan(0.06);
    expect(m.outlier_fraction).toBeLessThan(0.1);
    expect(Math.abs(m.bias)).toBeLessThan(0.02);
  });

  it("photoz_sim_y1 (a shallower survey) is worse than photoz_sim in both sigma_NMAD and outliers", () => {
    expect(metrics.photoz_sim_y1.sigma_nmad).toBeGreaterThan(metrics.photoz_sim.sigma_nmad);
    expect(metrics.photoz_sim_y1.outlier_fraction).toBeGreaterThan(metrics.photoz_sim.outlier_fraction);
  });

  it("the run selects with the LBG team's cuts, unmodified: pipeline config and stage default", () => {
    const cfg = YAML.parse(p.read("configs/pipelines/select_lbg_color_cuts/config.yaml"));
    expect(cfg.SelectLBGColorCuts.color_mag_cuts).toEqual(TEAM_CUTS);
    expect(DEFAULT_CUTS).toEqual(TEAM_CUTS);
    expect(YAML.parse(p.read("configs/runs/lbg_color_cuts_sim.yaml")).pipelines).toEqual([
      "simulate",
      "select_lbg_color_cuts",
    ]);
    // The team's own file (a copy in the fixtures) names the option color_cuts.
    expect(YAML.parse(readFileSync(TEAM_CONFIG, "utf8")).SelectLBGColorCuts.color_cuts).toEqual(TEAM_CUTS);
  });

  it("g-dropouts selected by the team's cuts have purity > 50% for 3.3 < z < 4.5", () => {
    const g = lbg.samples["g-dropouts"];
    expect(g).toMatchObject({ z_min: 3.3, z_max: 4.5 });
    expect(g.count).toBeGreaterThan(50);
    expect(g.purity).toBeGreaterThan(0.5);
    expect(g.completeness).toBeGreaterThan(0.2);
    expect(g.median_z).toBeGreaterThan(3.3);
    expect(g.median_z).toBeLessThan(4.5);
    // r-dropouts exist and sit at higher redshift.
    const r = lbg.samples["r-dropouts"];
    expect(r.count).toBeGreaterThan(5);
    expect(r.median_z).toBeGreaterThan(g.median_z);
  });

  it("lbg describe shows every option of every example stage with its default and doc line", () => {
    const stages: StageClass[] = [
      SimulateCatalog,
      SplitCatalog,
      TrainPhotoz,
      EstimatePhotoz,
      EvaluatePhotoz,
      SelectLBGColorCuts,
      EvaluateLBGSelection,
    ];
    const listed = p.lbg(["list", "stages"]).stdout;
    for (const cls of stages) {
      expect(listed).toMatch(new RegExp(`^${cls.name}\\s`, "m"));
      const d = p.lbg(["describe", cls.name]);
      expect(d.code, d.stderr).toBe(0);
      const doc = cls.doc ?? "";
      expect(doc.length, `${cls.name} has a doc`).toBeGreaterThan(20);
      expect(d.stdout).toContain(doc.trim());
      const options = d.stdout
        .slice(d.stdout.indexOf("\nOptions:\n") + 10)
        .split("\n")
        .filter(Boolean);
      const entries = Object.entries(cls.config);
      expect(options.length, cls.name).toBe(entries.length);
      entries.forEach(([name, spec], k) => {
        expect(spec.default, `${cls.name}.${name} has a default`).not.toBeUndefined();
        expect(spec.doc, `${cls.name}.${name} has a doc line`).toMatch(/\S/);
        expect(options[k]).toBe(`  ${name} (${spec.type}, default ${JSON.stringify(spec.default)}): ${spec.doc}`);
      });
    }
  });
});
