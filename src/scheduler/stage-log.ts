// Where a stage's log is, and its last lines for a failure report.
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** `<log_dir>/<instance>.out`: the stage's stdout and stderr (ceci's naming). */
export function logPath(logDir: string, stage: string): string {
  return join(logDir, `${stage}.out`);
}

/** The last `lines` lines of a log (none when it cannot be read), shown under a failure. */
export function tail(file: string, lines = 20): string[] {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines);
  } catch {
    return [];
  }
}
