// Analytic galaxy spectra and synthetic LSST photometry for the mock catalog.
//
// A spectrum is a continuous family f_ν(λ_rest; t), t ∈ [0, 1] from a passive elliptical (t = 0) to a
// young starburst (t = 1): a power law f_ν ∝ λ^p_opt redward of 4000 Å, a 4000 Å/Balmer break of D(t) mag,
// a UV power law λ^p_uv below 3650 Å, and no flux below the Lyman limit (912 Å, absorbed by neutral hydrogen
// inside the galaxy). Intergalactic absorption follows Madau (1995): each Lyman-series line j blanketing
// the observed frame blueward of λ_j (1+z) with τ_j = A_j (λ_obs/λ_j)^3.46. Together these move the flux
// deficit through u at z ≈ 3 and through g at z ≈ 4, which is what makes u- and g-dropouts (LBGs).
//
// Bands are smooth top-hats close to LSST's ugrizy; magnitudes are photon-counting AB magnitudes,
// m = −2.5 log10(∫ f_ν T dλ/λ / ∫ T dλ/λ) up to a constant that cancels in colours.
import type { Band } from "./lsst.ts";
import { BANDS } from "./lsst.ts";

/** Band edges (Å) of the top-hat approximations; edges are smoothed over ±EDGE_WIDTH. */
export const BAND_EDGES: Record<Band, [number, number]> = {
  u: [3300, 4000],
  g: [4000, 5500],
  r: [5500, 6900],
  i: [6900, 8200],
  z: [8200, 9250],
  y: [9300, 10500],
};
const EDGE_WIDTH = 60;
/** Rest-frame reference band of absolute magnitudes (a B-like top-hat). */
const REFERENCE_BAND: [number, number] = [3900, 4900];

const LYMAN_SERIES: [number, number][] = [
  [1215.67, 0.0036],
  [1025.72, 0.0017],
  [972.54, 0.0011834],
  [949.74, 0.00093],
];

/** Shape parameters of spectral type t: optical slope, 4000 Å break depth (mag), UV slope. */
function typeParameters(t: number): { pOpt: number; breakMag: number; pUv: number } {
  return {
    pOpt: 2.5 - 2.2 * t, // optical slope of f_ν: red (E) → nearly flat (starburst)
    breakMag: 1.1 - 0.95 * t, // 4000 Å break depth in magnitudes
    pUv: 4.0 - 3.7 * t, // UV slope: steep fall-off (E) → flat f_ν, β ≈ −2 (starburst)
  };
}

const LN_5500 = Math.log(5500);
const LN_4000 = Math.log(4000);
const LN_3650 = Math.log(3650);
const LN_912 = Math.log(912);

/** ln f_ν (arbitrary units) of type parameters at rest wavelength e^lnLambda; −∞ below the Lyman limit. */
function logSed(lnLambda: number, p: { pOpt: number; breakMag: number; pUv: number }): number {
  if (lnLambda < LN_912) return -Infinity;
  const breakLn = 0.4 * Math.LN10 * p.breakMag;
  if (lnLambda >= LN_4000) return p.pOpt * (lnLambda - LN_5500);
  if (lnLambda >= LN_3650) {
    const s = (4000 - Math.exp(lnLambda)) / 350; // the break develops over 4000 → 3650 Å
    return p.pOpt * (lnLambda - LN_5500) - breakLn * s;
  }
  return p.pOpt * (LN_3650 - LN_5500) - breakLn + p.pUv * (lnLambda - LN_3650);
}

/** Rest-frame f_ν (arbitrary units) of spectral type t. */
export function restSed(lambda: number, t: number): number {
  return Math.exp(logSed(Math.log(lambda), typeParameters(t)));
}

/** Madau (1995) Lyman-series transmission of the intergalactic medium at observed wavelength λ_obs. */
export function igmTransmission(lambdaObs: number, z: number): number {
  let tau = 0;
  for (const [lj, a] of LYMAN_SERIES) if (lambdaObs < lj * (1 + z)) tau += a * (lambdaObs / lj) ** 3.46;
  return Math.exp(-tau);
}

