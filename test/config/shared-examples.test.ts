// The LBG team's real configs must load and validate structurally. test/fixtures/lbg-pipelines/configs is a
// copy, unchanged, of the configs of their repository (LSSTDESC/lbg-pipelines: runs, pipelines, stage
// configs and the NERSC site file), so this runs in every clone. Their stages are Python ceci stages
// (TXPipe, RAIL), which this lbg cannot resolve: that must be reported as one clean error, never a crash.
import { cpSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRun } from "../../src/config/load-run.ts";
import { REPO, TempProject } from "../helpers/temp-project.ts";

const EXAMPLES = join(REPO, "test", "fixtures", "lbg-pipelines", "configs");
const runs = readdirSync(join(EXAMPLES, "runs")).map((f) => f.replace(/\.ya?ml$/, ""));

describe("lbg-pipelines example configs", () => {
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject(["mini", "lbg-pipelines"]);
  });
  afterAll(() => p.remove());

  it("has the four runs", () => {
    expect(runs.sort()).toEqual(["lbg_color_cuts_example", "reduce_flagship_catalog", "smoke_test", "template"]);
  });

  for (const run of runs) {
    it(`${run}: loads and validates structurally`, () => {
      const warnings: string[] = [];
      const model = loadRun({
        root: p.dir,
        run,
        env: { LBG_DIR: "/global/lbg" },
        warn: (w) => warnings.push(w.message),
      });
      expect(model.stages.length).toBeGreaterThan(0);
      expect(model.resume).toBe("restart"); // all four say resume: False
      expect(model.pipelines.length).toBe(1);
      expect(model.modules.map((m) => m.name)).toContain("lbg_stages");
      if (run === "reduce_flagship_catalog")
        expect(model.outputDir).toBe("/global/lbg/shared/reduce_flagship_catalog/outputs");
      if (run === "template") expect(model.outputDir).toBe(join(p.dir, "results/template/outputs"));
      if (run === "smoke_test") {
        expect(model.modules.map((m) => m.name)).toEqual([
          "lbg_stages",
          "rail.creation.degraders.photometric_errors",
          "rail.creation.degraders.quantityCut",
        ]);
        expect(model.stages.find((s) => s.name === "SmokeTestLsst")).toMatchObject({
          classname: "LSSTErrorModel",
          aliases: { input: "smoke_catalog", output: "smoke_lsst" },
        });
        expect(model.stageConfig.sections.get("SmokeTestDepthCut")?.get("cuts")?.value).toEqual({ i: 25.3 });
      }
    });

    it(`${run}: lbg status reports unresolvable stages in one clean line`, () => {
      const r = p.lbg(["status", run], { env: { LBG_DIR: "/global/lbg" } });
      expect(r.code).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const errors = r.stderr
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("lbg: error:"));
      expect(errors).toHaveLength(1);
      // Without ceci for the interpreter the Python modules cannot be read; with it, their stages would be.
      expect(errors[0]).toMatch(
        /configs\/pipelines\/\w+\/pipeline\.yaml:\d+:\d+: (unknown stage class|cannot import ceci|cannot run Python|Python module '\S+' failed to import)|needs option|does not exist/,
      );
    });
  }

  it("reduce_flagship_catalog without LBG_DIR names the variable and the line", () => {
    const r = p.lbg(["status", "reduce_flagship_catalog"], { env: { LBG_DIR: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^lbg: error: configs\/runs\/reduce_flagship_catalog\.yaml:7:13: environment variable \$LBG_DIR is not set/,
    );
  });
});

describe("lbg-pipelines example configs with this repository's stages", () => {
  it("color_cuts (the stage declares color_mag_cuts): a warning at the key, with a did-you-mean", () => {
    const p = new TempProject();
    try {
      cpSync(EXAMPLES, p.path("configs"), { recursive: true });
      const r = p.lbg(["status", "lbg_color_cuts_example"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(
        "warning: configs/pipelines/select_lbg_color_cuts/config.yaml:3:3: unknown option 'color_cuts' for stage 'SelectLBGColorCuts' (class SelectLBGColorCuts); it is ignored (hint: did you mean 'color_mag_cuts'?)\n",
      );
    } finally {
      p.remove();
    }
  });
});
