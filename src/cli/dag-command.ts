// `lbg dag <run> [--format dot|mermaid]`: the stage graph, edges labelled with the (aliased) tags.
import { loadProject } from "../project/load-project.ts";
import type { RunRef } from "../project/run-ref.ts";
import { LbgError } from "../errors/lbg-error.ts";

export async function dagCommand(ref: RunRef, format: string, out: (s: string) => void): Promise<number> {
  if (format !== "dot" && format !== "mermaid")
    throw new LbgError(`--format ${format}: expected dot or mermaid`, { file: "--format" });
  const { graph, run } = await loadProject(ref, { warn: () => {} });
  const edges: [string, string, string][] = [];
  const runInputs = new Set<string>();
  for (const node of graph.nodes.values()) {
    for (const i of node.inputs) {
      if (i.producer) edges.push([i.producer, node.name, i.alias]);
      else {
        runInputs.add(i.alias);
        edges.push([`input:${i.alias}`, node.name, i.alias]);
      }
    }
  }
  if (format === "dot") {
    out(`digraph "${run.name}" {\n  rankdir=LR;\n  node [shape=box];\n`);
    for (const t of runInputs) out(`  "input:${t}" [shape=note, label="${t}"];\n`);
    for (const n of graph.order) out(`  "${n}" [label="${n}\\n(${graph.nodes.get(n)!.meta.name})"];\n`);
    for (const [a, b, t] of edges) out(`  "${a}" -> "${b}" [label="${t}"];\n`);
    out("}\n");
  } else {
    const id = (s: string) => s.replace(/[^A-Za-z0-9_]/g, "_");
    out("flowchart LR\n");
    for (const t of runInputs) out(`  ${id(`input:${t}`)}[/"${t}"/]\n`);
    for (const n of graph.order) out(`  ${id(n)}["${n}"]\n`);
    for (const [a, b, t] of edges) out(`  ${id(a)} -- ${t} --> ${id(b)}\n`);
  }
  return 0;
}
