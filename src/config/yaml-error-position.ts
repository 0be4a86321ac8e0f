// Where a YAML syntax error really is. For a flow collection or a quoted string left open (`seed: [7`,
// `name: "abc`), the YAML reader reports the position where it gave up — the next key, often lines later, or
// the end of the file — while the mistake is the opening bracket or quote. This finds that opening.

/** A quote or bracket opens something only where a YAML value or flow entry may begin. */
function startsValue(text: string, i: number): boolean {
  const before = text.slice(text.lastIndexOf("\n", i - 1) + 1, i);
  return /(^\s*|[:?-]\s+|[[{,]\s*)$/.test(before);
}

/**
 * The offset of the opening `[`, `{`, `"` or `'` that is still open at `end` — the outermost bracket, or the
 * quote — or undefined when nothing is open there. Comments and quoted text are skipped.
 */
export function openingBefore(text: string, end: number): number | undefined {
  const brackets: number[] = [];
  let i = 0;
  while (i < end) {
    const c = text[i]!;
    if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? end : nl;
      continue;
    }
    if ((c === '"' || c === "'") && startsValue(text, i)) {
      const close = findClosingQuote(text, i, c);
      if (close === undefined || close >= end) return i;
      i = close + 1;
      continue;
    }
    if ((c === "[" || c === "{") && (brackets.length > 0 || startsValue(text, i))) brackets.push(i);
    else if ((c === "]" || c === "}") && brackets.length > 0) brackets.pop();
    i++;
  }
  return brackets[0];
}

function findClosingQuote(text: string, open: number, q: string): number | undefined {
  for (let i = open + 1; i < text.length; i++) {
    if (q === '"' && text[i] === "\\") i++;
    else if (text[i] === q) {
      if (q === "'" && text[i + 1] === "'")
        i++; // '' is a quote inside a single-quoted string
      else return i;
    }
  }
  return undefined;
}

/** For a syntax error at `offset` with the YAML reader's `reason` (js-yaml's wording): the offset to report
 *  and, when it moved to an opening, what to say instead. */
export function syntaxErrorAt(text: string, offset: number, reason: string): { offset: number; message?: string } {
  // js-yaml: "unexpected end of the stream within a flow collection", "… within a double quoted scalar",
  // "missed comma between flow collection entries" (a key on a later line read as the next entry).
  const unclosedFlow = /within a flow collection|missed comma between flow collection entries/.test(reason);
  const unclosedQuote = /within a (double|single) quoted scalar/.test(reason);
  if (!unclosedFlow && !unclosedQuote) return { offset };
  const open = openingBefore(text, Math.min(offset + 1, text.length));
  if (open === undefined) return { offset };
  const c = text[open]!;
  if (c === "[") return { offset: open, message: "this '[' is never closed (a flow sequence needs its ']')" };
  if (c === "{") return { offset: open, message: "this '{' is never closed (a flow mapping needs its '}')" };
  return { offset: open, message: `this ${c} quote is never closed` };
}
