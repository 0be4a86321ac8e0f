// ceci's static stage order (what `ceci --dry-run` lists): by hand on a small pipeline, and against networkx
// itself (ceci's own call, topological_sort, on the graph ceci/pipeline/graph.py builds) on random pipelines.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ceciOrder } from "../../src/graph/ceci-order.ts";
import type { StageGraph } from "../../src/graph/build-graph.ts";
import { PY } from "../helpers/debian-python.ts";

interface Spec {
  name: string;
  inputs: string[];
  outputs: string[];
}

/** A StageGraph with what ceci's graph reads: stage names in pipeline order, input and output aliases. */
function graphOf(stages: Spec[]): StageGraph {
  const nodes = new Map(
    stages.map((s) => [
      s.name,
      { name: s.name, inputs: s.inputs.map((alias) => ({ alias })), outputs: s.outputs.map((alias) => ({ alias })) },
    ]),
  );
  return { nodes, order: [], dependants: new Map() } as unknown as StageGraph;
}

const SMALL: Spec[] = [
  { name: "A", inputs: ["DM"], outputs: ["a"] },
  { name: "C", inputs: ["b"], outputs: ["c"] }, // listed before B, which makes b
  { name: "B", inputs: ["a", "cosmo"], outputs: ["b"] },
  { name: "D", inputs: ["DM"], outputs: ["d"] },
  { name: "E", inputs: ["c", "d"], outputs: [] },
];

describe("ceci's stage order", () => {
  it("generations of the file-and-stage graph, not depth first", () => {
    // Worked by hand: DM, cosmo | A, D | a, d | B | b | C | c | E. (lbg's own order would be A, B, C, D, E.)
    expect(ceciOrder(graphOf(SMALL), ["DM", "cosmo"])).toEqual(["A", "D", "B", "C", "E"]);
    // The inputs' order decides who is found first.
    expect(ceciOrder(graphOf(SMALL), ["cosmo", "DM"])).toEqual(["A", "D", "B", "C", "E"]);
    const twoRoots: Spec[] = [
      { name: "X", inputs: ["p"], outputs: ["x"] },
      { name: "Y", inputs: ["q"], outputs: ["y"] },
    ];
    expect(ceciOrder(graphOf(twoRoots), ["q", "p"])).toEqual(["Y", "X"]);
    expect(ceciOrder(graphOf(twoRoots), ["p", "q"])).toEqual(["X", "Y"]);
  });

  it("to/from: the kept stages ordered in the subgraph, where a left-out producer's file has no parent", () => {
    expect(ceciOrder(graphOf(SMALL), ["DM", "cosmo"], new Set(["B", "C", "E"]))).toEqual(["B", "C", "E"]);
    // DM, b (B left out: b has no parent) | D (found from DM), C (from b) | d, c | E.
    expect(ceciOrder(graphOf(SMALL), ["DM", "cosmo"], new Set(["D", "C", "E"]))).toEqual(["D", "C", "E"]);
  });

  const networkx = existsSync(PY) && spawnSync(PY, ["-c", "import networkx"]).status === 0;
  it.skipIf(!networkx)("equals networkx's topological_sort of ceci's graph on 200 random pipelines", () => {
    // (skipped without Debian's python3-networkx)
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const cases: { stages: Spec[]; inputs: string[]; keep: string[] | null }[] = [];
    for (let c = 0; c < 200; c++) {
      const n = 2 + rand(14);
      const inputs = Array.from({ length: 1 + rand(4) }, (_, i) => `in${i}`);
      // Stages made in a random topological order, then listed in a shuffled pipeline order.
      const made: Spec[] = [];
      const files = [...inputs];
      for (let i = 0; i < n; i++) {
        const ins = [...new Set(Array.from({ length: rand(3) + (i ? 0 : 1) }, () => files[rand(files.length)]!))];
        const outs = Array.from({ length: rand(3) }, (_, k) => `s${i}o${k}`);
        made.push({ name: `S${i}`, inputs: ins, outputs: outs });
        files.push(...outs);
      }
      const stages = [...made].sort(() => rand(3) - 1);
      const keep = rand(3) === 0 ? stages.filter(() => rand(2) === 0).map((s) => s.name) : null;
      cases.push({ stages, inputs: [...inputs].sort(() => rand(3) - 1), keep });
    }
    const script = `
import json, sys, networkx
out = []
for c in json.load(sys.stdin):
    g = networkx.DiGraph()
    for t in c["inputs"]:
        g.add_node("f:" + t, type="input")
    for s in c["stages"]:
        g.add_node("s:" + s["name"], type="stage")
        for o in s["outputs"]:
            g.add_node("f:" + o, type="output")
            g.add_edge("s:" + s["name"], "f:" + o)
    for s in c["stages"]:
        for i in s["inputs"]:
            g.add_edge("f:" + i, "s:" + s["name"])
    if c["keep"] is not None:
        keep = set("s:" + k for k in c["keep"])
        more = set()
        for k in keep:
            more.update(g.successors(k))
            more.update(g.predecessors(k))
        g = g.subgraph(keep | more).copy()
    out.append([n[2:] for n in networkx.topological_sort(g) if n.startswith("s:")])
print(json.dumps(out))
`;
    const r = spawnSync(PY, ["-c", script], { input: JSON.stringify(cases), encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const expected = JSON.parse(r.stdout) as string[][];
    const ours = cases.map((c) => ceciOrder(graphOf(c.stages), c.inputs, c.keep ? new Set(c.keep) : undefined));
    expect(ours).toEqual(expected);
  });
});
