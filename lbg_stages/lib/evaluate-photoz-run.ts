// EvaluatePhotoz's work: read the test set and the target catalog with their estimates, match them by id,
// leave out training objects and stars from the target sample, and write the metrics (photoz-evaluation.ts)
// and the plots (photoz-plots.ts).
import { listColumns, readColumns, toFloat64, writePng, writeYaml, type YamlValue } from "#lbg/catalog";
import { photozMetrics } from "./photoz-metrics.ts";
import {
  INTERVAL_COLUMNS,
  PIT_EDGES,
  targetYaml,
  testSetYaml,
  type EvaluatedSample,
  type EvaluationOptions,
} from "./photoz-evaluation.ts";
import { coveragePlot, metricsPlot, pitPlot, scatterPlot } from "./photoz-plots.ts";
import { GALAXY } from "./stars.ts";

export interface EvaluatePhotozConfig {
  point_estimate: string;
  redshift_column: string;
  truth_column: string;
  object_type_column: string;
  mag_column: string;
  outlier_threshold: number;
  z_bins: number[];
  mag_bins: number[];
}

export const POINT_ESTIMATES = ["z_mode", "z_mean", "z_median"] as const;

/** Estimates re-ordered to the truth rows by id (the usual case, identical order, costs one pass). */
export function alignById(
  truthIds: ArrayLike<unknown>,
  estIds: ArrayLike<unknown>,
  columns: Record<string, Float64Array>,
  what: string,
): Record<string, Float64Array> {
  const n = truthIds.length;
  let same = estIds.length === n;
  for (let i = 0; same && i < n; i++) same = truthIds[i] === estIds[i];
  if (same) return columns;
  const where = new Map<unknown, number>();
  for (let i = 0; i < estIds.length; i++) where.set(estIds[i], i);
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = where.get(truthIds[i]);
    if (j === undefined) throw new Error(`${what} has no estimate for object id ${String(truthIds[i])}`);
    rows[i] = j;
  }
  return Object.fromEntries(
    Object.entries(columns).map(([name, col]) => {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = col[rows[i]!]!;
      return [name, out];
    }),
  );
}

async function readEstimates(
  path: string,
  pointEstimate: string,
): Promise<{ ids: ArrayLike<unknown>; columns: Record<string, Float64Array> }> {
  const available = new Set(await listColumns(path, "photoz"));
  const missing = [pointEstimate, ...INTERVAL_COLUMNS].filter((c) => !available.has(c));
  if (missing.length)
    throw new Error(
      `${path} has no column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}: estimate it with this EstimatePhotoz`,
    );
  const t = await readColumns(path, "photoz", ["id", pointEstimate, ...INTERVAL_COLUMNS]);
  const columns = Object.fromEntries([pointEstimate, ...INTERVAL_COLUMNS].map((c) => [c, toFloat64(t[c]!)]));
  return { ids: t.id!, columns };
}

function sample(
  zTrue: Float64Array,
  columns: Record<string, Float64Array>,
  pointEstimate: string,
  mag?: Float64Array,
): EvaluatedSample {
  const zPhot = columns[pointEstimate]!;
  return mag ? { zTrue, zPhot, columns, mag } : { zTrue, zPhot, columns };
}

function subset(s: EvaluatedSample, rows: number[]): EvaluatedSample {
  const pick = (a: Float64Array) => {
    const out = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = a[rows[i]!]!;
    return out;
  };
  return {
    zTrue: pick(s.zTrue),
    zPhot: pick(s.zPhot),
    columns: Object.fromEntries(Object.entries(s.columns).map(([k, v]) => [k, pick(v)])),
    ...(s.mag ? { mag: pick(s.mag) } : {}),
  };
}

