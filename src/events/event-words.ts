// The words both printers of events use — the plain reporter (pipes, CI) and the terminal UI — so that a
// build reads the same in either: durations, the end-of-build line, why a stage was not run, what changed.
// Layout (columns, colours, symbols) stays with each printer; only the wording lives here.
import type { RestoredFrom } from "../store/stage-record.ts";
import type { BuildEnd, BuildEvent } from "./build-event.ts";

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${Math.round(s % 60)}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}

/** `2026-05-02 10:41` in local time (an ISO time that does not parse is shown as it is). */
export function localMinute(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The reason a stage did not run: `restored from cache (built 2026-05-02 10:41 by run photoz_sim)`. */
export function restoredWords(from: Pick<RestoredFrom, "builtAt" | "run">): string {
  return `restored from cache (built ${localMinute(from.builtAt)} by run ${from.run})`;
}

/** What a stage-end with `superseded` (and a build whose only casualties those are) is called. */
export const SUPERSEDED_WORDS = "superseded by an edit";

/**
 * How a build's end is put in words. A build whose only casualties are stages an edit superseded (lbg watch
 * restarts them at once) is not a failure, nor is one the user interrupted.
 */
export function buildEndWords(e: BuildEnd): {
  head: string;
  counts: string;
  outcome: "ok" | "superseded" | "interrupted" | "failed";
} {
  const superseded = e.superseded ?? 0;
  const cancelled = e.cancelled - superseded;
  const restored = e.restored ?? 0;
  const parts = [`${e.succeeded - restored} ran`, ...(restored ? [`${restored} restored`] : []), `${e.fresh} fresh`];
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
  // Ctrl-C (or q, SIGTERM) is the user's choice, not a failure of the build: said as such (the counts still
  // show a stage that failed before it).
  if (e.error === "interrupted") return { head: "build interrupted", counts, outcome: "interrupted" };
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

/** How many stages a build covers: `6 stages`, or with a selection `3 of 6 stages (until TrainPhotoz)`. */
export function stageCountWords(e: Extract<BuildEvent, { event: "build-start" }>): string {
  const of = e.of !== undefined && e.of !== e.stages ? ` of ${e.of}` : "";
  const n = `${e.stages}${of} stage${(e.of ?? e.stages) === 1 ? "" : "s"}`;
  return e.selection ? `${n} (${e.selection})` : n;
}

/** After a successful build: where its outputs are, and its metrics files by name (inside that folder) with
 *  the command that shows them (their changes are shown by metrics-changed, just above). Undefined when the
 *  build-start said nothing about outputs. */
export function outputsWords(start: { run: string; outputDir?: string; metrics?: string[] }): string | undefined {
  if (!start.outputDir) return undefined;
  const dir = start.outputDir === "." ? "./" : `${start.outputDir.replace(/\/$/, "")}/`;
  const names = (start.metrics ?? []).map((s) => (s.startsWith(dir) ? s.slice(dir.length) : s));
  const shown = names.length > 3 ? [...names.slice(0, 3), `… ${names.length} in all`] : names;
  const metrics = shown.length ? ` · metrics: ${shown.join(", ")} (lbg metrics ${start.run})` : "";
  return `outputs in ${dir}${metrics}`;
}
