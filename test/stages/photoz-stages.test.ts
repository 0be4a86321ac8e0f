// The science stages called directly on temp folders: the default photoz_sim chain reaches the promised
// photo-z quality, every output is byte-identical on a re-run, metrics match hand-computed values, and the
// building blocks (split, kNN search, chunking, seeded randomness) behave as documented.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { readAttrs, readColumns, rowCount, writeTable } from "../../src/catalog/index.ts";
import EstimatePhotoz from "../../lbg_stages/estimate_photoz.ts";
import EvaluatePhotoz from "../../lbg_stages/evaluate_photoz.ts";
import { plotTop } from "../../lbg_stages/lib/photoz-plots.ts";
import { KdTree } from "../../lbg_stages/lib/kdtree.ts";
import { median, photozMetrics } from "../../lbg_stages/lib/photoz-metrics.ts";
import { Random } from "../../lbg_stages/lib/random.ts";
import SimulateCatalog from "../../lbg_stages/simulate_catalog.ts";
import SplitCatalog from "../../lbg_stages/split_catalog.ts";
import TrainPhotoz from "../../lbg_stages/train_photoz.ts";
import { PY } from "../helpers/debian-python.ts";
import { noH5py } from "../helpers/requirements.ts";
import { bytes, numbers, runStage, tempDir } from "./stage-context.ts";

const tmp = tempDir("photoz");
afterAll(tmp.cleanup);

/** EvaluatePhotoz's outputs as files named `<tag>.<type>` through `f`. */
function evaluateOutputs(f: (name: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(EvaluatePhotoz.outputs).map(([tag, type]) => [tag, f(`${tag}.${type}`)]));
}

/** Runs the photoz_sim chain (simulate + photoz pipelines, default options) into `prefix`-named files. */
async function runChain(prefix: string, simulate: Record<string, unknown> = {}) {
  const f = (name: string) => tmp.path(`${prefix}-${name}`);
  const timings: Record<string, number> = {};
  const timed = async (name: string, run: () => Promise<unknown>) => {
    const t = performance.now();
    await run();
    timings[name] = performance.now() - t;
  };
  await timed("SimulateCatalog", () =>
    runStage(SimulateCatalog, {}, { spec_catalog: f("spec.hdf5"), photometry_catalog: f("phot.hdf5") }, simulate),
  );
  await timed("SplitCatalog", () =>
    runStage(
      SplitCatalog,
      { spec_catalog: f("spec.hdf5") },
      { training_catalog: f("train.hdf5"), test_catalog: f("test.hdf5") },
    ),
  );
  await timed("TrainPhotoz", () =>
    runStage(TrainPhotoz, { training_catalog: f("train.hdf5") }, { photoz_model: f("model.hdf5") }),
  );
  await timed("EstimatePhotozTest", () =>
    runStage(
      EstimatePhotoz,
      { photoz_model: f("model.hdf5"), catalog: f("test.hdf5") },
      { photoz_estimates: f("test_pz.hdf5") },
    ),
  );
  await timed("EstimatePhotozTarget", () =>
    runStage(
      EstimatePhotoz,
      { photoz_model: f("model.hdf5"), catalog: f("phot.hdf5") },
      { photoz_estimates: f("target_pz.hdf5") },
    ),
  );
  await timed("EvaluatePhotoz", () =>
    runStage(
      EvaluatePhotoz,
      {
        test_catalog: f("test.hdf5"),
        test_photoz: f("test_pz.hdf5"),
        photometry_catalog: f("phot.hdf5"),
        target_photoz: f("target_pz.hdf5"),
        training_catalog: f("train.hdf5"),
      },
      evaluateOutputs(f),
    ),
  );
  const outputs = [
    "spec.hdf5",
    "phot.hdf5",
    "train.hdf5",
    "test.hdf5",
    "model.hdf5",
    "test_pz.hdf5",
    "target_pz.hdf5",
    ...Object.values(evaluateOutputs((name) => name)),
  ];
  return { f, outputs, timings };
}

