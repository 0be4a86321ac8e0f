// The galaxy population of the mock catalog: how redshift, luminosity and spectral type are distributed
// before any selection. Luminosities follow a Schechter function (in reference-band absolute magnitude)
// whose characteristic magnitude brightens and whose normalisation falls with redshift, in the volume of
// a flat ΛCDM universe; blue star-forming types dominate more and more towards high redshift.
// The numbers are round values in the range of published B-band and UV luminosity functions, tuned so that
// an i < 25.3 sample has a median redshift near 1 and a tail of Lyman-break galaxies out to z ≈ 5.
import { distanceTable, type DistanceTable } from "./cosmology.ts";
import type { Random } from "./random.ts";

const ALPHA = -1.3;
/** x = M − M* spans [X_MIN, M_FAINT − M*]: galaxies fainter than M_FAINT never reach the catalog depth. */
const X_MIN = -3.5;
const M_FAINT = -15.5;

export function mStar(z: number): number {
  return -20.6 - 0.6 * Math.min(z, 2.5);
}

function phiStar(z: number): number {
  return Math.exp(-z / 1.6);
}

/** Schechter density in x = M − M* (per magnitude, unnormalised). */
function schechter(x: number): number {
  const l = 10 ** (-0.4 * x);
  return l ** (ALPHA + 1) * Math.exp(-l);
}

/** Inverse-CDF sampler over a tabulated density. */
class Tabulated {
  private readonly cdf: Float64Array;

  constructor(
    private readonly x: Float64Array,
    density: (x: number) => number,
  ) {
    this.cdf = new Float64Array(x.length);
    for (let k = 1; k < x.length; k++) {
      this.cdf[k] = this.cdf[k - 1] + ((density(x[k - 1]) + density(x[k])) / 2) * (x[k] - x[k - 1]);
    }
  }

  /** Integral of the density from x[0] to v. */
  cumulative(v: number): number {
    return this.interp(this.x, this.cdf, v);
  }

  /** The x where the cumulative integral equals u · total(upTo). */
  sample(u: number, upTo = Infinity): number {
    const total = upTo === Infinity ? this.cdf[this.cdf.length - 1] : this.cumulative(upTo);
    return this.interp(this.cdf, this.x, u * total);
  }

  private interp(xs: Float64Array, ys: Float64Array, v: number): number {
    if (v <= xs[0]) return ys[0];
    if (v >= xs[xs.length - 1]) return ys[ys.length - 1];
    let lo = 0;
    let hi = xs.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] <= v) lo = mid;
      else hi = mid;
    }
    const w = xs[hi] === xs[lo] ? 0 : (v - xs[lo]) / (xs[hi] - xs[lo]);
    return ys[lo] + w * (ys[hi] - ys[lo]);
  }
}

export interface Galaxy {
  z: number;
  /** Absolute magnitude in the rest-frame reference band. */
  absMag: number;
  /** Spectral type, 0 = elliptical … 1 = starburst. */
  type: number;
}

export class GalaxyPopulation {
  readonly distances: DistanceTable;
  private readonly zSampler: Tabulated;
  private readonly xSampler: Tabulated;

  constructor(readonly zMax: number) {
    this.distances = distanceTable(zMax, 0.01);
    const xs = Float64Array.from({ length: 1201 }, (_, k) => X_MIN + (k * (M_FAINT + 25 - X_MIN)) / 1200);
    this.xSampler = new Tabulated(xs, schechter);
    // Number of galaxies per unit z: volume × φ*(z) × the Schechter integral down to M_FAINT.
    const d = this.distances;
    this.zSampler = new Tabulated(d.z, (z) => {
      const k = Math.round(z / 0.01);
      return d.dVdz[k] * phiStar(z) * this.xSampler.cumulative(M_FAINT - mStar(z));
    });
  }

  draw(rng: Random): Galaxy {
    const z = Math.max(0.005, this.zSampler.sample(rng.uniform()));
    const absMag = mStar(z) + this.xSampler.sample(rng.uniform(), M_FAINT - mStar(z));
    const redFraction = 0.4 * Math.exp(-z / 1.0);
    const u = rng.uniform();
    const type = rng.uniform() < redFraction ? 0.25 * u : 0.3 + 0.7 * u ** (1 / (1 + z / 2));
    return { z, absMag, type };
  }

  distanceModulus(z: number): number {
    const f = z / 0.01;
    const k = Math.min(Math.floor(f), this.distances.z.length - 2);
    const w = f - k;
    const dm = this.distances.distanceModulus;
    return k === 0 ? dm[1] + 5 * Math.log10(Math.max(f, 1e-3)) : (1 - w) * dm[k] + w * dm[k + 1];
  }
}
