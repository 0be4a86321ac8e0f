// The last line a running stage wrote to its log, read cheaply: only the final few KB of the file, however
// large it grows (the UI polls this every ~200 ms per running stage).
import { type FileHandle, open } from "node:fs/promises";
import stripAnsi from "strip-ansi";

const TAIL_BYTES = 4096;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this pattern's purpose
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

/** A log line as a terminal would show it: text after a `\r` overwrites what came before (progress bars),
 *  and colours and control characters are dropped so they cannot garble the UI's row. */
export function cleanLine(line: string): string {
  const shown =
    line
      .split("\r")
      .filter((part) => part.trim() !== "")
      .pop() ?? "";
  return stripAnsi(shown).replace(/\t/g, "  ").replace(CONTROL, "").trimEnd();
}

/** The last non-empty line of `text`, cleaned. */
export function lastLine(text: string): string {
  const lines = text.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const clean = cleanLine(lines[i]!);
    if (clean.trim() !== "") return clean;
  }
  return "";
}

/** The last non-empty line of the file, or "" if it is missing or empty. */
export async function readLastLine(file: string): Promise<string> {
  let fh: FileHandle;
  try {
    fh = await open(file, "r");
  } catch {
    return ""; // not created yet: the stage has not written anything
  }
  try {
    const { size } = await fh.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, size - length);
    // The first line of the window may be cut mid-character or mid-line: it is only used if it is all there is.
    return lastLine(buf.toString("utf8"));
  } catch {
    return "";
  } finally {
    await fh.close();
  }
}
