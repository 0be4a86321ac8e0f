// Errors as values with positions. Every user-facing problem (bad YAML, unknown stage, cycle, bad flag...)
// is an LbgError: the CLI prints `lbg: <file>:<line>:<col>: <message> (hint: ...)` and exits with code 2.
// Anything else reaching the top level is a bug and is reported as an internal error, still without a stack
// trace unless LBG_DEBUG=1. Every folder may import this one (it imports nothing of lbg's).
import { isAbsolute, relative } from "node:path";

export interface SourcePos {
  file: string;
  line?: number;
  col?: number;
  /** Position of an entry inside the value (keys and list indices), when the value came from a YAML file. */
  at?(path: (string | number)[]): SourcePos;
}

export class LbgError extends Error {
  readonly pos?: SourcePos;
  readonly hint?: string;
  /** Process exit code: 2 for bad input (the default), 1 for failures of the work itself. */
  readonly exitCode: number;

  constructor(message: string, pos?: SourcePos, hint?: string, exitCode = 2) {
    // Printed as one line, never with a stack (unless LBG_DEBUG is set): capturing one for each of 100,000
    // warnings (a config with a section per stage of a huge pipeline) took a tenth of loading it.
    const limit = Error.stackTraceLimit;
    if (!process.env.LBG_DEBUG) Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = "LbgError";
    this.pos = pos;
    this.hint = hint;
    this.exitCode = exitCode;
  }

  /** One line: `file:line:col: message (hint: ...)`. A flag or command standing where a file would is not
   *  repeated when the message already starts with it (`-j abc: ...`, not `-j: -j abc: ...`); line breaks
   *  from user text (a `--set` value, a file name) are shown as `\n` so the error stays one line, other control
   *  characters as `\uXXXX`. */
  format(relativeTo?: (p: string) => string): string {
    const p = this.pos;
    const repeated =
      p && !p.line && [`${p.file} `, `${p.file}:`, `lbg ${p.file} `].some((w) => this.message.startsWith(w));
    const where =
      p && !repeated
        ? `${relativeTo ? relativeTo(p.file) : p.file}${p.line ? `:${p.line}` : ""}${p.line && p.col ? `:${p.col}` : ""}: `
        : "";
    return oneLine(`${where}${this.message}${this.hint ? ` (hint: ${this.hint})` : ""}`);
  }
}

/** Line breaks as `\n`, other control characters (a NUL, a terminal escape sequence from a file name) as
 *  `\uXXXX`: what an error line shows must never steer the terminal. Tabs stay. */
function oneLine(s: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x20 && c !== 0x7f) || c === 0x09) continue;
    out += s.slice(from, i);
    if (c === 0x0d && s.charCodeAt(i + 1) === 0x0a) i++; // \r\n is one line break
    out += c === 0x0a || c === 0x0d ? "\\n" : `\\u${c.toString(16).padStart(4, "0")}`;
    from = i + 1;
  }
  return from === 0 ? s : out + s.slice(from);
}

/** How the CLI shows a position's file: relative to the working directory when it is a path (a flag such
 *  as `--launcher` stands where a file would, and stays as it is). */
export function fromCwd(file: string): string {
  return isAbsolute(file) ? relative(process.cwd(), file) || file : file;
}
