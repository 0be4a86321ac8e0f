// Reads a running stage's log for progress lines (src/events/progress-line.ts) — the one way every kind of
// stage reports progress: a TypeScript stage's `ctx.progress` writes them, a Python stage prints them, and
// under Slurm the log is written by the job step. Polls the log's size every `intervalMs` (1 s: this is
// also what limits `stage-progress` events to one a second per stage) and reads only what was appended
// since, at most the last 64 KiB of it (only the newest line counts), so a stage that logs a lot costs one
// small read per tick. A stage that ends before the first tick costs a timer and no read at all.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { type Progress, parseProgressLine } from "../events/progress-line.ts";

const WINDOW = 64 * 1024;

export interface ProgressFollower {
  /** Reads the log one last time and stops; returns the last progress seen (undefined: none). */
  stop(): Progress | undefined;
}

export function followProgress(log: string, onProgress: (p: Progress) => void, intervalMs = 1000): ProgressFollower {
  let offset = 0;
  /** Text after the last line break read so far, when the read before it was contiguous. */
  let partial = "";
  let last: Progress | undefined;
  let fd: number | undefined;
  let ticked = false;

  const read = (report: boolean): void => {
    try {
      fd ??= openSync(log, "r");
      const size = fstatSync(fd).size;
      if (size < offset) {
        // Truncated (the stage's log is started afresh when it runs): read from the start again.
        offset = 0;
        partial = "";
      }
      if (size === offset) return;
      const from = Math.max(offset, size - WINDOW);
      if (from > offset) partial = ""; // skipped a stretch: the held-back text is no line's beginning
      const buf = Buffer.alloc(size - from);
      const n = readSync(fd, buf, 0, buf.length, from);
      offset = from + n;
      const text = partial + buf.toString("utf8", 0, n);
      const lines = text.split(/\r?\n/);
      partial = lines.pop() ?? "";
      // Complete lines only: the held-back text may be a report cut mid-number.
      for (const line of lines.reverse()) {
        const p = parseProgressLine(line);
        if (p) {
          if (p.done !== last?.done || p.total !== last?.total) {
            last = p;
            if (report) onProgress(p);
          }
          break;
        }
      }
    } catch {
      /* not created yet, or gone: try again next tick */
    }
  };

  const timer = setInterval(() => {
    ticked = true;
    read(true);
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      // The last total, for the record; not reported (the stage has ended). Not for a stage shorter than a
      // tick: nothing to scale an estimate of under a second by, and a thousand trivial stages read no log.
      if (ticked) read(false);
      if (fd !== undefined) {
        try {
          closeSync(fd);
        } catch {
          /* already closed */
        }
      }
      return last;
    },
  };
}
