// The galaxy population of the mock catalog: how redshift, luminosity and spectral type are distributed
// before any selection. Two populations, each with a Schechter luminosity function in rest-frame B-band
// (AB) absolute magnitude in the volume of a flat ΛCDM universe (H0 = 70):
//
//   red (quiescent):   α = −0.6,  M* = −20.5 − 1.0 min(z, 1.5),  φ* = 3.5e-3 exp(−z²/1.4) Mpc⁻³
//   blue (forming):    α = −1.35, M* = −20.3 − 1.0 min(z, 1.2),  φ* = 5.0e-3 / (1 + (z/2.3)^2.5) Mpc⁻³
//
// Round values in the range of the DEEP2/COMBO-17 B-band functions of red and blue galaxies (Faber et al.
// 2007: red α ≈ −0.5, blue α ≈ −1.3, both M* brightening by ~1 mag per unit redshift, red φ* halving by
// z ≈ 1) continued to the UV luminosity functions of Lyman-break galaxies (Bouwens et al. 2015: at z ≈ 4,
// φ* ≈ 2e-3 Mpc⁻³ with M*_UV ≈ −21, φ* three times lower at z ≈ 5). An i < 25.3 catalog then has a median
// redshift near 1, ~45% red galaxies at i < 21 falling to ~4% at i > 24, and ~4% of objects at z > 3.
// The shallow faint end of the red function matters for LBG selection: red galaxies at z ≈ 0.3–0.5 are
// the interlopers of the g-dropout cuts, and a catalog 24 < i < 25.3 reaches them only as dwarfs
// (M_B ≈ −16.5), which are rare on the red sequence — while one luminosity function for all types (the
// earlier version of this mock) fills that magnitude range with faint red galaxies.
//
// Spectral types (sed.ts: 0 = elliptical … 1 = starburst): red galaxies are ellipticals that are younger
// (bluer) at higher redshift and, along the colour–magnitude relation, at lower luminosity; blue galaxies
// spread over Sbc … starburst, mostly spirals at low redshift and mostly irregulars and starbursts at
// z > 2, and bluer when fainter.
//
// Each galaxy also gets
//   - dust: blue galaxies an extra Calzetti E(B−V) drawn from an exponential of mean ebvMean · 2/(2 + z)
//     (cut at 0.6), red ones none. The templates are empirical (they already hold typical dust); the extra
//     E(B−V) is the spread around them, the dust axis of real populations: dusty star-forming galaxies look
//     older, the age–dust degeneracy photo-z codes face. Dust declines with redshift at fixed luminosity
//     (UV slopes bluer at higher z: Bouwens et al. 2014, ApJ 793, 115), so LBGs at z ≈ 4 keep β ≈ −1.7 … −2.1
//     (Bouwens et al.: β ≈ −1.9 at M_UV ≈ −21) while E(B−V) ≈ 0.1 on average at z ≈ 0 (Calzetti 2001, PASP
//     113, 1449: stellar E(B−V) ≈ 0.44 of the nebular one, ≈ 0.1–0.2);
//   - an emission-line strength: log-normal with `lineScatterDex` around 1 (sed.ts/emission-lines.ts);
//   - a half-light radius from the size–luminosity relations of Shen et al. (2003, MNRAS 343, 978, Table 1,
//     SDSS r band, M_r ≈ M_B − 0.8 here): late types log R = −0.4·0.21 M + 0.32 log10(1 + 10^{−0.4(M + 20.52)})
//     − 1.31, early types log R = −0.4·0.65 M − 5.06 (brighter than M_r = −20.5; the late-type slope
//     continues it fainter), R in kpc, with 0.2 dex scatter, shrinking as (1 + z)^{−1} at fixed luminosity
//     (Ferguson et al. 2004, ApJ 600, L107; Shibuya et al. 2015, ApJS 219, 15), seen at the angular-diameter
//     distance. It sets the aperture of the photometric errors (lsst.ts).
import { distanceTable, type DistanceTable } from "./cosmology.ts";
import type { Random } from "./random.ts";

interface Population {
  alpha: number;
  /** A second, steeper faint-end component: its α and its φ* relative to the first (a double Schechter). */
  faintAlpha?: number;
  faintRatio?: number;
  mStar(z: number): number;
  phiStar(z: number): number;
}

