// EstimatePhotoz: k-nearest-neighbour photo-z for every object of a catalog, streamed in row blocks
// (lib/knn-estimate.ts does the work). The class only knows its generic tags (`photoz_model`, `catalog` →
// `photoz_estimates`); pipelines use it twice through aliases (test set and target catalog).
import { type ConfigOf, Stage, type OptionProblem, type StageContext } from "#lbg/sdk";
import { estimateCatalog } from "./lib/knn-estimate.ts";
import { checkOptions, positive, positiveInt } from "./lib/option-checks.ts";

export default class EstimatePhotoz extends Stage {
  static doc =
    "Estimates photometric redshifts with the kNN model of TrainPhotoz (KD-tree search in colour space). " +
    "Non-detected magnitudes (NaN, ±inf, |m| ≥ the model's nondetect_val) get the model's 1σ limits, as in " +
    "training, and are counted in the log apart from those the catalog already holds at a limit (mag_err ≥ " +
    "nondetect_val). Output group `photoz`, one row per catalog object in catalog order: id, z_mode (mode of " +
    "the neighbours' kernel density), z_mean (inverse-distance weighted mean), z_median, the PDF's " +
    "percentiles z_lo68/z_hi68 (16/84) and z_lo95/z_hi95 (2.5/97.5), and its quantiles at 5% steps " +
    "z_q05 … z_q95 (for PIT histograms).";
  static inputs = { photoz_model: "hdf5", catalog: "hdf5" } as const;
  static outputs = { photoz_estimates: "hdf5" } as const;
  static config = {
    kernel_width: {
      type: "float",
      default: 0.03,
      doc: "width σ/(1+z) of the Gaussian kernels smoothing the neighbours' redshifts",
    },
    chunk_rows: { type: "int", default: 100000, doc: "catalog rows read and processed per block (bounds memory)" },
  } as const;

  static validate(config: ConfigOf<typeof EstimatePhotoz>): OptionProblem[] {
    return checkOptions({ ...config }, { kernel_width: positive, chunk_rows: positiveInt });
  }

  async run(ctx: StageContext<typeof EstimatePhotoz>): Promise<void> {
    const { kernel_width, chunk_rows } = ctx.config;
    const { photoz_model, catalog } = ctx.inputs;
    for (const line of await estimateCatalog(
      photoz_model!,
      catalog!,
      ctx.outputs.photoz_estimates,
      kernel_width,
      chunk_rows,
    ))
      ctx.log(line);
  }
}
