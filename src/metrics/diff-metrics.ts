// Differences between two sets of flat metrics, as `dvc metrics diff` shows them.
import type { MetricChange } from "../events/build-event.ts";
import type { FlatMetrics } from "./flatten-metrics.ts";

export type { MetricChange };

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
