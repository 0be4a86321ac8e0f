// The models behind SimulateCatalog and the metrics, checked against the numbers their sources give: the
// Calzetti law, the Kennicutt/Ilbert line strengths, the LSST error model with photerr's extended-source
// apertures, the DESC gold limit, the stellar locus, the spectroscopic success rates, and the mock as a whole.
import { describe, expect, it } from "vitest";
import { calzettiK, R_V } from "../../lbg_stages/lib/dust.ts";
import { EMISSION_LINES, equivalentWidth, lineWeight, OII_WIDTH_FLAT } from "../../lbg_stages/lib/emission-lines.ts";
import { shenRadius } from "../../lbg_stages/lib/galaxy-population.ts";
import {
  apertureAreaRatio,
  BANDS,
  coaddDepth,
  GAMMA,
  goldLimit,
  limitingMagnitude,
  magErrorFromNsr,
  noiseToSignal,
  oneSigmaLimit,
  PSF_FWHM,
  snrFromMagError,
} from "../../lbg_stages/lib/lsst.ts";
import { NON_DETECTION_ERR, simulateMock } from "../../lbg_stages/lib/mock-catalog.ts";
import { checkOptions, increasingNumbers, positiveInt } from "../../lbg_stages/lib/option-checks.ts";
import { coverage, pitHistogram, quantileOfSorted } from "../../lbg_stages/lib/photoz-metrics.ts";
import { Random } from "../../lbg_stages/lib/random.ts";
import { ColourTable } from "../../lbg_stages/lib/sed.ts";
import { BRIGHT_SAMPLE, DEEP_SAMPLE, selectSpecSample, specSuccess } from "../../lbg_stages/lib/spec-sample.ts";
import { BROWN_DWARF, drawStar, GALAXY, MAIN_SEQUENCE_STAR, starShare } from "../../lbg_stages/lib/stars.ts";

describe("dust, lines and sizes", () => {
  it("Calzetti et al. (2000): k(V) = R_V = 4.05, k(1500 Å) ≈ 10.3, falling with wavelength", () => {
    expect(calzettiK(5500)).toBeCloseTo(R_V, 2);
    expect(calzettiK(1500)).toBeCloseTo(10.33, 1);
    expect(calzettiK(4400) - calzettiK(5500)).toBeCloseTo(1, 1); // k(B) − k(V) = 1: E(B−V) = A_B − A_V
    const ks = [1000, 1200, 2000, 3000, 4400, 5500, 6300, 8000, 10000].map(calzettiK);
    for (let i = 1; i < ks.length; i++) expect(ks[i]).toBeLessThan(ks[i - 1]!);
    expect(calzettiK(500)).toBe(calzettiK(1000)); // held below 1000 Å
  });

  it("Kennicutt/Ilbert lines: [OII] EW 46 Å for a flat f_ν, Hα 1.77× its flux; none for ellipticals", () => {
    expect(OII_WIDTH_FLAT).toBeCloseTo(46.3, 1);
    const oii = EMISSION_LINES.find((l) => l.name === "[OII]")!;
    const ha = EMISSION_LINES.find((l) => l.name === "Hα")!;
    expect(equivalentWidth(oii, 1, 1)).toBeCloseTo(46.3, 1);
    // Same f_ν: EW scales with the flux ratio and λ² (f_λ = f_ν c/λ²).
    expect(equivalentWidth(ha, 1, 1)).toBeCloseTo(46.3 * 1.77 * (6562.8 / 3727) ** 2, 0);
    expect(lineWeight(0)).toBe(0);
    expect(lineWeight(0.25)).toBe(1);
    expect(lineWeight(1)).toBe(1);
  });

  it("the colour table: dust reddens relative to the B band, lines brighten the band they fall in", () => {
    const c = new ColourTable(6, 0.02, 17);
    const u = BANDS.indexOf("u");
    const i = BANDS.indexOf("i");
    const z = BANDS.indexOf("z");
    // At z = 0.02 a starburst's u is fainter and its i brighter, relative to B, with E(B−V) = 0.3.
    expect(c.offset(u, 1, 0.02, 0, 0.3)).toBeGreaterThan(c.offset(u, 1, 0.02) + 0.2);
    expect(c.offset(i, 1, 0.02, 0, 0.3)).toBeLessThan(c.offset(i, 1, 0.02) - 0.4);
    // Hα at z = 0.3 sits in z (8530 Å): a starburst's z is brighter with lines, an elliptical's is not.
    expect(c.offset(z, 1, 0.3, 1)).toBeLessThan(c.offset(z, 1, 0.3) - 0.1);
    expect(c.offset(z, 0, 0.3, 1)).toBe(c.offset(z, 0, 0.3));
    // The Lyman break: a z = 4 galaxy has (almost) no flux in u.
    expect(c.offset(u, 1, 4)).toBeGreaterThan(c.offset(i, 1, 4) + 5);
  });

  it("Shen et al. (2003) sizes: an M_r = −21 late type ~3.8 kpc, early types smaller when faint", () => {
    expect(shenRadius(-21, false)).toBeCloseTo(3.84, 1);
    expect(shenRadius(-22, true)).toBeCloseTo(4.6, 1);
    expect(shenRadius(-18, true)).toBeLessThan(shenRadius(-18, false));
  });
});

