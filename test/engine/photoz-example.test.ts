// Acceptance on the shipped example, through the real CLI on a temp copy of the project: the photo-z run on
// simulated data builds, then re-runs exactly what each kind of change affects.
import { appendFileSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const ALL = [
  "SimulateCatalog",
  "SplitCatalog",
  "TrainPhotoz",
  "EstimatePhotozTest",
  "EstimatePhotozTarget",
  "EvaluatePhotoz",
];
const OUT = "results/photoz_sim/outputs";

describe("photoz_sim example", () => {
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject();
  });
  afterAll(() => p.remove());

  it("the first build runs every stage; the second reports all fresh and executes nothing", () => {
    const first = p.build("photoz_sim");
    expect(first.code, first.stderr).toBe(0);
    expect(first.ran.sort()).toEqual([...ALL].sort());
    expect(p.read(`${OUT}/photoz_metrics.yml`)).toMatch(/sigma_nmad: /);
    const second = p.lbg(["build", "photoz_sim"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("lbg: nothing to do, every stage is fresh — 0 ran, 6 fresh");
  });

  it("touching every input, config and stage file re-runs nothing", () => {
    const later = new Date(Date.now() + 10_000);
    const touch = (dir: string) => {
      for (const f of readdirSync(p.path(dir), { recursive: true }) as string[]) {
        try {
          utimesSync(p.path(dir, f), later, later);
        } catch {
          /* folders */
        }
      }
    };
    touch("configs");
    touch("lbg_stages");
    touch(OUT);
    const r = p.build("photoz_sim");
    expect(r.ran).toEqual([]);
    expect(r.end).toMatchObject({ filesHashed: expect.any(Number) });
  });

  it("changing SplitCatalog.seed re-runs SplitCatalog and its dependants, not SimulateCatalog", () => {
    const cfg = p.read("configs/pipelines/photoz/config.yaml");
    writeFileSync(p.path("configs/pipelines/photoz/config.yaml"), cfg.replace(/seed: 42/, "seed: 7"));
    const r = p.build("photoz_sim");
    expect(r.code).toBe(0);
    expect(r.reasons.SplitCatalog).toEqual(["config changed: SplitCatalog.seed 42 → 7"]);
    expect(r.ran).not.toContain("SimulateCatalog");
    expect(r.ran.sort()).toEqual([
      "EstimatePhotozTarget",
      "EstimatePhotozTest",
      "EvaluatePhotoz",
      "SplitCatalog",
      "TrainPhotoz",
    ]);
    writeFileSync(p.path("configs/pipelines/photoz/config.yaml"), cfg);
    expect(p.build("photoz_sim").ran).not.toContain("SimulateCatalog");
  });

  it("deleting a SplitCatalog output re-runs only SplitCatalog (identical output: dependants stay fresh)", () => {
    rmSync(p.path(`${OUT}/test_catalog.hdf5`));
    const r = p.build("photoz_sim");
    expect(r.ran).toEqual(["SplitCatalog"]);
    expect(r.reasons.SplitCatalog).toEqual([`output missing: ${OUT}/test_catalog.hdf5`]);
  });

  it("a real code change in the file defining EvaluatePhotoz re-runs only EvaluatePhotoz", () => {
    const file = p.path("lbg_stages/evaluate_photoz.ts");
    appendFileSync(file, "\nexport const EVALUATE_PHOTOZ_REVISION = 2;\n");
    const r = p.build("photoz_sim");
    expect(r.ran).toEqual(["EvaluatePhotoz"]);
    expect(r.reasons.EvaluatePhotoz).toEqual(["code changed: lbg_stages/evaluate_photoz.ts"]);
  });

  it("an output edited by hand makes its stage stale, with the reason shown", () => {
    appendFileSync(p.path(`${OUT}/photoz_metrics.yml`), "edited: by hand\n");
    const s = p.lbg(["status", "photoz_sim"]);
    expect(s.stdout).toMatch(new RegExp(`stale\\s+EvaluatePhotoz\\s+output modified: ${OUT}/photoz_metrics.yml`));
    const r = p.build("photoz_sim");
    expect(r.ran).toEqual(["EvaluatePhotoz"]);
    expect(p.read(`${OUT}/photoz_metrics.yml`)).not.toContain("edited: by hand");
  });

  it("lbg describe shows every option with its default and doc line", () => {
    const d = p.lbg(["describe", "SplitCatalog"]);
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/train_fraction \(float, default 0\.7\): \S/);
    expect(d.stdout).toMatch(/seed \(int, default \d+\): \S/);
    for (const stage of ["SimulateCatalog", "TrainPhotoz", "EstimatePhotoz", "EvaluatePhotoz"]) {
      const out = p.lbg(["describe", stage]).stdout;
      const options = out.slice(out.indexOf("Options:")).split("\n").slice(1).filter(Boolean);
      expect(options.length, stage).toBeGreaterThan(0);
      for (const line of options)
        expect(line, `${stage}: ${line}`).toMatch(/^\s+\w+ \(\w+, (default .+|required|optional)\): \S/);
    }
  });

  it("a clean build reproduces every output byte for byte", () => {
    const before = Object.fromEntries(readdirSync(p.path(OUT)).map((f) => [f, readFileSync(p.path(OUT, f))]));
    expect(p.lbg(["clean", "photoz_sim"]).code).toBe(0);
    expect(p.build("photoz_sim").ran.length).toBe(6);
    for (const [f, bytes] of Object.entries(before)) expect(readFileSync(p.path(OUT, f)).equals(bytes), f).toBe(true);
  });
});
