// EstimatePhotoz: k-nearest-neighbour photo-z for every object of a catalog, streamed in row blocks.
// The class only knows its generic tags (`photoz_model`, `catalog` → `photoz_estimates`); pipelines use it
// twice through aliases (test set and target catalog).
import {
  iterateChunks,
  openTableWriter,
  readAttrs,
  readColumns,
  rowCount,
  toFloat64,
  type TableSchema,
} from "#lbg/catalog";
import { Stage, type StageContext } from "#lbg/sdk";
import { KdTree } from "./lib/kdtree.ts";
import { summariseNeighbours } from "./lib/knn-photoz.ts";
import { BANDS } from "./lib/lsst.ts";
import { describeReplaced, detectedMagnitudes } from "./lib/nondetections.ts";
import { buildFeatures, FEATURE_NAMES, MAG_COLUMNS, N_FEATURES } from "./lib/photoz-features.ts";

const OUTPUT_SCHEMA: TableSchema = {
  id: BigInt64Array,
  z_mode: Float64Array,
  z_mean: Float64Array,
  z_median: Float64Array,
  z_lo68: Float64Array,
  z_hi68: Float64Array,
  z_lo95: Float64Array,
  z_hi95: Float64Array,
};

export default class EstimatePhotoz extends Stage {
  static doc =
    "Estimates photometric redshifts with the kNN model of TrainPhotoz (KD-tree search in colour space). " +
    "Non-detected magnitudes (NaN, ±inf, |m| ≥ the model's nondetect_val) get the model's 1σ limits, as in " +
    "training, and are counted in the log. " +
    "Output group `photoz`, one row per catalog object in catalog order: id, z_mode (mode of the " +
    "neighbours' kernel density), z_mean (inverse-distance weighted mean), z_median, and the PDF summarised " +
    "as percentiles z_lo68/z_hi68 (16/84) and z_lo95/z_hi95 (2.5/97.5).";
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

  async run(ctx: StageContext<typeof EstimatePhotoz>): Promise<void> {
    const { kernel_width, chunk_rows } = ctx.config;
    const modelPath = ctx.inputs.photoz_model;
    const attrs = await readAttrs(modelPath, "model");
    const k = Number(attrs.k);
    const magnitudeWeight = Number(attrs.magnitude_weight);
    if (!(k >= 1) || !Number.isFinite(magnitudeWeight))
      throw new Error(`${modelPath}: not a kNN photo-z model (attributes k, magnitude_weight)`);
    // Non-detections are replaced exactly as in training: the model carries nondetect_val and the limits.
    const nondetectVal = Number(attrs.nondetect_val);
    const limits = BANDS.map((b) => Number(attrs[`mag_limit_${b}`]));
    if (!(nondetectVal > 0) || !limits.every(Number.isFinite)) {
      throw new Error(
        `${modelPath}: the model has no non-detection limits (attributes nondetect_val, mag_limit_<band>): retrain it with this TrainPhotoz`,
      );
    }
    const replaced = BANDS.map(() => 0);
    const model = await readColumns(modelPath, "model", [...FEATURE_NAMES, "redshift"]);
    const trainZ = toFloat64(model.redshift);
    const points = new Float64Array(trainZ.length * N_FEATURES);
    FEATURE_NAMES.forEach((name, f) => {
      const col = toFloat64(model[name]);
      for (let r = 0; r < col.length; r++) points[r * N_FEATURES + f] = col[r];
    });
    const tree = new KdTree(points, N_FEATURES);

    // Streamed: each block of estimates is appended to the output as it is made, so memory is bounded by
    // chunk_rows (and the model), not by the catalog.
    const expectedRows = await rowCount(ctx.inputs.catalog, "photometry");
    const out = await openTableWriter(ctx.outputs.photoz_estimates, "photoz", OUTPUT_SCHEMA, {
      attrs: { estimator: "knn", k },
      expectedRows,
    });
    const idx = new Int32Array(k);
    const d2 = new Float64Array(k);
    const zs = new Float64Array(k);
    const scratch = new Float64Array(2 * k);
    const order = new Int32Array(k);
    try {
      for await (const chunk of iterateChunks(ctx.inputs.catalog, "photometry", ["id", ...MAG_COLUMNS], chunk_rows)) {
        const m = chunk.end - chunk.start;
        const detected = detectedMagnitudes(chunk.columns, limits, nondetectVal);
        detected.replaced.forEach((c, q) => (replaced[q] += c));
        const features = buildFeatures(detected.mags, magnitudeWeight);
        const ids = chunk.columns.id;
        const block = {
          id: new BigInt64Array(m),
          z_mode: new Float64Array(m),
          z_mean: new Float64Array(m),
          z_median: new Float64Array(m),
          z_lo68: new Float64Array(m),
          z_hi68: new Float64Array(m),
          z_lo95: new Float64Array(m),
          z_hi95: new Float64Array(m),
        };
        for (let r = 0; r < m; r++) {
          const found = tree.nearest(features, r * N_FEATURES, k, idx, d2);
          for (let j = 0; j < found; j++) zs[j] = trainZ[idx[j]];
          const s = summariseNeighbours(zs, d2, found, kernel_width, scratch, order);
          block.id[r] = BigInt(ids[r]);
          block.z_mode[r] = s.zMode;
          block.z_mean[r] = s.zMean;
          block.z_median[r] = s.zMedian;
          block.z_lo68[r] = s.zLo68;
          block.z_hi68[r] = s.zHi68;
          block.z_lo95[r] = s.zLo95;
          block.z_hi95[r] = s.zHi95;
        }
        await out.append(block);
      }
      await out.close();
    } finally {
      out.abort();
    }
    const n = out.rows;
    ctx.log(`catalog: ${describeReplaced(replaced, n)}`);
    ctx.log(`estimated ${n} photo-z with k = ${k} neighbours among ${trainZ.length} training objects`);
  }
}
