// An independent re-implementation of EvaluatePhotoz's and EvaluateLBGSelection's numbers, for the tests to
// compare with the YAML the stages write (the same definitions as recompute_metrics.py, which does it with
// numpy where Debian's python3 has numpy and h5py). Written from the stages' documented definitions with
// plain arrays and sorts, importing nothing from lbg_stages/: only the file reading is shared (src/catalog).
import { readAttrs, readColumns } from "../../src/catalog/index.ts";

type Json = null | number | string | Json[] | { [k: string]: Json };

const QUANTILES = Array.from({ length: 19 }, (_, k) => `z_q${String(5 * (k + 1)).padStart(2, "0")}`);
const INTERVALS: [string, string, string][] = [
  ["coverage_68", "z_lo68", "z_hi68"],
  ["coverage_90", "z_q05", "z_q95"],
  ["coverage_95", "z_lo95", "z_hi95"],
];

const nums = (c: unknown): number[] => Array.from(c as ArrayLike<number | bigint>, Number);
const sortNum = (a: number[]) => [...a].sort((x, y) => x - y);
function medianOf(a: number[]): number {
  const s = sortNum(a);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}
function percentile(a: number[], p: number): number {
  const s = sortNum(a);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}
const mean = (flags: boolean[]) => flags.filter(Boolean).length / flags.length;

type Est = Record<string, number[]>;

function metrics(z: number[], e: Est, point: string, threshold: number, withPit: boolean): Record<string, Json> {
  const n = z.length;
  const out: Record<string, Json> = { count: n };
  if (n === 0) {
    for (const k of ["bias", "sigma_nmad", "sigma_iqr", "outlier_fraction", "outlier_fraction_3sigma"]) out[k] = null;
    for (const [k] of INTERVALS) out[k] = null;
    if (withPit) out.pit = null;
    return out;
  }
  const dz = z.map((zt, i) => (e[point]![i]! - zt) / (1 + zt));
  const bias = medianOf(dz);
  const sigmaIqr = (percentile(dz, 0.75) - percentile(dz, 0.25)) / 1.349;
  out.bias = bias;
  out.sigma_nmad = 1.4826 * medianOf(dz.map((d) => Math.abs(d - bias)));
  out.sigma_iqr = sigmaIqr;
  out.outlier_fraction = mean(dz.map((d) => Math.abs(d) > threshold));
  out.outlier_fraction_3sigma = mean(dz.map((d) => Math.abs(d) > Math.max(0.06, 3 * sigmaIqr)));
  for (const [k, lo, hi] of INTERVALS) out[k] = mean(z.map((zt, i) => e[lo]![i]! <= zt && zt <= e[hi]![i]!));
  if (withPit) {
    const counts = new Array<number>(QUANTILES.length + 1).fill(0);
    z.forEach((zt, i) => {
      counts[QUANTILES.filter((q) => e[q]![i]! <= zt).length]!++;
    });
    out.pit = counts.map((c) => c / n);
  }
  return out;
}

const pick = (e: Est, rows: number[]): Est =>
  Object.fromEntries(Object.entries(e).map(([k, v]) => [k, rows.map((r) => v[r]!)]));
const where = (n: number, f: (i: number) => boolean) => Array.from({ length: n }, (_, i) => i).filter(f);

async function estimates(path: string, ids: number[], cols: string[]): Promise<Est> {
  const t = await readColumns(path, "photoz", ["id", ...cols]);
  const row = new Map(nums(t.id).map((id, j) => [id, j]));
  return Object.fromEntries(
    cols.map((c) => {
      const col = nums(t[c]);
      return [c, ids.map((id) => col[row.get(id)!]!)];
    }),
  );
}

export interface PhotozOptions {
  point_estimate: string;
  outlier_threshold: number;
  z_bins: number[];
  mag_bins: number[];
}

