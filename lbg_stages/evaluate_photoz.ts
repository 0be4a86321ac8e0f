// EvaluatePhotoz: photo-z quality against the truth, on the held-out test set and on the target catalog
// (lib/evaluate-photoz-run.ts reads and writes; lib/photoz-evaluation.ts and lib/photoz-metrics.ts compute).
import { type ConfigOf, Stage, type OptionProblem, type StageContext } from "#lbg/sdk";
import { evaluatePhotoz, POINT_ESTIMATES } from "./lib/evaluate-photoz-run.ts";
import { checkOptions, increasingNumbers, nonEmptyString, oneOf, positive } from "./lib/option-checks.ts";

export default class EvaluatePhotoz extends Stage {
  static doc =
    "Compares photo-z estimates with true redshifts, matched by id, with Δz = (z_phot − z_true)/(1 + z_true): " +
    "bias = median Δz, sigma_nmad = 1.4826 · median |Δz − bias|, sigma_iqr = IQR/1.349, outlier_fraction " +
    "(|Δz| > outlier_threshold), outlier_fraction_3sigma (|Δz| > max(0.06, 3 sigma_iqr)), coverage_68/90/95 " +
    "(true z inside the central intervals) and the PIT histogram (20 bins, from the z_q05 … z_q95 quantiles). " +
    "photoz_metrics (YAML): the test set (test_catalog/test_photoz) overall and in true-redshift bins " +
    "(z_bins), and under `target` the photometric catalog's galaxies without the training objects " +
    "(photometry_catalog/target_photoz, truth_column) overall, in bins of mag_column (mag_bins) and of true " +
    "redshift, with stars (object_type_column ≠ 0) counted apart. Plots: z_phot against z_true for the test " +
    "set (photoz_plot) and the target (photoz_target_plot), the metrics against magnitude (photoz_mag_plot) " +
    "and redshift (photoz_z_plot), PIT histograms (photoz_pit_plot) and interval coverage (photoz_coverage_plot).";
  static inputs = {
    test_catalog: "hdf5",
    test_photoz: "hdf5",
    photometry_catalog: "hdf5",
    target_photoz: "hdf5",
    training_catalog: "hdf5",
  } as const;
  static outputs = {
    photoz_metrics: "yml",
    photoz_plot: "png",
    photoz_target_plot: "png",
    photoz_mag_plot: "png",
    photoz_z_plot: "png",
    photoz_pit_plot: "png",
    photoz_coverage_plot: "png",
  } as const;
  static metrics = ["photoz_metrics"] as const;
  static config = {
    point_estimate: { type: "str", default: "z_mode", doc: "photo-z column evaluated: z_mode, z_mean or z_median" },
    redshift_column: { type: "str", default: "redshift", doc: "column of test_catalog holding the true redshift" },
    truth_column: {
      type: "str",
      default: "redshift_true",
      doc: "column of photometry_catalog holding the true redshift",
    },
    object_type_column: {
      type: "str",
      default: "object_type_true",
      doc: "column of photometry_catalog whose non-zero values mark stars (left out of the target metrics); empty: none",
    },
    mag_column: { type: "str", default: "mag_i", doc: "column of photometry_catalog binned by mag_bins" },
    outlier_threshold: { type: "float", default: 0.15, doc: "|Δz| above which an object is an outlier" },
    z_bins: {
      type: "list",
      default: [0, 0.5, 1, 1.5, 2, 3, 6] as number[],
      doc: "edges of the true-redshift bins of the per-bin metrics",
    },
    mag_bins: {
      type: "list",
      default: [16, 21, 22, 23, 24, 25.3] as number[],
      doc: "edges of the magnitude bins of the target metrics",
    },
  } as const;

  static validate(config: ConfigOf<typeof EvaluatePhotoz>): OptionProblem[] {
    return checkOptions(
      { ...config },
      {
        point_estimate: oneOf(POINT_ESTIMATES),
        redshift_column: nonEmptyString,
        truth_column: nonEmptyString,
        mag_column: nonEmptyString,
        outlier_threshold: positive,
        z_bins: increasingNumbers(2),
        mag_bins: increasingNumbers(2),
      },
      { z_bins: "e.g. [0, 0.5, 1, 1.5, 2, 3, 6]", mag_bins: "e.g. [16, 21, 22, 23, 24, 25.3]" },
    );
  }

  async run(ctx: StageContext<typeof EvaluatePhotoz>): Promise<void> {
    await evaluatePhotoz(ctx.config, ctx.inputs, ctx.outputs, ctx.log);
  }
}
