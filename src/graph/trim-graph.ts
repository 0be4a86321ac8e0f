// ceci's `to` / `from` (pipeline keys since ceci 2.3, or overrides `to=X from=Y`): keep only the stages that
// are downstream of (or are) a `from` node and upstream of (or are) a `to` node. A node is a stage instance
// or a file tag (aliased, as the graph wires it). An input whose producer is left out becomes a run input at
// the path that producer writes: it must exist from an earlier build.
import { LbgError } from "../errors/lbg-error.ts";
import { suggest } from "../errors/did-you-mean.ts";
import type { RunInput, TrimEnd } from "../config/run-model.ts";
import type { StageGraph, StageNode } from "./build-graph.ts";

export interface TrimmedGraph {
  graph: StageGraph;
  /** Tag → where a left-out stage would have written it, now read as a run input. */
  converted: Map<string, RunInput>;
}

/** Stages reachable from `starts` along `next`, the starts included. */
function reach(starts: Iterable<string>, next: (stage: string) => Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const todo = [...starts];
  while (todo.length) {
    const s = todo.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    todo.push(...next(s));
  }
  return seen;
}

export function trimGraph(graph: StageGraph, trim: { to?: TrimEnd; from?: TrimEnd }): TrimmedGraph {
  if (!trim.to && !trim.from) return { graph, converted: new Map() };
  const producers = new Map<string, string>();
  const consumers = new Map<string, string[]>();
  for (const node of graph.nodes.values()) {
    for (const o of node.outputs) producers.set(o.alias, node.name);
    for (const i of node.inputs) {
      const readers = consumers.get(i.alias);
      if (readers)
        readers.push(node.name); // a run input may have thousands of readers: no copy per reader
      else consumers.set(i.alias, [node.name]);
    }
  }
  const check = (end: TrimEnd) => {
    for (const n of end.names) {
      if (graph.nodes.has(n) || producers.has(n) || consumers.has(n)) continue;
      throw new LbgError(
        `${end.key}: '${n}' is neither a stage nor a file tag of this pipeline`,
        end.pos,
        suggest(n, [...graph.nodes.keys(), ...producers.keys(), ...consumers.keys()], "stages and tags"),
      );
    }
  };
  const upstream = (s: string) =>
    graph.nodes
      .get(s)!
      .inputs.map((i) => i.producer)
      .filter((p): p is string => !!p);
  const downstream = (s: string) => graph.dependants.get(s) ?? [];
  let keep = new Set(graph.nodes.keys());
  if (trim.from) {
    check(trim.from);
    // A tag's descendants are its readers (not its producer).
    const starts = trim.from.names.flatMap((n) => (graph.nodes.has(n) ? [n] : (consumers.get(n) ?? [])));
    keep = reach(starts, downstream);
  }
  if (trim.to) {
    check(trim.to);
    // A tag's ancestors are its producer and what that reads.
    const starts = trim.to.names.flatMap((n) =>
      graph.nodes.has(n) ? [n] : producers.has(n) ? [producers.get(n)!] : [],
    );
    const up = reach(starts, upstream);
    keep = new Set([...keep].filter((s) => up.has(s)));
  }
  if (keep.size === 0) {
    const end = trim.from ?? trim.to!;
    const what = [trim.from && `from: ${trim.from.names.join(", ")}`, trim.to && `to: ${trim.to.names.join(", ")}`]
      .filter(Boolean)
      .join(" and ");
    throw new LbgError(
      `${what} select no stage`,
      end.pos,
      trim.from && trim.to ? "the 'to' nodes must be downstream of the 'from' nodes" : undefined,
    );
  }

  const converted = new Map<string, RunInput>();
  const nodes = new Map<string, StageNode>();
  for (const [name, node] of graph.nodes) {
    if (!keep.has(name)) continue;
    const inputs = node.inputs.map((i) => {
      if (!i.producer || keep.has(i.producer)) return i;
      converted.set(i.alias, { path: i.path, pos: (trim.from ?? trim.to)!.pos, producedBy: i.producer });
      return { ...i, producer: undefined };
    });
    nodes.set(name, { ...node, inputs });
  }
  const dependants = new Map(
    [...nodes.keys()].map((k) => [k, (graph.dependants.get(k) ?? []).filter((d) => keep.has(d))]),
  );
  return { graph: { nodes, order: graph.order.filter((s) => keep.has(s)), dependants }, converted };
}