export async function evaluatePhotoz(
  c: EvaluatePhotozConfig,
  inputs: Record<string, string>,
  outputs: Record<string, string>,
  log: (line: string) => void,
): Promise<void> {
  const o: EvaluationOptions = { outlierThreshold: c.outlier_threshold, zBins: c.z_bins, magBins: c.mag_bins };
  // The held-out test set.
  const truth = await readColumns(inputs.test_catalog!, "photometry", ["id", c.redshift_column]);
  const testEst = await readEstimates(inputs.test_photoz!, c.point_estimate);
  const test = sample(
    toFloat64(truth[c.redshift_column]!),
    alignById(truth.id!, testEst.ids, testEst.columns, "test_photoz"),
    c.point_estimate,
  );

  // The target catalog: galaxies that did not train the model.
  const photCols = ["id", c.truth_column, c.mag_column, ...(c.object_type_column ? [c.object_type_column] : [])];
  const phot = await readColumns(inputs.photometry_catalog!, "photometry", photCols);
  const targetEst = await readEstimates(inputs.target_photoz!, c.point_estimate);
  const aligned = alignById(phot.id!, targetEst.ids, targetEst.columns, "target_photoz");
  const training = new Set<unknown>(
    Array.from((await readColumns(inputs.training_catalog!, "photometry", ["id"])).id! as ArrayLike<unknown>),
  );
  const type = c.object_type_column ? phot[c.object_type_column]! : undefined;
  const ids = phot.id! as ArrayLike<unknown>;
  const keep: number[] = [];
  const stars: number[] = [];
  let inTraining = 0;
  for (let i = 0; i < ids.length; i++) {
    if (type && Number(type[i]) !== GALAXY) stars.push(i);
    else if (training.has(ids[i])) inTraining++;
    else keep.push(i);
  }
  const whole = sample(toFloat64(phot[c.truth_column]!), aligned, c.point_estimate, toFloat64(phot[c.mag_column]!));
  const target = subset(whole, keep);
  const testYaml = testSetYaml(test, o);
  const targetSection = targetYaml(
    target,
    {
      catalog: ids.length,
      training: inTraining,
      stars: stars.length,
      starZPhot: Float64Array.from(stars, (r) => whole.zPhot[r]!),
    },
    o,
  );
  writeYaml(outputs.photoz_metrics!, {
    point_estimate: c.point_estimate,
    outlier_threshold: c.outlier_threshold,
    ...testYaml,
    pit_edges: [...PIT_EDGES],
    target: targetSection,
  });
  const line = (label: string, m: Record<string, YamlValue>) =>
    `${label}: ${m.count} objects, bias ${Number(m.bias).toFixed(4)}, sigma_nmad ${Number(m.sigma_nmad).toFixed(4)}, ` +
    `outliers ${(100 * Number(m.outlier_fraction)).toFixed(1)}% (3σ ${(100 * Number(m.outlier_fraction_3sigma)).toFixed(1)}%), ` +
    `68% coverage ${(100 * Number(m.coverage_68)).toFixed(0)}%`;
  log(line(`test set, ${c.point_estimate}`, testYaml));
  log(`target catalog: ${ids.length} objects, leaving out ${inTraining} training objects and ${stars.length} stars`);
  log(line("target galaxies", targetSection));
  for (const b of targetSection.mag_bins as Record<string, YamlValue>[])
    if (Number(b.count) > 0) log(line(`  ${b.i_min} ≤ i < ${b.i_max}`, b));

  // Plots.
  const overall = photozMetrics(test.zPhot, test.zTrue, c.outlier_threshold);
  writePng(
    outputs.photoz_plot!,
    scatterPlot(test.zTrue, test.zPhot, {
      yLabel: c.point_estimate,
      threshold: c.outlier_threshold,
      title: `test set: sigma_nmad ${overall.sigma_nmad.toFixed(4)}  bias ${overall.bias.toFixed(4)}  outliers ${(100 * overall.outlier_fraction).toFixed(1)}%`,
    }),
  );
  const groups = [];
  for (let b = 0; b + 1 < c.mag_bins.length; b++) {
    const lo = c.mag_bins[b]!;
    const hi = c.mag_bins[b + 1]!;
    const rows: number[] = [];
    for (let i = 0; i < target.zTrue.length; i++) if (target.mag![i]! >= lo && target.mag![i]! < hi) rows.push(i);
    if (rows.length) groups.push({ label: `${lo} < i < ${hi}`, rows });
  }
  writePng(
    outputs.photoz_target_plot!,
    scatterPlot(target.zTrue, target.zPhot, {
      yLabel: c.point_estimate,
      threshold: c.outlier_threshold,
      title: `target galaxies (no training objects): sigma_nmad ${Number(targetSection.sigma_nmad).toFixed(4)}`,
      groups,
    }),
  );
  writePng(
    outputs.photoz_mag_plot!,
    metricsPlot(targetSection.mag_bins as YamlValue[], "i_min", "i_max", "i", "target galaxies by i magnitude"),
  );
  writePng(
    outputs.photoz_z_plot!,
    metricsPlot(targetSection.z_bins as YamlValue[], "z_min", "z_max", "z true", "target galaxies by true redshift"),
  );
  // PIT: the test set, all target galaxies and the faintest magnitude bin that has any.
  const faintest = (targetSection.mag_bins as Record<string, YamlValue>[]).filter((b) => Number(b.count) > 0).at(-1);
  const pitSeries = [
    { label: "test set", pit: testYaml.pit },
    { label: "target", pit: targetSection.pit },
    ...(faintest ? [{ label: `target ${faintest.i_min} < i < ${faintest.i_max}`, pit: faintest.pit }] : []),
  ].filter((s): s is { label: string; pit: number[] } => Array.isArray(s.pit));
  writePng(outputs.photoz_pit_plot!, pitPlot(pitSeries));
  const levels = [0.68, 0.9, 0.95];
  const cov = (m: Record<string, YamlValue>) =>
    levels.map((l) => m[`coverage_${Math.round(l * 100)}`] as number | null);
  writePng(
    outputs.photoz_coverage_plot!,
    coveragePlot([
      { label: "test set", levels, coverage: cov(testYaml) },
      ...(targetSection.mag_bins as Record<string, YamlValue>[])
        .filter((b) => Number(b.count) > 0)
        .map((b) => ({ label: `target ${b.i_min}-${b.i_max}`, levels, coverage: cov(b) })),
    ]),
  );
}
