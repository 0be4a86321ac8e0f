// How a build's metrics-changed event reads, in the plain reporter and the terminal UI alike: a heading and
// one line per changed metric, the first few only (the rest are one command away).
import type { BuildEvent } from "../events/build-event.ts";
import { changeLine } from "../metrics/diff-metrics.ts";

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
