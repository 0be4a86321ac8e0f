// Drawing the mock catalog itself: galaxies from the population (galaxy-population.ts) with true magnitudes
// from the K-correction table (sed.ts: templates, emission lines, dust), stars from the stellar locus
// (stars.ts), observed magnitudes through the LSST error model (lsst.ts: extended-source apertures for
// galaxies, point sources for stars), kept when the observed i magnitude is below the catalog limit.
// SimulateCatalog writes what this returns.
import { GalaxyPopulation } from "./galaxy-population.ts";
import { apertureAreaRatio, BANDS, coaddDepth, GAMMA, magErrorFromNsr, noiseToSignal, PSF_FWHM } from "./lsst.ts";
import { Random } from "./random.ts";
import { ColourTable } from "./sed.ts";
import { BROWN_DWARF, drawStar, GALAXY, MAIN_SEQUENCE_STAR, starShare } from "./stars.ts";

/** Reported magnitude error of a non-detection (observed flux below the object's 1σ noise). */
export const NON_DETECTION_ERR = 99;

export interface MockOptions {
  nObjects: number;
  seed: number;
  nYears: number;
  magLimit: number;
  zMax: number;
  sedScatter: number;
  /** Mean extra E(B−V) of blue galaxies. */
  ebvMean: number;
  /** Emission-line strength (1 = Ilbert et al. 2009 ratios) and its log-normal scatter (dex). */
  lineScale: number;
  lineScatterDex: number;
  /** Extended-source (photerr "auto") errors for galaxies; false: point-source errors for everything. */
  extendedErrors: boolean;
  /** Share of stars among objects with i < 25.3 (scaled to magLimit by stars.ts starShare). */
  starFraction: number;
  /** Share of brown dwarfs among the stars. */
  brownDwarfFraction: number;
}

export interface MockCatalog {
  n: number;
  /** True redshift (0 for stars). */
  redshift: Float64Array;
  /** Galaxy spectral type 0 … 1; −1 for stars. */
  sedType: Float64Array;
  /** GALAXY, MAIN_SEQUENCE_STAR or BROWN_DWARF (stars.ts). */
  objectType: Int32Array;
  /** Stellar spectral type code (stars.ts); −1 for galaxies. */
  starType: Float64Array;
  /** Extra E(B−V) (0 for stars and red galaxies). */
  ebv: Float64Array;
  /** Half-light radius (arcsec; 0 for stars). */
  radius: Float64Array;
  /** Per band (BANDS order): observed magnitude, or the object's 1σ limiting magnitude for a non-detection. */
  mags: Float64Array[];
  /** Per band: magnitude error, NON_DETECTION_ERR for a non-detection. */
  errs: Float64Array[];
  /** Coadded 5σ point-source depths per band. */
  depths: number[];
  /** Galaxies and stars drawn to obtain those kept. */
  drawn: number;
  stars: number;
  brownDwarfs: number;
}

const I = BANDS.indexOf("i");
/** Objects whose true i magnitude is this much fainter than the limit are dropped before adding noise. */
const NOISE_MARGIN = 1.5;
/** Allowance for emission lines brightening i beyond the bluest continuum (mag), for the pre-selection. */
const LINE_ALLOWANCE = 0.5;
const EBV_MAX = 0.6;

/**
 * Observes one band: flux-space noise at the true magnitude, magnitude errors at the observed one (photerr's
 * model, lsst.ts; written out here with fluxes in units of the 5σ flux, x = f5 / f, to spare logarithms in
 * the innermost loop of the mock).
 */
class Observer {
  readonly depths: number[];
  private readonly gamma: number[];
  private readonly fwhm: number[];
  private readonly flux5: number[];
  private readonly nsrSys2: number;

  constructor(nYears: number) {
    this.depths = BANDS.map((b) => coaddDepth(b, nYears));
    this.gamma = BANDS.map((b) => GAMMA[b]);
    this.fwhm = BANDS.map((b) => PSF_FWHM[b]);
    this.flux5 = this.depths.map((m5) => 10 ** (-0.4 * m5));
    const nsr0 = noiseToSignal(-Infinity, 0, 0.04); // the systematic floor alone
    this.nsrSys2 = nsr0 * nsr0;
  }

  areaRatio(b: number, radius: number): number {
    return radius > 0 ? apertureAreaRatio(radius, this.fwhm[b]!) : 1;
  }

  /** Writes the observed magnitude and error of true magnitude mTrue into out[0], out[1]. */
  observe(b: number, mTrue: number, areaRatio: number, rng: Random, out: Float64Array): void {
    const gamma = this.gamma[b]!;
    const f5 = this.flux5[b]!;
    const fTrue = 10 ** (-0.4 * Math.min(mTrue, 60));
    const flux = fTrue * (1 + this.nsr(f5 / fTrue, gamma, areaRatio) * rng.normal());
    // Below its own 1σ noise the band is a non-detection and reports the object's 1σ limiting magnitude
    // (an upper limit on the flux: an extended source's limit is brighter than a point source's).
    // x1 solves nsr(x1) = 1 (lsst.ts limitingMagnitude).
    const v = (1 - this.nsrSys2) / areaRatio;
    const x1 = (gamma - 0.04 + Math.sqrt((0.04 - gamma) ** 2 + 4 * gamma * v)) / (2 * gamma);
    if (!(flux * x1 > f5)) {
      out[0] = this.depths[b]! + 2.5 * Math.log10(x1);
      out[1] = NON_DETECTION_ERR;
    } else {
      out[0] = -2.5 * Math.log10(flux);
      out[1] = magErrorFromNsr(this.nsr(f5 / flux, gamma, areaRatio));
    }
  }

