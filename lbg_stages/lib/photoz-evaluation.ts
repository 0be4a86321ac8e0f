// EvaluatePhotoz's numbers: the metrics of photoz-metrics.ts for the held-out test set (as before: the
// top-level keys and `bins` of true redshift) and for the target catalog against its truth, where the
// example is hard: every galaxy of the photometric catalog except the training objects (which would get
// their own redshift back), in bins of i magnitude and of true redshift, with stars counted apart.
// The PIT histogram is given for whole samples and magnitude bins only: binning by the true redshift
// conditions on the quantity the PDF is about, which skews the PIT of even perfect PDFs.
import type { YamlValue } from "#lbg/catalog";
import { QUANTILE_COLUMNS } from "./knn-photoz.ts";
import {
  COVERAGE_INTERVALS,
  coverage,
  median,
  photozMetrics,
  pitHistogram,
  type PhotozMetrics,
} from "./photoz-metrics.ts";

/** Estimate columns EvaluatePhotoz reads besides the point estimate. */
export const INTERVAL_COLUMNS: readonly string[] = [
  ...new Set([...COVERAGE_INTERVALS.flatMap((c) => [c.lo, c.hi]), ...QUANTILE_COLUMNS]),
];

/** Estimates and truths of one sample, matched row by row. */
export interface EvaluatedSample {
  zTrue: Float64Array;
  zPhot: Float64Array;
  /** Interval and quantile columns by name (INTERVAL_COLUMNS). */
  columns: Record<string, Float64Array>;
  /** i magnitudes (target catalog only). */
  mag?: Float64Array;
}

export interface EvaluationOptions {
  outlierThreshold: number;
  zBins: number[];
  magBins: number[];
}

/** YAML for a number that may be NaN (an empty bin): null. */
const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

function metricsYaml(m: PhotozMetrics): Record<string, YamlValue> {
  return {
    count: m.count,
    bias: num(m.bias),
    sigma_nmad: num(m.sigma_nmad),
    sigma_iqr: num(m.sigma_iqr),
    outlier_fraction: num(m.outlier_fraction),
    outlier_fraction_3sigma: num(m.outlier_fraction_3sigma),
  };
}

function take(values: Float64Array, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

/** Point metrics, coverage and (withPit) the PIT histogram of the rows of a sample. */
function rowsYaml(
  s: EvaluatedSample,
  rows: readonly number[],
  o: EvaluationOptions,
  withPit: boolean,
): Record<string, YamlValue> {
  const zTrue = take(s.zTrue, rows);
  const out = metricsYaml(photozMetrics(take(s.zPhot, rows), zTrue, o.outlierThreshold));
  for (const c of COVERAGE_INTERVALS) {
    const key = `coverage_${Math.round(c.level * 100)}`;
    out[key] = num(coverage(zTrue, take(s.columns[c.lo]!, rows), take(s.columns[c.hi]!, rows)));
  }
  if (withPit) {
    const pit = pitHistogram(
      zTrue,
      QUANTILE_COLUMNS.map((c) => take(s.columns[c]!, rows)),
    );
    out.pit = rows.length ? pit : null;
  }
  return out;
}

const all = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Rows whose value lies in [lo, hi). */
function inBin(values: Float64Array, lo: number, hi: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i]! >= lo && values[i]! < hi) rows.push(i);
  return rows;
}

/** Edges of the PIT histogram bins. */
export const PIT_EDGES: readonly number[] = Array.from({ length: QUANTILE_COLUMNS.length + 2 }, (_, k) =>
  Number((k / (QUANTILE_COLUMNS.length + 1)).toFixed(4)),
);

/** The test set's section: the keys EvaluatePhotoz always wrote, plus σ_IQR, 3σ outliers, coverage and PIT. */
export function testSetYaml(test: EvaluatedSample, o: EvaluationOptions): Record<string, YamlValue> {
  const bins: YamlValue[] = [];
  for (let b = 0; b + 1 < o.zBins.length; b++) {
    const lo = o.zBins[b]!;
    const hi = o.zBins[b + 1]!;
    bins.push({ z_min: lo, z_max: hi, ...rowsYaml(test, inBin(test.zTrue, lo, hi), o, false) });
  }
  return { ...rowsYaml(test, all(test.zTrue.length), o, true), bins };
}

export interface TargetCounts {
  catalog: number;
  training: number;
  stars: number;
  /** Photo-z of the stars (evaluated apart: their true redshift is 0). */
  starZPhot: Float64Array;
}

/** The target catalog's section: whole sample, magnitude bins and true-redshift bins. */
export function targetYaml(
  target: EvaluatedSample,
  counts: TargetCounts,
  o: EvaluationOptions,
): Record<string, YamlValue> {
  const mag = target.mag;
  if (!mag) throw new Error("target sample needs magnitudes");
  const magBins: YamlValue[] = [];
  for (let b = 0; b + 1 < o.magBins.length; b++) {
    const lo = o.magBins[b]!;
    const hi = o.magBins[b + 1]!;
    magBins.push({ i_min: lo, i_max: hi, ...rowsYaml(target, inBin(mag, lo, hi), o, true) });
  }
  const zBins: YamlValue[] = [];
  for (let b = 0; b + 1 < o.zBins.length; b++) {
    const lo = o.zBins[b]!;
    const hi = o.zBins[b + 1]!;
    zBins.push({ z_min: lo, z_max: hi, ...rowsYaml(target, inBin(target.zTrue, lo, hi), o, false) });
  }
  const starZ = counts.starZPhot;
  let starsHigh = 0;
  for (let i = 0; i < starZ.length; i++) if (starZ[i]! > 1) starsHigh++;
  return {
    catalog_objects: counts.catalog,
    excluded_training: counts.training,
    excluded_stars: counts.stars,
    ...rowsYaml(target, all(target.zTrue.length), o, true),
    mag_bins: magBins,
    z_bins: zBins,
    stars: {
      count: starZ.length,
      median_z_phot: starZ.length ? num(median(starZ)) : null,
      fraction_z_phot_above_1: starZ.length ? starsHigh / starZ.length : null,
    },
  };
}
