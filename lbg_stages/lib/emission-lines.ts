// Nebular emission lines of star-forming galaxies, added to the continuum templates as in the COSMOS
// photo-z templates of Ilbert et al. (2009, ApJ 690, 1236, §3.2): the [OII] λ3727 luminosity follows the
// star-formation rate measured by the UV continuum through Kennicutt (1998, ARA&A 36, 189),
//   SFR = 1.4e-28 L_ν(UV) = 1.4e-41 L([OII])   ⇒   L([OII]) = 1e13 Hz · L_ν(UV),
// and the other lines follow with Ilbert et al.'s flux ratios to [OII]: Lyα 2, Hβ 0.28, [OIII] λ5007 0.36,
// Hα 1.77. For a flat-f_ν starburst this is a rest-frame [OII] equivalent width of 46 Å (1e13 Hz · λ²/c at
// 3727 Å), Lyα ~10 Å and Hα ~110 Å; an Sbc spiral, four times fainter in the UV than at 3727 Å, gets ~12 Å of
// [OII]. Passive galaxies (types below LINE_TYPE_MIN) have none. Each galaxy's line fluxes are scaled by a
// log-normal strength (the scatter of observed equivalent widths at fixed colour) drawn by the population.
// Lines are not broadened (they fall inside one band or on its smoothed edge) and share the continuum's dust.

export interface EmissionLine {
  name: string;
  /** Rest wavelength (Å). */
  lambda: number;
  /** Flux relative to [OII] λ3727. */
  ratio: number;
}

export const EMISSION_LINES: readonly EmissionLine[] = [
  { name: "Lyα", lambda: 1215.67, ratio: 2 },
  { name: "[OII]", lambda: 3727, ratio: 1 },
  { name: "Hβ", lambda: 4861.3, ratio: 0.28 },
  { name: "[OIII]", lambda: 5006.8, ratio: 0.36 },
  { name: "Hα", lambda: 6562.8, ratio: 1.77 },
];

/** Rest wavelength (Å) whose f_ν measures the UV star-formation rate (the middle of Kennicutt's 1500–2800 Å). */
export const UV_SFR_LAMBDA = 2000;

/** [OII] flux per unit f_ν(UV) in f_λ·Å units at 3727 Å: 1e13 Hz · λ² / c, i.e. its equivalent width (Å) for a flat f_ν. */
export const OII_WIDTH_FLAT = (1e13 * 3727e-8 ** 2) / 2.99792458e10 / 1e-8;

/** Spectral types (0 = elliptical … 1 = starburst) from which lines switch on, reaching full strength at LINE_TYPE_FULL. */
export const LINE_TYPE_MIN = 0.1;
export const LINE_TYPE_FULL = 0.25;

/** How much of the star-formation lines a spectral type has (0 for passive, 1 from Sbc on). */
export function lineWeight(type: number): number {
  return Math.min(Math.max((type - LINE_TYPE_MIN) / (LINE_TYPE_FULL - LINE_TYPE_MIN), 0), 1);
}

/**
 * Rest-frame equivalent width (Å) of a line for a continuum whose f_ν is fnuLine at the line and fnuUv at
 * UV_SFR_LAMBDA: F = ratio · OII_WIDTH_FLAT · f_ν(UV) · (c/3727²) and EW = F / f_λ(line).
 */
export function equivalentWidth(line: EmissionLine, fnuUv: number, fnuLine: number): number {
  return line.ratio * OII_WIDTH_FLAT * (fnuUv / fnuLine) * (line.lambda / 3727) ** 2;
}