  /** noiseToSignal of lsst.ts for x = f5 / f. */
  private nsr(x: number, gamma: number, areaRatio: number): number {
    return Math.sqrt(this.nsrSys2 + areaRatio * ((0.04 - gamma) * x + gamma * x * x));
  }
}

export function simulateMock(o: MockOptions): MockCatalog {
  const colours = new ColourTable(o.zMax, 0.02, 17);
  const minOffsetI = (z: number) => {
    let m = Infinity;
    for (let k = 0; k <= 16; k++) m = Math.min(m, colours.offset(I, k / 16, z));
    return m + EBV_MAX * Math.min(0, colours.dustPerEbv(I, z)) - LINE_ALLOWANCE;
  };
  // Only galaxies that pass the "hopelessly faint" test below for some spectral type are drawn.
  const population = new GalaxyPopulation(o.zMax, o.magLimit + NOISE_MARGIN, minOffsetI, {
    ebvMean: o.ebvMean,
    lineScale: o.lineScale,
    lineScatterDex: o.lineScatterDex,
  });
  const observer = new Observer(o.nYears);
  const n = o.nObjects;
  const nStars = Math.round(n * starShare(o.starFraction, o.magLimit));
  const nGalaxies = n - nStars;
  const cat: MockCatalog = {
    n,
    redshift: new Float64Array(n),
    sedType: new Float64Array(n),
    objectType: new Int32Array(n),
    starType: new Float64Array(n),
    ebv: new Float64Array(n),
    radius: new Float64Array(n),
    mags: BANDS.map(() => new Float64Array(n)),
    errs: BANDS.map(() => new Float64Array(n)),
    depths: observer.depths,
    drawn: 0,
    stars: nStars,
    brownDwarfs: 0,
  };
  // Objects are drawn galaxies first, then stars, and placed at rows of a seeded permutation, so stars are
  // spread through the catalog as on the sky.
  const place = new Random(o.seed, 3).permutation(n);
  const trial = new Float64Array(2 * BANDS.length);
  const obs = new Float64Array(2);
  // A limit so bright that almost nothing passes would loop for ever: give up after many draws per object.
  const maxDraws = 1000 * n + 100_000;
  const tooMany = (k: number) =>
    new Error(`only ${k} of ${cat.drawn} simulated objects have i < ${o.magLimit}: is mag_limit too bright?`);
  const keepPhotometry = (row: number) => {
    for (let b = 0; b < BANDS.length; b++) {
      cat.mags[b]![row] = trial[2 * b]!;
      cat.errs[b]![row] = trial[2 * b + 1]!;
    }
  };

  const rng = new Random(o.seed);
  for (let k = 0; k < nGalaxies; ) {
    if (++cat.drawn > maxDraws) throw tooMany(k);
    const g = population.draw(rng);
    const base = g.absMag + population.distanceModulus(g.z);
    if (base + colours.offset(I, g.type, g.z, g.lines, g.ebv) > o.magLimit + NOISE_MARGIN) continue; // hopelessly faint
    population.drawRadius(g, rng);
    for (let b = 0; b < BANDS.length; b++) {
      // Spectra vary more than a one-parameter family: an independent scatter per band blurs the colours.
      const mTrue = base + colours.offset(b, g.type, g.z, g.lines, g.ebv) + o.sedScatter * rng.normal();
      observer.observe(b, mTrue, o.extendedErrors ? observer.areaRatio(b, g.radius) : 1, rng, obs);
      trial[2 * b] = obs[0]!;
      trial[2 * b + 1] = obs[1]!;
    }
    if (!(trial[2 * I]! < o.magLimit)) continue;
    const row = place[k++]!;
    keepPhotometry(row);
    cat.redshift[row] = g.z;
    cat.sedType[row] = g.type;
    cat.objectType[row] = GALAXY;
    cat.starType[row] = -1;
    cat.ebv[row] = g.ebv;
    cat.radius[row] = g.radius;
  }

  const starRng = new Random(o.seed, 2);
  for (let k = 0; k < nStars; ) {
    if (++cat.drawn > maxDraws) throw tooMany(nGalaxies + k);
    const s = drawStar(starRng, o.magLimit + NOISE_MARGIN, o.brownDwarfFraction);
    for (let b = 0; b < BANDS.length; b++) {
      observer.observe(b, s.mags[b]!, 1, starRng, obs);
      trial[2 * b] = obs[0]!;
      trial[2 * b + 1] = obs[1]!;
    }
    if (!(trial[2 * I]! < o.magLimit)) continue;
    if (s.brownDwarf) cat.brownDwarfs++;
    const row = place[nGalaxies + k++]!;
    keepPhotometry(row);
    cat.redshift[row] = 0;
    cat.sedType[row] = -1;
    cat.objectType[row] = s.brownDwarf ? BROWN_DWARF : MAIN_SEQUENCE_STAR;
    cat.starType[row] = s.code;
  }
  return cat;
}
