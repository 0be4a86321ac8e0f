// Where a Jinja2 template goes wrong, for a positioned error: @huggingface/jinja's own syntax errors carry no
// position ("Unexpected token: CloseExpression", or for an unclosed block a TypeError from inside it).
import { parse, tokenize } from "./jinja.ts";

/** Jinja2 tags the library does not implement. */
const UNSUPPORTED = ["raw", "with", "include", "import", "from", "extends", "block", "autoescape", "trans"];

/** Where a template the library cannot parse goes wrong, found by reading its tags one at a time: the first
 *  `{{ }}` the parser rejects on its own, an unknown or stray block tag, a second `else`, a tag left open,
 *  or a block never closed (reported with its own words: the library says only "Cannot read properties of
 *  undefined" then). Its own errors carry no position. */
export function templateSyntaxProblem(text: string): { line?: number; message?: string } {
  const lineAt = (i: number) => text.slice(0, i).split("\n").length;
  const open: { word: string; at: number; elses: number }[] = [];
  const closers: Record<string, string> = {
    endif: "if",
    endfor: "for",
    endmacro: "macro",
    endcall: "call",
    endfilter: "filter",
    endset: "set",
    endgeneration: "generation",
  };
  const unclosed = /\{\{(?![\s\S]*?\}\})|\{%(?![\s\S]*?%\})/.exec(text);
  for (const m of text.matchAll(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g)) {
    if (unclosed && unclosed.index < m.index) break;
    const tag = m[0];
    const at = { line: lineAt(m.index) };
    if (tag.startsWith("{{")) {
      try {
        parse(tokenize(tag, {}));
      } catch {
        return at;
      }
      continue;
    }
    const word = /^\{%-?\s*(\w+)/.exec(tag)?.[1] ?? "";
    if (["if", "for", "macro", "call", "filter", "generation"].includes(word))
      open.push({ word, at: m.index, elses: 0 });
    else if (word === "set" && !/[^=!<>]=[^=]/.test(tag)) open.push({ word, at: m.index, elses: 0 });
    else if (closers[word]) {
      if (open.at(-1)?.word !== closers[word])
        return { ...at, message: `{% ${word} %} closes no {% ${closers[word]} %}` };
      open.pop();
    } else if (word === "else" || word === "elif") {
      const b = open.at(-1);
      if (!b || (b.word !== "if" && b.word !== "for")) return { ...at, message: `{% ${word} %} outside an {% if %}` };
      if (b.elses > 0) return { ...at, message: `{% ${word} %} after the {% else %} of its {% ${b.word} %}` };
      if (word === "else") b.elses++;
    } else if (UNSUPPORTED.includes(word))
      return { ...at, message: `Jinja2's {% ${word} %} is not supported by lbg's template renderer` };
    else if (!["set", "break", "continue"].includes(word)) return { ...at, message: `unknown tag {% ${word} %}` };
  }
  if (unclosed) return { line: lineAt(unclosed.index), message: `${unclosed[0]} is never closed` };
  const b = open.at(-1);
  if (b) return { line: lineAt(b.at), message: `{% ${b.word} %} is never closed (no {% end${b.word} %})` };
  return {};
}
