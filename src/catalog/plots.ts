// Simple data plots drawn into a Canvas: a frame with "nice" ticks and numeric tick labels, then scatter
// points, polylines and histogram steps in data coordinates. Enough for diagnostic PNGs of stages
// (photo-z scatter, redshift histograms) without a font library; identical data gives identical pixels.
import { BLACK, Canvas, GREY, type Rgb } from "./canvas.ts";
import { formatYamlNumber } from "./yaml-writer.ts";

/** Distinct, colour-blind-friendly series colours (Okabe–Ito). */
export const PALETTE: readonly Rgb[] = [
  [0, 114, 178],
  [213, 94, 0],
  [0, 158, 115],
  [204, 121, 167],
  [230, 159, 0],
  [86, 180, 233],
  [240, 228, 66],
];

export interface PlotOptions {
  width?: number;
  height?: number;
  xRange: [number, number];
  yRange: [number, number];
  xLabel?: string;
  yLabel?: string;
  title?: string;
}

/** About `count` round tick values (1, 2 or 5 × 10^k steps) inside [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++)
    ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** Counts of `values` in bins [edges[i], edges[i+1]); values outside the edges are not counted. */
export function histogram(values: ArrayLike<number>, edges: ArrayLike<number>): Float64Array {
  const counts = new Float64Array(edges.length - 1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= edges[0]! && v < edges[edges.length - 1]!)) continue;
    let lo = 0;
    let hi = edges.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (v >= edges[mid]!) lo = mid;
      else hi = mid;
    }
    counts[lo]!++;
  }
  return counts;
}

export class Plot {
  readonly canvas: Canvas;
  private readonly left = 70;
  private readonly top = 40;
  private readonly plotWidth: number;
  private readonly plotHeight: number;

  constructor(private readonly options: PlotOptions) {
    const width = options.width ?? 640;
    const height = options.height ?? 480;
    this.canvas = new Canvas(width, height);
    this.plotWidth = width - this.left - 20;
    this.plotHeight = height - this.top - 60;
    this.drawFrame();
  }

  /** Pixel position of a data point (may fall outside the frame; drawing clips to the frame). */
  px(x: number): number {
    const [x0, x1] = this.options.xRange;
    return this.left + ((x - x0) / (x1 - x0)) * this.plotWidth;
  }

  py(y: number): number {
    const [y0, y1] = this.options.yRange;
    return this.top + this.plotHeight - ((y - y0) / (y1 - y0)) * this.plotHeight;
  }

  private inside(x: number, y: number): boolean {
    return x >= this.left && x <= this.left + this.plotWidth && y >= this.top && y <= this.top + this.plotHeight;
  }

  private drawFrame(): void {
    const c = this.canvas;
    const { xRange, yRange, xLabel, yLabel, title } = this.options;
    const bottom = this.top + this.plotHeight;
    for (const t of niceTicks(xRange[0], xRange[1])) {
      const x = this.px(t);
      c.line(x, this.top, x, bottom, GREY);
      c.line(x, bottom, x, bottom + 5, BLACK);
      const label = formatYamlNumber(t, 4);
      c.text(x - Canvas.textWidth(label) / 2, bottom + 9, label, BLACK);
    }
    for (const t of niceTicks(yRange[0], yRange[1])) {
      const y = this.py(t);
      c.line(this.left, y, this.left + this.plotWidth, y, GREY);
      c.line(this.left - 5, y, this.left, y, BLACK);
      const label = formatYamlNumber(t, 4);
      c.text(this.left - 9 - Canvas.textWidth(label), y - 5, label, BLACK);
    }
    c.rect(this.left, this.top, this.plotWidth, this.plotHeight, BLACK);
    if (xLabel) c.text(this.left + (this.plotWidth - Canvas.textWidth(xLabel)) / 2, bottom + 30, xLabel, BLACK);
    if (yLabel) c.text(4, this.top - 22, yLabel, BLACK);
    if (title) c.text(this.left + (this.plotWidth - Canvas.textWidth(title)) / 2, 8, title, BLACK);
  }

  /** Scatter markers; points outside the axis ranges are skipped. */
  points(xs: ArrayLike<number>, ys: ArrayLike<number>, color: Rgb = PALETTE[0]!, radius = 1): void {
    for (let i = 0; i < xs.length; i++) {
      const x = this.px(xs[i]!);
      const y = this.py(ys[i]!);
      if (this.inside(x, y)) this.canvas.dot(x, y, radius, color);
    }
  }

  /** A polyline through the points, sampled densely and clipped to the frame. */
  polyline(xs: ArrayLike<number>, ys: ArrayLike<number>, color: Rgb = BLACK): void {
    for (let i = 1; i < xs.length; i++) {
      const x0 = this.px(xs[i - 1]!);
      const y0 = this.py(ys[i - 1]!);
      const x1 = this.px(xs[i]!);
      const y1 = this.py(ys[i]!);
      const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0)));
      for (let k = 0; k <= n; k++) {
        const x = x0 + ((x1 - x0) * k) / n;
        const y = y0 + ((y1 - y0) * k) / n;
        if (this.inside(x, y)) this.canvas.set(x, y, color);
      }
    }
  }

  /** A histogram outline: counts[i] over [edges[i], edges[i+1]). */
  steps(edges: ArrayLike<number>, counts: ArrayLike<number>, color: Rgb = PALETTE[0]!): void {
    const xs: number[] = [edges[0]!];
    const ys: number[] = [this.options.yRange[0]];
    for (let i = 0; i < counts.length; i++) {
      xs.push(edges[i]!, edges[i + 1]!);
      ys.push(counts[i]!, counts[i]!);
    }
    xs.push(edges[edges.length - 1]!);
    ys.push(this.options.yRange[0]);
    this.polyline(xs, ys, color);
  }

  /** A legend entry (colour swatch and text) in the top-right corner, stacked by `row`. */
  legend(row: number, label: string, color: Rgb): void {
    const x = this.left + this.plotWidth - Canvas.textWidth(label) - 30;
    const y = this.top + 8 + row * 16;
    this.canvas.fillRect(x, y, 12, 10, color);
    this.canvas.text(x + 18, y, label, BLACK);
  }
}