/** EvaluatePhotoz's YAML, recomputed from the output folder of a photoz_sim-like run. */
export async function photozMetricsOf(outputs: string, o: PhotozOptions): Promise<Record<string, Json>> {
  const point = o.point_estimate;
  const cols = [...new Set([point, ...QUANTILES, ...INTERVALS.flatMap(([, lo, hi]) => [lo, hi])])];
  const truth = await readColumns(`${outputs}/test_catalog.hdf5`, "photometry", ["id", "redshift"]);
  const tIds = nums(truth.id);
  const tz = nums(truth.redshift);
  const te = await estimates(`${outputs}/test_photoz.hdf5`, tIds, cols);
  const test = metrics(tz, te, point, o.outlier_threshold, true);
  const zBins = (z: number[], e: Est, withPit: boolean) =>
    o.z_bins.slice(0, -1).map((lo, b) => {
      const hi = o.z_bins[b + 1]!;
      const rows = where(z.length, (i) => z[i]! >= lo && z[i]! < hi);
      return {
        z_min: lo,
        z_max: hi,
        ...metrics(
          rows.map((r) => z[r]!),
          pick(e, rows),
          point,
          o.outlier_threshold,
          withPit,
        ),
      };
    });
  test.bins = zBins(tz, te, false);

  const phot = await readColumns(`${outputs}/photometry_catalog.hdf5`, "photometry", [
    "id",
    "redshift_true",
    "mag_i",
    "object_type_true",
  ]);
  const ids = nums(phot.id);
  const e = await estimates(`${outputs}/target_photoz.hdf5`, ids, cols);
  const training = new Set(nums((await readColumns(`${outputs}/training_catalog.hdf5`, "photometry", ["id"])).id));
  const type = nums(phot.object_type_true);
  const zAll = nums(phot.redshift_true);
  const magAll = nums(phot.mag_i);
  const stars = where(ids.length, (i) => type[i] !== 0);
  const trained = where(ids.length, (i) => type[i] === 0 && training.has(ids[i]!));
  const keep = where(ids.length, (i) => type[i] === 0 && !training.has(ids[i]!));
  const z = keep.map((r) => zAll[r]!);
  const mag = keep.map((r) => magAll[r]!);
  const ek = pick(e, keep);
  const target: Record<string, Json> = {
    catalog_objects: ids.length,
    excluded_training: trained.length,
    excluded_stars: stars.length,
    ...metrics(z, ek, point, o.outlier_threshold, true),
  };
  target.mag_bins = o.mag_bins.slice(0, -1).map((lo, b) => {
    const hi = o.mag_bins[b + 1]!;
    const rows = where(z.length, (i) => mag[i]! >= lo && mag[i]! < hi);
    return {
      i_min: lo,
      i_max: hi,
      ...metrics(
        rows.map((r) => z[r]!),
        pick(ek, rows),
        point,
        o.outlier_threshold,
        true,
      ),
    };
  });
  target.z_bins = zBins(z, ek, false);
  const zs = stars.map((r) => e[point]![r]!);
  target.stars = {
    count: zs.length,
    median_z_phot: zs.length ? medianOf(zs) : null,
    fraction_z_phot_above_1: zs.length ? mean(zs.map((x) => x > 1)) : null,
  };
  const pitEdges = Array.from({ length: 21 }, (_, k) => k / 20);
  return { point_estimate: point, outlier_threshold: o.outlier_threshold, ...test, pit_edges: pitEdges, target };
}

export interface LbgOptions {
  target_redshifts: Record<string, [number, number]>;
  nz_bin_width: number;
  interloper_z_edges: number[];
  mag_bins: number[];
}

