// Standard photo-z quality metrics on Δz = (z_phot − z_true) / (1 + z_true):
//   bias = median(Δz), σ_NMAD = 1.4826 · median(|Δz − median(Δz)|), outlier fraction = fraction with |Δz| > threshold.
// The median of an even number of values is the mean of the two middle ones.

export interface PhotozMetrics {
  count: number;
  bias: number;
  sigma_nmad: number;
  outlier_fraction: number;
}

export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return NaN;
  const s = Float64Array.from(values).sort();
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

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
    dz[i] = (zPhot[i] - zTrue[i]) / (1 + zTrue[i]);
    if (Math.abs(dz[i]) > outlierThreshold) outliers++;
  }
  const bias = median(dz);
  const absdev = dz.map((d) => Math.abs(d - bias));
  return { count: n, bias, sigma_nmad: 1.4826 * median(absdev), outlier_fraction: n ? outliers / n : NaN };
}
