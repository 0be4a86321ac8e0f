// Turning the k nearest training neighbours of an object into a redshift estimate and PDF summary.
// Neighbours are weighted by inverse distance in feature space. The PDF is the weighted kernel density
// of the neighbours' redshifts (Gaussian kernels of width kernelWidth·(1+z)); its mode is searched among
// the neighbours' redshifts (k² work, no grid). Quantiles come from the weighted empirical CDF.

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

/** Summary of neighbours (redshifts zs[0..n), squared distances d2[0..n)). `scratch` needs ≥ 2n entries. */
export function summariseNeighbours(
  zs: Float64Array,
  d2: Float64Array,
  n: number,
  kernelWidth: number,
  scratch: Float64Array,
  order: Int32Array,
): KnnSummary {
  const w = scratch;
  let wsum = 0;
  let zsum = 0;
  for (let j = 0; j < n; j++) {
    w[j] = 1 / (Math.sqrt(d2[j]) + 1e-3);
    wsum += w[j];
    zsum += w[j] * zs[j];
  }
  // Mode of the weighted kernel density, evaluated at each neighbour's redshift.
  let zMode = zs[0];
  let best = -1;
  for (let a = 0; a < n; a++) {
    const s = kernelWidth * (1 + zs[a]);
    const inv = 1 / (2 * s * s);
    let dens = 0;
    for (let b = 0; b < n; b++) {
      const dz = zs[b] - zs[a];
      dens += w[b] * Math.exp(-dz * dz * inv);
    }
    dens /= s;
    if (dens > best || (dens === best && zs[a] < zMode)) {
      best = dens;
      zMode = zs[a];
    }
  }
  // Weighted quantiles: neighbours sorted by redshift (insertion sort: n is small).
  for (let j = 0; j < n; j++) order[j] = j;
  for (let j = 1; j < n; j++) {
    const o = order[j];
    let i = j - 1;
    while (i >= 0 && (zs[order[i]] > zs[o] || (zs[order[i]] === zs[o] && order[i] > o))) {
      order[i + 1] = order[i];
      i--;
    }
    order[i + 1] = o;
  }
  const cum = scratch.subarray(n, 2 * n);
  let acc = 0;
  for (let j = 0; j < n; j++) {
    acc += w[order[j]];
    cum[j] = acc - w[order[j]] / 2; // midpoint rule: each neighbour's weight centred on its redshift
  }
  const quantile = (q: number) => {
    const target = q * wsum;
    if (target <= cum[0]) return zs[order[0]];
    for (let j = 1; j < n; j++) {
      if (cum[j] >= target) {
        const f = (target - cum[j - 1]) / (cum[j] - cum[j - 1]);
        return zs[order[j - 1]] + f * (zs[order[j]] - zs[order[j - 1]]);
      }
    }
    return zs[order[n - 1]];
  };
  return {
    zMode,
    zMean: zsum / wsum,
    zMedian: quantile(0.5),
    zLo68: quantile(0.16),
    zHi68: quantile(0.84),
    zLo95: quantile(0.025),
    zHi95: quantile(0.975),
  };
}
