// Galaxy spectra and synthetic LSST photometry for the mock catalog.
//
// Five rest-frame templates span the galaxy types from a passive elliptical (t = 0) through Sbc (0.25),
// Scd (0.5) and an irregular (0.75) to a young, dust-free starburst (1). Each is tabulated as AB magnitudes
// at anchor wavelengths (relative to 5500 Å) and interpolated linearly in log λ; types in between are linear
// blends of the two neighbouring templates' magnitudes. The anchors are round values chosen to reproduce
// the z = 0 colours of the classic empirical templates (Coleman, Wu & Weedman 1980; Kinney et al. 1996) in
// SDSS-like bands: elliptical u−g 1.8, g−r 0.77, r−i 0.40, i−z 0.30 and a UV (NUV − r ≈ 5.5) far below the
// optical, down to a starburst with a flat f_ν and a UV slope β ≈ −2.2. What matters for colour cuts:
//   - the 4000 Å break sits between 3950 and 4100 Å (D4000 ≈ 2 for the elliptical), so a red galaxy's break
//     crosses g → r at z ≈ 0.3–0.5 and r → i at z ≈ 0.7–0.9;
//   - redward of the break an old population's f_ν rises steeply to ~5000 Å and more gently beyond
//     (B − V ≈ 0.85 but R − I ≈ 0.4 in AB): the steep part is what makes red galaxies red in r − i (and
//     i − z) once the break has moved into g (r), keeping them on the low-z side of the LBG colour cuts.
// No flux escapes below the Lyman limit (912 Å). Intergalactic absorption follows Madau (1995): each
// Lyman-series line j blankets the observed frame blueward of λ_j (1+z) with τ_j = A_j (λ_obs/λ_j)^3.46.
// Together these move the flux deficit through u at z ≈ 3, g at z ≈ 4 and r at z ≈ 5 (the dropouts).
//
// Bands are smooth top-hats close to LSST's ugrizy; magnitudes are photon-counting AB magnitudes,
// m = −2.5 log10(∫ f_ν T dλ/λ / ∫ T dλ/λ) up to a constant that cancels in colours.
// On top of the continuum: nebular emission lines (emission-lines.ts: Ilbert et al. 2009) with a per-galaxy
// strength, and Calzetti et al. (2000) dust (dust.ts) with a per-galaxy E(B−V). Dust is applied relative to
// the rest-frame reference band, because the luminosity functions (galaxy-population.ts) describe observed,
// already attenuated galaxies: E(B−V) changes a galaxy's colours, not its reference-band luminosity.
import { calzettiK } from "./dust.ts";
import { EMISSION_LINES, equivalentWidth, lineWeight, UV_SFR_LAMBDA } from "./emission-lines.ts";
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
export const REFERENCE_BAND: [number, number] = [3900, 4900];

const LYMAN_LIMIT = 912;
const LYMAN_SERIES: [number, number][] = [
  [1215.67, 0.0036],
  [1025.72, 0.0017],
  [972.54, 0.0011834],
  [949.74, 0.00093],
];

/** Anchor wavelengths (Å, rest frame) of the templates. */
const ANCHORS = [
  912, 1000, 1100, 1216, 1500, 2000, 2500, 3000, 3500, 3700, 3950, 4100, 4500, 5000, 5500, 6500, 8000, 10000, 12000,
];

/**
 * Template AB magnitudes at ANCHORS minus that at 5500 Å, in type order t = 0, 0.25, 0.5, 0.75, 1.
 * Below Lyα the star-forming templates fall under their UV power law (by ~0.4 mag at 1100 Å, 0.7 at 1000 Å,
 * 1.1 at 912 Å): the hot stars' own Lyman-series and interstellar absorption, seen in Starburst99/BC03
 * spectra and in composite LBG spectra (Shapley et al. 2003).
 */
export const TEMPLATES: { name: string; mags: number[] }[] = [
  // 912  1000  1100  1216  1500  2000  2500  3000  3500  3700  3950  4100  4500  5000 5500  6500   8000   10000  12000
  {
    name: "E",
    mags: [7.6, 7.4, 7.2, 7.0, 6.4, 5.7, 5.0, 4.0, 2.75, 2.35, 1.95, 1.2, 0.85, 0.4, 0, -0.26, -0.66, -1.0, -1.2],
  },
  {
    name: "Sbc",
    mags: [5.3, 4.8, 4.4, 3.9, 3.6, 3.2, 2.8, 2.25, 1.75, 1.6, 1.38, 0.9, 0.6, 0.28, 0, -0.22, -0.55, -0.82, -0.98],
  },
  {
    name: "Scd",
    mags: [3.6, 3.15, 2.8, 2.3, 2.1, 1.9, 1.62, 1.32, 1.07, 0.97, 0.85, 0.6, 0.42, 0.2, 0, -0.17, -0.4, -0.56, -0.66],
  },
  {
    name: "Im",
    mags: [2.4, 1.95, 1.6, 1.15, 1.0, 0.9, 0.82, 0.77, 0.72, 0.7, 0.48, 0.4, 0.28, 0.13, 0, -0.13, -0.3, -0.44, -0.52],
  },
  {
    name: "SB",
    mags: [
      1.05, 0.68, 0.42, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.3, 0.15, 0.13, 0.11, 0.05, 0, -0.09, -0.2, -0.32, -0.42,
    ],
  },
];

