// EvaluatePhotoz's diagnostic plots, drawn from the same numbers as its YAML: z_phot against z_true (test set,
// target catalog by magnitude bin), the point metrics against i magnitude and against true redshift, PIT
// histograms and interval coverage. Pure functions of their inputs: identical data, identical pixels.
import { BLACK, PALETTE, Plot, type Canvas, type YamlValue } from "#lbg/catalog";
import { PIT_EDGES } from "./photoz-evaluation.ts";

const colour = (k: number) => PALETTE[k % PALETTE.length]!;

/** Upper end of both scatter axes: every point, rounded up to 0.5 (at least 0.5); outliers are never clipped. */
export function plotTop(zTrue: ArrayLike<number>, zPhot: ArrayLike<number>): number {
  return Math.max(0.5, Math.ceil(Math.max(largestFinite(zTrue), largestFinite(zPhot)) * 2) / 2);
}

function largestFinite(values: ArrayLike<number>): number {
  let top = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > top && Number.isFinite(values[i])) top = values[i]!;
  return top;
}

/** z_phot against z_true with the one-to-one line and the outlier boundaries; `groups` colour the points. */
export function scatterPlot(
  zTrue: Float64Array,
  zPhot: Float64Array,
  o: { yLabel: string; title: string; threshold: number; groups?: { label: string; rows: number[] }[] },
): Canvas {
  const zTop = plotTop(zTrue, zPhot);
  const plot = new Plot({ xRange: [0, zTop], yRange: [0, zTop], xLabel: "z true", yLabel: o.yLabel, title: o.title });
  if (!o.groups) plot.points(zTrue, zPhot, colour(0), 1);
  else {
    // The last (faintest, most numerous) group first, so the brighter ones stay visible on top.
    for (let k = o.groups.length - 1; k >= 0; k--) {
      const g = o.groups[k]!;
      plot.points(
        g.rows.map((r) => zTrue[r]!),
        g.rows.map((r) => zPhot[r]!),
        colour(k),
        1,
      );
    }
    o.groups.forEach((g, k) => {
      plot.legend(k, g.label, colour(k));
    });
  }
  plot.polyline([0, zTop], [0, zTop], BLACK);
  // Outlier boundaries z_phot = z_true ± threshold · (1 + z_true).
  const t = o.threshold;
  plot.polyline([0, zTop], [t, zTop + t * (1 + zTop)], BLACK);
  plot.polyline([0, zTop], [-t, zTop - t * (1 + zTop)], BLACK);
  return plot.canvas;
}

const SERIES = [
  { key: "sigma_nmad", label: "sigma_NMAD" },
  { key: "outlier_fraction", label: "outliers |dz|>0.15" },
  { key: "outlier_fraction_3sigma", label: "outliers 3 sigma" },
  { key: "bias", label: "|bias|" },
] as const;

/** The point metrics of bins (YAML entries with lo/hi keys) against the bin centres. */
export function metricsPlot(bins: YamlValue[], lo: string, hi: string, xLabel: string, title: string): Canvas {
  const rows = bins.filter(
    (b): b is Record<string, YamlValue> =>
      typeof b === "object" && b !== null && !Array.isArray(b) && Number(b.count) > 0,
  );
  const x = rows.map((b) => (Number(b[lo]) + Number(b[hi])) / 2);
  const xs = bins.flatMap((b) =>
    typeof b === "object" && b !== null && !Array.isArray(b) ? [Number(b[lo]), Number(b[hi])] : [],
  );
  const xRange: [number, number] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const values = SERIES.map((s) => rows.map((b) => Math.abs(Number(b[s.key] ?? NaN))));
  const top = Math.max(0.05, ...values.flat().filter(Number.isFinite));
  const plot = new Plot({ xRange, yRange: [0, Math.ceil(top * 10) / 10], xLabel, yLabel: "metric", title });
  SERIES.forEach((s, k) => {
    const ys = values[k]!;
    const ok = x.map((_, i) => i).filter((i) => Number.isFinite(ys[i]));
    plot.polyline(
      ok.map((i) => x[i]!),
      ok.map((i) => ys[i]!),
      colour(k),
    );
    plot.points(
      ok.map((i) => x[i]!),
      ok.map((i) => ys[i]!),
      colour(k),
      3,
    );
    plot.legend(k, s.label, colour(k));
  });
  return plot.canvas;
}

/** PIT histograms as densities (1 = uniform, the calibrated case). */
export function pitPlot(series: { label: string; pit: number[] }[]): Canvas {
  const nBins = PIT_EDGES.length - 1;
  const densities = series.map((s) => s.pit.map((f) => f * nBins));
  const top = Math.max(2, ...densities.flat());
  const plot = new Plot({
    xRange: [0, 1],
    yRange: [0, Math.ceil(top)],
    xLabel: "PIT",
    yLabel: "density",
    title: "PIT histograms (flat at 1 for calibrated PDFs)",
  });
  plot.polyline([0, 1], [1, 1], BLACK);
  densities.forEach((d, k) => {
    plot.steps(PIT_EDGES, d, colour(k));
    plot.legend(k, series[k]!.label, colour(k));
  });
  return plot.canvas;
}

/**
 * Coverage minus nominal level of the central intervals (0 when calibrated, > 0 for too broad PDFs, < 0 for
 * too narrow ones), against the nominal level.
 */
export function coveragePlot(series: { label: string; levels: number[]; coverage: (number | null)[] }[]): Canvas {
  const deviations = series.flatMap((s) => s.coverage.flatMap((c, i) => (c === null ? [] : [c - s.levels[i]!])));
  const top = Math.max(0.25, Math.ceil(Math.max(0, ...deviations.map(Math.abs)) * 1.3 * 20) / 20);
  const plot = new Plot({
    xRange: [0.6, 1],
    yRange: [-top, top],
    xLabel: "nominal central interval",
    yLabel: "inside - nominal",
    title: "coverage: 0 calibrated, < 0 too narrow, > 0 too broad",
  });
  plot.polyline([0.6, 1], [0, 0], BLACK);
  series.forEach((s, k) => {
    const ok = s.levels.map((_, i) => i).filter((i) => s.coverage[i] !== null);
    const xs = ok.map((i) => s.levels[i]!);
    const ys = ok.map((i) => s.coverage[i]! - s.levels[i]!);
    plot.polyline(xs, ys, colour(k));
    plot.points(xs, ys, colour(k), 3);
    plot.legend(k, s.label, colour(k));
  });
  return plot.canvas;
}
