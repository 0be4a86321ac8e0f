// The words both printers of events use — the plain reporter (pipes, CI) and the terminal UI — so that a
// build reads the same in either: durations, the end-of-build line, why a stage was not run, what changed.
// Layout (columns, colours, symbols) stays with each printer; only the wording lives here.
import type { BuildEnd } from "./build-event.ts";

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${Math.round(s % 60)}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}

/** What a stage-end with `superseded` (and a build whose only casualties those are) is called. */
export const SUPERSEDED_WORDS = "superseded by an edit";

/**
 * How a build's end is put in words. A build whose only casualties are stages an edit superseded (lbg watch
 * restarts them at once) is not a failure.
 */
export function buildEndWords(e: BuildEnd): { head: string; counts: string; outcome: "ok" | "superseded" | "failed" } {
  const superseded = e.superseded ?? 0;
  const cancelled = e.cancelled - superseded;
  const parts = [`${e.succeeded} ran`, `${e.fresh} fresh`];
  if (e.failed) parts.push(`${e.failed} failed`);
  if (e.blocked) parts.push(`${e.blocked} not run`);
  if (cancelled) parts.push(`${cancelled} cancelled`);
  if (superseded) parts.push(`${superseded} restarted`);
  const counts = `${parts.join(", ")} in ${formatSeconds(e.seconds)}`;
  if (e.ok)
    return {
      head: e.succeeded === 0 ? "nothing to do, every stage is fresh" : "build succeeded",
      counts,
      outcome: "ok",
    };
  if (superseded > 0 && e.failed === 0 && cancelled === 0 && !e.error)
    return { head: `build ${SUPERSEDED_WORDS}, restarting`, counts, outcome: "superseded" };
  return { head: `build FAILED${e.error ? `: ${e.error}` : ""}`, counts, outcome: "failed" };
}

/** The line that ends a build, `<prefix>: …`: `lbg` in the plain reporter, the run's name in the UI (which has
 *  no other line naming the run once the build is over). A dry run counts what would run (not "nothing to
 *  do … 0 ran"). */
export function buildEndLine(prefix: string, e: BuildEnd, dryRun = false, wouldRun = 0): string {
  if (dryRun) return `${prefix}: dry run — ${wouldRun} would run, ${e.fresh} fresh in ${formatSeconds(e.seconds)}`;
  const w = buildEndWords(e);
  return `${prefix}: ${w.head} — ${w.counts}`;
}

/** How a stage that did not succeed ended, as the stages it blocked say it. */
export type EndedHow = "failed" | "cancelled" | "superseded";

/** Why a blocked stage was not run: `by` is the stage-blocked event's (`interrupt`, or the stage that ended
 *  `how`). */
export function blockedWords(by: string, how: EndedHow = "failed"): string {
  if (by === "interrupt") return "interrupted";
  return `${by} ${how === "superseded" ? "was restarted" : how === "cancelled" ? "was cancelled" : "failed"}`;
}

/** A watch session's last build in a word. `interrupted` is the UI's own knowledge (no event carries it). */
export function lastBuildWord(b: { ok: boolean; interrupted?: boolean }): string {
  return b.interrupted ? "interrupted" : b.ok ? "succeeded" : "FAILED";
}

/** The files a watch-change names, five at most. */
export function changedWords(paths: string[]): string {
  const more = paths.length > 5 ? ` and ${paths.length - 5} more` : "";
  return `changed: ${paths.slice(0, 5).join(", ")}${more}`;
}

/** A restart-all event: why every stage re-runs. */
export function restartAllWords(reason: string): string {
  return `${reason}: every stage re-runs`;
}
