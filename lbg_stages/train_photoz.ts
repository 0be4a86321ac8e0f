// TrainPhotoz: the "training" of a k-nearest-neighbour photo-z is storing the training set in feature space.
import { readColumns, toFloat64, writeTable } from "../src/catalog/index.ts";
import { Stage, type StageContext } from "../src/sdk/index.ts";
import { buildFeatures, FEATURE_NAMES, MAG_COLUMNS, N_FEATURES } from "./lib/photoz-features.ts";

interface Config {
  k: number;
  magnitude_weight: number;
  redshift_column: string;
}

export default class TrainPhotoz extends Stage<Config> {
  static doc =
    "Trains a k-nearest-neighbour photo-z estimator in colour space (u−g, g−r, r−i, i−z, z−y and a scaled " +
    "i magnitude). The model file (group `model`) holds each training object's features and redshift, with " +
    "k and magnitude_weight as attributes, for EstimatePhotoz.";
  static inputs = { training_catalog: "hdf5" } as const;
  static outputs = { photoz_model: "hdf5" } as const;
  static config = {
    k: { type: "int", default: 20, doc: "number of nearest neighbours used per estimate" },
    magnitude_weight: { type: "float", default: 0.1, doc: "weight of the i magnitude relative to colours in the distance" },
    redshift_column: { type: "str", default: "redshift", doc: "column of the training catalog holding the true redshift" },
  } as const;

  async run(ctx: StageContext<Config>): Promise<void> {
    const { k, magnitude_weight, redshift_column } = ctx.config;
    if (!(Number.isInteger(k) && k >= 1)) throw new Error(`k must be a positive integer, got ${k}`);
    const table = await readColumns(ctx.inputs.training_catalog, "photometry", [...MAG_COLUMNS, redshift_column]);
    const redshift = toFloat64(table[redshift_column]);
    const features = buildFeatures(table, magnitude_weight);
    const n = redshift.length;
    if (n < k) throw new Error(`training catalog has ${n} objects, fewer than k = ${k}`);
    const columns: Record<string, Float64Array> = {};
    FEATURE_NAMES.forEach((name, f) => {
      const col = new Float64Array(n);
      for (let r = 0; r < n; r++) col[r] = features[r * N_FEATURES + f];
      columns[name] = col;
    });
    columns.redshift = redshift;
    await writeTable(ctx.outputs.photoz_model, "model", columns, {
      attrs: { estimator: "knn", k, magnitude_weight, features: FEATURE_NAMES.join(",") },
    });
    ctx.log(`kNN model: ${n} training objects, k = ${k}, magnitude_weight = ${magnitude_weight}`);
  }
}
