// LSST bands and the photometric error model of Ivezić et al. (2019, ApJ 873, 111), §3.2:
//   σ_rand² = (0.04 − γ) x + γ x²,  x = 10^{0.4 (m − m5)},   σ² = σ_sys² + σ_rand²,
// with the coadded 5σ depth after N visits m5 = m5(single visit) + 1.25 log10(N). Single-visit depths and
// visits per year are the baseline values RAIL's LSSTErrorModel also uses; after 10 years they give
// u 26.1, g 27.4, r 27.5, i 26.8, z 26.1, y 24.9 (Ivezić et al. Table 1).

export const BANDS = ["u", "g", "r", "i", "z", "y"] as const;
export type Band = (typeof BANDS)[number];
/** Catalog column of each band's magnitude (TXPipe's names), in BANDS order. */
export const MAG_COLUMNS = BANDS.map((b) => `mag_${b}`);

/** Single-visit 5σ point-source depths (AB). */
export const M5_SINGLE_VISIT: Record<Band, number> = { u: 23.9, g: 25.0, r: 24.7, i: 24.0, z: 23.3, y: 22.1 };
/** Visits per year in each band. */
export const VISITS_PER_YEAR: Record<Band, number> = { u: 5.6, g: 8.0, r: 18.4, i: 18.4, z: 16.0, y: 16.0 };
/** γ of the random-error model (sky-noise vs source-noise balance). */
export const GAMMA: Record<Band, number> = { u: 0.038, g: 0.039, r: 0.039, i: 0.039, z: 0.039, y: 0.039 };
/** Irreducible systematic error floor (mag). */
export const SIGMA_SYS = 0.005;

/** Coadded 5σ depth after `years` of survey. */
export function coaddDepth(band: Band, years: number): number {
  return M5_SINGLE_VISIT[band] + 1.25 * Math.log10(VISITS_PER_YEAR[band] * years);
}

/** Total magnitude error σ(m) in a band of coadded depth m5. */
export function magnitudeError(m: number, m5: number, gamma: number): number {
  const x = 10 ** (0.4 * (m - m5));
  return Math.sqrt(SIGMA_SYS * SIGMA_SYS + (0.04 - gamma) * x + gamma * x * x);
}

/** Magnitude of a 1σ detection for a 5σ depth m5: m5 + 2.5 log10(5). */
export function oneSigmaLimit(m5: number): number {
  return m5 + 2.5 * Math.log10(5);
}
