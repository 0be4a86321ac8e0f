// SelectLBGColorCuts: label Lyman-break-galaxy candidates with colour–magnitude cuts, one sample per entry
// of `color_mag_cuts`, plus the GOLDRUSH detection requirements of `snr_cuts` (lib/lbg-selection.ts; cuts are
// parsed by lib/cut-expression.ts, no eval; lib/lbg-select-run.ts streams the catalog).
import { type ConfigOf, Stage, type OptionProblem, type StageContext } from "#lbg/sdk";
import { DEFAULT_CUTS, GOLDRUSH_SNR_CUTS, parseSelection } from "./lib/lbg-selection.ts";
import { selectLbgs } from "./lib/lbg-select-run.ts";
import { NONDETECTION_OPTIONS, nondetectionProblems } from "./lib/nondetections.ts";
import { checkOptions, positiveInt } from "./lib/option-checks.ts";

export { DEFAULT_CUTS, GOLDRUSH_SNR_CUTS };
export { parseSampleCuts } from "./lib/lbg-selection.ts";

export default class SelectLBGColorCuts extends Stage {
  static doc =
    "Selects Lyman-break-galaxy samples with colour–magnitude cuts over the magnitudes u g r i z y (and " +
    "snr_u … snr_y), into a TXPipe lens tomography file: group `tomography` with `bin` (int32: the index of " +
    "the last sample, in color_mag_cuts order, whose cuts all pass — the LBG team's rule — or −1), " +
    "`lens_weight` (float32, 1: unweighted) and the catalog's `id`, attributes nbin and nbin_lens (the number " +
    "of samples) and sample_<i> (each bin's sample name); group `counts` with `counts` (int32, objects per " +
    "bin) and `counts_2d` (objects in any bin). snr_cuts adds cuts per sample, by default GOLDRUSH's " +
    "detection requirements (Ono et al. 2018): S/N > 5 in i for g-dropouts, S/N > 5 in z and < 2 in g for " +
    "r-dropouts, with S/N from mag_err_<band> (0 for a non-detection). A non-detected magnitude (NaN, ±inf, " +
    "|m| ≥ nondetect_val) is taken at its band's 1σ limit (mag_limits), the LBG team's convention: the object " +
    "is at least that faint, so a dropout colour such as g − r is a lower limit and a non-detection in the " +
    "dropout band still passes a `g - r > 1` cut; counted in the log apart from those the catalog already " +
    "holds at a limit (mag_err ≥ nondetect_val).";
  static inputs = { photometry_catalog: "hdf5" } as const;
  static outputs = { tomography_catalog: "hdf5" } as const;
  static config = {
    color_mag_cuts: {
      type: "dict",
      default: DEFAULT_CUTS,
      doc: "sample name → list of cuts, e.g. 'g - r > 1.5 * (r - i) + 0.8'",
    },
    snr_cuts: {
      type: "dict",
      default: GOLDRUSH_SNR_CUTS,
      doc: "sample name → list of further cuts, e.g. 'snr_i > 5' (GOLDRUSH's detection requirements; {}: none)",
    },
    chunk_rows: { type: "int", default: 100000, doc: "catalog rows processed per block" },
    ...NONDETECTION_OPTIONS,
  } as const;

  /** Malformed cuts or limits are config errors when the run loads, before SimulateCatalog or anything runs. */
  static validate(config: ConfigOf<typeof SelectLBGColorCuts>): OptionProblem[] {
    parseSelection(config.color_mag_cuts, config.snr_cuts);
    return [...checkOptions({ ...config }, { chunk_rows: positiveInt }), ...nondetectionProblems(config)];
  }

  async run(ctx: StageContext<typeof SelectLBGColorCuts>): Promise<void> {
    await selectLbgs(ctx.config, ctx.inputs.photometry_catalog, ctx.outputs.tomography_catalog, ctx.log);
  }
}
