// Stars of the mock catalog: the stellar locus of main-sequence stars and brown dwarfs at high Galactic
// latitude, the classic contaminants of dropout selections (an M dwarf's red g − r at a faint, noisy g, or
// an L/T dwarf's very red i − z for i-dropouts).
//
// Colours along the locus are tabulated by spectral type, as medians in round numbers:
//   - A0 … M9 dwarfs, u − g … i − z: the SDSS stellar locus by spectral type of Covey et al. (2007, AJ 134,
//     2398, Table 3), M dwarfs as West et al. (2008, AJ 135, 785; r − i 0.7 at M0 to 2.8 at M9);
//   - L and T dwarfs: Hawley et al. (2002, AJ 123, 3409) and Schmidt et al. (2010, AJ 139, 1808) for r − i,
//     i − z (i − z 1.6 at L0 to ~4 at T7), Skrzypek et al. (2015, A&A 574, A78) for z − Y;
//   - z − y of dwarfs earlier than L: half of i − z (Covey et al.'s z − J trend scaled to LSST's y).
// SDSS and LSST magnitudes differ by less than the 0.05 mag locus width for these colours and are taken equal.
// Each star's colours interpolate between two neighbouring types, plus the locus width (0.03 mag per colour,
// 0.1 in u − g for the halo's spread in metallicity: Covey et al. §5; Ivezić et al. 2008, ApJ 684, 287).
//
// Types are drawn with the weights below, the mix of faint high-latitude stars: halo turn-off stars
// (g − r ≈ 0.3) and M dwarfs (g − r ≈ 1.4) dominate, the bimodal g − r of Jurić et al. (2008, ApJ 673, 864,
// Fig. 2); brown dwarfs are rare (a fraction of the stars, an option). Star counts rise slowly with magnitude,
// dN/dm ∝ 10^{0.1 m} at i ≳ 20 (halo and thick disc; Jurić et al. 2008, Robin et al. 2003), against ≈ 10^{0.33 m}
// for faint galaxies, so stars are a larger share of a shallower catalog (starShare).

import type { Random } from "./random.ts";

export interface StarType {
  /** Spectral type code: A0 = 0, F0 = 10, G0 = 20, K0 = 30, M0 = 40, L0 = 50, T0 = 60. */
  code: number;
  /** u−g, g−r, r−i, i−z, z−y (AB). */
  colours: readonly [number, number, number, number, number];
  /** Relative number among main-sequence stars (brown dwarfs: among brown dwarfs). */
  weight: number;
}

export const MAIN_SEQUENCE: readonly StarType[] = [
  { code: 0, colours: [1.0, -0.23, -0.15, -0.1, -0.05], weight: 0.5 },
  { code: 10, colours: [1.05, 0.15, 0.02, -0.02, -0.01], weight: 3 },
  { code: 15, colours: [0.95, 0.3, 0.09, 0.01, 0.0], weight: 12 },
  { code: 20, colours: [1.15, 0.4, 0.13, 0.03, 0.02], weight: 12 },
  { code: 25, colours: [1.35, 0.48, 0.16, 0.05, 0.03], weight: 8 },
  { code: 30, colours: [1.7, 0.6, 0.2, 0.08, 0.04], weight: 5 },
  { code: 33, colours: [2.1, 0.85, 0.3, 0.14, 0.07], weight: 4 },
  { code: 35, colours: [2.45, 1.1, 0.42, 0.22, 0.11], weight: 4 },
  { code: 37, colours: [2.6, 1.3, 0.6, 0.33, 0.16], weight: 4 },
  { code: 40, colours: [2.65, 1.38, 0.75, 0.4, 0.2], weight: 6 },
  { code: 41, colours: [2.6, 1.42, 0.9, 0.48, 0.24], weight: 6 },
  { code: 42, colours: [2.6, 1.45, 1.05, 0.57, 0.28], weight: 7 },
  { code: 43, colours: [2.6, 1.48, 1.3, 0.7, 0.35], weight: 7 },
  { code: 44, colours: [2.6, 1.52, 1.6, 0.85, 0.42], weight: 7 },
  { code: 45, colours: [2.6, 1.58, 1.95, 1.03, 0.5], weight: 5 },
  { code: 46, colours: [2.6, 1.65, 2.2, 1.2, 0.58], weight: 3 },
  { code: 47, colours: [2.6, 1.75, 2.45, 1.35, 0.65], weight: 2 },
  { code: 48, colours: [2.6, 1.9, 2.65, 1.55, 0.7], weight: 1 },
  { code: 49, colours: [2.6, 2.0, 2.75, 1.65, 0.72], weight: 0.5 },
];

