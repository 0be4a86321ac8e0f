// Long lists of metrics folded by their names' prefixes, so that a report of a run whose metrics files hold
// hundreds of values (per-bin tables, PIT histograms) starts with the headline numbers: the metrics of a
// group with few members are listed in one table; a larger group lists its own leaves and folds each of its
// subgroups into a <details> (no script: the browser opens and closes them) naming the prefix and the count.
import { esc } from "./escape-html.ts";

/** Groups of up to this many metrics are shown whole. */
export const FOLD_ABOVE = 24;

/**
 * The HTML of `names` (flat metric names, `tag.key.sub`) as tables of `row(name)`, under the header `head`,
 * folded by prefix. `what(n)` words a count in a fold's summary (`12 metrics`, `12 changed`).
 */
export function foldMetrics(
  names: string[],
  head: string,
  row: (name: string) => string,
  what: (n: number) => string,
): string {
  return fold(
    names.map((n) => ({ name: n, parts: n.split(".") })),
    0,
    { head, row, what },
  );
}

interface Named {
  name: string;
  parts: string[];
}

function fold(
  items: Named[],
  depth: number,
  o: { head: string; row: (n: string) => string; what: (n: number) => string },
): string {
  const table = (rows: Named[]) =>
    rows.length ? `<table>${o.head}<tbody>${rows.map((r) => o.row(r.name)).join("")}</tbody></table>` : "";
  if (items.length <= FOLD_ABOVE) return table(items);
  const leaves = new Set<Named>();
  const groups = new Map<string, Named[]>();
  for (const it of items) {
    const key = it.parts[depth];
    if (it.parts.length <= depth + 1 || key === undefined) leaves.add(it);
    else {
      const g = groups.get(key);
      if (g) g.push(it);
      else groups.set(key, [it]);
    }
  }
  // A group of one is no group: its metric is listed with the leaves, in the order the file has it.
  for (const g of groups.values()) if (g.length === 1) leaves.add(g[0]!);
  const listed = items.filter((it) => leaves.has(it));
  const folds = [...groups]
    .filter(([, g]) => g.length > 1)
    .map(([key, g]) => {
      const prefix = [...(g[0]?.parts.slice(0, depth) ?? []), key].join(".");
      // At the top (one group per metrics file) there is nothing above to fold into: shown open.
      return `<details class="fold"${depth === 0 ? " open" : ""}><summary><code>${esc(prefix)}</code> — ${esc(o.what(g.length))}</summary>${fold(g, depth + 1, o)}</details>`;
    });
  return table(listed) + folds.join("");
}
