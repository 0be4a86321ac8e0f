// Which galaxies of the mock have a spectroscopic redshift: a training set shaped like the compilations DESC
// trains photo-z on (Newman et al. 2015, Astropart. Phys. 63, 81, §2–3), not a magnitude-limited complete set.
//
//   - bright: every galaxy with observed i < brightLimit, complete (zCOSMOS-bright, i_AB < 22.5: Lilly et al.
//     2007, ApJS 172, 70; GAMA, SDSS at brighter limits reach > 95 % success);
//   - deep: a random `deepFraction` of the galaxies with brightLimit ≤ i < deepLimit is targeted, without any
//     colour preselection (as DEEP2 and VVDS-Deep), and a target yields a secure redshift with probability
//       p(i, z) = successMax / (1 + exp((i − successI50) / successWidth)) · (desertSuccess if z in the desert),
//     falling with magnitude (VVDS-Deep: Le Fèvre et al. 2013, A&A 559, A14; DEEP2: Newman et al. 2013, ApJS
//     208, 5; VUDS reaches i ≈ 25 at z > 2: Le Fèvre et al. 2015, A&A 576, A79) and lower in the "redshift
//     desert", 1.5 < z < 2.5 by default, where [OII] has left and Lyα not yet entered the 0.4–0.9 µm window
//     of optical spectrographs (Steidel et al. 2004, ApJ 604, 534; Newman et al. 2015, §3.2). Failures are
//     dropped, as surveys drop low-confidence redshifts: the deep set is incomplete in a way that depends on
//     magnitude and redshift, which is what biases photo-z trained on it (Hartley et al. 2020, MNRAS 496, 4769);
//   - high-z: deep surveys of the distant Universe preselect their targets by photo-z, as VUDS targeted
//     z_phot > 2.4 galaxies to i ≈ 25 in COSMOS, ECDFS and VVDS-02h (Le Fèvre et al. 2015): galaxies at
//     z ≥ highzMin between the two limits are targeted at the rate highzFraction instead of deepFraction (the
//     mock's truth stands for the 30-band photo-z of those fields), with the same success curve.
// Stars are never in the spectroscopic catalog (a spectrum identifies them).
import type { Random } from "./random.ts";

export interface SpecSampleOptions {
  brightLimit: number;
  deepLimit: number;
  deepFraction: number;
  successMax: number;
  successI50: number;
  successWidth: number;
  desert: readonly [number, number];
  desertSuccess: number;
  highzMin: number;
  highzFraction: number;
}

/** Spectroscopic sample codes of the spec catalog's `spec_sample` column. */
export const BRIGHT_SAMPLE = 0;
export const DEEP_SAMPLE = 1;

/** Probability that a deep-survey target of observed magnitude i at redshift z yields a secure redshift. */
export function specSuccess(i: number, z: number, o: SpecSampleOptions): number {
  const p = o.successMax / (1 + Math.exp((i - o.successI50) / o.successWidth));
  return z >= o.desert[0] && z < o.desert[1] ? p * o.desertSuccess : p;
}

export interface SpecSample {
  /** Catalog rows with a redshift, in catalog order. */
  rows: number[];
  /** BRIGHT_SAMPLE or DEEP_SAMPLE per entry of rows. */
  sample: number[];
  /** Deep-survey targets (successful or not). */
  targeted: number;
}

/** Draws the spectroscopic sample from observed i magnitudes, true redshifts and which rows are galaxies. */
export function selectSpecSample(
  mi: ArrayLike<number>,
  z: ArrayLike<number>,
  isGalaxy: (row: number) => boolean,
  o: SpecSampleOptions,
  rng: Random,
): SpecSample {
  const rows: number[] = [];
  const sample: number[] = [];
  let targeted = 0;
  for (let r = 0; r < mi.length; r++) {
    // Two draws per row whatever happens, so one option's change does not reshuffle every later row.
    const target = rng.uniform();
    const success = rng.uniform();
    if (!isGalaxy(r)) continue;
    const i = mi[r]!;
    if (i < o.brightLimit) {
      rows.push(r);
      sample.push(BRIGHT_SAMPLE);
    } else if (i < o.deepLimit && target < (z[r]! >= o.highzMin ? o.highzFraction : o.deepFraction)) {
      targeted++;
      if (success < specSuccess(i, z[r]!, o)) {
        rows.push(r);
        sample.push(DEEP_SAMPLE);
      }
    }
  }
  return { rows, sample, targeted };
}
