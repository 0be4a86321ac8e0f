// Drawing the mock catalog itself: galaxies from the population (galaxy-population.ts), true magnitudes
// from the K-correction table (sed.ts), observed magnitudes through the LSST error model (lsst.ts), kept
// when the observed i magnitude is below the catalog limit. SimulateCatalog writes what this returns.
import { GalaxyPopulation } from "./galaxy-population.ts";
import { BANDS, GAMMA, coaddDepth, magnitudeError, oneSigmaLimit } from "./lsst.ts";
import { Random } from "./random.ts";
import { ColourTable } from "./sed.ts";

/** Reported magnitude error of a non-detection (observed flux below 1σ). */
export const NON_DETECTION_ERR = 99;

export interface MockOptions {
  nObjects: number;
  seed: number;
  nYears: number;
  magLimit: number;
  zMax: number;
  sedScatter: number;
}

export interface MockCatalog {
  redshift: Float64Array;
  sedType: Float64Array;
  /** Per band (BANDS order): observed magnitude, or the 1σ limiting magnitude for a non-detection. */
  mags: Float64Array[];
  /** Per band: magnitude error, NON_DETECTION_ERR for a non-detection. */
  errs: Float64Array[];
  /** Coadded 5σ depths per band. */
  depths: number[];
  /** Galaxies drawn to obtain nObjects above the limit. */
  drawn: number;
}

const I = BANDS.indexOf("i");
/** Galaxies whose true i magnitude is this much fainter than the limit are dropped before adding noise. */
const NOISE_MARGIN = 1.5;

export function simulateMock(o: MockOptions): MockCatalog {
  const colours = new ColourTable(o.zMax, 0.02, 17);
  const bluestI = (z: number) => {
    let m = Infinity;
    for (let k = 0; k <= 16; k++) m = Math.min(m, colours.offset(I, k / 16, z));
    return m;
  };
  // Only galaxies that pass the "hopelessly faint" test below for some spectral type are drawn.
  const population = new GalaxyPopulation(o.zMax, o.magLimit + NOISE_MARGIN, bluestI);
  const depths = BANDS.map((b) => coaddDepth(b, o.nYears));
  const limit1 = depths.map(oneSigmaLimit);
  const gamma = BANDS.map((b) => GAMMA[b]);

  const rng = new Random(o.seed);
  const n = o.nObjects;
  const redshift = new Float64Array(n);
  const sedType = new Float64Array(n);
  const mags = BANDS.map(() => new Float64Array(n));
  const errs = BANDS.map(() => new Float64Array(n));
  const trial = new Float64Array(BANDS.length);
  const trialErr = new Float64Array(BANDS.length);
  let drawn = 0;
  // A limit so bright that almost nothing passes would loop for ever: give up after many draws per object.
  const maxDraws = 1000 * n + 1_000_000;
  for (let k = 0; k < n; ) {
    if (++drawn > maxDraws) {
      throw new Error(`only ${k} of ${drawn - 1} simulated galaxies have i < ${o.magLimit}: is mag_limit too bright?`);
    }
    const g = population.draw(rng);
    const base = g.absMag + population.distanceModulus(g.z);
    if (base + colours.offset(I, g.type, g.z) > o.magLimit + NOISE_MARGIN) continue; // hopelessly faint: skip the noise
    for (let b = 0; b < BANDS.length; b++) {
      // Spectra vary more than a one-parameter family: an independent scatter per band blurs the colours.
      const mTrue = base + colours.offset(b, g.type, g.z) + o.sedScatter * rng.normal();
      // Flux-space noise with σ_flux/flux = σ_m / 1.0857 at the true magnitude (Ivezić et al. eq. 4–5),
      // fluxes in units of the 1σ limiting flux of the band. Below 1σ the band is a non-detection and
      // reports its 1σ limiting magnitude (an upper limit on the flux).
      const sigma = magnitudeError(Math.min(mTrue, 60), depths[b], gamma[b]);
      const fluxTrue = Math.exp(-0.4 * Math.LN10 * (mTrue - limit1[b]));
      const flux = fluxTrue * (1 + (sigma / 1.0857) * rng.normal());
      if (flux < 1) {
        trial[b] = limit1[b];
        trialErr[b] = NON_DETECTION_ERR;
      } else {
        trial[b] = limit1[b] - 2.5 * Math.log10(flux);
        trialErr[b] = magnitudeError(trial[b], depths[b], gamma[b]);
      }
    }
    if (!(trial[I] < o.magLimit)) continue;
    redshift[k] = g.z;
    sedType[k] = g.type;
    for (let b = 0; b < BANDS.length; b++) {
      mags[b][k] = trial[b];
      errs[b][k] = trialErr[b];
    }
    k++;
  }
  return { redshift, sedType, mags, errs, depths, drawn };
}
