// Plain lines for pipes and CI: one line per stage start, end or fresh, with reasons and durations, the log
// tail of a failed stage, and a summary line.
import type { BuildEvent } from "../events/build-event.ts";
import {
  blockedWords,
  buildEndLine,
  changedWords,
  type EndedHow,
  formatSeconds,
  lastBuildWord,
  restartAllWords,
  SUPERSEDED_WORDS,
} from "../events/event-words.ts";
import { metricsChangeLines } from "../events/metric-words.ts";

export function plainReporter(
  write: (s: string) => void = (s) => process.stdout.write(s),
  opts: { verbose?: boolean } = {},
): (e: BuildEvent) => void {
  /** How each stage that did not succeed ended in this build, for the lines of the stages it blocked. */
  let ended = new Map<string, EndedHow>();
  // A dry run runs nothing, so its summary counts what would run (not "nothing to do … 0 ran").
  let dryRun = false;
  let wouldRun = 0;
  let run: string | undefined;
  return (e) => {
    switch (e.event) {
      case "build-start":
        ended = new Map();
        run = e.run;
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
        write(`lbg: ${restartAllWords(e.reason)}\n`);
        return;
      case "stage-fresh":
        if (opts.verbose !== false) write(`fresh    ${e.stage}\n`);
        return;
      case "stage-start":
        if (e.dryRun) wouldRun++;
        write(`${e.dryRun ? "would run" : "run     "} ${e.stage}  (${e.reasons.join("; ")})\n`);
        // A dry run shows what each stage would execute, as `ceci --dry-run` does (a real run puts it at the
        // top of the stage's log).
        if (e.dryRun && e.command) write(`    ${e.command}\n`);
        return;
      case "stage-end":
        if (e.status !== "succeeded") ended.set(e.stage, e.superseded ? "superseded" : e.status);
        if (e.status === "succeeded") write(`done     ${e.stage}  ${formatSeconds(e.seconds)}\n`);
        else if (e.superseded) write(`restart  ${e.stage}  ${formatSeconds(e.seconds)}  (${SUPERSEDED_WORDS})\n`);
        else if (e.status === "cancelled") write(`cancel   ${e.stage}  ${formatSeconds(e.seconds)}\n`);
        else {
          write(`FAILED   ${e.stage}  ${formatSeconds(e.seconds)}${e.error ? `: ${e.error}` : ""}\n`);
          if (e.logTail?.length) {
            write(`  log: ${e.log} (last lines)\n`);
            for (const l of e.logTail) write(`  | ${l}\n`);
          }
        }
        return;
      case "stage-blocked":
        write(`blocked  ${e.stage}  (not run: ${blockedWords(e.by, ended.get(e.by))})\n`);
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
      case "metrics-changed": {
        const m = metricsChangeLines(e, run);
        write(`${m.head}\n`);
        for (const l of m.lines) write(`  ${l}\n`);
        if (m.more) write(`  ${m.more}\n`);
        return;
      }
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
        write(`lbg watch: ${changedWords(e.paths)}\n`);
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
