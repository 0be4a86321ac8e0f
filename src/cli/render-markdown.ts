// Markdown for a terminal, for `lbg help <topic>`: the small subset docs/help uses — headings, paragraphs,
// numbered and bulleted lists, fenced code and pipe tables — wrapped to the terminal's width. Inline `code`
// and **bold** lose their markers (and are highlighted when `color`). Written here rather than taken from a
// library: the Markdown renderers for terminals on npm bring a dozen dependencies for this.

export interface RenderOptions {
  width: number;
  color: boolean;
}

const BOLD = (s: string) => `\x1b[1m${s}\x1b[22m`;
const CYAN = (s: string) => `\x1b[36m${s}\x1b[39m`;

function inline(s: string, color: boolean): string {
  return s
    .replace(/\*\*([^*]+)\*\*/g, (_m, t: string) => (color ? BOLD(t) : t))
    .replace(/`([^`]+)`/g, (_m, t: string) => (color ? CYAN(t) : t));
}

/** Visible length (without ANSI escapes). */
function vlen(s: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what is measured away
  return s.replace(/\x1b\[[0-9;]*m/g, "").length;
}

/** Words of `text` in lines of at most `width` visible characters (a longer word gets a line of its own). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (line && vlen(line) + 1 + vlen(w) > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [""];
}

function table(rows: string[][], o: RenderOptions): string[] {
  const cols = Math.max(...rows.map((r) => r.length));
  const widths: number[] = [];
  for (let c = 0; c < cols - 1; c++) widths.push(Math.min(32, Math.max(...rows.map((r) => vlen(r[c] ?? "")))));
  const lead = widths.reduce((a, b) => a + b + 2, 2);
  const lastWidth = Math.max(20, o.width - lead);
  const out: string[] = [];
  rows.forEach((r, i) => {
    const first = r
      .slice(0, cols - 1)
      .map((cell, c) => cell + " ".repeat(Math.max(0, widths[c]! - vlen(cell))))
      .join("  ");
    const last = wrap(r[cols - 1] ?? "", lastWidth);
    // A first column wider than its share puts the text on the next line.
    const tooWide = vlen(first) > lead - 2;
    const head = i === 0 && o.color ? BOLD : (s: string) => s;
    if (tooWide) {
      out.push(head(`  ${first}`));
      for (const l of last) out.push(`${" ".repeat(lead)}${head(l)}`);
    } else {
      out.push(head(`  ${first}  ${last[0]}`.trimEnd()));
      for (const l of last.slice(1)) out.push(`${" ".repeat(lead)}${head(l)}`);
    }
    if (i === 0) out.push(`  ${"-".repeat(o.width - 4)}`);
  });
  return out;
}

export function renderMarkdown(md: string, o: RenderOptions): string {
  const src = md.replace(/\r\n/g, "\n").split("\n");
  const out: string[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) out.push(...wrap(inline(para.join(" "), o.color), o.width));
    para = [];
  };
  for (let i = 0; i < src.length; i++) {
    const line = src[i]!;
    if (/^```/.test(line)) {
      flush();
      for (i++; i < src.length && !/^```/.test(src[i]!); i++) out.push(`    ${src[i]}`.trimEnd());
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      flush();
      const t = inline(h[2]!, false);
      out.push(o.color ? BOLD(h[1]!.length === 1 ? t.toUpperCase() : t) : h[1]!.length === 1 ? t.toUpperCase() : t);
      continue;
    }
    if (/^\s*\|/.test(line)) {
      flush();
      const rows: string[][] = [];
      for (; i < src.length && /^\s*\|/.test(src[i]!); i++) {
        const cells = src[i]!.trim()
          .replace(/^\||\|$/g, "")
          .split(/(?<!\\)\|/)
          .map((c) => inline(c.trim().replace(/\\\|/g, "|"), o.color));
        if (cells.every((c) => /^:?-+:?$/.test(c))) continue; // the header separator
        rows.push(cells);
      }
      i--;
      out.push(...table(rows, o));
      continue;
    }
    const item = /^(\s*)(\d+\.|[-*])\s+(.*)$/.exec(line);
    if (item) {
      flush();
      const marker = item[2] === "*" ? "-" : item[2]!;
      let text = item[3]!;
      while (i + 1 < src.length && /^\s{2,}\S/.test(src[i + 1]!) && !/^\s*(\d+\.|[-*])\s/.test(src[i + 1]!))
        text += ` ${src[++i]!.trim()}`;
      const indent = " ".repeat(marker.length + 1);
      for (const [k, l] of wrap(inline(text, o.color), o.width - indent.length).entries())
        out.push(k === 0 ? `${marker} ${l}` : `${indent}${l}`);
      continue;
    }
    if (line.trim() === "") {
      flush();
      if (out.length && out[out.length - 1] !== "") out.push("");
      continue;
    }
    para.push(line.trim());
  }
  flush();
  while (out[out.length - 1] === "") out.pop();
  return `${out.join("\n")}\n`;
}