describe("the photoz_sim chain at default size", () => {
  let first: Awaited<ReturnType<typeof runChain>>;
  beforeAll(async () => {
    first = await runChain("a");
  });

  it("scores the test set and the target catalog (σ_NMAD, outliers, coverage, PIT)", () => {
    const m = YAML.parse(readFileSync(first.f("photoz_metrics.yml"), "utf8"));
    console.log(
      `photoz_sim defaults: ${m.count} test objects, sigma_nmad ${m.sigma_nmad}, outliers ${m.outlier_fraction}, bias ${m.bias}; ` +
        `target ${m.target.count} galaxies, sigma_nmad ${m.target.sigma_nmad}, outliers ${m.target.outlier_fraction}; ` +
        `stage times (ms): ${Object.entries(first.timings)
          .map(([k, v]) => `${k} ${v.toFixed(0)}`)
          .join(", ")}`,
    );
    expect(m.count).toBeGreaterThan(800);
    expect(m.sigma_nmad).toBeLessThan(0.08);
    expect(m.outlier_fraction).toBeLessThan(0.25);
    expect(Math.abs(m.bias)).toBeLessThan(0.02);
    expect(m.coverage_68).toBeGreaterThan(0.5);
    expect(m.bins.map((b: { z_min: number }) => b.z_min)).toEqual([0, 0.5, 1, 1.5, 2, 3]);
    expect(m.target.mag_bins.map((b: { i_min: number }) => b.i_min)).toEqual([16, 21, 22, 23, 24]);
    expect(m.target.count).toBeGreaterThan(10000);
  });

  it("writes the documented catalogs", async () => {
    expect(await rowCount(first.f("phot.hdf5"), "photometry")).toBe(20000);
    const phot = await readColumns(first.f("phot.hdf5"), "photometry");
    const names = Object.keys(phot);
    for (const c of [
      "id",
      "ra",
      "dec",
      "redshift_true",
      "object_type_true",
      "sed_type_true",
      "star_type_true",
      "ebv_true",
      "size_true",
      "mag_u",
      "mag_y",
      "mag_err_u",
      "mag_err_y",
    ])
      expect(names).toContain(c);
    const type = numbers(phot.object_type_true!);
    const galaxies = type.map((t, i) => (t === 0 ? i : -1)).filter((i) => i >= 0);
    const z = Float64Array.from(galaxies, (i) => (phot.redshift_true as Float64Array)[i]!);
    const zs = Float64Array.from(z).sort();
    expect(zs[zs.length >> 1]).toBeGreaterThan(0.6); // median z of an i < 25.3 sample ~ 0.9
    expect(zs[zs.length >> 1]).toBeLessThan(1.2);
    expect(z.filter((v) => v > 3).length).toBeGreaterThan(200); // Lyman-break galaxies exist
    expect(type.filter((t) => t === 1).length).toBeGreaterThan(1000); // main-sequence stars
    expect(type.filter((t) => t === 2).length).toBeGreaterThan(10); // brown dwarfs
    expect(Math.max(...(phot.mag_i as Float64Array))).toBeLessThan(25.3);
    const spec = await readColumns(first.f("spec.hdf5"), "photometry", ["redshift", "mag_i", "spec_sample"]);
    const sample = numbers(spec.spec_sample!);
    const mi = spec.mag_i as Float64Array;
    // Bright and complete below i = 22.5, deep and incomplete to i = 25, reaching z > 3.
    expect(sample.every((s, k) => (s === 0) === mi[k]! < 22.5)).toBe(true);
    expect(Math.max(...mi)).toBeLessThan(25);
    expect(sample.filter((s) => s === 1).length).toBeGreaterThan(500);
    expect(Array.from(spec.redshift as Float64Array).filter((v) => v > 3).length).toBeGreaterThan(10);
    const brightGalaxies = galaxies.filter((i) => (phot.mag_i as Float64Array)[i]! < 22.5).length;
    expect(sample.filter((s) => s === 0).length).toBe(brightGalaxies);
    const train = await rowCount(first.f("train.hdf5"), "photometry");
    const test = await rowCount(first.f("test.hdf5"), "photometry");
    expect(train + test).toBe(spec.redshift!.length);
    expect(train).toBe(Math.round(0.7 * spec.redshift!.length));
    const est = await readColumns(first.f("target_pz.hdf5"), "photoz");
    expect(Object.keys(est)).toEqual(
      [
        "id",
        "z_mode",
        "z_mean",
        "z_median",
        "z_lo68",
        "z_hi68",
        "z_lo95",
        "z_hi95",
        ...Array.from({ length: 19 }, (_, k) => `z_q${String(5 * k + 5).padStart(2, "0")}`),
      ].sort(),
    );
    expect(est.id!.length).toBe(20000);
    const col = (c: string) => est[c] as Float64Array;
    for (let i = 0; i < 20000; i += 997) {
      expect(col("z_lo95")[i]).toBeLessThanOrEqual(col("z_lo68")[i]!);
      expect(col("z_lo68")[i]).toBeLessThanOrEqual(col("z_median")[i]!);
      expect(col("z_median")[i]).toBeLessThanOrEqual(col("z_hi68")[i]!);
      expect(col("z_hi68")[i]).toBeLessThanOrEqual(col("z_hi95")[i]!);
      for (let k = 1; k < 19; k++)
        expect(col(`z_q${String(5 * k).padStart(2, "0")}`)[i]).toBeLessThanOrEqual(
          col(`z_q${String(5 * k + 5).padStart(2, "0")}`)[i]!,
        );
      expect(col("z_q50")[i]).toBe(col("z_median")[i]);
    }
    expect(await readAttrs(first.f("model.hdf5"), "model")).toMatchObject({ estimator: "knn", k: 20 });
  });

  it("re-runs to byte-identical outputs, and a different seed changes them", async () => {
    const second = await runChain("b");
    for (const name of first.outputs) expect(bytes(first.f(name)).equals(bytes(second.f(name))), name).toBe(true);
    const other = tmp.path("seed-spec.hdf5");
    await runStage(
      SimulateCatalog,
      {},
      { spec_catalog: other, photometry_catalog: tmp.path("seed-phot.hdf5") },
      { seed: 7, n_objects: 500 },
    );
    const small = tmp.path("small-spec.hdf5");
    await runStage(
      SimulateCatalog,
      {},
      { spec_catalog: small, photometry_catalog: tmp.path("small-phot.hdf5") },
      { n_objects: 500 },
    );
    expect(bytes(other).equals(bytes(small))).toBe(false);
  });

  it("estimates identically whatever the chunk size", async () => {
    const out = tmp.path("chunked_pz.hdf5");
    await runStage(
      EstimatePhotoz,
      { photoz_model: first.f("model.hdf5"), catalog: first.f("test.hdf5") },
      { photoz_estimates: out },
      { chunk_rows: 37 },
    );
    expect(bytes(out).equals(bytes(first.f("test_pz.hdf5")))).toBe(true);
  });

  it("writes estimates (streamed, chunked) that h5py reads", (ctx) => {
    if (noH5py) ctx.skip(noH5py);
    const script = [
      "import h5py, json, sys",
      "g = h5py.File(sys.argv[1], 'r')['photoz']",
      "print(json.dumps({'n': g['z_mode'].shape[0], 'chunks': g['z_mode'].chunks[0], 'id': str(g['id'].dtype), 'k': int(g.attrs['k']), 'z': float(g['z_mode'][-1])}))",
    ].join("\n");
    const out = JSON.parse(execFileSync(PY, ["-c", script, first.f("target_pz.hdf5")], { encoding: "utf8" }));
    expect(out).toMatchObject({ n: 20000, chunks: 20000, id: "int64", k: 20 });
    expect(out.z).toBeGreaterThan(0);
  });
});

