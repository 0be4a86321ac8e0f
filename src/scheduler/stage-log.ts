// Where a stage's log is, and its last lines for a failure report. What a stage says is foreign output: a
// failure report shows a bounded amount of it (a stage that throws a megabyte-long message, or writes a log
// of gigabytes or one without line breaks, must not flood the terminal or the --json stream); the log file
// keeps all of it.
import { join } from "node:path";
import { isProgressLine } from "../events/progress-line.ts";
import { tailLines } from "../fs/read-tail.ts";

/** The most of one line of a stage's words (an error, a log line) a report shows. */
export const MAX_SHOWN_LINE = 500;
/** `<log_dir>/<instance>.out`: the stage's stdout and stderr (ceci's naming). */
export function logPath(logDir: string, stage: string): string {
  return join(logDir, `${stage}.out`);
}

/** `text` cut to `max` characters, saying how much was left out. */
export function clipShown(text: string, max = MAX_SHOWN_LINE): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}... (${text.length - max} more characters; the log has all of it)`;
}

/** The last `lines` lines of a log (none when it cannot be read), each clipped, shown under a failure;
 *  progress lines (`lbg-progress: …`) are left out. Only the last 64 KiB are read (fs/read-tail.ts). */
export function tail(file: string, lines = 20): string[] {
  return tailLines(file, lines, (l) => !isProgressLine(l)).map((l) => clipShown(l));
}
