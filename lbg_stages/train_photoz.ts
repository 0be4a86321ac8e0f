// TrainPhotoz: a k-nearest-neighbour photo-z model in colour space (lib/knn-train.ts does the work).
import { type ConfigOf, Stage, type OptionProblem, type StageContext } from "#lbg/sdk";
import { trainKnn } from "./lib/knn-train.ts";
import { limitsByBand, NONDETECTION_OPTIONS, nondetectionProblems } from "./lib/nondetections.ts";
import { checkOptions, nonEmptyString, nonNegative, positiveInt } from "./lib/option-checks.ts";

export default class TrainPhotoz extends Stage {
  static doc =
    "Trains a k-nearest-neighbour photo-z estimator in colour space (u−g, g−r, r−i, i−z, z−y and a scaled " +
    "i magnitude). Non-detected magnitudes (NaN, ±inf, |m| ≥ nondetect_val) get their band's 1σ limit from " +
    "mag_limits, as in RAIL's kNN, and are counted in the log apart from those the catalog already holds at " +
    "a limit (mag_err ≥ nondetect_val). The model file (group `model`) holds each training object's features " +
    "and redshift, with k, magnitude_weight, nondetect_val and the limits (mag_limit_<band>) as attributes, " +
    "for EstimatePhotoz, which treats its catalog's non-detections the same way.";
  static inputs = { training_catalog: "hdf5" } as const;
  static outputs = { photoz_model: "hdf5" } as const;
  static config = {
    k: { type: "int", default: 20, doc: "number of nearest neighbours used per estimate" },
    magnitude_weight: {
      type: "float",
      default: 0.1,
      doc: "weight of the i magnitude relative to colours in the distance",
    },
    redshift_column: {
      type: "str",
      default: "redshift",
      doc: "column of the training catalog holding the true redshift",
    },
    ...NONDETECTION_OPTIONS,
  } as const;

  static validate(config: ConfigOf<typeof TrainPhotoz>): OptionProblem[] {
    return [
      ...checkOptions(
        { ...config },
        { k: positiveInt, magnitude_weight: nonNegative, redshift_column: nonEmptyString },
        { magnitude_weight: "0 ignores brightness; the default is 0.1" },
      ),
      ...nondetectionProblems(config),
    ];
  }

  async run(ctx: StageContext<typeof TrainPhotoz>): Promise<void> {
    const c = ctx.config;
    const lines = await trainKnn(ctx.inputs.training_catalog, ctx.outputs.photoz_model, {
      k: c.k,
      magnitudeWeight: c.magnitude_weight,
      redshiftColumn: c.redshift_column,
      nondetectVal: c.nondetect_val,
      limits: limitsByBand(c.mag_limits),
    });
    for (const line of lines) ctx.log(line);
  }
}
