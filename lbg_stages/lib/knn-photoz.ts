// Turning the k nearest training neighbours of an object into a redshift estimate and PDF summary.
// Neighbours are weighted by inverse distance in feature space. The PDF is the weighted kernel density
// of the neighbours' redshifts (Gaussian kernels of width kernelWidth·(1+z)); its mode is searched among
// the neighbours' redshifts (no grid; kernels cut at 5σ). Quantiles come from the weighted empirical CDF.
// Besides the usual 68 % / 95 % intervals the PDF is stored as its quantiles at 5 % steps (qp's quantile
// parameterisation, Malz et al. 2018, AJ 156, 35), from which EvaluatePhotoz counts the PIT histogram
// exactly: z_true falls between the quantiles q_k and q_{k+1} exactly when its PIT lies in [k/20, (k+1)/20).

/** The stored quantile levels 0.05, 0.10, …, 0.95. */
export const PDF_QUANTILES: readonly number[] = Array.from({ length: 19 }, (_, k) => (k + 1) / 20);
/** Column name of a stored quantile: z_q05 … z_q95. */
export const quantileColumn = (q: number): string => `z_q${String(Math.round(q * 100)).padStart(2, "0")}`;
export const QUANTILE_COLUMNS: readonly string[] = PDF_QUANTILES.map(quantileColumn);

export interface KnnSummary {
  zMode: number;
  zMean: number;
  zMedian: number;
  /** 16th/84th and 2.5th/97.5th percentiles. */
  zLo68: number;
  zHi68: number;
  zLo95: number;
  zHi95: number;
}

/** Every quantile level summariseNeighbours evaluates, increasing: the PDF quantiles and the intervals'. */
const LEVELS: readonly number[] = [...new Set([...PDF_QUANTILES, 0.025, 0.16, 0.5, 0.84, 0.975])].sort((a, b) => a - b);
const AT = (q: number) => LEVELS.indexOf(q);
const [AT_025, AT_16, AT_50, AT_84, AT_975] = [AT(0.025), AT(0.16), AT(0.5), AT(0.84), AT(0.975)];
const AT_PDF = PDF_QUANTILES.map(AT);

/**
 * Summary of neighbours (redshifts zs[0..n), squared distances d2[0..n)); the PDF_QUANTILES go to
 * `quantiles`. `scratch` needs ≥ 4n + LEVELS.length entries: weights, redshifts and weights in redshift order,
 * cumulative weights, quantiles.
 */
export function summariseNeighbours(
  zs: Float64Array,
  d2: Float64Array,
  n: number,
  kernelWidth: number,
  scratch: Float64Array,
  order: Int32Array,
  quantiles: Float64Array,
): KnnSummary {
  const w = scratch;
  let wsum = 0;
  let zsum = 0;
  for (let j = 0; j < n; j++) {
    const wj = 1 / (Math.sqrt(d2[j]!) + 1e-3);
    w[j] = wj;
    wsum += wj;
    zsum += wj * zs[j]!;
  }
  // Neighbours sorted by redshift (insertion sort: n is small), ties by position.
  for (let j = 0; j < n; j++) order[j] = j;
  for (let j = 1; j < n; j++) {
    const o = order[j]!;
    let i = j - 1;
    while (i >= 0 && (zs[order[i]!]! > zs[o]! || (zs[order[i]!] === zs[o] && order[i]! > o))) {
      order[i + 1] = order[i]!;
      i--;
    }
    order[i + 1] = o;
  }
  // Redshifts (sz = scratch[n ..]) and weights (sw = scratch[2n ..]) in that order.
  const sz = n;
  const sw = 2 * n;
  for (let j = 0; j < n; j++) {
    scratch[sz + j] = zs[order[j]!]!;
    scratch[sw + j] = w[order[j]!]!;
  }
  // Mode of the weighted kernel density, evaluated at each neighbour's redshift. Kernels are cut at 5σ
  // (a relative contribution below 4e-6), so with the neighbours in redshift order each evaluation only
  // scans the neighbours within reach.
  let zMode = scratch[sz]!;
  let best = -1;
  for (let a = 0; a < n; a++) {
    const za = scratch[sz + a]!;
    const s = kernelWidth * (1 + za);
    const inv = 1 / (2 * s * s);
    const reach = 5 * s;
    let dens = 0;
    for (let b = a; b >= 0; b--) {
      const dz = scratch[sz + b]! - za;
      if (-dz > reach) break;
      dens += scratch[sw + b]! * Math.exp(-dz * dz * inv);
    }
    for (let b = a + 1; b < n; b++) {
      const dz = scratch[sz + b]! - za;
      if (dz > reach) break;
      dens += scratch[sw + b]! * Math.exp(-dz * dz * inv);
    }
    dens /= s;
    if (dens > best) {
      best = dens;
      zMode = za;
    }
  }
  // Weighted quantiles from the cumulative weights in redshift order (midpoint rule: each neighbour's weight
  // centred on its redshift), all levels in one pass as they increase.
  const cum = 3 * n;
  let acc = 0;
  for (let j = 0; j < n; j++) {
    const wj = scratch[sw + j]!;
    acc += wj;
    scratch[cum + j] = acc - wj / 2;
  }
  const out = 4 * n;
  let j = 1;
  for (let l = 0; l < LEVELS.length; l++) {
    const target = LEVELS[l]! * wsum;
    let value: number;
    if (target <= scratch[cum]!) value = scratch[sz]!;
    else {
      while (j < n && scratch[cum + j]! < target) j++;
      if (j >= n) value = scratch[sz + n - 1]!;
      else {
        const c0 = scratch[cum + j - 1]!;
        const f = (target - c0) / (scratch[cum + j]! - c0);
        value = scratch[sz + j - 1]! + f * (scratch[sz + j]! - scratch[sz + j - 1]!);
      }
    }
    scratch[out + l] = value;
  }
  for (let k = 0; k < AT_PDF.length; k++) quantiles[k] = scratch[out + AT_PDF[k]!]!;
  return {
    zMode,
    zMean: zsum / wsum,
    zMedian: scratch[out + AT_50]!,
    zLo68: scratch[out + AT_16]!,
    zHi68: scratch[out + AT_84]!,
    zLo95: scratch[out + AT_025]!,
    zHi95: scratch[out + AT_975]!,
  };
}

/** Scratch entries summariseNeighbours needs for k neighbours. */
export const scratchSize = (k: number): number => 4 * k + LEVELS.length;
