// Turning the k nearest training neighbours of an object into a redshift estimate and PDF summary.
// Neighbours are weighted by inverse distance in feature space. The PDF is the weighted kernel density
// of the neighbours' redshifts (Gaussian kernels of width kernelWidth·(1+z)); its mode is searched among
// the neighbours' redshifts (no grid; kernels cut at 5σ). Quantiles come from the weighted empirical CDF.

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
  // Neighbours sorted by redshift (insertion sort: n is small), ties by position.
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
  // Mode of the weighted kernel density, evaluated at each neighbour's redshift. Kernels are cut at 5σ
  // (a relative contribution below 4e-6), so with the neighbours in redshift order each evaluation only
  // scans the neighbours within reach.
  let zMode = zs[order[0]];
  let best = -1;
  for (let a = 0; a < n; a++) {
    const za = zs[order[a]];
    const s = kernelWidth * (1 + za);
    const inv = 1 / (2 * s * s);
    const reach = 5 * s;
    let dens = 0;
    for (let b = a; b >= 0 && za - zs[order[b]] <= reach; b--) {
      const dz = zs[order[b]] - za;
      dens += w[order[b]] * Math.exp(-dz * dz * inv);
    }
    for (let b = a + 1; b < n && zs[order[b]] - za <= reach; b++) {
      const dz = zs[order[b]] - za;
      dens += w[order[b]] * Math.exp(-dz * dz * inv);
    }
    dens /= s;
    if (dens > best) {
      best = dens;
      zMode = za;
    }
  }
  // Weighted quantiles from the cumulative weights in redshift order.
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