export const RED: Population = {
  alpha: -0.6,
  faintAlpha: -1.5,
  faintRatio: 0.05,
  mStar: (z) => -20.5 - 1.0 * Math.min(z, 1.5),
  phiStar: (z) => 3.5e-3 * Math.exp((-z * z) / 1.4),
};

export const BLUE: Population = {
  alpha: -1.35,
  mStar: (z) => -20.3 - 1.0 * Math.min(z, 1.2),
  phiStar: (z) => 5.0e-3 / (1 + (z / 2.3) ** 2.5),
};

/** x = M − M* is tabulated over [X_MIN, X_MAX]; brighter than X_MIN the Schechter density is negligible. */
const X_MIN = -4;
const X_MAX = 14;
/** No galaxy is fainter than this (nearby dwarfs below it would never matter for the catalog). */
const M_FAINTEST = -12;

/** Schechter density in x = M − M* (per magnitude, unnormalised). */
function schechter(alpha: number, x: number): number {
  const l = 10 ** (-0.4 * x);
  return l ** (alpha + 1) * Math.exp(-l);
}

/** Inverse-CDF sampler over a tabulated density. */
class Tabulated {
  private readonly cdf: Float64Array;

  constructor(
    private readonly x: Float64Array,
    density: ArrayLike<number>,
  ) {
    this.cdf = new Float64Array(x.length);
    for (let k = 1; k < x.length; k++) {
      this.cdf[k] = this.cdf[k - 1]! + ((density[k - 1]! + density[k]!) / 2) * (x[k]! - x[k - 1]!);
    }
  }

  /** Integral of the density from x[0] to v. */
  cumulative(v: number): number {
    return interp(this.x, this.cdf, v);
  }

  /** The x where the cumulative integral equals u · cumulative(upTo). */
  sample(u: number, upTo: number): number {
    return interp(this.cdf, this.x, u * this.cumulative(upTo));
  }
}

function interp(xs: Float64Array, ys: Float64Array, v: number): number {
  if (v <= xs[0]!) return ys[0]!;
  if (v >= xs[xs.length - 1]!) return ys[ys.length - 1]!;
  let lo = 0;
  let hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= v) lo = mid;
    else hi = mid;
  }
  const w = xs[hi] === xs[lo] ? 0 : (v - xs[lo]!) / (xs[hi]! - xs[lo]!);
  return ys[lo]! + w * (ys[hi]! - ys[lo]!);
}

export interface Galaxy {
  z: number;
  /** Absolute magnitude in the rest-frame reference band. */
  absMag: number;
  /** Spectral type, 0 = elliptical … 1 = starburst. */
  type: number;
  red: boolean;
  /** Calzetti E(B−V) beyond the template's own dust. */
  ebv: number;
  /** Emission-line strength relative to the Ilbert et al. ratios. */
  lines: number;
  /** Half-light radius (arcsec). */
  radius: number;
}

/** Per-galaxy property options of the population. */
export interface PopulationOptions {
  /** Mean extra E(B−V) of blue galaxies (exponential distribution). */
  ebvMean: number;
  /** Overall emission-line strength (1 = Ilbert et al. 2009, 0 = no lines). */
  lineScale: number;
  /** Log-normal scatter (dex) of the line strength. */
  lineScatterDex: number;
}

const EBV_MAX = 0.6;
const SIZE_SCATTER_DEX = 0.2;
const ARCSEC_PER_RADIAN = 206264.8;

/** Shen et al. (2003) half-light radius (kpc, z = 0) of an r-band absolute magnitude. */
export function shenRadius(mR: number, early: boolean): number {
  const late = -0.4 * 0.21 * mR + 0.32 * Math.log10(1 + 10 ** (-0.4 * (mR + 20.52))) - 1.31;
  if (!early) return 10 ** late;
  return 10 ** (mR <= -20.5 ? -0.4 * 0.65 * mR - 5.06 : 0.27 - 0.4 * 0.21 * (mR + 20.5));
}

export class GalaxyPopulation {
  readonly distances: DistanceTable;
  private readonly zSampler: Tabulated;
  private readonly xSamplers: Tabulated[];
  private readonly populations = [RED, BLUE];
  /** Per grid redshift: the faintest absolute magnitude drawn, and the red share of the galaxies drawn. */
  private readonly mFaint: Float64Array;
  private readonly redShare: Float64Array;

