// EvaluatePhotoz: quality of photo-z estimates against the true redshifts of the test set.
import { Plot, PALETTE, readColumns, toFloat64, writePng, writeYaml, type YamlValue } from "../src/catalog/index.ts";
import { Stage, type StageContext } from "../src/sdk/index.ts";
import { photozMetrics } from "./lib/photoz-metrics.ts";

interface Config {
  point_estimate: string;
  redshift_column: string;
  outlier_threshold: number;
  z_bins: number[];
}

const POINT_ESTIMATES = ["z_mode", "z_mean", "z_median"];

export default class EvaluatePhotoz extends Stage<Config> {
  static doc =
    "Compares photo-z estimates (test_photoz, group photoz) with true redshifts (test_catalog, group " +
    "photometry), matched by id. photoz_metrics (YAML): count, bias = median Δz, sigma_nmad = 1.4826 · " +
    "median |Δz − median Δz|, outlier_fraction (|Δz| > outlier_threshold), with Δz = (z_phot − z_true)/(1 + " +
    "z_true), overall and in bins of true redshift. photoz_plot (PNG): z_phot against z_true, axes covering " +
    "every point.";
  static inputs = { test_catalog: "hdf5", test_photoz: "hdf5" } as const;
  static outputs = { photoz_metrics: "yml", photoz_plot: "png" } as const;
  static metrics = ["photoz_metrics"] as const;
  static config = {
    point_estimate: { type: "str", default: "z_mode", doc: "photo-z column evaluated: z_mode, z_mean or z_median" },
    redshift_column: { type: "str", default: "redshift", doc: "column of test_catalog holding the true redshift" },
    outlier_threshold: { type: "float", default: 0.15, doc: "|Δz| above which an object is an outlier" },
    z_bins: {
      type: "list",
      default: [0, 0.5, 1, 1.5, 2, 3, 6],
      doc: "edges of the true-redshift bins of the per-bin metrics",
    },
  } as const;

  async run(ctx: StageContext<Config>): Promise<void> {
    const { point_estimate, redshift_column, outlier_threshold, z_bins } = ctx.config;
    if (!POINT_ESTIMATES.includes(point_estimate)) {
      throw new Error(`point_estimate must be one of ${POINT_ESTIMATES.join(", ")}, got ${point_estimate}`);
    }
    const edges = z_bins.map(Number);
    if (edges.length < 2 || edges.some((e, i) => !Number.isFinite(e) || (i > 0 && e <= edges[i - 1]))) {
      throw new Error(`z_bins must be at least two increasing numbers, got ${JSON.stringify(z_bins)}`);
    }
    const truth = await readColumns(ctx.inputs.test_catalog, "photometry", ["id", redshift_column]);
    const est = await readColumns(ctx.inputs.test_photoz, "photoz", ["id", point_estimate]);
    const zTrue = toFloat64(truth[redshift_column]);
    const zPhot = alignById(truth.id, est.id, toFloat64(est[point_estimate]));

    const overall = photozMetrics(zPhot, zTrue, outlier_threshold);
    const bins: YamlValue[] = [];
    for (let b = 0; b + 1 < edges.length; b++) {
      const rows: number[] = [];
      for (let i = 0; i < zTrue.length; i++) if (zTrue[i] >= edges[b] && zTrue[i] < edges[b + 1]) rows.push(i);
      const m = photozMetrics(
        rows.map((i) => zPhot[i]),
        rows.map((i) => zTrue[i]),
        outlier_threshold,
      );
      bins.push({ z_min: edges[b], z_max: edges[b + 1], ...metricsYaml(m) });
    }
    writeYaml(ctx.outputs.photoz_metrics, {
      point_estimate,
      outlier_threshold,
      ...metricsYaml(overall),
      bins,
    });
    ctx.log(
      `${point_estimate}: ${overall.count} objects, bias ${overall.bias.toFixed(4)}, sigma_nmad ` +
        `${overall.sigma_nmad.toFixed(4)}, outliers ${(100 * overall.outlier_fraction).toFixed(2)}%`,
    );

    const zTop = plotTop(zTrue, zPhot);
    const plot = new Plot({
      xRange: [0, zTop],
      yRange: [0, zTop],
      xLabel: "z true",
      yLabel: `${point_estimate}`,
      title: `sigma_nmad ${overall.sigma_nmad.toFixed(4)}  bias ${overall.bias.toFixed(4)}  outliers ${(100 * overall.outlier_fraction).toFixed(1)}%`,
    });
    plot.points(zTrue, zPhot, PALETTE[0], 1);
    plot.polyline([0, zTop], [0, zTop], [0, 0, 0]);
    // Outlier boundaries z_phot = z_true ± threshold · (1 + z_true).
    const t = outlier_threshold;
    plot.polyline([0, zTop], [t, zTop + t * (1 + zTop)], PALETTE[1]);
    plot.polyline([0, zTop], [-t, zTop - t * (1 + zTop)], PALETTE[1]);
    writePng(ctx.outputs.photoz_plot, plot.canvas);
  }
}

/**
 * Upper end of both plot axes: every point, true and estimated, rounded up to 0.5 (at least 0.5). Catastrophic
 * outliers at high z are what the plot is for, so none is clipped off. Exported for tests.
 */
export function plotTop(zTrue: ArrayLike<number>, zPhot: ArrayLike<number>): number {
  return Math.max(0.5, Math.ceil(Math.max(largestFinite(zTrue), largestFinite(zPhot)) * 2) / 2);
}

function largestFinite(values: ArrayLike<number>): number {
  let top = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > top && Number.isFinite(values[i])) top = values[i];
  return top;
}

function metricsYaml(m: {
  count: number;
  bias: number;
  sigma_nmad: number;
  outlier_fraction: number;
}): Record<string, YamlValue> {
  const num = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    count: m.count,
    bias: num(m.bias),
    sigma_nmad: num(m.sigma_nmad),
    outlier_fraction: num(m.outlier_fraction),
  };
}

/** Estimates re-ordered to the truth rows by id (the usual case, identical order, costs one pass). */
function alignById(truthIds: ArrayLike<unknown>, estIds: ArrayLike<unknown>, values: Float64Array): Float64Array {
  const n = truthIds.length;
  let same = estIds.length === n;
  for (let i = 0; same && i < n; i++) same = truthIds[i] === estIds[i];
  if (same) return values;
  const where = new Map<unknown, number>();
  for (let i = 0; i < estIds.length; i++) where.set(estIds[i], i);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = where.get(truthIds[i]);
    if (j === undefined) throw new Error(`test_photoz has no estimate for object id ${String(truthIds[i])}`);
    out[i] = values[j];
  }
  return out;
}
