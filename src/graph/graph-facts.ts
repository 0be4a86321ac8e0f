// What a build needs to know of all the stages of a graph at once, asked so that a graph of lazy nodes
// (lazy-nodes.ts: a restored project's) answers from its facts without making every node, and any other
// graph by going through its nodes. Both answer alike (test/graph/lazy-nodes.test.ts compares them).
import type { StageMeta } from "../stages/stage-meta.ts";
import type { StageGraph, StageNode } from "./build-graph.ts";
import { LazyNodes } from "./lazy-nodes.ts";

/** The stage classes of the graph (a class may be listed more than once for a graph that is not lazy). */
export function stageMetas(graph: StageGraph): StageMeta[] {
  if (graph.nodes instanceof LazyNodes) return graph.nodes.facts.metas;
  return [...graph.nodes.values()].map((n) => n.meta);
}

/** The stages with a metrics output, in graph order. */
export function stagesWithMetrics(graph: StageGraph): StageNode[] {
  if (graph.nodes instanceof LazyNodes) {
    const nodes = graph.nodes;
    // (The facts name every stage that may have one: a class or entry naming metrics.)
    return nodes.facts.withMetrics.map((s) => nodes.get(s)!).filter((n) => n.outputs.some((o) => o.metrics));
  }
  return [...graph.nodes.values()].filter((n) => n.outputs.some((o) => o.metrics));
}

/** Every folder an output of the graph is in (outputs are absolute, normalised paths). */
export function outputFolders(graph: StageGraph): string[] {
  if (graph.nodes instanceof LazyNodes) return graph.nodes.facts.outputFolders;
  const out = new Set<string>();
  for (const node of graph.nodes.values())
    for (const o of node.outputs) out.add(o.path.slice(0, o.path.lastIndexOf("/")));
  return [...out];
}

/** Stage → the stages it reads outputs of (each once, in input order), for the stages that read any. */
export function upstreamOf(graph: StageGraph): Map<string, string[]> {
  if (graph.nodes instanceof LazyNodes) return graph.nodes.facts.upstream;
  const out = new Map<string, string[]>();
  for (const [name, node] of graph.nodes) {
    const producers = [...new Set(node.inputs.flatMap((i) => (i.producer ? [i.producer] : [])))];
    if (producers.length > 0) out.set(name, producers);
  }
  return out;
}

/** Stage → its producers, each once, for the stages that have any (in no set order: what a scheduler counts). */
export function producerLists(graph: StageGraph): Map<string, string[]> {
  if (graph.nodes instanceof LazyNodes) return graph.nodes.facts.upstream;
  const out = new Map<string, string[]>();
  for (const [name, ds] of graph.dependants)
    for (const d of ds) {
      const ps = out.get(d);
      if (ps) ps.push(name);
      else out.set(d, [name]);
    }
  return out;
}

/** The stages that read or write one of `paths`. */
export function stagesUsing(graph: StageGraph, paths: Set<string>): Set<string> {
  if (graph.nodes instanceof LazyNodes) return graph.nodes.facts.usersOf(paths);
  const out = new Set<string>();
  for (const node of graph.nodes.values())
    if (node.inputs.some((i) => paths.has(i.path)) || node.outputs.some((o) => paths.has(o.path))) out.add(node.name);
  return out;
}
