// Differences between two sets of flat metrics, as `dvc metrics diff` shows them.
import type { FlatMetrics, MetricValue } from "./flatten-metrics.ts";

/**
 * One metric compared (`--json` of `lbg metrics --diff`, and the build's `metrics-changed` event):
 * `old` absent = a new metric, `new` absent = one that is gone; `change` = new − old when both are numbers
 * (rounded to 12 significant digits, so float noise does not show as a change).
 */
export interface MetricChange {
  metric: string;
  old?: MetricValue;
  new?: MetricValue;
  change?: number;
}

export function diffMetrics(before: FlatMetrics, after: FlatMetrics, opts: { all?: boolean } = {}): MetricChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const out: MetricChange[] = [];
  for (const metric of names) {
    const had = Object.hasOwn(before, metric);
    const has = Object.hasOwn(after, metric);
    const o = before[metric];
    const n = after[metric];
    const same = had && has && o === n;
    if (same && !opts.all) continue;
    const c: MetricChange = { metric };
    if (had) c.old = o!;
    if (has) c.new = n!;
    if (typeof o === "number" && typeof n === "number") c.change = Number((n - o).toPrecision(12));
    out.push(c);
  }
  return out;
}

/** A value as a person reads it: numbers as JavaScript prints them (shortest exact form), strings bare. */
export function showMetric(v: MetricValue | undefined): string {
  if (v === undefined) return "—";
  if (v === null) return "null";
  return String(v);
}

export function showChange(c: MetricChange): string {
  if (c.old === undefined) return "new";
  if (c.new === undefined) return "gone";
  if (c.change === undefined) return c.old === c.new ? "" : "changed";
  if (c.change === 0) return "0";
  const rel =
    typeof c.old === "number" && c.old !== 0
      ? ` (${c.change > 0 ? "+" : ""}${((c.change / Math.abs(c.old)) * 100).toPrecision(3)}%)`
      : "";
  return `${c.change > 0 ? "+" : ""}${c.change}${rel}`;
}

/** `photoz_metrics.sigma_nmad 0.04 → 0.05 (+0.01, +25.0%)`: one line per change (build reporters). */
export function changeLine(c: MetricChange): string {
  if (c.old === undefined) return `${c.metric} ${showMetric(c.new)} (new)`;
  if (c.new === undefined) return `${c.metric} ${showMetric(c.old)} (gone)`;
  const ch = showChange(c);
  const shown = ch && ch !== "changed" ? ` (${ch.replace(" (", ", ").replace(/\)$/, "")})` : "";
  return `${c.metric} ${showMetric(c.old)} → ${showMetric(c.new)}${shown}`;
}
