// The one line that ends a build, in the plain reporter's words (so the TUI and CI logs read alike), with
// the run's name in front because the TUI has no other line naming the run once the build is over.
import type { BuildEvent } from "../events/build-event.ts";
import { buildEndWords, formatSeconds } from "../reporters/plain-reporter.ts";

type BuildEnd = Extract<BuildEvent, { event: "build-end" }>;

export function summaryText(run: string, e: BuildEnd, dryRun = false, wouldRun = 0): string {
  if (dryRun) return `${run}: dry run — ${wouldRun} would run, ${e.fresh} fresh in ${formatSeconds(e.seconds)}`;
  const w = buildEndWords(e);
  return `${run}: ${w.head} — ${w.counts}`;
}
