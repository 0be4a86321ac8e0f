// Metrics as text tables: `lbg metrics <run>` (name, value) and `--diff`/`--previous` (name, old, new, change).
import type { MetricChange } from "../events/build-event.ts";
import { showChange, showMetric } from "../events/metric-words.ts";
import type { FlatMetrics } from "./flatten-metrics.ts";

export function columns(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!)))
        .join("  ")
        .trimEnd(),
    )
    .map((l) => `${l}\n`)
    .join("");
}

export function formatMetricValues(values: FlatMetrics): string {
  return columns(Object.entries(values).map(([k, v]) => [k, showMetric(v)]));
}

export function formatMetricChanges(changes: MetricChange[], oldName: string, newName: string): string {
  return columns([
    ["metric", oldName, newName, "change"],
    ...changes.map((c) => [c.metric, showMetric(c.old), showMetric(c.new), showChange(c)]),
  ]);
}
