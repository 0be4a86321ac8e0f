// TrainPhotoz: the "training" of a k-nearest-neighbour photo-z is storing the training set in feature space.
import { readColumns, toFloat64, writeTable } from "#lbg/catalog";
import { type ConfigOf, Stage, type OptionProblem, type StageContext } from "#lbg/sdk";
import {
  describeReplaced,
  detectedMagnitudes,
  limitsByBand,
  NONDETECTION_OPTIONS,
  nondetectionProblems,
} from "./lib/nondetections.ts";
import { BANDS } from "./lib/lsst.ts";
import { buildFeatures, FEATURE_NAMES, MAG_COLUMNS, N_FEATURES } from "./lib/photoz-features.ts";

export default class TrainPhotoz extends Stage {
  static doc =
    "Trains a k-nearest-neighbour photo-z estimator in colour space (u−g, g−r, r−i, i−z, z−y and a scaled " +
    "i magnitude). Non-detected magnitudes (NaN, ±inf, |m| ≥ nondetect_val) get their band's 1σ limit from " +
    "mag_limits, as in RAIL's kNN, and are counted in the log. The model file (group `model`) holds each " +
    "training object's features and redshift, with k, magnitude_weight, nondetect_val and the limits " +
    "(mag_limit_<band>) as attributes, for EstimatePhotoz, which treats its catalog's non-detections the same way.";
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
    const problems = nondetectionProblems(config);
    if (!(Number.isInteger(config.k) && config.k >= 1))
      problems.unshift({ option: "k", message: `must be a positive integer, got ${config.k}` });
    return problems;
  }

  async run(ctx: StageContext<typeof TrainPhotoz>): Promise<void> {
    const { k, magnitude_weight, redshift_column, nondetect_val } = ctx.config;
    const limits = limitsByBand(ctx.config.mag_limits);
    const table = await readColumns(ctx.inputs.training_catalog, "photometry", [...MAG_COLUMNS, redshift_column]);
    const redshift = toFloat64(table[redshift_column]);
    const { mags, replaced } = detectedMagnitudes(table, limits, nondetect_val);
    const features = buildFeatures(mags, magnitude_weight);
    const n = redshift.length;
    if (n < k) throw new Error(`training catalog has ${n} objects, fewer than k = ${k}`);
    const columns: Record<string, Float64Array> = {};
    FEATURE_NAMES.forEach((name, f) => {
      const col = new Float64Array(n);
      for (let r = 0; r < n; r++) col[r] = features[r * N_FEATURES + f];
      columns[name] = col;
    });
    columns.redshift = redshift;
    const limitAttrs = Object.fromEntries(BANDS.map((b, q) => [`mag_limit_${b}`, limits[q]]));
    await writeTable(ctx.outputs.photoz_model, "model", columns, {
      attrs: { estimator: "knn", k, magnitude_weight, features: FEATURE_NAMES.join(","), nondetect_val, ...limitAttrs },
    });
    ctx.log(`training set: ${describeReplaced(replaced, n)}`);
    ctx.log(`kNN model: ${n} training objects, k = ${k}, magnitude_weight = ${magnitude_weight}`);
  }
}
