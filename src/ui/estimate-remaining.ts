// The ETA under the progress bar, and each running row's time left: how long the rest of the build should
// take, revised as the build goes. Honest rather than precise: when a piece cannot be estimated the answer is
// undefined (shown as `ETA ?`), never a number known to be wrong.
//
// A running stage, with progress reports (ctx.progress, `lbg-progress:` lines): its measured rate — units done
// since its first report over the seconds since (since its start while there is one report) — gives
// (total − done) / rate, counted down between reports. Until it has done 5 % (the rate is noise before that),
// lbg's prediction (below) minus the time it has run stands in when there is one, as it does once the counted work is done and
// the stage still runs (writing what it computed).
// A running stage without progress: lbg's prediction for this run (stage-start's `estimate`: its last run's
// time scaled by its input bytes then and now, or by its progress total: src/scheduler/stage-work.ts) minus the
// time it has run. Past that prediction, or past its rate's end, nothing is known: undefined, not "<1s".
// A stage not reported yet: its last run's time (the median of the known ones for a stage never timed),
// scaled by how much its producers' work grew (or shrank) in this build — the largest factor among them,
// recursively up the graph; a fresh producer's is 1 — since its inputs are what they make. Unreported stages count as going to
// run: the fresh ones are reported at the very start (a stage whose producers are all fresh is checked at
// once), so what is still unreported sits downstream of running work and usually runs too.
//
// Work is spread over `jobs` slots, but the build cannot end before its longest remaining stage does, so
// the ETA is max(work / jobs, longest remaining single stage).
import type { BuildState, CurrentBuild, StageRow } from "./build-state.ts";

/** Below this fraction done, a stage's rate is too noisy to beat lbg's prediction. */
const RATE_TRUSTED_FROM = 0.05;

export function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Seconds a running stage has left, or undefined when it cannot be estimated (no basis, or past it). */
export function stageRemaining(row: StageRow, now: number, predicted = row.estimate): number | undefined {
  const elapsed = Math.max(0, (now - (row.startedAt ?? now)) / 1000);
  const fromPrediction = predicted === undefined || predicted < elapsed ? undefined : predicted - elapsed;
  const p = row.progress;
  if (p) {
    const sinceReport = Math.max(0, (now - p.at) / 1000);
    // The rate from the first report, or from the start when the first report is the only one.
    const [d0, t0] = p.done > p.first.done ? [p.first.done, p.first.seconds] : [0, 0];
    const rate = p.seconds > t0 ? (p.done - d0) / (p.seconds - t0) : 0;
    const early = p.done / p.total < RATE_TRUSTED_FROM;
    if (early && fromPrediction !== undefined) return fromPrediction;
    if (rate > 0) {
      const left = (p.total - p.done) / rate - sinceReport;
      // Past the end of what it counts (it writes its outputs after the loop it reported): lbg's prediction,
      // which covers the whole stage, while that is still ahead.
      return left >= 0 ? left : fromPrediction;
    }
  }
  return fromPrediction;
}

/** Seconds left of the whole build, or undefined when it cannot be estimated (or there is no build running). */
export function estimateRemaining(s: BuildState, now: number): number | undefined {
  const b = s.build;
  if (!b || b.dryRun || s.end) return undefined;
  const typical = median(Object.values(b.estimates));
  const scaleOf = producerScale(s, b);

  let work = 0;
  let longest = 0;
  const add = (seconds: number) => {
    work += seconds;
    longest = Math.max(longest, seconds);
  };
  for (const r of s.running) {
    if (r.kind !== "stage") continue; // scripts have no history; they show their own elapsed time
    const base = b.estimates[r.name] ?? typical;
    const left = stageRemaining(r, now, r.estimate ?? (base === undefined ? undefined : base * scaleOf(r.name)));
    if (left === undefined) return undefined;
    add(left);
  }
  const unseenKnown = Object.keys(b.estimates).filter((name) => !(name in s.stages));
  for (const name of unseenKnown) add(b.estimates[name]! * scaleOf(name));
  const unseenUnknown = Math.max(0, b.total - Object.keys(s.stages).length - unseenKnown.length);
  if (unseenUnknown > 0 && typical === undefined) return undefined;
  for (let i = 0; i < unseenUnknown; i++) add(typical!); // never built, and unnamed: no producers to scale by
  return Math.max(work / b.jobs, longest);
}

/** How much a stage's inputs grew, from its producers (see the top of this file); 1 when nothing says. */
function producerScale(s: BuildState, b: CurrentBuild): (stage: string) => number {
  const memo = new Map<string, number>();
  const scaleOf = (stage: string, seen: Set<string>): number => {
    const known = memo.get(stage);
    if (known !== undefined) return known;
    const producers = seen.has(stage) ? [] : (b.upstream[stage] ?? []);
    seen.add(stage);
    const scales = producers.map((p) => (s.stages[p] === "fresh" ? 1 : (b.scale[p] ?? scaleOf(p, seen))));
    const scale = scales.length > 0 ? Math.max(...scales) : 1;
    memo.set(stage, scale);
    return scale;
  };
  return (stage) => scaleOf(stage, new Set());
}
