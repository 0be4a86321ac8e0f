// A metrics file's values as flat names, as `dvc metrics show` prints them: nested mappings joined with `.`
// and list entries by their index (`photoz_metrics.bins.0.sigma_nmad`), prefixed by the output's tag.

import type { MetricValue } from "../events/build-event.ts";

export type { MetricValue };

/** Flat name → value, e.g. `photoz_metrics.sigma_nmad` → 0.0399524. */
export type FlatMetrics = Record<string, MetricValue>;

function scalar(v: unknown): MetricValue {
  if (typeof v === "number") return Number.isFinite(v) ? v : Number.isNaN(v) ? ".nan" : v > 0 ? ".inf" : "-.inf";
  if (typeof v === "string" || typeof v === "boolean" || v === null) return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

export function flattenMetrics(prefix: string, value: unknown, into: FlatMetrics = {}): FlatMetrics {
  if (Array.isArray(value)) for (const [i, v] of value.entries()) flattenMetrics(`${prefix}.${i}`, v, into);
  else if (value instanceof Map) for (const [k, v] of value) flattenMetrics(`${prefix}.${String(k)}`, v, into);
  else if (typeof value === "object" && value !== null && !(value instanceof Date))
    for (const [k, v] of Object.entries(value)) flattenMetrics(`${prefix}.${k}`, v, into);
  else into[prefix] = scalar(value);
  return into;
}
