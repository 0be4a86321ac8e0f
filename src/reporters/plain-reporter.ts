// Plain lines for pipes and CI: one line per stage start, end or fresh, with reasons and durations, the log
// tail of a failed stage, and a summary line.
import type { BuildEvent } from "../events/build-event.ts";

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${Math.round(s % 60)}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}

export function plainReporter(write: (s: string) => void = (s) => process.stdout.write(s), opts: { verbose?: boolean } = {}): (e: BuildEvent) => void {
  // A dry run runs nothing, so its summary counts what would run (not "nothing to do … 0 ran").
  let dryRun = false;
  let wouldRun = 0;
  return (e) => {
    switch (e.event) {
      case "build-start":
        dryRun = e.dryRun;
        wouldRun = 0;
        write(`lbg: ${e.dryRun ? "dry run of" : "building"} ${e.run} (${e.pipelines.join(", ")}): ${e.stages} stage${e.stages === 1 ? "" : "s"}, -j ${e.jobs}\n`);
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
        write(`${e.dryRun ? "would run" : "run     "} ${e.stage}  (${e.reasons.join("; ")})\n`);
        return;
      case "stage-end":
        if (e.status === "succeeded") write(`done     ${e.stage}  ${formatSeconds(e.seconds)}\n`);
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
        write(`blocked  ${e.stage}  (not run: ${e.by === "interrupt" ? "interrupted" : `${e.by} failed`})\n`);
        return;
      case "script-start":
        write(`run      ${e.which}: ${e.command}\n`);
        return;
      case "script-end":
        write(`${e.ok ? "done    " : "FAILED  "} ${e.which}  ${formatSeconds(e.seconds)}${e.ok ? "" : `  (log: ${e.log})`}\n`);
        if (!e.ok) for (const l of e.logTail ?? []) write(`  | ${l}\n`);
        return;
      case "build-end": {
        if (dryRun && e.ok) {
          write(`lbg: dry run — ${wouldRun} would run, ${e.fresh} fresh in ${formatSeconds(e.seconds)}\n`);
          return;
        }
        const parts = [`${e.succeeded} ran`, `${e.fresh} fresh`];
        if (e.failed) parts.push(`${e.failed} failed`);
        if (e.blocked) parts.push(`${e.blocked} not run`);
        if (e.cancelled) parts.push(`${e.cancelled} cancelled`);
        const head = e.ok ? (e.succeeded === 0 ? "lbg: nothing to do, every stage is fresh" : "lbg: build succeeded") : `lbg: build FAILED${e.error ? `: ${e.error}` : ""}`;
        write(`${head} — ${parts.join(", ")} in ${formatSeconds(e.seconds)}\n`);
        return;
      }
      case "watch-idle":
        write(`lbg watch: watching ${e.files} files${e.lastBuild ? ` — last build ${e.lastBuild.ok ? "succeeded" : "FAILED"} at ${e.lastBuild.at.slice(11, 19)}` : ""}\n`);
        return;
      case "watch-change":
        write(`lbg watch: changed: ${e.paths.slice(0, 5).join(", ")}${e.paths.length > 5 ? ` and ${e.paths.length - 5} more` : ""}\n`);
        return;
      case "watch-error":
        write(`lbg watch: error: ${e.message}\n`);
        return;
      default: {
        const never: never = e;
        return never;
      }
    }
  };
}
