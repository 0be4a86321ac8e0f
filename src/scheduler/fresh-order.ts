// The order in which runBuild (run-build.ts) reports the stages of a graph when every one is fresh: in
// graph order each stage whose producers are done is checked, and a fresh stage at once releases each
// dependant whose last producer it was, which is checked in turn. The no-op stamp replays a build in this
// order, so that its events are those a full check would give (test/scheduler checks the two agree).
import type { StageGraph } from "../graph/build-graph.ts";

export function freshOrder(graph: StageGraph): string[] {
  const left = new Map<string, number>();
  for (const name of graph.nodes.keys()) left.set(name, 0);
  for (const ds of graph.dependants.values()) for (const d of ds) left.set(d, left.get(d)! + 1);
  const out: string[] = [];
  const check = (name: string): void => {
    out.push(name);
    left.set(name, -1);
    for (const d of graph.dependants.get(name) ?? []) {
      const n = left.get(d)! - 1;
      left.set(d, n);
      if (n === 0) check(d);
    }
  };
  for (const name of graph.order) if (left.get(name) === 0) check(name);
  return out;
}