describe("EvaluatePhotoz metrics", () => {
  // z_true and z_phot chosen so Δz = (z_phot − z_true)/(1 + z_true) is exact: 0, 0.01, −0.02, 0.2, 0.05; each
  // object's PDF is uniform of width 1 placed so that its PIT (the CDF at z_true) is `pit`: every quantile is
  // z_true − pit + level.
  const zTrue = [0, 1, 0.5, 2, 3];
  const dz = [0, 0.01, -0.02, 0.2, 0.05];
  const pit = [0.02, 0.52, 0.51, 0.97, 0.33];
  const zPhot = zTrue.map((z, i) => z + dz[i]! * (1 + z));
  const levels: Record<string, number> = { z_lo68: 0.16, z_hi68: 0.84, z_lo95: 0.025, z_hi95: 0.975 };
  for (let k = 1; k < 20; k++) levels[`z_q${String(5 * k).padStart(2, "0")}`] = k / 20;
  /** An estimate table for objects `rows` of the lists above, under ids `ids`, in the order `order`. */
  const estimates = (ids: bigint[], rows: number[], extra: { z: number; id: bigint }[] = []) => ({
    id: BigInt64Array.from([...ids, ...extra.map((e) => e.id)]),
    z_mode: Float64Array.from([...rows.map((r) => zPhot[r]!), ...extra.map((e) => e.z)]),
    ...Object.fromEntries(
      Object.entries(levels).map(([c, q]) => [
        c,
        Float64Array.from([...rows.map((r) => zTrue[r]! - pit[r]! + q), ...extra.map((e) => e.z - 0.5 + q)]),
      ]),
    ),
  });

  it("match values computed by hand, on the test set and on the target catalog", async () => {
    const truth = tmp.path("hand-truth.hdf5");
    const est = tmp.path("hand-pz.hdf5");
    const ids = [5n, 6n, 7n, 8n, 9n];
    await writeTable(truth, "photometry", { id: BigInt64Array.from(ids), redshift: Float64Array.from(zTrue) });
    // Estimates in another order: EvaluatePhotoz matches them by id.
    const perm = [4, 2, 0, 3, 1];
    await writeTable(
      est,
      "photoz",
      estimates(
        perm.map((i) => ids[i]!),
        perm,
      ),
    );
    // The target catalog: the same five galaxies, two training galaxies whose estimates are far off, a star
    // and a brown dwarf; training objects and stars must not enter the galaxy metrics.
    const phot = tmp.path("hand-phot.hdf5");
    await writeTable(phot, "photometry", {
      id: BigInt64Array.from([1n, 2n, 3n, 4n, ...ids]),
      redshift_true: Float64Array.from([0.4, 0.6, 0, 0, ...zTrue]),
      object_type_true: Int32Array.from([0, 0, 1, 2, 0, 0, 0, 0, 0]),
      mag_i: Float64Array.from([20, 21, 19, 24, 20, 21, 23, 24, 25]),
    });
    const targetPz = tmp.path("hand-target-pz.hdf5");
    await writeTable(
      targetPz,
      "photoz",
      estimates(
        ids,
        [0, 1, 2, 3, 4],
        [
          { id: 1n, z: 3 },
          { id: 2n, z: 4 },
          { id: 3n, z: 1.5 },
          { id: 4n, z: 0.2 },
        ],
      ),
    );
    const training = tmp.path("hand-train.hdf5");
    await writeTable(training, "photometry", {
      id: BigInt64Array.from([1n, 2n]),
      redshift: Float64Array.from([0.4, 0.6]),
    });
    const outputs = evaluateOutputs((name) => tmp.path(`hand-${name}`));
    await runStage(
      EvaluatePhotoz,
      {
        test_catalog: truth,
        test_photoz: est,
        photometry_catalog: phot,
        target_photoz: targetPz,
        training_catalog: training,
      },
      outputs,
      { z_bins: [0, 1, 4], mag_bins: [16, 22, 25.3] },
    );
    const m = YAML.parse(readFileSync(outputs.photoz_metrics!, "utf8"));
    // median Δz = 0.01; |Δz − 0.01| = 0.01, 0, 0.03, 0.19, 0.04 → median 0.03 → σ_NMAD = 1.4826 × 0.03.
    // Sorted Δz −0.02, 0, 0.01, 0.05, 0.2: P25 = 0, P75 = 0.05 → σ_IQR = 0.05 / 1.349; 3σ = 0.111 > 0.06.
    const expectWhole = (x: Record<string, number | number[]>) => {
      expect(x.count).toBe(5);
      expect(x.bias).toBeCloseTo(0.01, 6);
      expect(x.sigma_nmad).toBeCloseTo(1.4826 * 0.03, 5);
      expect(x.sigma_iqr).toBeCloseTo(0.05 / 1.349, 5);
      expect(x.outlier_fraction).toBeCloseTo(0.2, 6); // only Δz = 0.2 exceeds 0.15
      expect(x.outlier_fraction_3sigma).toBeCloseTo(0.2, 6); // and 0.111
      // PIT 0.02 → bin 0, 0.33 → bin 6, 0.51 and 0.52 → bin 10, 0.97 → bin 19; inside [0.16, 0.84]: three.
      const hist = new Array(20).fill(0);
      hist[0] = 0.2;
      hist[6] = 0.2;
      hist[10] = 0.4;
      hist[19] = 0.2;
      expect(x.pit).toEqual(hist);
      expect(x).toMatchObject({ coverage_68: 0.6, coverage_90: 0.6, coverage_95: 0.8 });
    };
    expectWhole(m);
    // Bin [0, 1): Δz 0, −0.02 → median −0.01, deviations 0.01, 0.01; bin [1, 4): 0.01, 0.2, 0.05.
    expect(m.bins[0]).toMatchObject({ z_min: 0, z_max: 1, count: 2, outlier_fraction: 0 });
    expect(m.bins[0].bias).toBeCloseTo(-0.01, 6);
    expect(m.bins[0].sigma_nmad).toBeCloseTo(1.4826 * 0.01, 6);
    expect(m.bins[0].pit).toBeUndefined(); // no PIT in true-redshift bins
    expect(m.bins[1].count).toBe(3);
    expect(m.bins[1].bias).toBeCloseTo(0.05, 6);
    expect(m.bins[1].sigma_nmad).toBeCloseTo(1.4826 * 0.04, 6);
    expect(m.bins[1].outlier_fraction).toBeCloseTo(1 / 3, 5);
    expect(m.pit_edges).toEqual(Array.from({ length: 21 }, (_, k) => k / 20));

    const t = m.target;
    expect(t).toMatchObject({ catalog_objects: 9, excluded_training: 2, excluded_stars: 2 });
    expectWhole(t);
    // i < 22: Δz 0, 0.01; 22 ≤ i < 25.3: −0.02, 0.2, 0.05.
    expect(t.mag_bins.map((b: { count: number }) => b.count)).toEqual([2, 3]);
    expect(t.mag_bins[0].bias).toBeCloseTo(0.005, 6);
    expect(t.mag_bins[1].bias).toBeCloseTo(0.05, 6);
    expect(t.z_bins[1].bias).toBeCloseTo(0.05, 6);
    expect(t.stars).toEqual({ count: 2, median_z_phot: 0.85, fraction_z_phot_above_1: 0.5 });
  });

  it("says which columns an estimate file lacks", async () => {
    const est = tmp.path("old-pz.hdf5");
    await writeTable(est, "photoz", { id: BigInt64Array.from([5n]), z_mode: Float64Array.of(1) });
    const truth = tmp.path("old-truth.hdf5");
    await writeTable(truth, "photometry", { id: BigInt64Array.from([5n]), redshift: Float64Array.of(1) });
    await expect(
      runStage(
        EvaluatePhotoz,
        {
          test_catalog: truth,
          test_photoz: est,
          photometry_catalog: truth,
          target_photoz: est,
          training_catalog: truth,
        },
        evaluateOutputs((name) => tmp.path(`old-${name}`)),
      ),
    ).rejects.toThrow(/old-pz\.hdf5 has no columns z_lo68, z_hi68, .*: estimate it with this EstimatePhotoz/);
  });

  it("plots every point: the axes reach the largest true or estimated redshift", () => {
    expect(plotTop([0.2, 1, 2.1], [0.3, 5.2, 2])).toBe(5.5); // a z_phot = 5.2 outlier is not clipped
    expect(plotTop([0.2, 3.7], [0.3, 1])).toBe(4);
    expect(plotTop([0.1], [NaN])).toBe(0.5);
  });

  it("uses the mean of the two middle values for even counts", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(photozMetrics([], [], 0.15).count).toBe(0);
  });
});

