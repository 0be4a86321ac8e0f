// Non-detected magnitudes (RAIL's LSST error model writes inf; NaN and the 99 / −99 sentinels are common too):
// TrainPhotoz, EstimatePhotoz and SelectLBGColorCuts give them the band's 1σ limit and count them. The mock's
// own non-detections already hold the Y10 1σ limit, so a copy of a catalog with those values replaced by
// NaN, ±inf, 99 or −99 must give exactly the same model, estimates and LBG bins as the original.
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { readAttrs, readColumns, toFloat64, writeTable, type Table } from "../../src/catalog/index.ts";
import EstimatePhotoz from "../../lbg_stages/estimate_photoz.ts";
import { DEFAULT_MAG_LIMITS, nondetectionProblems } from "../../lbg_stages/lib/nondetections.ts";
import SelectLBGColorCuts from "../../lbg_stages/select_lbg_color_cuts.ts";
import SimulateCatalog from "../../lbg_stages/simulate_catalog.ts";
import SplitCatalog from "../../lbg_stages/split_catalog.ts";
import TrainPhotoz from "../../lbg_stages/train_photoz.ts";
import { bytes, numbers, runStage, tempDir } from "./stage-context.ts";

const tmp = tempDir("nondet");
afterAll(tmp.cleanup);
const MARKERS = [NaN, Infinity, -Infinity, 99, -99];
const f = (name: string) => tmp.path(name);

/**
 * A copy of a catalog with every mock non-detection (value = the band's limit) replaced by a marker; with
 * `every`, also every `every`-th mag_u, and `reference` gets those at the limit (what the stages should see).
 */
async function corrupt(input: string, output: string, extra?: { every: number; reference: string }): Promise<number> {
  const table: Table = await readColumns(input, "photometry");
  const ref: Table = { ...table };
  let injected = 0;
  for (const [col, limit] of Object.entries(DEFAULT_MAG_LIMITS)) {
    const m = Float64Array.from(toFloat64(table[col]));
    const r = Float64Array.from(m);
    for (let i = 0; i < m.length; i++) {
      if (m[i] === limit || (extra && col === "mag_u" && i % extra.every === 0)) {
        m[i] = MARKERS[injected++ % MARKERS.length];
        r[i] = limit;
      }
    }
    table[col] = m;
    ref[col] = r;
  }
  await writeTable(output, "photometry", table);
  if (extra) await writeTable(extra.reference, "photometry", ref);
  return injected;
}

const replacedIn = (logs: string[]) => Number(/(\d+) non-detected magnitudes/.exec(logs.join("\n"))?.[1]);

