// Words wrapped to a width, for listings printed to a terminal (`lbg list stages`, `lbg help`): a line never
// runs past the width unless one word alone is longer.

/** Width to wrap to: the terminal's, else (a pipe, a file) 100 columns. */
export function outputWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  return stream.isTTY && stream.columns ? Math.max(40, stream.columns) : 100;
}

/** `text` as lines of at most `width` characters, each starting with `indent`. */
export function wrapText(text: string, width: number, indent = ""): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** The first sentence of a doc string: up to a full stop followed by a capital letter (or the end), not
 *  counting abbreviations such as "et al." or "e.g.". */
export function firstSentence(doc: string): string {
  const flat = doc.trim().replace(/\s+/g, " ");
  const end = /(?<![A-Za-z]\.[A-Za-z]|\b(?:al|cf|vs|eq|Fig|approx))\.(?= \p{Lu})/u.exec(flat);
  return end ? flat.slice(0, end.index + 1) : flat;
}

/** At most `max` lines of `text` wrapped; the last one ends in " …" when some were left out. */
export function wrapShort(text: string, width: number, indent: string, max: number): string[] {
  const lines = wrapText(text, width - 2, indent);
  return lines.length <= max ? lines : [...lines.slice(0, max - 1), `${lines[max - 1]} …`];
}