describe("LSST errors and depth", () => {
  it("5σ at m5 and the gold limit following the depth: i < 25.3 at Y10, 24.05 at Y1", () => {
    const m5 = coaddDepth("i", 10);
    expect(m5).toBeCloseTo(26.83, 2);
    expect(noiseToSignal(m5, m5, GAMMA.i)).toBeCloseTo(0.2, 3);
    expect(limitingMagnitude(5, m5, GAMMA.i)).toBeCloseTo(m5, 2);
    expect(limitingMagnitude(1, m5, GAMMA.i)).toBeCloseTo(oneSigmaLimit(m5), 1);
    expect(goldLimit(10)).toBeCloseTo(25.3, 10);
    expect(goldLimit(1)).toBeCloseTo(24.05, 10);
    expect(coaddDepth("i", 10) - coaddDepth("i", 1)).toBeCloseTo(1.25, 10);
    expect(snrFromMagError(magErrorFromNsr(0.1))).toBeCloseTo(10, 8);
  });

  it("photerr's auto aperture: a point source loses nothing, an r = 0.3″ galaxy about a magnitude", () => {
    expect(apertureAreaRatio(0, PSF_FWHM.i)).toBe(1);
    const ratio = apertureAreaRatio(0.3, PSF_FWHM.i);
    const s = PSF_FWHM.i / 2.355;
    expect(ratio).toBeCloseTo((s * s + 0.75 ** 2) / (s * s), 10);
    const m5 = coaddDepth("i", 10);
    const loss = limitingMagnitude(5, m5, GAMMA.i) - limitingMagnitude(5, m5, GAMMA.i, ratio);
    expect(loss).toBeGreaterThan(0.8);
    expect(loss).toBeLessThan(1.3);
  });
});

describe("stars and the spectroscopic sample", () => {
  it("the stellar locus: M dwarfs red in r − i, brown dwarfs redder in i − z; shares scale with the limit", () => {
    const rng = new Random(1);
    const stars = Array.from({ length: 4000 }, () => drawStar(rng, 25.3, 0.05));
    const colour = (s: (typeof stars)[number], a: number, b: number) => s.mags[a]! - s.mags[b]!;
    const m = stars.filter((s) => !s.brownDwarf && s.code >= 44 && s.code < 46);
    const bd = stars.filter((s) => s.brownDwarf);
    expect(bd.length).toBeGreaterThan(120);
    expect(bd.length).toBeLessThan(280);
    const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1]!;
    expect(med(m.map((s) => colour(s, 2, 3)))).toBeGreaterThan(1.5); // M4–M5: r − i ≈ 1.6–2
    expect(med(bd.map((s) => colour(s, 3, 4)))).toBeGreaterThan(1.6); // L/T: i − z > 1.6
    expect(Math.min(...stars.map((s) => s.i))).toBeGreaterThanOrEqual(16);
    expect(starShare(0.08, 25.3)).toBeCloseTo(0.08, 10);
    expect(starShare(0.08, 24.05)).toBeGreaterThan(0.12);
    expect(starShare(0, 24)).toBe(0);
  });

  it("deep-survey success falls with magnitude and in the redshift desert; the bright sample is complete", () => {
    const o = {
      brightLimit: 22.5,
      deepLimit: 25,
      deepFraction: 0.5,
      successMax: 0.9,
      successI50: 24,
      successWidth: 0.4,
      desert: [1.5, 2.5] as const,
      desertSuccess: 0.3,
      highzMin: 10,
      highzFraction: 1,
    };
    expect(specSuccess(24, 1, o)).toBeCloseTo(0.45, 10);
    expect(specSuccess(23, 1, o)).toBeGreaterThan(specSuccess(24.5, 1, o));
    expect(specSuccess(23, 2, o)).toBeCloseTo(0.3 * specSuccess(23, 1, o), 10);
    const n = 5000;
    const rng = new Random(2);
    const mi = Float64Array.from({ length: n }, () => rng.between(18, 25.3));
    const z = Float64Array.from({ length: n }, () => rng.between(0, 4));
    const s = selectSpecSample(mi, z, (r) => r % 10 !== 0, o, new Random(3));
    const bright = s.rows.filter((_, k) => s.sample[k] === BRIGHT_SAMPLE);
    const galaxiesBright = Array.from(mi).filter((m, r) => m < 22.5 && r % 10 !== 0).length;
    expect(bright.length).toBe(galaxiesBright); // complete
    expect(s.rows.every((r) => r % 10 !== 0)).toBe(true); // no stars
    const deep = s.rows.filter((_, k) => s.sample[k] === DEEP_SAMPLE);
    expect(deep.every((r) => mi[r]! >= 22.5 && mi[r]! < 25)).toBe(true);
    const desert = deep.filter((r) => z[r]! >= 1.5 && z[r]! < 2.5).length;
    const outside = deep.filter((r) => z[r]! < 1.5 || (z[r]! >= 2.5 && z[r]! < 3.5)).length;
    expect(desert).toBeLessThan(outside / 2);
  });
});

