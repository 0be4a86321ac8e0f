// Dust attenuation of galaxy spectra: the Calzetti et al. (2000, ApJ 533, 682, eq. 4) starburst law,
//   k(λ) = 2.659 (−2.156 + 1.509/λ − 0.198/λ² + 0.011/λ³) + R_V   for 0.12 ≤ λ ≤ 0.63 µm,
//   k(λ) = 2.659 (−1.857 + 1.040/λ) + R_V                          for 0.63 ≤ λ ≤ 2.20 µm,
// with R_V = 4.05 and A(λ) = k(λ) E(B−V)_stars. Blueward of 1200 Å the polynomial is continued down to 1000 Å
// and held constant below (there the Lyman break and the IGM remove the flux anyway); redward of 2.2 µm it is
// never needed (the reddest band, y, sees rest-frame ≤ 1.05 µm).

export const R_V = 4.05;

/** Calzetti k(λ) at rest wavelength λ in Å. */
export function calzettiK(lambdaAngstrom: number): number {
  const l = Math.max(lambdaAngstrom, 1000) / 1e4; // µm
  if (l < 0.63) return 2.659 * (-2.156 + 1.509 / l - 0.198 / (l * l) + 0.011 / (l * l * l)) + R_V;
  return 2.659 * (-1.857 + 1.04 / l) + R_V;
}
