// The progress line protocol: how any stage — a TypeScript stage through `ctx.progress`, a Python ceci stage
// with a plain print, any command — tells lbg how far it is. The stage writes a line to its log (stdout or
// stderr):
//
//     lbg-progress: <done>/<total>
//
// with `done` and `total` non-negative numbers (`total` > 0; integers or decimals, no exponent), e.g.
// `lbg-progress: 120000/300000`, in units the stage chooses (objects, rows, chunks). Nothing else may be on
// the line (a `\r` before it, as progress bars print, is fine). lbg reads the log while the stage runs
// (scheduler/follow-progress.ts), shows the last such line as a bar in the stage's row, bases the ETA on it,
// puts `stage-progress` events in the `--json` stream and keeps the last total in the stage's record; the UI
// leaves the lines out of the "last log line" and the failed-stage tail. A stage needs nothing of lbg to
// print it, so a ceci stage stays runnable by ceci (where the line is only a log line):
//
//     print(f"lbg-progress: {i}/{n}", flush=True)   # at most about once a second, from one MPI rank
//
// Logs are read once a second and only the newest line counts, so printing more often only
// lengthens the log.

const PROGRESS = /^lbg-progress: (\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/;

export interface Progress {
  done: number;
  total: number;
}

/** The protocol line for `done` of `total` (without the newline). */
export function progressLine(done: number, total: number): string {
  return `lbg-progress: ${plain(done)}/${plain(total)}`;
}

/** A number without an exponent (the protocol has none): integers as they are, others to 6 decimals. */
function plain(x: number): string {
  return Number.isInteger(x) && Math.abs(x) < 1e21 ? String(x) : x.toFixed(6).replace(/\.?0+$/, "");
}

/** Whether values may be reported: finite, not negative, and a positive total. */
export function validProgress(done: number, total: number): boolean {
  return Number.isFinite(done) && Number.isFinite(total) && done >= 0 && total > 0;
}

/** The progress a log line reports, or undefined when it is not a protocol line. */
export function parseProgressLine(line: string): Progress | undefined {
  const m = PROGRESS.exec(line.slice(line.lastIndexOf("\r") + 1).trim());
  if (!m) return undefined;
  const done = Number(m[1]);
  const total = Number(m[2]);
  return validProgress(done, total) ? { done: Math.min(done, total), total } : undefined;
}

/** Whether a log line is a progress line (the UI and failure tails leave them out). */
export function isProgressLine(line: string): boolean {
  return parseProgressLine(line) !== undefined;
}
