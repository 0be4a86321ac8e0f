// Errors as values with positions. Every user-facing problem (bad YAML, unknown stage, cycle, bad flag...)
// is an LbgError: the CLI prints `lbg: <file>:<line>:<col>: <message> (hint: ...)` and exits with code 2.
// Anything else reaching the top level is a bug and is reported as an internal error, still without a stack
// trace unless LBG_DEBUG=1.
import { isAbsolute, relative } from "node:path";

export interface SourcePos {
  file: string;
  line?: number;
  col?: number;
}

export class LbgError extends Error {
  constructor(
    message: string,
    readonly pos?: SourcePos,
    readonly hint?: string,
    /** Process exit code: 2 for bad input (the default), 1 for failures of the work itself. */
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "LbgError";
  }

  /** One line: `file:line:col: message (hint: ...)`. A flag or command standing where a file would is not
   *  repeated when the message already starts with it (`-j abc: ...`, not `-j: -j abc: ...`); line breaks
   *  from user text (a `--set` value, a file name) are shown as `\n` so the error stays one line. */
  format(relativeTo?: (p: string) => string): string {
    const p = this.pos;
    const repeated = p && !p.line && [`${p.file} `, `${p.file}:`, `lbg ${p.file} `].some((w) => this.message.startsWith(w));
    const where = p && !repeated
      ? `${relativeTo ? relativeTo(p.file) : p.file}${p.line ? `:${p.line}` : ""}${p.line && p.col ? `:${p.col}` : ""}: `
      : "";
    return oneLine(`${where}${this.message}${this.hint ? ` (hint: ${this.hint})` : ""}`);
  }
}

function oneLine(s: string): string {
  return s.replace(/\r?\n|\r/g, "\\n");
}

/** How the CLI shows a position's file: relative to the working directory when it is a path (a flag such
 *  as `--launcher` stands where a file would, and stays as it is). */
export function fromCwd(file: string): string {
  return isAbsolute(file) ? relative(process.cwd(), file) || file : file;
}

/** Closest candidate by edit distance, for "did you mean" hints; undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    const contains = c.toLowerCase().includes(word.toLowerCase()) || word.toLowerCase().includes(c.toLowerCase());
    const score = contains ? Math.min(d, 2) : d;
    if (score < bestD) {
      bestD = score;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** "did you mean X?" or a list of what exists, for hints. */
export function suggest(word: string, candidates: string[], what: string): string | undefined {
  const close = didYouMean(word, candidates);
  if (close) return `did you mean '${close}'?`;
  if (candidates.length === 0) return undefined;
  const shown = candidates.slice(0, 12).join(", ");
  return `known ${what}: ${shown}${candidates.length > 12 ? ", ..." : ""}`;
}
