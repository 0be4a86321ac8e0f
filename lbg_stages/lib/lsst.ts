// LSST bands and the photometric error model of Ivezić et al. (2019, ApJ 873, 111), §3.2:
//   σ_rand² = (0.04 − γ) x + γ x²,  x = 10^{0.4 (m − m5)},   σ² = σ_sys² + σ_rand²,
// with the coadded 5σ depth after N visits m5 = m5(single visit) + 1.25 log10(N). Single-visit depths and
// visits per year are the baseline values RAIL's LSSTErrorModel also uses; after 10 years they give
// u 26.1, g 27.4, r 27.5, i 26.8, z 26.1, y 24.9 (Ivezić et al. Table 1).
//
// Galaxies are extended: their fluxes are measured in an aperture larger than the PSF, which holds more sky
// noise. As in photerr's "auto" model (Crenshaw et al. 2024, AJ 168, 80; after van den Busch et al. 2020,
// A&A 642, A200), the random noise-to-signal ratio grows by √(A_ap / A_psf), with a Gaussian PSF of
// σ_psf = FWHM / 2.355 and an elliptical aperture of semi-axes √(σ_psf² + (2.5 r)²) for a half-light
// radius r (round galaxies here): a galaxy with r = 0.3″ loses about 1 mag of depth. Stars are point
// sources (ratio 1). PSF FWHMs are Ivezić et al.'s Table 2 values.

export const BANDS = ["u", "g", "r", "i", "z", "y"] as const;
export type Band = (typeof BANDS)[number];
/** Catalog column of each band's magnitude (TXPipe's names), in BANDS order. */
export const MAG_COLUMNS = BANDS.map((b) => `mag_${b}`);
/** Catalog column of each band's magnitude error, in BANDS order. */
export const MAG_ERR_COLUMNS = BANDS.map((b) => `mag_err_${b}`);

/** Single-visit 5σ point-source depths (AB). */
export const M5_SINGLE_VISIT: Record<Band, number> = { u: 23.9, g: 25.0, r: 24.7, i: 24.0, z: 23.3, y: 22.1 };
/** Visits per year in each band. */
export const VISITS_PER_YEAR: Record<Band, number> = { u: 5.6, g: 8.0, r: 18.4, i: 18.4, z: 16.0, y: 16.0 };
/** γ of the random-error model (sky-noise vs source-noise balance). */
export const GAMMA: Record<Band, number> = { u: 0.038, g: 0.039, r: 0.039, i: 0.039, z: 0.039, y: 0.039 };
/** Median PSF FWHM (arcsec) per band. */
export const PSF_FWHM: Record<Band, number> = { u: 0.81, g: 0.77, r: 0.73, i: 0.71, z: 0.69, y: 0.68 };
/** Irreducible systematic error floor (mag). */
export const SIGMA_SYS = 0.005;
/** The floor as a noise-to-signal ratio (photerr's low-S/N form). */
const NSR_SYS = 10 ** (SIGMA_SYS / 2.5) - 1;

/** Coadded 5σ point-source depth after `years` of survey. */
export function coaddDepth(band: Band, years: number): number {
  return M5_SINGLE_VISIT[band] + 1.25 * Math.log10(VISITS_PER_YEAR[band] * years);
}

/**
 * Noise-to-signal ratio of a source of magnitude m in a band of coadded depth m5 (Ivezić et al. eq. 5 read as
 * NSR, as photerr does, so that NSR = 1/5 at m5); `areaRatio` = A_ap / A_psf scales the random part's variance
 * (1 for a point source).
 */
export function noiseToSignal(m: number, m5: number, gamma: number, areaRatio = 1): number {
  const x = 10 ** (0.4 * (m - m5));
  return Math.sqrt(NSR_SYS * NSR_SYS + areaRatio * ((0.04 - gamma) * x + gamma * x * x));
}

/** Magnitude error of a noise-to-signal ratio: 2.5 log10(1 + NSR) (photerr), ≈ 1.0857 NSR when small. */
export function magErrorFromNsr(nsr: number): number {
  return 2.5 * Math.log10(1 + nsr);
}

/** Signal-to-noise ratio of a magnitude error written by magErrorFromNsr: 1 / (10^{σ_m/2.5} − 1). */
export function snrFromMagError(err: number): number {
  return 1 / (10 ** (err / 2.5) - 1);
}

/** Magnitude of a 1σ point-source detection for a 5σ depth m5: m5 + 2.5 log10(5) (RAIL's kNN convention). */
export function oneSigmaLimit(m5: number): number {
  return m5 + 2.5 * Math.log10(5);
}

/**
 * The magnitude at which an object's noise-to-signal ratio is 1/nSigma: its nSigma limit in a band of depth
 * m5 for aperture area ratio `areaRatio` (noiseToSignal solved for x: a quadratic).
 */
export function limitingMagnitude(nSigma: number, m5: number, gamma: number, areaRatio = 1): number {
  const v = (1 / (nSigma * nSigma) - NSR_SYS * NSR_SYS) / areaRatio; // random NSR² at the limit, per unit area
  const x = (gamma - 0.04 + Math.sqrt((0.04 - gamma) ** 2 + 4 * gamma * v)) / (2 * gamma);
  return m5 + 2.5 * Math.log10(x);
}

/** A_ap / A_psf of photerr's "auto" aperture for a round source of half-light radius r (arcsec). */
export function apertureAreaRatio(halfLightRadius: number, psfFwhm: number): number {
  const s2 = (psfFwhm / 2.355) ** 2;
  return (s2 + (2.5 * halfLightRadius) ** 2) / s2;
}

/**
 * i-band limit of the catalog: the DESC SRD gold sample (Mandelbaum et al. 2018, arXiv:1809.01669: i < 25.3
 * for Y10, i < 24.1 for Y1) follows the i-band depth, 1.25 log10(years / 10) brighter than 25.3.
 */
export function goldLimit(years: number): number {
  return 25.3 + 1.25 * Math.log10(years / 10);
}
