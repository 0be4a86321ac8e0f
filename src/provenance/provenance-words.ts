// A record's resources and cache restore in words, alike in `lbg why` and the report.
import type { StageProvenance } from "./output-provenance.ts";

export function whenWords(iso: string): string {
  return iso
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC")
    .replace(/Z$/, " UTC");
}

function bytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${Math.round(n / 1e6)} MB`;
}

function seconds(s: number): string {
  return s < 60 ? `${s.toFixed(s < 10 ? 2 : 1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
}

/** `wall 12.4s, CPU 11.9s, peak memory 221 MB (measured by worker)`. */
export function resourcesWords(r: NonNullable<StageProvenance["resources"]>): string {
  const parts = [`wall ${seconds(r.wallSeconds)}`];
  if (r.cpuSeconds !== undefined) parts.push(`CPU ${seconds(r.cpuSeconds)}`);
  if (r.maxRssBytes !== undefined) parts.push(`peak memory ${bytes(r.maxRssBytes)}`);
  return `${parts.join(", ")} (measured by ${r.measuredBy})`;
}

/** `from the run cache: built 2026-05-02 10:41:07 UTC by run photoz_sim on login01`. */
export function restoredWords(r: NonNullable<StageProvenance["restored"]>): string {
  return `from the run cache: built ${whenWords(r.builtAt)} by run ${r.run} on ${r.host}${r.user ? ` (${r.user})` : ""}`;
}
