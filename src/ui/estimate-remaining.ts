// The ETA under the progress bar: the seconds the rest of the build should take, from how long each stage
// took last time (`build-start.estimates`).
//
// Remaining work = for each running stage, its estimate minus the time it has run so far (never below 0),
// plus the full estimate of every stage not reported yet. Stages with no estimate count as the median of the
// known ones; with no known estimate at all there is no ETA (a guess from nothing would only mislead).
// Unreported stages are counted as going to run: the stages that are fresh are reported at the very start
// (a stage whose producers are all fresh is checked at once), so what is still unreported sits downstream
// of running work and usually runs too.
//
// Work is spread over `jobs` slots, but the build cannot end before its longest remaining stage does, so
// the ETA is max(work / jobs, longest remaining single stage).
import type { BuildState } from "./build-state.ts";

export function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Seconds left, or undefined when it cannot be estimated (no build, a dry run, no estimates). */
export function estimateRemaining(s: BuildState, now: number): number | undefined {
  const b = s.build;
  if (!b || b.dryRun || s.end) return undefined;
  const typical = median(Object.values(b.estimates));
  if (typical === undefined) return undefined;
  const estimate = (stage: string) => b.estimates[stage] ?? typical;

  let work = 0;
  let longest = 0;
  const add = (seconds: number) => {
    work += seconds;
    longest = Math.max(longest, seconds);
  };
  for (const r of s.running) {
    if (r.kind !== "stage") continue; // scripts have no history; they show their own elapsed time
    add(Math.max(0, estimate(r.name) - (now - (r.startedAt ?? now)) / 1000));
  }
  const unseenKnown = Object.keys(b.estimates).filter((name) => !(name in s.stages));
  for (const name of unseenKnown) add(b.estimates[name]!);
  const unseenUnknown = Math.max(0, b.total - Object.keys(s.stages).length - unseenKnown.length);
  for (let i = 0; i < unseenUnknown; i++) add(typical);
  return Math.max(work / b.jobs, longest);
}
