// Quoting another program's output in an error line without letting it flood the terminal.
/** Foreign text (another program's output or message) for an error line: its first `max` characters, and
 *  where the rest is when there is more. Messages stay short however much a program printed. */
export function clip(text: string, max = 300, restIn?: string): string {
  const t = text.trim();
  if (t.length <= max) return t;
  return `${t.slice(0, max)}… (${t.length - max} more characters${restIn ? ` in ${restIn}` : ""})`;
}
