// TrainPhotoz's work: the "training" of a k-nearest-neighbour photo-z is storing the training set in feature
// space, with what EstimatePhotoz needs to build the same features (k, the magnitude weight, the
// non-detection convention) as attributes of the model file.
import { listColumns, readColumns, toFloat64, writeTable } from "#lbg/catalog";
import { BANDS, MAG_ERR_COLUMNS } from "./lsst.ts";
import { describeReplaced, detectedMagnitudes } from "./nondetections.ts";
import { buildFeatures, FEATURE_NAMES, MAG_COLUMNS, N_FEATURES } from "./photoz-features.ts";

export interface TrainOptions {
  k: number;
  magnitudeWeight: number;
  redshiftColumn: string;
  nondetectVal: number;
  /** 1σ limits in BANDS order. */
  limits: number[];
}

/** Writes the model of the training catalog to `modelPath`; returns the log lines. */
export async function trainKnn(trainingPath: string, modelPath: string, o: TrainOptions): Promise<string[]> {
  const available = new Set(await listColumns(trainingPath, "photometry"));
  if (!available.has(o.redshiftColumn))
    throw new Error(`training catalog has no column ${o.redshiftColumn} (redshift_column)`);
  const hasErrors = MAG_ERR_COLUMNS.every((c) => available.has(c));
  const table = await readColumns(trainingPath, "photometry", [
    ...MAG_COLUMNS,
    ...(hasErrors ? MAG_ERR_COLUMNS : []),
    o.redshiftColumn,
  ]);
  const redshift = toFloat64(table[o.redshiftColumn]!);
  const { mags, replaced, preset } = detectedMagnitudes(table, o.limits, o.nondetectVal);
  const features = buildFeatures(mags, o.magnitudeWeight);
  const n = redshift.length;
  if (n < o.k) throw new Error(`training catalog has ${n} objects, fewer than k = ${o.k}`);
  const columns: Record<string, Float64Array> = {};
  FEATURE_NAMES.forEach((name, f) => {
    const col = new Float64Array(n);
    for (let r = 0; r < n; r++) col[r] = features[r * N_FEATURES + f]!;
    columns[name] = col;
  });
  columns.redshift = redshift;
  const limitAttrs = Object.fromEntries(BANDS.map((b, q) => [`mag_limit_${b}`, o.limits[q]!]));
  await writeTable(modelPath, "model", columns, {
    attrs: {
      estimator: "knn",
      k: o.k,
      magnitude_weight: o.magnitudeWeight,
      features: FEATURE_NAMES.join(","),
      nondetect_val: o.nondetectVal,
      ...limitAttrs,
    },
  });
  return [
    `training set: ${describeReplaced(replaced, n, hasErrors ? preset : undefined)}`,
    `kNN model: ${n} training objects, k = ${o.k}, magnitude_weight = ${o.magnitudeWeight}`,
  ];
}