describe("non-detected magnitudes", () => {
  let injectedPhot = 0;
  beforeAll(async () => {
    await runStage(
      SimulateCatalog,
      {},
      { spec_catalog: f("spec.hdf5"), photometry_catalog: f("phot.hdf5") },
      { n_objects: 10000 },
    );
    await runStage(
      SplitCatalog,
      { spec_catalog: f("spec.hdf5") },
      { training_catalog: f("train.hdf5"), test_catalog: f("test.hdf5") },
    );
    injectedPhot = await corrupt(f("phot.hdf5"), f("phot-bad.hdf5"));
  }, 60_000);

  it("photo-z: NaN, ±inf and ±99 get the 1σ limit in training and estimation, with counts in the log", async () => {
    // The bright training set has few non-detections of its own: inject some into mag_u as well.
    const injectedTrain = await corrupt(f("train.hdf5"), f("train-bad.hdf5"), {
      every: 7,
      reference: f("train-ref.hdf5"),
    });
    expect(injectedTrain).toBeGreaterThan(100);
    const good = await runStage(
      TrainPhotoz,
      { training_catalog: f("train-ref.hdf5") },
      { photoz_model: f("model.hdf5") },
    );
    const bad = await runStage(
      TrainPhotoz,
      { training_catalog: f("train-bad.hdf5") },
      { photoz_model: f("model-bad.hdf5") },
    );
    expect(replacedIn(good)).toBe(0);
    expect(replacedIn(bad)).toBe(injectedTrain);
    expect(bytes(f("model-bad.hdf5")).equals(bytes(f("model.hdf5")))).toBe(true);
    expect(await readAttrs(f("model.hdf5"), "model")).toMatchObject({
      nondetect_val: 99,
      mag_limit_u: DEFAULT_MAG_LIMITS.mag_u,
    });

    const est = async (catalog: string, out: string) =>
      runStage(
        EstimatePhotoz,
        { photoz_model: f("model.hdf5"), catalog },
        { photoz_estimates: out },
        { chunk_rows: 3000 },
      );
    expect(replacedIn(await est(f("phot.hdf5"), f("pz.hdf5")))).toBe(0);
    expect(replacedIn(await est(f("phot-bad.hdf5"), f("pz-bad.hdf5")))).toBe(injectedPhot);
    expect(bytes(f("pz-bad.hdf5")).equals(bytes(f("pz.hdf5")))).toBe(true);

    // A NaN in a detected band is a non-detection too: the estimate stays a finite redshift.
    const table = await readColumns(f("phot.hdf5"), "photometry");
    const r = Float64Array.from(toFloat64(table.mag_r));
    for (let i = 0; i < r.length; i += 10) r[i] = NaN;
    await writeTable(f("phot-nan.hdf5"), "photometry", { ...table, mag_r: r });
    await est(f("phot-nan.hdf5"), f("pz-nan.hdf5"));
    const pz = await readColumns(f("pz-nan.hdf5"), "photoz");
    for (const col of ["z_mode", "z_mean", "z_median", "z_lo95", "z_hi95"]) {
      expect(
        numbers(pz[col]).every((z) => Number.isFinite(z) && z >= 0),
        col,
      ).toBe(true);
    }
  });

  it("colour cuts: a non-detection in the dropout band counts as fainter than the limit", async () => {
    expect(injectedPhot).toBeGreaterThan(100);
    const good = await runStage(
      SelectLBGColorCuts,
      { photometry_catalog: f("phot.hdf5") },
      { tomography_catalog: f("tomo.hdf5") },
    );
    const bad = await runStage(
      SelectLBGColorCuts,
      { photometry_catalog: f("phot-bad.hdf5") },
      { tomography_catalog: f("tomo-bad.hdf5") },
    );
    expect(replacedIn(good)).toBe(0);
    expect(replacedIn(bad)).toBe(injectedPhot);
    expect(bytes(f("tomo-bad.hdf5")).equals(bytes(f("tomo.hdf5")))).toBe(true);
    // The case matters: g-dropouts not detected in g are selected (NaN would fail every comparison).
    const bin = numbers((await readColumns(f("tomo.hdf5"), "tomography", ["bin"])).bin);
    const g = toFloat64((await readColumns(f("phot.hdf5"), "photometry", ["mag_g"])).mag_g);
    const undetectedG = bin.filter((b, i) => b === 0 && g[i] === DEFAULT_MAG_LIMITS.mag_g).length;
    expect(undetectedG).toBeGreaterThan(0);
  });

  it("the options are checked when the run loads", () => {
    const ok = { nondetect_val: 99, mag_limits: DEFAULT_MAG_LIMITS };
    expect(nondetectionProblems(ok)).toEqual([]);
    expect(nondetectionProblems({ ...ok, nondetect_val: 0 })[0]).toMatchObject({
      option: "nondetect_val",
      message: "must be a positive number, got 0",
    });
    const { mag_y: _, ...noY } = DEFAULT_MAG_LIMITS;
    expect(nondetectionProblems({ ...ok, mag_limits: noY })[0]).toMatchObject({
      option: "mag_limits",
      message: "has no limit for mag_y",
    });
    expect(nondetectionProblems({ ...ok, mag_limits: { ...DEFAULT_MAG_LIMITS, mag_g: Infinity, mag_w: 25 } })).toEqual([
      {
        option: "mag_limits",
        path: ["mag_g"],
        message: "mag_g: null is not a finite magnitude below nondetect_val (99)",
      },
      {
        option: "mag_limits",
        path: ["mag_w"],
        message: "unknown column mag_w (known: mag_u, mag_g, mag_r, mag_i, mag_z, mag_y)",
      },
    ]);
    expect(TrainPhotoz.validate({ ...ok, k: 0, magnitude_weight: 0.1, redshift_column: "redshift" })[0]).toMatchObject({
      option: "k",
    });
  });
});