const LN_ANCHORS = ANCHORS.map(Math.log);
const LN_LYMAN_LIMIT = Math.log(LYMAN_LIMIT);

/** Anchor magnitudes of spectral type t ∈ [0, 1] (a blend of the two neighbouring templates). */
export function typeAnchors(t: number): Float64Array {
  const f = Math.min(Math.max(t, 0), 1) * (TEMPLATES.length - 1);
  const k = Math.min(Math.floor(f), TEMPLATES.length - 2);
  const w = f - k;
  const a = TEMPLATES[k]!.mags;
  const b = TEMPLATES[k + 1]!.mags;
  return Float64Array.from(a, (m, q) => (1 - w) * m + w * b[q]!);
}

/** ln f_ν (arbitrary units) at rest wavelength e^lnLambda for anchor magnitudes `mags`; −∞ below 912 Å. */
function logSed(lnLambda: number, mags: Float64Array): number {
  if (lnLambda < LN_LYMAN_LIMIT) return -Infinity;
  const n = LN_ANCHORS.length;
  let q = 1;
  while (q < n - 1 && LN_ANCHORS[q]! < lnLambda) q++;
  // Linear in ln λ between anchors q−1 and q (extrapolated past the last anchor).
  const w = (lnLambda - LN_ANCHORS[q - 1]!) / (LN_ANCHORS[q]! - LN_ANCHORS[q - 1]!);
  const m = (1 - w) * mags[q - 1]! + w * mags[q]!;
  return -0.4 * Math.LN10 * m;
}

/** Madau (1995) Lyman-series transmission of the intergalactic medium at observed wavelength λ_obs. */
export function igmTransmission(lambdaObs: number, z: number): number {
  let tau = 0;
  for (const [lj, a] of LYMAN_SERIES) if (lambdaObs < lj * (1 + z)) tau += a * (lambdaObs / lj) ** 3.46;
  return Math.exp(-tau);
}

/** The rest-frame grid of ColourTable: ln λ from 500 Å to 11 000 Å (the reddest observed wavelength at z = 0). */
const REST_LN_MIN = Math.log(500);
const REST_LN_STEP = 0.0005;
const REST_GRID_N = Math.ceil((Math.log(11000) - REST_LN_MIN) / REST_LN_STEP) + 2;

function topHat(lambda: number, lo: number, hi: number): number {
  const rise = 1 / (1 + Math.exp(-(lambda - lo) / (EDGE_WIDTH / 4)));
  const fall = 1 / (1 + Math.exp((lambda - hi) / (EDGE_WIDTH / 4)));
  return rise * fall;
}

/** E(B−V) at which the effective attenuation of each band is measured (the table is linear in E(B−V)). */
const DUST_EBV_REFERENCE = 0.2;
/** Spectral type whose continuum weights the band-averaged attenuation (an irregular: dust sits in star formers). */
const DUST_REFERENCE_TYPE = 0.75;
/** Observed-frame wavelength grid step (Å) of the band integrals. */
const GRID_STEP = 20;

/**
 * Tabulated K-corrections: for each spectral type t_k and redshift z_j, the apparent magnitude of the
 * continuum in each band minus (absolute reference-band magnitude + distance modulus), the flux of the
 * emission lines in each band relative to the continuum's, and per redshift the attenuation of each band per
 * unit E(B−V). Bilinear interpolation in (t, z) is then a few operations per object and band.
 */
export class ColourTable {
  readonly nT: number;
  readonly nZ: number;
  /** [band][t][z] flattened: offsets[(b * nT + k) * nZ + j]. */
  private readonly offsets: Float64Array;
  /** Emission-line flux / continuum flux in the band, same layout (0 where the band sees no continuum). */
  private readonly lineRatio: Float64Array;
  /** Attenuation (mag) of band b at z_j per unit E(B−V), minus the reference band's: dust[b * nZ + j]. */
  private readonly dust: Float64Array;

