// The report folds long metrics lists by prefix (src/report/fold-metrics.ts): the example's photoz_metrics
// alone holds ~370 values (per-bin tables, PIT histograms), which unfolded pushed every stage ten screens down.
import { describe, expect, it } from "vitest";
import { FOLD_ABOVE, foldMetrics } from "../../src/report/fold-metrics.ts";

const HEAD = "<thead></thead>";
const row = (n: string) => `<tr><td>${n}</td></tr>`;
const fold = (names: string[]) => foldMetrics(names, HEAD, row, (n) => `${n} metrics`);
/** The fold structure: each table as its rows' names, each <details> as [summary, its content]. */
function shape(html: string): unknown[] {
  const out: unknown[] = [];
  const re = /<table>.*?<\/table>|<details[^>]*><summary>(.*?)<\/summary>/gs;
  let depth: unknown[][] = [out];
  let rest = html;
  while (rest.length) {
    const close = rest.indexOf("</details>");
    re.lastIndex = 0;
    const m = re.exec(rest);
    if (close >= 0 && (!m || close < m.index)) {
      depth = depth.slice(0, -1);
      rest = rest.slice(close + "</details>".length);
      continue;
    }
    if (!m) break;
    const here = depth.at(-1)!;
    if (m[0].startsWith("<table>")) here.push([...m[0].matchAll(/<td>(.*?)<\/td>/g)].map((x) => x[1]));
    else {
      const inner: unknown[] = [];
      here.push({ [m[1]!.replace(/<\/?code>/g, "")]: inner });
      depth = [...depth, inner];
    }
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}

describe("folding metrics by prefix in the report", () => {
  it("a short list is one table, in its order", () => {
    const names = ["s.count", "s.mean", "s.spread.max", "d.first"];
    expect(shape(fold(names))).toEqual([names]);
  });

  it("a long list: headline values first, each larger group folded under its prefix, a group of one listed", () => {
    const names = [
      "m.bias",
      ...Array.from({ length: 20 }, (_, i) => `m.pit.${i}`),
      "m.sigma_nmad",
      "m.only.one",
      ...Array.from({ length: 30 }, (_, i) => `m.bins.${i % 3}.count${i}`),
      "other.count",
      "other.mean",
    ];
    expect(names.length).toBeGreaterThan(FOLD_ABOVE);
    const s = shape(fold(names));
    const bins = Array.from({ length: 3 }, (_, b) => ({
      [`m.bins.${b} — 10 metrics`]: [Array.from({ length: 10 }, (_, k) => `m.bins.${b}.count${b + 3 * k}`)],
    }));
    expect(s).toEqual([
      {
        "m — 53 metrics": [
          ["m.bias", "m.sigma_nmad", "m.only.one"],
          { "m.pit — 20 metrics": [Array.from({ length: 20 }, (_, i) => `m.pit.${i}`)] },
          { "m.bins — 30 metrics": bins },
        ],
      },
      { "other — 2 metrics": [["other.count", "other.mean"]] },
    ]);
    // The top level (one group per metrics file) is open; folds below it are closed.
    expect(fold(names)).toMatch(/^<details class="fold" open><summary><code>m<\/code>/);
    expect(fold(names)).toContain('<details class="fold"><summary><code>m.pit</code>');
  });
});
