// Non-detected magnitudes (RAIL's LSST error model writes inf; NaN and the 99 / −99 sentinels are common too):
// TrainPhotoz, EstimatePhotoz and SelectLBGColorCuts give them the band's 1σ limit and count them, apart from
// the non-detections a catalog already holds at a limiting magnitude (mag_err ≥ 99, as SimulateCatalog writes
// them), which they keep and count separately. A copy of a catalog whose non-detections hold the Y10 limit and
// a copy whose non-detections are NaN, ±inf, 99 or −99 must give exactly the same model, estimates and bins.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAttrs, readColumns, toFloat64, writeTable, type Table } from "../../src/catalog/index.ts";
import EstimatePhotoz from "../../lbg_stages/estimate_photoz.ts";
import { DEFAULT_MAG_LIMITS, describeReplaced, nondetectionProblems } from "../../lbg_stages/lib/nondetections.ts";
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
 * Two copies of a catalog: `reference`, where every non-detection (mag_err ≥ 99) holds the band's Y10 limit,
 * and `marked`, where it holds a marker instead; with `every`, every `every`-th mag_u becomes a non-detection
 * too (the bright training set has few). Returns how many magnitudes were marked.
 */
async function copies(input: string, reference: string, marked: string, every = 0): Promise<number> {
  const table: Table = await readColumns(input, "photometry");
  const ref: Table = { ...table };
  const bad: Table = { ...table };
  let injected = 0;
  for (const [col, limit] of Object.entries(DEFAULT_MAG_LIMITS)) {
    const errCol = col.replace("mag_", "mag_err_");
    const m = Float64Array.from(toFloat64(table[col]!));
    const e = Float64Array.from(toFloat64(table[errCol]!));
    const r = Float64Array.from(m);
    for (let i = 0; i < m.length; i++) {
      if (e[i]! >= 99 || (every && col === "mag_u" && i % every === 0)) {
        e[i] = 99;
        r[i] = limit;
        m[i] = MARKERS[injected++ % MARKERS.length]!;
      }
    }
    ref[col] = r;
    bad[col] = m;
    ref[errCol] = e;
    bad[errCol] = e;
  }
  await writeTable(reference, "photometry", ref);
  await writeTable(marked, "photometry", bad);
  return injected;
}

const counted = (logs: string[]) => {
  const text = logs.join("\n");
  const replaced = Number(/(\d+) non-detected magnitudes/.exec(text)?.[1]);
  const preset = Number(/(\d+) non-detections the catalog already holds/.exec(text)?.[1]);
  return { replaced, preset };
};

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
    injectedPhot = await copies(f("phot.hdf5"), f("phot-ref.hdf5"), f("phot-bad.hdf5"));
  }, 120_000);

  it("the mock's own non-detections hold the object's 1σ limit with mag_err 99 and are counted apart", async () => {
    const phot = await readColumns(f("phot.hdf5"), "photometry", ["mag_u", "mag_err_u"]);
    const err = toFloat64(phot.mag_err_u!);
    const preset = Array.from(err).filter((e) => e >= 99).length;
    expect(preset).toBeGreaterThan(100);
    await runStage(TrainPhotoz, { training_catalog: f("train.hdf5") }, { photoz_model: f("model-mock.hdf5") });
    const logs = await runStage(
      EstimatePhotoz,
      { photoz_model: f("model-mock.hdf5"), catalog: f("phot.hdf5") },
      { photoz_estimates: f("pz-mock.hdf5") },
    );
    const c = counted(logs);
    expect(c.replaced).toBe(0);
    expect(c.preset).toBeGreaterThanOrEqual(preset);
    expect(logs.join("\n")).toMatch(new RegExp(`mag_err ≥ nondetect_val: u ${preset}, `));
    expect(describeReplaced([1, 0, 0, 0, 0, 2], 10)).toBe(
      "3 non-detected magnitudes among 10 objects given the band's 1σ limit (u 1, g 0, r 0, i 0, z 0, y 2); no mag_err columns to tell the catalog's own non-detections",
    );
  });

  it("photo-z: NaN, ±inf and ±99 get the 1σ limit in training and estimation, with counts in the log", async () => {
    const injectedTrain = await copies(f("train.hdf5"), f("train-ref.hdf5"), f("train-bad.hdf5"), 7);
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
    expect(counted(good)).toEqual({ replaced: 0, preset: injectedTrain });
    expect(counted(bad)).toEqual({ replaced: injectedTrain, preset: 0 });
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
    expect(counted(await est(f("phot-ref.hdf5"), f("pz.hdf5")))).toEqual({ replaced: 0, preset: injectedPhot });
    expect(counted(await est(f("phot-bad.hdf5"), f("pz-bad.hdf5")))).toEqual({ replaced: injectedPhot, preset: 0 });
    expect(bytes(f("pz-bad.hdf5")).equals(bytes(f("pz.hdf5")))).toBe(true);

    // A NaN in a detected band is a non-detection too: the estimate stays a finite redshift.
    const table = await readColumns(f("phot.hdf5"), "photometry");
    const r = Float64Array.from(toFloat64(table.mag_r!));
    for (let i = 0; i < r.length; i += 10) r[i] = NaN;
    await writeTable(f("phot-nan.hdf5"), "photometry", { ...table, mag_r: r });
    await est(f("phot-nan.hdf5"), f("pz-nan.hdf5"));
    const pz = await readColumns(f("pz-nan.hdf5"), "photoz");
    for (const col of ["z_mode", "z_mean", "z_median", "z_lo95", "z_hi95", "z_q05", "z_q95"]) {
      expect(
        numbers(pz[col]!).every((z) => Number.isFinite(z) && z >= 0),
        col,
      ).toBe(true);
    }
  });

  it("colour cuts: a non-detection in the dropout band counts as fainter than the limit", async () => {
    expect(injectedPhot).toBeGreaterThan(100);
    const good = await runStage(
      SelectLBGColorCuts,
      { photometry_catalog: f("phot-ref.hdf5") },
      { tomography_catalog: f("tomo.hdf5") },
    );
    const bad = await runStage(
      SelectLBGColorCuts,
      { photometry_catalog: f("phot-bad.hdf5") },
      { tomography_catalog: f("tomo-bad.hdf5") },
    );
    expect(counted(good)).toEqual({ replaced: 0, preset: injectedPhot });
    expect(counted(bad)).toEqual({ replaced: injectedPhot, preset: 0 });
    expect(bytes(f("tomo-bad.hdf5")).equals(bytes(f("tomo.hdf5")))).toBe(true);
    // The case matters: g-dropouts not detected in g are selected (NaN would fail every comparison).
    const bin = numbers((await readColumns(f("tomo.hdf5"), "tomography", ["bin"])).bin!);
    const g = toFloat64((await readColumns(f("phot-ref.hdf5"), "photometry", ["mag_g"])).mag_g!);
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