describe("the mock catalog", () => {
  it("galaxies, main-sequence stars and brown dwarfs, extended galaxies, non-detections at the object's limit", () => {
    const mock = simulateMock({
      nObjects: 20000,
      seed: 42,
      nYears: 10,
      magLimit: 25.3,
      zMax: 6,
      sedScatter: 0.04,
      ebvMean: 0.1,
      lineScale: 1,
      lineScatterDex: 0.3,
      extendedErrors: true,
      starFraction: 0.08,
      brownDwarfFraction: 0.03,
    });
    const type = Array.from(mock.objectType);
    const galaxies = type.filter((t) => t === GALAXY).length;
    expect(type.filter((t) => t !== GALAXY).length).toBe(1600);
    expect(type.filter((t) => t === BROWN_DWARF).length).toBe(mock.brownDwarfs);
    expect(mock.brownDwarfs).toBeGreaterThan(20);
    expect(type.filter((t) => t === MAIN_SEQUENCE_STAR).length).toBeGreaterThan(1400);
    const z = Array.from(mock.redshift);
    const high = z.filter((v, k) => type[k] === GALAXY && v > 3).length / galaxies;
    expect(high).toBeGreaterThan(0.02); // LBGs: a few per cent of an i < 25.3 catalog
    expect(high).toBeLessThan(0.06);
    const i = BANDS.indexOf("i");
    // At the same magnitude a galaxy's error exceeds a star's (its aperture holds more sky).
    const errAt = (t: number) => {
      const e: number[] = [];
      for (let k = 0; k < mock.n; k++)
        if ((type[k] === GALAXY) === (t === GALAXY) && mock.mags[i]![k]! > 24.8 && mock.mags[i]![k]! < 25)
          e.push(mock.errs[i]![k]!);
      return e.sort((a, b) => a - b)[e.length >> 1]!;
    };
    expect(errAt(GALAXY)).toBeGreaterThan(1.3 * errAt(MAIN_SEQUENCE_STAR));
    // A non-detection holds that object's own 1σ limit.
    const u = BANDS.indexOf("u");
    let checked = 0;
    for (let k = 0; k < mock.n && checked < 50; k++) {
      if (mock.errs[u]![k] !== NON_DETECTION_ERR) continue;
      const ratio = mock.radius[k]! > 0 ? apertureAreaRatio(mock.radius[k]!, PSF_FWHM.u) : 1;
      expect(mock.mags[u]![k]).toBeCloseTo(limitingMagnitude(1, mock.depths[u]!, GAMMA.u, ratio), 8);
      checked++;
    }
    expect(checked).toBe(50);
    expect(Math.max(...mock.mags[i]!)).toBeLessThan(25.3);
  }, 60_000);
});

describe("metric and option helpers", () => {
  it("percentiles interpolate linearly (numpy's default); PIT bins count the quantiles at or below z_true", () => {
    expect(quantileOfSorted([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
    expect(quantileOfSorted([5], 0.75)).toBe(5);
    expect(quantileOfSorted([], 0.5)).toBeNaN();
    // Two quantiles (levels 1/3, 2/3): z below both → bin 0, equal to the first → bin 1, above both → bin 2.
    expect(
      pitHistogram(
        [0, 1, 3, 5],
        [
          [1, 1, 1, 1],
          [2, 2, 2, 2],
        ],
      ),
    ).toEqual([0.25, 0.25, 0.5]);
    expect(coverage([1, 2, 3], [0, 2, 4], [1, 3, 5])).toBeCloseTo(2 / 3, 12);
  });

  it("option checks name the option and the value", () => {
    expect(checkOptions({ n: 0, e: [1, 1] }, { n: positiveInt, e: increasingNumbers(2) }, { n: "hint" })).toEqual([
      { option: "n", message: "must be a positive integer, got 0", hint: "hint" },
      { option: "e", message: "must increase, but entry 1 (1) does not exceed entry 0 (1)" },
    ]);
    expect(positiveInt(null)).toBe("must be a positive integer, got null");
    expect(positiveInt(2.5)).toBe("must be a positive integer, got 2.5");
  });
});