export const BROWN_DWARFS: readonly StarType[] = [
  { code: 50, colours: [2.6, 2.2, 2.5, 1.65, 0.55], weight: 3 },
  { code: 53, colours: [2.6, 2.3, 2.65, 1.8, 0.65], weight: 3 },
  { code: 56, colours: [2.6, 2.4, 2.7, 1.95, 0.8], weight: 2 },
  { code: 60, colours: [2.6, 2.5, 2.8, 2.3, 0.95], weight: 2 },
  { code: 64, colours: [2.6, 2.5, 3.0, 3.0, 1.1], weight: 1.5 },
  { code: 67, colours: [2.6, 2.5, 3.3, 3.9, 1.25], weight: 1 },
];

/** Object type codes of the catalog's `object_type_true` column. */
export const GALAXY = 0;
export const MAIN_SEQUENCE_STAR = 1;
export const BROWN_DWARF = 2;

/** Slopes of the cumulative counts, log10 N(< m) per magnitude, of faint stars and faint galaxies. */
const STAR_COUNT_SLOPE = 0.1;
const GALAXY_COUNT_SLOPE = 0.33;
/** Brightest i magnitude drawn for stars (brighter ones saturate and are not in a faint catalog). */
export const STAR_I_BRIGHT = 16;

/**
 * Share of stars among the objects brighter than `limit`, given their share `fractionAtY10` at i < 25.3:
 * cumulative counts ∝ 10^{slope m}, so the star/galaxy ratio scales by 10^{(0.1 − 0.33)(limit − 25.3)}.
 */
export function starShare(fractionAtY10: number, limit: number): number {
  if (fractionAtY10 <= 0) return 0;
  const ratio =
    (fractionAtY10 / (1 - fractionAtY10)) * 10 ** ((STAR_COUNT_SLOPE - GALAXY_COUNT_SLOPE) * (limit - 25.3));
  return ratio / (1 + ratio);
}

export interface Star {
  /** True i magnitude. */
  i: number;
  code: number;
  brownDwarf: boolean;
  /** True magnitudes in BANDS order. */
  mags: Float64Array;
}

/** Cumulative weights of a type table, for drawing a segment between two neighbouring types. */
function segmentSampler(types: readonly StarType[]): (u: number) => number {
  // Segment s (between types s and s+1) gets the mean weight of its ends; a lone type gets its own.
  const w = types.length === 1 ? [1] : types.slice(1).map((t, s) => (t.weight + types[s]!.weight) / 2);
  const cum: number[] = [];
  let acc = 0;
  for (const x of w) {
    acc += x;
    cum.push(acc);
  }
  return (u: number) => {
    const target = u * acc;
    const s = cum.findIndex((c) => c >= target);
    return s < 0 ? w.length - 1 : s;
  };
}

const MS_SEGMENT = segmentSampler(MAIN_SEQUENCE);
const BD_SEGMENT = segmentSampler(BROWN_DWARFS);
const LOCUS_WIDTH = [0.1, 0.03, 0.03, 0.03, 0.03];

/**
 * One star with true i in [STAR_I_BRIGHT, iMax], dN/di ∝ 10^{0.1 i}; a brown dwarf with probability
 * `brownDwarfFraction`. True magnitudes in BANDS order (u g r i z y).
 */
export function drawStar(rng: Random, iMax: number, brownDwarfFraction: number): Star {
  const a = STAR_COUNT_SLOPE * Math.LN10;
  const lo = Math.exp(a * STAR_I_BRIGHT);
  const hi = Math.exp(a * iMax);
  const i = Math.log(lo + rng.uniform() * (hi - lo)) / a;
  const brownDwarf = rng.uniform() < brownDwarfFraction;
  const table = brownDwarf ? BROWN_DWARFS : MAIN_SEQUENCE;
  const s = (brownDwarf ? BD_SEGMENT : MS_SEGMENT)(rng.uniform());
  const t0 = table[s]!;
  const t1 = table[Math.min(s + 1, table.length - 1)]!;
  const w = rng.uniform();
  const colour = t0.colours.map((c, q) => (1 - w) * c + w * t1.colours[q]! + LOCUS_WIDTH[q]! * rng.normal());
  const [ug, gr, ri, iz, zy] = colour as [number, number, number, number, number];
  const r = i + ri;
  const g = r + gr;
  const u = g + ug;
  const z = i - iz;
  const y = z - zy;
  return { i, code: (1 - w) * t0.code + w * t1.code, brownDwarf, mags: Float64Array.of(u, g, r, i, z, y) };
}
