// How metrics and their changes read — in the plain reporter and the terminal UI (a build's metrics-changed
// event, the first few lines only: the rest are one command away), in `lbg metrics` and in `lbg report`.
import type { BuildEvent, MetricChange, MetricValue } from "./build-event.ts";

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

export const SHOWN_METRICS = 12;

export function metricsChangeLines(
  e: Extract<BuildEvent, { event: "metrics-changed" }>,
  run: string | undefined,
): { head: string; lines: string[]; more?: string } {
  const since = e.since ? ` since the build of ${e.since.replace("T", " ").replace(/\.\d+Z$/, " UTC")}` : "";
  const head = e.since ? `metrics changed${since}:` : "metrics (the first recorded for this run):";
  const lines = e.changes.slice(0, SHOWN_METRICS).map(changeLine);
  const rest = e.changes.length - lines.length;
  if (rest <= 0) return { head, lines };
  const command = `lbg metrics ${run ?? "<run>"}${e.since ? " --previous" : ""}`;
  return { head, lines, more: `… and ${rest} more: ${command}` };
}
