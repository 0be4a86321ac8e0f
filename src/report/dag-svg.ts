// The run's stage graph as SVG, laid out by Graphviz (compiled to WebAssembly: @hpcc-js/wasm-graphviz) when
// the report is written, so the page needs no script and no network to show it. Each stage is a link to its
// section of the report and is filled with the colour of its state.
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import type { ReportData, ReportState } from "./report-data.ts";

export const STATE_COLOURS: Record<ReportState, { fill: string; line: string; words: string }> = {
  fresh: { fill: "#c8e6c9", line: "#2e7d32", words: "fresh (up to date)" },
  stale: { fill: "#fff3c4", line: "#b7860b", words: "stale (would re-run)" },
  failed: { fill: "#ffcdd2", line: "#c62828", words: "failed in the last build" },
  "never-built": { fill: "#e0e0e0", line: "#616161", words: "never built" },
};

/** A DOT string literal. */
function q(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** Above this many stages edges lose their labels (the tag stays as the edge's tooltip) and the layout's
 *  crossing minimisation is cut short: Graphviz took ~12 s for 1,000 labelled stages here, ~3 s without. */
const LARGE = 200;

export function dagDot(data: ReportData): string {
  const large = data.stages.length > LARGE;
  const lines = [
    `digraph ${q(data.run)} {`,
    '  rankdir=LR; bgcolor="transparent"; fontname="Helvetica,Arial,sans-serif";',
    ...(large ? ["  nslimit=2; mclimit=0.5;"] : []),
    '  node [shape=box, style="rounded,filled", fontname="Helvetica,Arial,sans-serif", fontsize=11];',
    '  edge [fontname="Helvetica,Arial,sans-serif", fontsize=9, color="#555555", fontcolor="#333333"];',
  ];
  data.runInputs.forEach((input, i) => {
    lines.push(
      `  ${q(`input:${i}`)} [shape=note, style=filled, fillcolor="#e3f2fd", color="#1565c0", label=${q(input.tag)}, tooltip=${q(`run input ${input.path}`)}, id=${q(`dag-input-${i}`)}];`,
    );
  });
  for (const s of data.stages) {
    const c = STATE_COLOURS[s.state];
    const cls = s.class.slice(s.class.indexOf(":") + 1);
    const label = cls === s.name ? s.name : `${s.name}\n(${cls})`;
    lines.push(
      `  ${q(s.name)} [label=${q(label)}, fillcolor=${q(c.fill)}, color=${q(c.line)}, URL=${q(`#stage-${s.name}`)}, target="_self", tooltip=${q(`${s.name}: ${c.words}`)}, id=${q(`dag-${s.name}`)}];`,
    );
  }
  const inputIndex = new Map(data.runInputs.map((x, i) => [x.path, i]));
  for (const s of data.stages)
    for (const i of s.inputs) {
      const from = i.producer ?? `input:${inputIndex.get(i.path)}`;
      lines.push(`  ${q(from)} -> ${q(s.name)} [${large ? "" : `label=${q(i.tag)}, `}tooltip=${q(i.tag)}];`);
    }
  lines.push("}");
  return lines.join("\n");
}

/** The graph as an `<svg>` element for inlining in HTML (no XML prolog or DOCTYPE). */
export async function dagSvg(data: ReportData): Promise<string> {
  const graphviz = await Graphviz.load();
  const svg = graphviz.dot(dagDot(data));
  return svg.slice(svg.indexOf("<svg")).replace(/<!--[\s\S]*?-->\n?/g, "");
}
