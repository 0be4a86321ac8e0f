// Errors as values with positions. Every user-facing problem (bad YAML, unknown stage, cycle, bad flag...)
// is an LbgError: the CLI prints `lbg: <file>:<line>:<col>: <message> (hint: ...)` and exits with code 2.
// Anything else reaching the top level is a bug and is reported as an internal error, still without a stack
// trace unless LBG_DEBUG=1.
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
   *  from user text (a `--set` value, a file name) are shown as `\n` so the error stays one line. */
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

function oneLine(s: string): string {
  return s.replace(/\r?\n|\r/g, "\\n");
}

/** How the CLI shows a position's file: relative to the working directory when it is a path (a flag such
 *  as `--launcher` stands where a file would, and stays as it is). */
export function fromCwd(file: string): string {
  return isAbsolute(file) ? relative(process.cwd(), file) || file : file;
}

/** Whether one name is the other with one piece inserted (`color_cuts` → `color_mag_cuts`) or is its words
 *  in part (`mag_cuts`, `cuts_color`): a likely slip that edit distance alone scores as far off. */
function sameStem(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (long.includes(short)) return true;
  let pre = 0;
  while (pre < short.length && short[pre] === long[pre]) pre++;
  let suf = 0;
  while (suf < short.length - pre && short[short.length - 1 - suf] === long[long.length - 1 - suf]) suf++;
  if (pre > 0 && suf > 0 && pre + suf === short.length) return true;
  const words = (s: string) => s.split(/[_.\-\s]+/).filter(Boolean);
  const longWords = new Set(words(long));
  const shortWords = words(short);
  return shortWords.length > 1 && shortWords.every((w) => longWords.has(w));
}

/** Closest candidate, for "did you mean" hints: by edit distance, with a name that shares its stem (a piece
 *  inserted or left out, a substring, the same words) counted as close; undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  let bestD = Infinity;
  for (const c of candidates) {
    const cl = c.toLowerCase();
    const d = editDistance(w, cl);
    const score = sameStem(w, cl) ? Math.min(d, 2) : d;
    if (score < bestScore || (score === bestScore && d < bestD)) {
      bestScore = score;
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
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
