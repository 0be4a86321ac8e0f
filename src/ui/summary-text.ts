// The one line that ends a build, in the plain reporter's words (so the TUI and CI logs read alike), with
// the run's name in front because the TUI has no other line naming the run once the build is over.
import type { BuildEvent } from "../events/build-event.ts";
import { formatSeconds } from "../reporters/plain-reporter.ts";

type BuildEnd = Extract<BuildEvent, { event: "build-end" }>;

export function summaryText(run: string, e: BuildEnd, dryRun = false, wouldRun = 0): string {
  if (dryRun) return `${run}: dry run — ${wouldRun} would run, ${e.fresh} fresh in ${formatSeconds(e.seconds)}`;
  const parts = [`${e.succeeded} ran`, `${e.fresh} fresh`];
  if (e.failed) parts.push(`${e.failed} failed`);
  if (e.blocked) parts.push(`${e.blocked} not run`);
  if (e.cancelled) parts.push(`${e.cancelled} cancelled`);
  const head = e.ok ? (e.succeeded === 0 ? "nothing to do, every stage is fresh" : "build succeeded") : `build FAILED${e.error ? `: ${e.error}` : ""}`;
  return `${run}: ${head} — ${parts.join(", ")} in ${formatSeconds(e.seconds)}`;
}