describe("building blocks", () => {
  it("KdTree finds the same neighbours as brute force, nearest first", () => {
    const rng = new Random(3);
    const dim = 6;
    const n = 3000;
    const points = Float64Array.from({ length: n * dim }, () => rng.normal());
    // Duplicates exercise the tie-breaking by index.
    points.copyWithin(dim * 10, 0, dim);
    const tree = new KdTree(points, dim);
    const idx = new Int32Array(15);
    const d2 = new Float64Array(15);
    for (let q = 0; q < 50; q++) {
      const query = Float64Array.from({ length: dim }, () => 2 * rng.normal());
      if (q === 0) query.set(points.subarray(0, dim));
      const found = tree.nearest(query, 0, 15, idx, d2);
      const brute = Array.from({ length: n }, (_, i) => {
        let s = 0;
        for (let c = 0; c < dim; c++) s += (points[i * dim + c]! - query[c]!) ** 2;
        return [s, i] as const;
      }).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      expect(found).toBe(15);
      expect(Array.from(idx)).toEqual(brute.slice(0, 15).map((b) => b[1]));
      expect(Array.from(d2)).toEqual(brute.slice(0, 15).map((b) => b[0]));
    }
  });

  it("Random is reproducible per seed and stream, and roughly normal", () => {
    const a = new Random(42);
    const b = new Random(42);
    const seq = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(seq);
    expect(new Random(42, 1).uniform()).not.toBe(seq[0]);
    const r = new Random(1);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
    expect(Array.from(new Random(5).permutation(10)).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("SplitCatalog keeps every row exactly once and its row order", async () => {
    const spec = tmp.path("split-in.hdf5");
    const n = 101;
    await writeTable(spec, "photometry", {
      id: BigInt64Array.from({ length: n }, (_, i) => BigInt(i)),
      x: Float64Array.from({ length: n }, (_, i) => i / 2),
    });
    const train = tmp.path("split-train.hdf5");
    const test = tmp.path("split-test.hdf5");
    await runStage(
      SplitCatalog,
      { spec_catalog: spec },
      { training_catalog: train, test_catalog: test },
      { train_fraction: 0.3, seed: 9 },
    );
    const a = Array.from((await readColumns(train, "photometry", ["id"])).id as BigInt64Array, Number);
    const b = Array.from((await readColumns(test, "photometry", ["id"])).id as BigInt64Array, Number);
    expect(a.length).toBe(30);
    expect([...a, ...b].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(a).toEqual([...a].sort((x, y) => x - y));
    expect(b).toEqual([...b].sort((x, y) => x - y));
    const x = (await readColumns(train, "photometry", ["x"])).x;
    expect(numbers(x)).toEqual(a.map((i) => i / 2));
  });

  it("SimulateCatalog refuses options that cannot work instead of looping", async () => {
    const out = { spec_catalog: tmp.path("bad-spec.hdf5"), photometry_catalog: tmp.path("bad-phot.hdf5") };
    await expect(runStage(SimulateCatalog, {}, out, { n_objects: 0 })).rejects.toThrow(
      /n_objects: must be a positive integer/,
    );
    await expect(runStage(SimulateCatalog, {}, out, { n_objects: 5, mag_limit: 5 })).rejects.toThrow(
      /mag_limit too bright/,
    );
  });
});