function topHat(lambda: number, lo: number, hi: number): number {
  const rise = 1 / (1 + Math.exp(-(lambda - lo) / (EDGE_WIDTH / 4)));
  const fall = 1 / (1 + Math.exp((lambda - hi) / (EDGE_WIDTH / 4)));
  return rise * fall;
}

/**
 * Tabulated K-corrections: for each spectral type t_k and redshift z_j, the apparent magnitude in each band
 * minus (absolute reference-band magnitude + distance modulus). Bilinear interpolation in (t, z) is then a
 * few operations per object.
 */
export class ColourTable {
  readonly nT: number;
  readonly nZ: number;
  /** [band][t][z] flattened: offsets[(b * nT + k) * nZ + j]. */
  private readonly offsets: Float64Array;

  constructor(
    readonly zMax: number,
    readonly dz: number,
    nTypes: number,
  ) {
    this.nT = nTypes;
    this.nZ = Math.ceil(zMax / dz) + 1;
    this.offsets = new Float64Array(BANDS.length * this.nT * this.nZ);
    const lambdas: number[] = [];
    for (let l = 3000; l <= 11000; l += 25) lambdas.push(l);
    const lnLambdas = lambdas.map(Math.log);
    const weights = BANDS.map((b) => lambdas.map((l) => topHat(l, BAND_EDGES[b][0], BAND_EDGES[b][1]) / l));
    const norms = weights.map((w) => w.reduce((s, x) => s + x, 0));
    const types = Array.from({ length: this.nT }, (_, k) => typeParameters(this.nT === 1 ? 0.5 : k / (this.nT - 1)));
    const refMag = types.map((p) => {
      let ref = 0;
      let refNorm = 0;
      for (let l = REFERENCE_BAND[0]; l <= REFERENCE_BAND[1]; l += 10) {
        ref += Math.exp(logSed(Math.log(l), p)) / l;
        refNorm += 1 / l;
      }
      return -2.5 * Math.log10(ref / refNorm);
    });
    const f = new Float64Array(lambdas.length);
    for (let j = 0; j < this.nZ; j++) {
      const z = j * dz;
      const ln1z = Math.log(1 + z);
      const igm = lambdas.map((l) => igmTransmission(l, z)); // independent of type: once per redshift
      for (let k = 0; k < this.nT; k++) {
        for (let q = 0; q < lambdas.length; q++) f[q] = Math.exp(logSed(lnLambdas[q] - ln1z, types[k])) * igm[q];
        for (let b = 0; b < BANDS.length; b++) {
          let s = 0;
          const w = weights[b];
          for (let q = 0; q < lambdas.length; q++) s += f[q] * w[q];
          // f_ν of a source at z seen through a band, relative to its rest-frame reference magnitude;
          // −2.5 log10(1+z) is the bandwidth compression of f_ν for AB magnitudes.
          const m = s > 0 ? -2.5 * Math.log10(s / norms[b]) : 99;
          this.offsets[(b * this.nT + k) * this.nZ + j] = Math.min(99, m - refMag[k] - 2.5 * Math.log10(1 + z));
        }
      }
    }
  }

  /** Apparent minus (absolute + distance modulus) magnitude in band index b for type t and redshift z. */
  offset(b: number, t: number, z: number): number {
    const ft = Math.min(Math.max(t, 0), 1) * (this.nT - 1);
    const fz = Math.min(Math.max(z / this.dz, 0), this.nZ - 1);
    const k0 = Math.min(Math.floor(ft), this.nT - 2);
    const j0 = Math.min(Math.floor(fz), this.nZ - 2);
    const wt = ft - k0;
    const wz = fz - j0;
    const base = b * this.nT;
    const at = (k: number, j: number) => this.offsets[(base + k) * this.nZ + j];
    return (
      (1 - wt) * ((1 - wz) * at(k0, j0) + wz * at(k0, j0 + 1)) + wt * ((1 - wz) * at(k0 + 1, j0) + wz * at(k0 + 1, j0 + 1))
    );
  }
}
