// Longest remaining path from each stage to the end of the graph, weighted by each stage's last recorded
// duration: starting the stages on the critical path first shortens the whole build.
import type { StageGraph } from "../graph/build-graph.ts";

export function criticalPaths(graph: StageGraph, seconds: (stage: string) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const name of [...graph.order].reverse()) {
    let best = 0;
    for (const d of graph.dependants.get(name)!) best = Math.max(best, out.get(d)!);
    out.set(name, best + Math.max(seconds(name), 0.001));
  }
  return out;
}
