// The end of a file that may be huge — a stage's log, gigabytes or without line breaks — read from the end,
// whatever its size: what a failure report (scheduler/stage-log.ts) and `lbg report` show of a log (one
// bounded read), and where `lbg logs -n N` starts (as far back as its lines go).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** How much of the end is read by default: room for a few hundred ordinary log lines. */
export const TAIL_BYTES = 64 * 1024;

/**
 * The last `maxBytes` bytes of `file` as UTF-8 text, from the start of a line: when the window begins inside
 * a line, what the window holds of that line is dropped (unless it is all there is: one huge line still
 * shows). Undefined
 * when the file cannot be read.
 */
export function readTail(file: string, maxBytes = TAIL_BYTES): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - maxBytes);
    // One byte more, before the window, tells whether the window begins a line.
    const from = start > 0 ? start - 1 : 0;
    const buf = Buffer.alloc(size - from);
    const n = readSync(fd, buf, 0, buf.length, from);
    if (start === 0) return buf.subarray(0, n).toString("utf8");
    const text = buf.subarray(1, n).toString("utf8");
    if (buf[0] === 0x0a) return text;
    const nl = text.indexOf("\n");
    return nl !== -1 && nl < text.length - 1 ? text.slice(nl + 1) : text;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The last `count` lines of `file` that `keep` keeps, from its last `maxBytes` bytes (fewer when its lines
 *  are long); none when it cannot be read. A final line break ends the last line, it does not start another. */
export function tailLines(
  file: string,
  count: number,
  keep: (line: string) => boolean = () => true,
  maxBytes = TAIL_BYTES,
): string[] {
  const text = readTail(file, maxBytes);
  if (text === undefined) return [];
  return text.trimEnd().split("\n").filter(keep).slice(-count);
}

/** Where the last `count` lines of `file` begin, as a byte offset (0 when it has fewer; its size for none),
 *  found by reading backwards from its end: the cost is the size of those lines, not of the file. A final
 *  line break ends the last line, it does not start another. Throws when the file cannot be read. */
export function lastLinesOffset(file: string, count: number): number {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    if (count <= 0) return size;
    const buf = Buffer.alloc(Math.min(TAIL_BYTES, size));
    let end = size;
    let found = 0;
    while (end > 0) {
      const start = Math.max(0, end - buf.length);
      const n = readSync(fd, buf, 0, end - start, start);
      // The file's last byte, when a line break, ends the last line: it is not searched.
      // (lastIndexOf counts a negative offset from the end: never pass one.)
      const from = start + n === size ? n - 2 : n - 1;
      let i = from >= 0 ? buf.lastIndexOf(0x0a, from) : -1;
      while (i !== -1) {
        if (++found === count) return start + i + 1;
        i = i > 0 ? buf.lastIndexOf(0x0a, i - 1) : -1;
      }
      end = start;
    }
    return 0;
  } finally {
    closeSync(fd);
  }
}
