// Lyman-break-galaxy selection as the LBG team runs it (lbg-pipelines' SelectLBGColorCuts): one sample per
// entry of `color_mag_cuts`, numexpr-like cuts over the magnitudes, and an object that passes the cuts of
// several samples is put in the LAST of them (the team's code assigns `zbin[mask] = ik` sample after sample).
// On top of the colours, the detection requirements of the HSC GOLDRUSH selections (Ono et al. 2018, PASJ 70,
// S10, §3.1; Harikane et al. 2018, PASJ 70, S11): S/N > 5 in the detection band (i for g-dropouts, z for
// r-dropouts) and, against low-redshift interlopers, S/N < 2 in the bands blueward of the break (g for
// r-dropouts). They are written as cuts on snr_<band>, per sample in `snr_cuts`, so the team's colour cuts stay
// character for character. S/N comes from the catalog's magnitude errors, S/N = 1 / (10^{σ_m/2.5} − 1)
// (photerr's relation, ≈ 1.0857 / σ_m), and is 0 for a non-detection (NaN, ±inf or |m| ≥ nondetect_val
// magnitudes, or an error ≥ nondetect_val).
import { OptionError } from "#lbg/sdk";
import { parseCut, shorten, type Cut } from "./cut-expression.ts";
import { BANDS, snrFromMagError } from "./lsst.ts";
import { isNondetection } from "./nondetections.ts";

/** The LBG team's default cuts (lbg-pipelines, configs/pipelines/select_lbg_color_cuts/config.yaml), unchanged. */
export const DEFAULT_CUTS: Record<string, string[]> = {
  "g-dropouts": ["g - r > 1", "r - i < 1", "g - r > 1.5 * (r - i) + 0.8"],
  "r-dropouts": ["r - i > 1.2", "i - z < 0.7", "r - i > 1.5 * (i - z) + 1.0"],
};

/** GOLDRUSH's detection requirements of the same samples. */
export const GOLDRUSH_SNR_CUTS: Record<string, string[]> = {
  "g-dropouts": ["snr_i > 5"],
  "r-dropouts": ["snr_z > 5", "snr_g < 2"],
};

/** Names a cut may use: the magnitudes and their signal-to-noise ratios. */
export const SNR_NAMES: readonly string[] = BANDS.map((b) => `snr_${b}`);
export const CUT_NAMES: readonly string[] = [...BANDS, ...SNR_NAMES];

export interface Sample {
  name: string;
  cuts: Cut[];
}

/**
 * Parses every cut of a sample → cuts mapping, naming sample and cut in any error (an OptionError whose path
 * points at the cut, so lbg names its config line). `allowEmpty`: an empty mapping is fine (snr_cuts).
 */
export function parseSampleCuts(cuts: unknown, option = "color_mag_cuts", allowEmpty = false): Sample[] {
  const show = (v: unknown) => shorten(JSON.stringify(v) ?? String(v));
  if (typeof cuts !== "object" || cuts === null || Array.isArray(cuts)) {
    throw new OptionError(option, `must map sample names to lists of cuts, got ${show(cuts)}`);
  }
  const entries = Object.entries(cuts as Record<string, unknown>);
  if (entries.length === 0 && !allowEmpty)
    throw new OptionError(option, "names no sample", { hint: "e.g. g-dropouts: [g - r > 1, r - i < 1]" });
  return entries.map(([name, list]) => {
    const sample = `sample "${shorten(name)}"`;
    if (!Array.isArray(list) || list.length === 0) {
      throw new OptionError(option, `${sample} must be a non-empty list of cuts, got ${show(list)}`, { path: [name] });
    }
    return {
      name,
      cuts: list.map((text, i) => {
        if (typeof text !== "string")
          throw new OptionError(option, `${sample}: cut ${show(text)} is not a string`, { path: [name, i] });
        try {
          return parseCut(text, CUT_NAMES);
        } catch (e) {
          throw new OptionError(option, `${sample}, cut "${shorten(text)}": ${(e as Error).message}`, {
            path: [name, i],
          });
        }
      }),
    };
  });
}

/** The samples with their colour cuts and S/N cuts joined; every snr_cuts sample must be a colour sample. */
export function parseSelection(colorMagCuts: unknown, snrCuts: unknown): Sample[] {
  const samples = parseSampleCuts(colorMagCuts);
  const extra = parseSampleCuts(snrCuts, "snr_cuts", true);
  for (const e of extra) {
    const s = samples.find((x) => x.name === e.name);
    if (!s)
      throw new OptionError("snr_cuts", `sample "${shorten(e.name)}" is not one of color_mag_cuts' samples`, {
        path: [e.name],
        hint: `known: ${samples.map((x) => x.name).join(", ")}`,
      });
    s.cuts.push(...e.cuts);
  }
  return samples;
}

/** Whether any cut of the samples reads a snr_<band>. */
export function needsSnr(samples: readonly Sample[]): boolean {
  return samples.some((s) => s.cuts.some((c) => c.variables.some((v) => v.startsWith("snr_"))));
}

/** S/N per band from magnitudes and errors: 0 for a non-detection. */
export function signalToNoise(mag: ArrayLike<number>, err: ArrayLike<number>, nondetectVal: number): Float64Array {
  const out = new Float64Array(mag.length);
  for (let r = 0; r < mag.length; r++) {
    const e = err[r]!;
    out[r] =
      isNondetection(mag[r]!, nondetectVal) || isNondetection(e, nondetectVal) || !(e > 0) ? 0 : snrFromMagError(e);
  }
  return out;
}

/**
 * Bins of one block: the index of the last sample whose cuts all pass (the team's rule), or −1. `counts` and
 * `overlaps` (objects passing more than one sample) accumulate over blocks.
 */
export function assignBins(
  samples: readonly Sample[],
  columns: Record<string, ArrayLike<number>>,
  m: number,
  counts: number[],
  tally: { overlaps: number },
): Int32Array {
  const bin = new Int32Array(m).fill(-1);
  const passed = new Uint8Array(m);
  samples.forEach((s, k) => {
    const pass = new Uint8Array(m).fill(1);
    for (const cut of s.cuts) {
      const mask = cut.evaluate(columns, m);
      for (let r = 0; r < m; r++) pass[r]! &= mask[r]!;
    }
    for (let r = 0; r < m; r++) {
      if (!pass[r]) continue;
      passed[r]!++;
      bin[r] = k; // a later sample overwrites an earlier one, as in the team's code
    }
  });
  for (let r = 0; r < m; r++) {
    const b = bin[r]!;
    if (b >= 0) counts[b] = (counts[b] ?? 0) + 1;
    if (passed[r]! > 1) tally.overlaps++;
  }
  return bin;
}