  constructor(
    readonly zMax: number,
    readonly dz: number,
    nTypes: number,
  ) {
    this.nT = nTypes;
    this.nZ = Math.ceil(zMax / dz) + 1;
    this.offsets = new Float64Array(BANDS.length * this.nT * this.nZ);
    this.lineRatio = new Float64Array(BANDS.length * this.nT * this.nZ);
    this.dust = new Float64Array(BANDS.length * this.nZ);
    const lambdas: number[] = [];
    for (let l = 3000; l <= 11000; l += GRID_STEP) lambdas.push(l);
    const lnLambdas = Float64Array.from(lambdas, Math.log);
    // Band transmissions / λ, kept only where they exceed 1e-9 of the peak (first index `from`).
    const bands = BANDS.map((b) => {
      const [lo, hi] = BAND_EDGES[b];
      const all = lambdas.map((l) => topHat(l, lo, hi) / l);
      const peak = Math.max(...all);
      const from = all.findIndex((w) => w > 1e-9 * peak);
      const to = all.length - [...all].reverse().findIndex((w) => w > 1e-9 * peak);
      return { lo, hi, from, weights: Float64Array.from(all.slice(from, to)), norm: all.reduce((s, x) => s + x, 0) };
    });
    const typeValues = Array.from({ length: this.nT }, (_, k) => (this.nT === 1 ? 0.5 : k / (this.nT - 1)));
    const types = typeValues.map(typeAnchors);
    const refFlux = (mags: Float64Array, ebv: number) => {
      let ref = 0;
      let refNorm = 0;
      for (let l = REFERENCE_BAND[0]; l <= REFERENCE_BAND[1]; l += 10) {
        ref += (Math.exp(logSed(Math.log(l), mags)) * 10 ** (-0.4 * calzettiK(l) * ebv)) / l;
        refNorm += 1 / l;
      }
      return ref / refNorm;
    };
    const refMag = types.map((mags) => -2.5 * Math.log10(refFlux(mags, 0)));
    // Rest-frame f_ν of each type on a fine grid uniform in ln λ, so the loop below interpolates instead of
    // evaluating the templates (the table is built at every stage start).
    const restGrid = types.map((mags) =>
      Float64Array.from({ length: REST_GRID_N }, (_, q) => Math.exp(logSed(REST_LN_MIN + q * REST_LN_STEP, mags))),
    );
    const restAt = (rest: Float64Array, lnLambdaRest: number) => {
      const x = (lnLambdaRest - REST_LN_MIN) / REST_LN_STEP;
      if (x <= 0) return 0; // below 500 Å: no flux
      const i = Math.min(Math.floor(x), REST_GRID_N - 2);
      const w = x - i;
      return (1 - w) * rest[i]! + w * rest[i + 1]!;
    };
    // Emission lines per unit f_ν(UV) of each type: rest EW × f_ν at the line (see emission-lines.ts).
    const lineScale = types.map((mags, k) =>
      EMISSION_LINES.map((line) => {
        const fnuLine = Math.exp(logSed(Math.log(line.lambda), mags));
        const fnuUv = Math.exp(logSed(Math.log(UV_SFR_LAMBDA), mags));
        return lineWeight(typeValues[k]!) * equivalentWidth(line, fnuUv, fnuLine) * fnuLine;
      }),
    );
    // Attenuation per unit E(B−V) of a reference spectrum in each band, and of the reference band itself.
    const dustRest = typeAnchors(DUST_REFERENCE_TYPE);
    const dustGrid = Float64Array.from({ length: REST_GRID_N }, (_, q) =>
      Math.exp(logSed(REST_LN_MIN + q * REST_LN_STEP, dustRest)),
    );
    const dustRef = -2.5 * Math.log10(refFlux(dustRest, DUST_EBV_REFERENCE) / refFlux(dustRest, 0));
    const f = new Float64Array(lambdas.length);
    const fDust = new Float64Array(lambdas.length);
    const attenuation = new Float64Array(lambdas.length);
    const nLines = EMISSION_LINES.length;
    const lineWeights = new Float64Array(BANDS.length * nLines);
    for (let j = 0; j < this.nZ; j++) {
      const z = j * dz;
      const ln1z = Math.log(1 + z);
      const igm = Float64Array.from(lambdas, (l) => igmTransmission(l, z)); // independent of type: once per redshift
      for (let q = 0; q < lambdas.length; q++) {
        fDust[q] = restAt(dustGrid, lnLambdas[q]! - ln1z) * igm[q]!;
        attenuation[q] = 10 ** (-0.4 * calzettiK(lambdas[q]! / (1 + z)) * DUST_EBV_REFERENCE);
      }
      for (let b = 0; b < BANDS.length; b++) {
        const { from, weights: w } = bands[b]!;
        let plain = 0;
        let dusty = 0;
        for (let q = 0; q < w.length; q++) {
          plain += fDust[from + q]! * w[q]!;
          dusty += fDust[from + q]! * attenuation[from + q]! * w[q]!;
        }
        const a = plain > 0 && dusty > 0 ? -2.5 * Math.log10(dusty / plain) : 0;
        this.dust[b * this.nZ + j] = (a - dustRef) / DUST_EBV_REFERENCE;
      }
      // Lines: a line adds F_obs · λ_obs T(λ_obs) / c to ∫ f_ν T dλ/λ; in the grid sum's units (f_ν per
      // GRID_STEP) that is EW_rest (1+z) f_ν(line) T(λ_obs) / λ_obs / GRID_STEP, times the IGM transmission
      // (half of Lyα, the red wing, escapes the forest; the blue half sees the forest just blueward of it).
      // lineWeights[b * nLines + x] is everything but the type's EW_rest f_ν(line).
      for (let x = 0; x < nLines; x++) {
        const line = EMISSION_LINES[x]!;
        const obs = line.lambda * (1 + z);
        const t = line.name === "Lyα" ? (1 + igmTransmission(obs * 0.999, z)) / 2 : igmTransmission(obs, z);
        for (let b = 0; b < BANDS.length; b++) {
          const { lo, hi } = bands[b]!;
          lineWeights[b * nLines + x] = ((1 + z) * topHat(obs, lo, hi) * t) / obs / GRID_STEP;
        }
      }
      for (let k = 0; k < this.nT; k++) {
        const rest = restGrid[k]!;
        for (let q = 0; q < lambdas.length; q++) {
          const x = (lnLambdas[q]! - ln1z - REST_LN_MIN) / REST_LN_STEP;
          if (x <= 0)
            f[q] = 0; // below 500 Å: no flux
          else {
            const i = Math.min(Math.floor(x), REST_GRID_N - 2);
            const w = x - i;
            f[q] = ((1 - w) * rest[i]! + w * rest[i + 1]!) * igm[q]!;
          }
        }
        const scales = lineScale[k]!;
        for (let b = 0; b < BANDS.length; b++) {
          let s = 0;
          const { from, weights: w, norm } = bands[b]!;
          for (let q = 0; q < w.length; q++) s += f[from + q]! * w[q]!;
          let l = 0;
          for (let x = 0; x < nLines; x++) l += scales[x]! * lineWeights[b * nLines + x]!;
          const at = (b * this.nT + k) * this.nZ + j;
          // f_ν of a source at z seen through a band, relative to its rest-frame reference magnitude;
          // −2.5 log10(1+z) is the bandwidth compression of f_ν for AB magnitudes.
          const m = s > 0 ? -2.5 * Math.log10(s / norm) : 99;
          this.offsets[at] = Math.min(99, m - refMag[k]! - 2.5 * Math.log10(1 + z));
          this.lineRatio[at] = s > 0 ? l / s : 0;
        }
      }
    }
  }

