// Reasons laid out in a narrow column: lines break between reasons (`; `) or between the items of one
// (`, `), so `seed 42 → 7` stays whole on one line — never inside a number, a name or a change. Only an item
// wider than the column itself is broken, between words, and a word wider than the column is cut in two.

/** Width in terminal columns as lbg's own text has it (no wide characters, no escapes). */
const width = (s: string) => [...s].length;

/** `text` in lines of at most `columns` (at least 1) characters. */
export function wrapReasons(text: string, columns: number): string[] {
  const max = Math.max(1, columns);
  const lines: string[] = [];
  let line = "";
  const push = (piece: string) => {
    if (line && width(line) + width(piece.trimEnd()) > max) {
      lines.push(line.trimEnd());
      line = "";
    }
    if (!line && width(piece.trimEnd()) > max) {
      // One item wider than the column: by words, and a word that alone is wider, in pieces.
      for (const word of piece.split(/(?<= )/)) {
        if (line && width(line) + width(word.trimEnd()) > max) {
          lines.push(line.trimEnd());
          line = "";
        }
        let w = word;
        while (width(w.trimEnd()) > max) {
          lines.push([...w].slice(0, max).join(""));
          w = [...w].slice(max).join("");
        }
        line += w;
      }
      return;
    }
    line += piece;
  };
  for (const piece of text.split(/(?<=[,;] )/)) push(piece);
  if (line.trimEnd() || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}
