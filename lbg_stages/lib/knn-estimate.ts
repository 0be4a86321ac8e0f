// EstimatePhotoz's work: read the kNN model of TrainPhotoz, then estimate every object of a catalog block by
// block (memory bounded by the block size and the model) and stream the estimates to the output.
import {
  iterateChunks,
  listColumns,
  openTableWriter,
  readAttrs,
  readColumns,
  rowCount,
  toFloat64,
  type TableSchema,
} from "#lbg/catalog";
import { KdTree } from "./kdtree.ts";
import { PDF_QUANTILES, QUANTILE_COLUMNS, scratchSize, summariseNeighbours } from "./knn-photoz.ts";
import { BANDS, MAG_ERR_COLUMNS } from "./lsst.ts";
import { addCounts, describeReplaced, detectedMagnitudes } from "./nondetections.ts";
import { buildFeatures, FEATURE_NAMES, MAG_COLUMNS, N_FEATURES } from "./photoz-features.ts";

/** Columns of the estimates (group `photoz`), one row per catalog object in catalog order. */
export const ESTIMATE_SCHEMA: TableSchema = {
  id: BigInt64Array,
  z_mode: Float64Array,
  z_mean: Float64Array,
  z_median: Float64Array,
  z_lo68: Float64Array,
  z_hi68: Float64Array,
  z_lo95: Float64Array,
  z_hi95: Float64Array,
  ...Object.fromEntries(QUANTILE_COLUMNS.map((c) => [c, Float64Array])),
};

interface KnnModel {
  k: number;
  magnitudeWeight: number;
  nondetectVal: number;
  limits: number[];
  tree: KdTree;
  trainZ: Float64Array;
}

async function readModel(modelPath: string): Promise<KnnModel> {
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
  const model = await readColumns(modelPath, "model", [...FEATURE_NAMES, "redshift"]);
  const trainZ = toFloat64(model.redshift!);
  const points = new Float64Array(trainZ.length * N_FEATURES);
  FEATURE_NAMES.forEach((name, f) => {
    const col = toFloat64(model[name]!);
    for (let r = 0; r < col.length; r++) points[r * N_FEATURES + f] = col[r]!;
  });
  return { k, magnitudeWeight, nondetectVal, limits, tree: new KdTree(points, N_FEATURES), trainZ };
}

/** Estimates every object of `catalogPath` (group photometry) into `outPath`; returns the log lines. */
export async function estimateCatalog(
  modelPath: string,
  catalogPath: string,
  outPath: string,
  kernelWidth: number,
  chunkRows: number,
): Promise<string[]> {
  const { k, magnitudeWeight, nondetectVal, limits, tree, trainZ } = await readModel(modelPath);
  const replaced = BANDS.map(() => 0);
  const preset = BANDS.map(() => 0);
  const available = new Set(await listColumns(catalogPath, "photometry"));
  const errColumns = MAG_ERR_COLUMNS.filter((c) => available.has(c));
  const hasErrors = errColumns.length === MAG_ERR_COLUMNS.length;
  // Streamed: each block of estimates is appended to the output as it is made, so memory is bounded by
  // chunk_rows (and the model), not by the catalog.
  const expectedRows = await rowCount(catalogPath, "photometry");
  const out = await openTableWriter(outPath, "photoz", ESTIMATE_SCHEMA, {
    attrs: { estimator: "knn", k, quantiles: PDF_QUANTILES.join(",") },
    expectedRows,
  });
  const idx = new Int32Array(k);
  const d2 = new Float64Array(k);
  const zs = new Float64Array(k);
  const scratch = new Float64Array(scratchSize(k));
  const order = new Int32Array(k);
  const quantiles = new Float64Array(PDF_QUANTILES.length);
  const columns = ["id", ...MAG_COLUMNS, ...(hasErrors ? errColumns : [])];
  try {
    for await (const chunk of iterateChunks(catalogPath, "photometry", columns, chunkRows)) {
      const m = chunk.end - chunk.start;
      const detected = detectedMagnitudes(chunk.columns, limits, nondetectVal);
      addCounts(replaced, detected.replaced);
      addCounts(preset, detected.preset);
      const features = buildFeatures(detected.mags, magnitudeWeight);
      const ids = chunk.columns.id!;
      const block: Record<string, Float64Array | BigInt64Array> = {};
      for (const [name, type] of Object.entries(ESTIMATE_SCHEMA))
        block[name] = new type(m) as Float64Array | BigInt64Array;
      const col = (name: string) => block[name] as Float64Array;
      const qCols = QUANTILE_COLUMNS.map(col);
      const [zMode, zMean, zMedian, lo68, hi68, lo95, hi95] = [
        "z_mode",
        "z_mean",
        "z_median",
        "z_lo68",
        "z_hi68",
        "z_lo95",
        "z_hi95",
      ].map(col) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
      const idOut = block.id as BigInt64Array;
      for (let r = 0; r < m; r++) {
        const found = tree.nearest(features, r * N_FEATURES, k, idx, d2);
        for (let j = 0; j < found; j++) zs[j] = trainZ[idx[j]!]!;
        const s = summariseNeighbours(zs, d2, found, kernelWidth, scratch, order, quantiles);
        idOut[r] = BigInt(ids[r]!);
        zMode[r] = s.zMode;
        zMean[r] = s.zMean;
        zMedian[r] = s.zMedian;
        lo68[r] = s.zLo68;
        hi68[r] = s.zHi68;
        lo95[r] = s.zLo95;
        hi95[r] = s.zHi95;
        for (let q = 0; q < qCols.length; q++) qCols[q]![r] = quantiles[q]!;
      }
      await out.append(block);
    }
    await out.close();
  } finally {
    out.abort();
  }
  return [
    `catalog: ${describeReplaced(replaced, out.rows, hasErrors ? preset : undefined)}`,
    `estimated ${out.rows} photo-z with k = ${k} neighbours among ${trainZ.length} training objects`,
  ];
}