  /**
   * Apparent minus (absolute + distance modulus) magnitude in band index b for type t at redshift z, with
   * emission lines of relative strength `lines` (1 = the Ilbert et al. ratios, 0 = none) and dust E(B−V) `ebv`.
   */
  offset(b: number, t: number, z: number, lines = 0, ebv = 0): number {
    const ft = Math.min(Math.max(t, 0), 1) * (this.nT - 1);
    const fz = Math.min(Math.max(z / this.dz, 0), this.nZ - 1);
    const k0 = Math.min(Math.floor(ft), this.nT - 2);
    const j0 = Math.min(Math.floor(fz), this.nZ - 2);
    const wt = ft - k0;
    const wz = fz - j0;
    const base = b * this.nT;
    const o = this.offsets;
    const r = this.lineRatio;
    const a00 = (base + k0) * this.nZ + j0;
    const a10 = a00 + this.nZ;
    const w00 = (1 - wt) * (1 - wz);
    const w01 = (1 - wt) * wz;
    const w10 = wt * (1 - wz);
    const w11 = wt * wz;
    let m = w00 * o[a00]! + w01 * o[a00 + 1]! + w10 * o[a10]! + w11 * o[a10 + 1]!;
    if (m >= 99) return 99;
    if (lines > 0)
      m -= 2.5 * Math.log10(1 + lines * (w00 * r[a00]! + w01 * r[a00 + 1]! + w10 * r[a10]! + w11 * r[a10 + 1]!));
    if (ebv !== 0) {
      const d = this.dust;
      const at = b * this.nZ + j0;
      m += ebv * ((1 - wz) * d[at]! + wz * d[at + 1]!);
    }
    return m;
  }

  /** Attenuation of band b at redshift z per unit E(B−V), relative to the reference band (mag). */
  dustPerEbv(b: number, z: number): number {
    const fz = Math.min(Math.max(z / this.dz, 0), this.nZ - 1);
    const j0 = Math.min(Math.floor(fz), this.nZ - 2);
    const wz = fz - j0;
    const at = b * this.nZ + j0;
    return (1 - wz) * this.dust[at]! + wz * this.dust[at + 1]!;
  }
}
