// Plain lines for pipes and CI: one line per stage start, end or fresh, with reasons and durations, the log
// tail of a failed stage, and a summary line.
import type { BuildEnd, BuildEvent, WatchLastBuild } from "../events/build-event.ts";
import type { RestoredFrom } from "../store/stage-record.ts";

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

/**
 * How a build's end is put in words — here and in the TUI's summary line, so the two read alike. A build
 * whose only casualties are stages an edit superseded (lbg watch restarts them at once) is not a failure.
 */
export function buildEndWords(e: BuildEnd): { head: string; counts: string; outcome: "ok" | "superseded" | "failed" } {
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
    return { head: "build superseded by an edit, restarting", counts, outcome: "superseded" };
  return { head: `build FAILED${e.error ? `: ${e.error}` : ""}`, counts, outcome: "failed" };
}

/** The line that ends a build, `<prefix>: …`: `lbg` here, the run's name in the TUI (which has no other line
 *  naming the run once the build is over). A dry run counts what would run (not "nothing to do … 0 ran"). */
export function buildEndLine(prefix: string, e: BuildEnd, dryRun = false, wouldRun = 0): string {
  if (dryRun) return `${prefix}: dry run — ${wouldRun} would run, ${e.fresh} fresh in ${formatSeconds(e.seconds)}`;
  const w = buildEndWords(e);
  return `${prefix}: ${w.head} — ${w.counts}`;
}

/** How a stage that did not succeed ended, for the lines of the stages it blocked ("X was cancelled"). */
export function endedWords(how: "failed" | "cancelled" | "superseded"): string {
  return how === "superseded" ? "was restarted" : how === "cancelled" ? "was cancelled" : "failed";
}

/** The last build of a watch session in a few words. */
export function lastBuildWord(b: WatchLastBuild): string {
  return b.interrupted ? "interrupted" : b.ok ? "succeeded" : "FAILED";
}

export function plainReporter(
  write: (s: string) => void = (s) => process.stdout.write(s),
  opts: { verbose?: boolean } = {},
): (e: BuildEvent) => void {
  /** How each stage that did not succeed ended in this build, for the lines of the stages it blocked. */
  let ended = new Map<string, string>();
  // A dry run runs nothing, so its summary counts what would run (not "nothing to do … 0 ran").
  let dryRun = false;
  let wouldRun = 0;
  return (e) => {
    switch (e.event) {
      case "build-start":
        ended = new Map();
        dryRun = e.dryRun;
        wouldRun = 0;
        write(
          `lbg: ${e.dryRun ? "dry run of" : "building"} ${e.run} (${e.pipelines.join(", ")}): ${e.stages} stage${e.stages === 1 ? "" : "s"}, -j ${e.jobs}\n`,
        );
        return;
      case "warning":
        write(`warning: ${e.message}\n`);
        return;
      case "restart-all":
        write(`lbg: ${e.reason}: every stage re-runs\n`);
        return;
      case "stage-fresh":
        if (opts.verbose !== false) write(`fresh    ${e.stage}\n`);
        return;
      case "stage-start":
        if (e.dryRun) wouldRun++;
        if (e.restoredFrom) {
          write(`restored ${e.stage}  (${e.reasons.join("; ")}) — ${restoredWords(e.restoredFrom)}\n`);
          return;
        }
        write(`${e.dryRun ? "would run" : "run     "} ${e.stage}  (${e.reasons.join("; ")})\n`);
        // A dry run shows what each stage would execute, as `ceci --dry-run` does (a real run puts it at the
        // top of the stage's log).
        if (e.dryRun && e.command) write(`    ${e.command}\n`);
        return;
      case "stage-end":
        if (e.status !== "succeeded") ended.set(e.stage, endedWords(e.superseded ? "superseded" : e.status));
        if (e.restored) return; // said in full by its stage-start line, which came when it was done
        if (e.status === "succeeded") write(`done     ${e.stage}  ${formatSeconds(e.seconds)}\n`);
        else if (e.superseded) write(`restart  ${e.stage}  ${formatSeconds(e.seconds)}  (superseded by an edit)\n`);
        else if (e.status === "cancelled") write(`cancel   ${e.stage}  ${formatSeconds(e.seconds)}\n`);
        else {
          write(`FAILED   ${e.stage}  ${formatSeconds(e.seconds)}${e.error ? `: ${e.error}` : ""}\n`);
          if (e.logTail && e.logTail.length) {
            write(`  log: ${e.log} (last lines)\n`);
            for (const l of e.logTail) write(`  | ${l}\n`);
          }
        }
        return;
      case "stage-blocked":
        write(
          `blocked  ${e.stage}  (not run: ${e.by === "interrupt" ? "interrupted" : `${e.by} ${ended.get(e.by) ?? "failed"}`})\n`,
        );
        return;
      case "script-start":
        write(`run      ${e.which}: ${e.command}\n`);
        return;
      case "script-end":
        write(
          `${e.ok ? "done    " : "FAILED  "} ${e.which}  ${formatSeconds(e.seconds)}${e.ok ? "" : `  (log: ${e.log})`}\n`,
        );
        if (!e.ok) for (const l of e.logTail ?? []) write(`  | ${l}\n`);
        return;
      case "build-end": {
        write(`${buildEndLine("lbg", e, dryRun && e.ok, wouldRun)}\n`);
        return;
      }
      case "watch-idle":
        write(
          `lbg watch: watching ${e.files} files${e.lastBuild ? ` — last build ${lastBuildWord(e.lastBuild)} at ${e.lastBuild.at.slice(11, 19)}` : ""}\n`,
        );
        return;
      case "watch-building":
        return; // the build-start line follows at once; the idle line says what is watched
      case "watch-change":
        write(
          `lbg watch: changed: ${e.paths.slice(0, 5).join(", ")}${e.paths.length > 5 ? ` and ${e.paths.length - 5} more` : ""}\n`,
        );
        return;
      case "watch-error":
        write(`lbg watch: error: ${e.message}\n`);
        return;
      case "watch-notice":
        write(`lbg watch: ${e.message}\n`);
        return;
      default: {
        const never: never = e;
        return never;
      }
    }
  };
}
