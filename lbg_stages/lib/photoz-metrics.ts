// Standard photo-z quality metrics on Δz = (z_phot − z_true) / (1 + z_true), as in the LSST Science Book
// (§3.8) and RAIL's point-estimate metrics (rail.evaluation.metrics.pointestimates):
//   bias = median(Δz), σ_NMAD = 1.4826 · median(|Δz − median(Δz)|), σ_IQR = (P75 − P25) / 1.349,
//   outlier fraction = fraction with |Δz| > threshold (0.15 by default),
//   3σ outlier fraction = fraction with |Δz| > max(0.06, 3 σ_IQR) (the Science Book's catastrophic outliers).
// Medians of an even number of values are the mean of the two middle ones; percentiles interpolate linearly
// between order statistics (numpy's default), so numpy reproduces every number.
// The PDF is judged by the PIT, the CDF of each object's PDF at its true redshift (Polsterer et al. 2016;
// Schmidt et al. 2020, MNRAS 499, 1587): for calibrated PDFs it is uniform, so the fraction of objects
// inside the central 68/90/95 % intervals (the coverage) is 0.68/0.90/0.95. The PDFs here are stored as
// quantiles at 5 % steps (knn-photoz.ts), which gives the PIT histogram in 20 bins exactly.

export interface PhotozMetrics {
  count: number;
  bias: number;
  sigma_nmad: number;
  sigma_iqr: number;
  outlier_fraction: number;
  outlier_fraction_3sigma: number;
}

/** Sorted copy of the finite values. */
function sorted(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Percentile q ∈ [0, 1] of sorted values, linear between order statistics (numpy's default); NaN when empty. */
export function quantileOfSorted(s: ArrayLike<number>, q: number): number {
  const n = s.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

export function median(values: ArrayLike<number>): number {
  const s = sorted(values);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** The metrics of matched estimates and truths (NaN where a metric needs at least one object). */
export function photozMetrics(
  zPhot: ArrayLike<number>,
  zTrue: ArrayLike<number>,
  outlierThreshold: number,
): PhotozMetrics {
  const n = zTrue.length;
  if (zPhot.length !== n) throw new Error(`photo-z metrics: ${zPhot.length} estimates for ${n} true redshifts`);
  const dz = new Float64Array(n);
  let outliers = 0;
  for (let i = 0; i < n; i++) {
    const d = (zPhot[i]! - zTrue[i]!) / (1 + zTrue[i]!);
    dz[i] = d;
    if (Math.abs(d) > outlierThreshold) outliers++;
  }
  const bias = median(dz);
  const sigmaNmad = 1.4826 * median(dz.map((d) => Math.abs(d - bias)));
  const s = sorted(dz);
  const sigmaIqr = (quantileOfSorted(s, 0.75) - quantileOfSorted(s, 0.25)) / 1.349;
  const cut = Math.max(0.06, 3 * sigmaIqr);
  let catastrophic = 0;
  for (let i = 0; i < n; i++) if (Math.abs(dz[i]!) > cut) catastrophic++;
  return {
    count: n,
    bias,
    sigma_nmad: sigmaNmad,
    sigma_iqr: sigmaIqr,
    outlier_fraction: n ? outliers / n : NaN,
    outlier_fraction_3sigma: n ? catastrophic / n : NaN,
  };
}

/** Central intervals whose coverage is reported, with the quantile columns bounding them. */
export const COVERAGE_INTERVALS: readonly { level: number; lo: string; hi: string }[] = [
  { level: 0.68, lo: "z_lo68", hi: "z_hi68" },
  { level: 0.9, lo: "z_q05", hi: "z_q95" },
  { level: 0.95, lo: "z_lo95", hi: "z_hi95" },
];

/** Fraction of objects with lo ≤ z_true ≤ hi (NaN when there are none). */
export function coverage(zTrue: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>): number {
  let inside = 0;
  for (let i = 0; i < zTrue.length; i++) if (zTrue[i]! >= lo[i]! && zTrue[i]! <= hi[i]!) inside++;
  return zTrue.length ? inside / zTrue.length : NaN;
}

/**
 * PIT histogram from stored quantiles: `quantiles[k]` holds every object's quantile at level (k+1)/(K+1);
 * an object falls in bin k (PIT in [k/(K+1), (k+1)/(K+1))) when quantiles[k−1] ≤ z_true < quantiles[k].
 * Returns the fraction of objects per bin (K+1 bins; zeros when there are no objects).
 */
export function pitHistogram(zTrue: ArrayLike<number>, quantiles: readonly ArrayLike<number>[]): number[] {
  const counts = new Array<number>(quantiles.length + 1).fill(0);
  for (let i = 0; i < zTrue.length; i++) {
    const z = zTrue[i]!;
    let k = 0;
    while (k < quantiles.length && z >= quantiles[k]![i]!) k++;
    counts[k]!++;
  }
  return counts.map((c) => (zTrue.length ? c / zTrue.length : 0));
}
