// The order in which `ceci --dry-run` lists (and a sequential ceci runs) a pipeline's stages, so that
// `lbg build -n` lists them alike and the two outputs can be compared line by line. ceci 2.5 builds a networkx
// DiGraph of file and stage nodes (ceci/pipeline/graph.py): the overall inputs, then each stage in pipeline
// order followed by its (aliased) output tags, with an edge stage → output; then, stage by stage, an edge
// input tag → stage for each of the class's inputs. `to`/`from` keep a subgraph: the kept stages and the files
// they read or write, in the same insertion order. Its order is networkx's topological_sort: generations of
// Kahn's algorithm, the first being the nodes without predecessors in insertion order, each next one the
// successors whose last predecessor was just taken, in the order those edges were added; files dropped.
import type { StageGraph } from "./build-graph.ts";

/**
 * ceci's static order of the stages of `graph` (a full graph, as built from the pipeline file), restricted to
 * `keep` (the stages `to`/`from` keep; all when absent). `inputTags`: the pipeline's `inputs:` tags in order.
 */
export function ceciOrder(graph: StageGraph, inputTags: Iterable<string>, keep?: Set<string>): string[] {
  const kept = (stage: string) => !keep || keep.has(stage);
  // Stage and file names share networkx's one namespace; prefixes keep lbg's two apart (a tag named like a
  // stage is a pipeline ceci itself would wire oddly).
  const file = (tag: string) => `f:${tag}`;
  const stage = (name: string) => `s:${name}`;
  const nodes: string[] = [];
  const succ = new Map<string, Set<string>>();
  const addNode = (n: string) => {
    if (succ.has(n)) return;
    succ.set(n, new Set());
    nodes.push(n);
  };
  for (const tag of inputTags) addNode(file(tag));
  for (const node of graph.nodes.values()) {
    addNode(stage(node.name));
    for (const o of node.outputs) {
      addNode(file(o.alias));
      succ.get(stage(node.name))!.add(file(o.alias));
    }
  }
  for (const node of graph.nodes.values())
    for (const i of node.inputs) {
      if (!succ.has(file(i.alias))) addNode(file(i.alias)); // lbg wired it, so ceci's graph has the node
      succ.get(file(i.alias))!.add(stage(node.name));
    }

  // The subgraph: kept stages, and files a kept stage reads or writes.
  const touched = new Set<string>();
  for (const node of graph.nodes.values()) {
    if (!kept(node.name)) continue;
    for (const o of node.outputs) touched.add(file(o.alias));
    for (const i of node.inputs) touched.add(file(i.alias));
  }
  const inSub = (n: string) => (n.startsWith("s:") ? kept(n.slice(2)) : touched.has(n));
  const subNodes = nodes.filter(inSub);
  const indegree = new Map<string, number>(subNodes.map((n) => [n, 0]));
  for (const n of subNodes) for (const m of succ.get(n)!) if (inSub(m)) indegree.set(m, indegree.get(m)! + 1);

  const order: string[] = [];
  let generation = subNodes.filter((n) => indegree.get(n) === 0);
  while (generation.length) {
    const next: string[] = [];
    for (const n of generation) {
      if (n.startsWith("s:")) order.push(n.slice(2));
      for (const m of succ.get(n)!) {
        if (!inSub(m)) continue;
        const d = indegree.get(m)! - 1;
        indegree.set(m, d);
        if (d === 0) next.push(m);
      }
    }
    generation = next;
  }
  return order;
}