  /**
   * Galaxies that cannot be brighter than `apparentLimit` in the selection band are never drawn, so nearly
   * every draw is a candidate: `minOffset(z)` is the smallest apparent − (absolute + distance modulus)
   * magnitude in that band over all spectral types at redshift z (from the K-correction table).
   */
  constructor(
    readonly zMax: number,
    apparentLimit: number,
    minOffset: (z: number) => number,
    private readonly options: PopulationOptions = { ebvMean: 0, lineScale: 0, lineScatterDex: 0 },
  ) {
    this.distances = distanceTable(zMax, 0.01);
    const xs = Float64Array.from({ length: 1801 }, (_, k) => X_MIN + (k * (X_MAX - X_MIN)) / 1800);
    this.xSamplers = this.populations.map(
      (p) =>
        new Tabulated(
          xs,
          xs.map((x) => schechter(p.alpha, x) + (p.faintRatio ?? 0) * schechter(p.faintAlpha ?? p.alpha, x)),
        ),
    );
    const d = this.distances;
    this.mFaint = d.z.map((z) => {
      const zz = Math.max(z, 0.005);
      return Math.min(M_FAINTEST, apparentLimit - this.distanceModulus(zz) - minOffset(zz));
    });
    const counts = this.populations.map((p, q) =>
      d.z.map((z, k) => d.dVdz[k]! * p.phiStar(z) * this.xSamplers[q]!.cumulative(this.mFaint[k]! - p.mStar(z))),
    );
    const [red, blue] = counts as [Float64Array, Float64Array];
    this.redShare = d.z.map((_, k) => red[k]! / (red[k]! + blue[k]! || 1));
    // Number of galaxies per unit z (both populations, down to the faintest visible magnitude).
    this.zSampler = new Tabulated(
      d.z,
      red.map((c, k) => c + blue[k]!),
    );
  }

  draw(rng: Random): Galaxy {
    const z = Math.max(0.005, this.zSampler.sample(rng.uniform(), this.zMax));
    const k = Math.min(Math.round(z / 0.01), this.mFaint.length - 1);
    const red = rng.uniform() < this.redShare[k]!;
    const q = red ? 0 : 1;
    const p = this.populations[q]!;
    const x = this.xSamplers[q]!.sample(rng.uniform(), this.mFaint[k]! - p.mStar(z));
    const absMag = p.mStar(z) + x;
    const u = rng.uniform();
    const n = rng.normal();
    let type: number;
    if (red) {
      // Younger at high z, bluer when fainter (colour–magnitude relation), 0.03 intrinsic scatter.
      type = clamp(0.08 * Math.min(z, 2) + 0.02 * Math.max(x, -1) + 0.03 * Math.abs(n), 0, 0.3);
    } else {
      // Sbc … starburst: spread over the range at low z, concentrated on the blue end at high z.
      type = clamp(0.3 + 0.7 * u ** (1.3 / (1 + z)) + 0.02 * Math.max(x, 0), 0.3, 1);
    }
    const o = this.options;
    const ebvMean = (o.ebvMean * 2) / (2 + z); // dust declines with redshift at fixed luminosity
    const ebv = red || ebvMean <= 0 ? 0 : Math.min(-ebvMean * Math.log(1 - rng.uniform()), EBV_MAX);
    const lines = o.lineScale > 0 ? o.lineScale * 10 ** (o.lineScatterDex * rng.normal()) : 0;
    return { z, absMag, type, red, ebv, lines, radius: 0 };
  }

  /** Draws the galaxy's half-light radius (arcsec) into g.radius: separate, as only kept galaxies need one. */
  drawRadius(g: Galaxy, rng: Random): void {
    const kpc = (shenRadius(g.absMag - 0.8, g.red) * 10 ** (SIZE_SCATTER_DEX * rng.normal())) / (1 + g.z);
    g.radius = (kpc / 1000 / this.angularDiameterDistance(g.z)) * ARCSEC_PER_RADIAN;
  }

  /** Angular-diameter distance (Mpc): D_L / (1 + z)², D_L from the distance modulus. */
  angularDiameterDistance(z: number): number {
    return 10 ** ((this.distanceModulus(z) - 25) / 5) / (1 + z) ** 2;
  }

  distanceModulus(z: number): number {
    const f = z / 0.01;
    const k = Math.min(Math.floor(f), this.distances.z.length - 2);
    const w = f - k;
    const dm = this.distances.distanceModulus;
    return k === 0 ? dm[1]! + 5 * Math.log10(Math.max(f, 1e-3)) : (1 - w) * dm[k]! + w * dm[k + 1]!;
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}