/** EvaluateLBGSelection's YAML, recomputed from the output folder of an lbg_color_cuts_sim-like run. */
export async function lbgMetricsOf(outputs: string, o: LbgOptions): Promise<Record<string, Json>> {
  const phot = await readColumns(`${outputs}/photometry_catalog.hdf5`, "photometry", [
    "redshift_true",
    "object_type_true",
    "mag_i",
  ]);
  const bins = nums((await readColumns(`${outputs}/tomography_catalog.hdf5`, "tomography", ["bin"])).bin);
  const attrs = await readAttrs(`${outputs}/tomography_catalog.hdf5`, "tomography");
  const names = Array.from({ length: Number(attrs.nbin) }, (_, k) => String(attrs[`sample_${k}`]));
  const z = nums(phot.redshift_true);
  const kind = nums(phot.object_type_true);
  const mag = nums(phot.mag_i);
  const n = z.length;
  const count = (f: (i: number) => boolean) => where(n, f).length;
  const width = o.nz_bin_width;
  const nBins = Math.floor(Math.max(...z) / width) + 1;
  const samples: Record<string, Json> = {};
  names.forEach((name, k) => {
    const sel = (i: number) => bins[i] === k;
    const nSel = count(sel);
    const frac = (c: number) => (nSel ? c / nSel : null);
    const [lo, hi] = o.target_redshifts[name]!;
    const inRange = (i: number) => kind[i] === 0 && z[i]! >= lo && z[i]! < hi;
    const good = count((i) => sel(i) && inRange(i));
    const nIn = count(inRange);
    const edges = [...o.interloper_z_edges.filter((e) => e < lo), lo];
    const galaxies: Json[] = edges.slice(0, -1).map((a, b) => {
      const c = count((i) => sel(i) && kind[i] === 0 && z[i]! >= a && z[i]! < edges[b + 1]!);
      return { z_min: a, z_max: edges[b + 1]!, count: c, fraction: frac(c) };
    });
    const above = count((i) => sel(i) && kind[i] === 0 && z[i]! >= hi);
    galaxies.push({ z_min: hi, z_max: null, count: above, fraction: frac(above) });
    const ms = count((i) => sel(i) && kind[i] === 1);
    const bd = count((i) => sel(i) && kind[i] === 2);
    const binOf = (i: number) => Math.min(Math.floor(z[i]! / width), nBins - 1);
    const all = new Array<number>(nBins).fill(0);
    const selected = new Array<number>(nBins).fill(0);
    for (let i = 0; i < n; i++) {
      if (kind[i] !== 0) continue;
      all[binOf(i)]!++;
      if (sel(i)) selected[binOf(i)]!++;
    }
    samples[name] = {
      count: nSel,
      median_z: nSel ? medianOf(where(n, sel).map((i) => z[i]!)) : null,
      z_min: lo,
      z_max: hi,
      in_range: nIn,
      completeness: nIn ? good / nIn : null,
      purity: frac(good),
      interlopers: {
        count: nSel - good,
        fraction: frac(nSel - good),
        main_sequence_stars: { count: ms, fraction: frac(ms) },
        brown_dwarfs: { count: bd, fraction: frac(bd) },
        galaxies,
      },
      by_magnitude: o.mag_bins.slice(0, -1).map((a, b) => {
        const inBin = (i: number) => sel(i) && mag[i]! >= a && mag[i]! < o.mag_bins[b + 1]!;
        const c = count(inBin);
        return {
          i_min: a,
          i_max: o.mag_bins[b + 1]!,
          count: c,
          purity: c ? count((i) => inBin(i) && inRange(i)) / c : null,
        };
      }),
      nz: {
        z_edges: Array.from({ length: nBins + 1 }, (_, b) => Number((b * width).toFixed(10))),
        selected,
        completeness: all.map((a, b) => (a ? selected[b]! / a : null)),
      },
    };
  });
  return {
    total: n,
    galaxies: count((i) => kind[i] === 0),
    main_sequence_stars: count((i) => kind[i] === 1),
    brown_dwarfs: count((i) => kind[i] === 2),
    samples,
  };
}

/**
 * Paths where `actual` (the YAML) differs from `expected`: numbers beyond the YAML's 6 significant digits
 * (relative 1e-5), other values, missing or extra keys. Empty when they agree.
 */
export function differences(expected: unknown, actual: unknown, path = ""): string[] {
  if (typeof expected === "number" && typeof actual === "number") {
    const ok = Math.abs(expected - actual) <= 1e-5 * Math.max(Math.abs(expected), Math.abs(actual)) + 1e-9;
    return ok ? [] : [`${path}: expected ${expected}, YAML has ${actual}`];
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length)
      return [`${path}: ${expected.length} entries expected, YAML has ${actual.length}`];
    return expected.flatMap((e, i) => differences(e, actual[i], `${path}[${i}]`));
  }
  if (expected && actual && typeof expected === "object" && typeof actual === "object") {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(e), ...Object.keys(a)])];
    return keys.flatMap((k) =>
      !(k in a)
        ? [`${path}.${k}: missing in the YAML`]
        : !(k in e)
          ? [`${path}.${k}: not recomputed`]
          : differences(e[k], a[k], `${path}.${k}`),
    );
  }
  return expected === actual
    ? []
    : [`${path}: expected ${JSON.stringify(expected)}, YAML has ${JSON.stringify(actual)}`];
}
