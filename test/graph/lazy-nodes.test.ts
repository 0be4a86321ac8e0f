// A restored project's graph (project-snapshot.ts) makes its nodes lazily and answers what a build needs of
// all stages from its facts (lazy-nodes.ts, graph-facts.ts). Both must be the loaded graph's exactly: the
// same nodes when made, and the same answers as going through every node, on a project with the awkward
// cases — two outputs of one producer read by one stage, a renamed output in a sub-folder, a `none` input,
// metrics by class and by entry, a run input read by several stages.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StageGraph } from "../../src/graph/build-graph.ts";
import { outputFolders, stageMetas, stagesUsing, stagesWithMetrics, upstreamOf } from "../../src/graph/graph-facts.ts";
import { LazyMap, LazyNodes } from "../../src/graph/lazy-nodes.ts";
import { type LoadedProject, loadProject } from "../../src/project/load-project.ts";
import { restoreSnapshot, saveSnapshot } from "../../src/project/project-snapshot.ts";
import { TempProject } from "../helpers/temp-project.ts";

function project(): TempProject {
  const p = new TempProject("mini");
  p.write(
    "lbg_stages/split_numbers.ts",
    `import { readFileSync, writeFileSync } from "node:fs";
import { Stage, type StageContext } from "#lbg/sdk";

/** Splits its numbers into the even and the odd ones, and writes how many of each as metrics. */
export default class SplitNumbers extends Stage {
  static inputs = { numbers: "txt", label: "txt" } as const;
  static outputs = { even: "txt", odd: "txt", counts: "yml" } as const;
  static metrics = ["counts"] as const;
  run(ctx: StageContext<typeof SplitNumbers>) {
    const xs = readFileSync(ctx.inputs.numbers, "utf8").split("\\n").filter(Boolean).map(Number);
    writeFileSync(ctx.outputs.even, xs.filter((x) => x % 2 === 0).join("\\n"));
    writeFileSync(ctx.outputs.odd, xs.filter((x) => x % 2 === 1).join("\\n"));
    writeFileSync(ctx.outputs.counts, "n: 1\\n");
  }
}
`,
  );
  p.write(
    "lbg_stages/join_two.ts",
    `import { writeFileSync } from "node:fs";
import { Stage, type StageContext } from "#lbg/sdk";

/** Reads two text files. */
export default class JoinTwo extends Stage {
  static inputs = { a: "txt", b: "txt" } as const;
  static outputs = { joined: "yml" } as const;
  run(ctx: StageContext<typeof JoinTwo>) {
    writeFileSync(ctx.outputs.joined, "x: 1\\n");
  }
}
`,
  );
  p.write(
    "configs/pipelines/lazy/pipeline.yaml",
    `modules: lbg_stages
config: configs/pipelines/lazy/config.yaml
stages:
  - name: MakeNumbers
  - name: SplitNumbers
    aliases: {label: notes}
  - name: Join
    classname: JoinTwo
    aliases: {a: even, b: odd}
    metrics: [joined]
  - name: JoinNotes
    classname: JoinTwo
    aliases: {a: notes, b: nothing, joined: joined_notes}
  - name: CountNotes
    classname: CountLines
    aliases: {text: notes, count: notes_count}
`,
  );
  p.write("configs/pipelines/lazy/config.yaml", "SplitNumbers:\n  odd: parts/odd_numbers.txt\n");
  p.write(
    "configs/runs/lazy.yaml",
    "resume: True\npipelines: lazy\noutput_dir: results/<run>/outputs\nlog_dir: results/<run>/logs\ninputs:\n  notes: data/notes.txt\n  nothing: none\n",
  );
  return p;
}

describe("a restored project's lazy graph", () => {
  let p: TempProject;
  let loaded: LoadedProject;
  let restored: LoadedProject;
  beforeAll(async () => {
    p = project();
    // Fills .cache/stages, so that loading in this process needs no stage-introspection process.
    expect(p.build("lazy").code).toBe(0);
    loaded = await loadProject({ root: p.dir, name: "lazy", overrides: [] }, { warn: () => {} });
    const id = saveSnapshot(loaded, loaded.hashes.h);
    expect(id).toBeTruthy();
    restored = restoreSnapshot(loaded.cacheDir, id!, loaded.hashes)!;
    expect(restored.graph.nodes).toBeInstanceOf(LazyNodes);
  });
  afterAll(() => p.remove());

  const sorted = (xs: Iterable<string>) => [...xs].sort();
  const files = (g: StageGraph) => {
    const out = new Set<string>();
    for (const n of g.nodes.values()) for (const f of [...n.inputs, ...n.outputs]) out.add(f.path);
    return [...out];
  };

  it("answers as going through the loaded graph's nodes, before making any node", () => {
    const g = restored.graph;
    const made = () => [...(g.nodes as LazyNodes).keys()].filter((k) => Map.prototype.get.call(g.nodes, k));
    expect(sorted(stageMetas(g).map((m) => m.name))).toEqual(
      sorted(new Set(stageMetas(loaded.graph).map((m) => m.name))),
    );
    expect(upstreamOf(g)).toEqual(upstreamOf(loaded.graph));
    expect(sorted(outputFolders(g))).toEqual(sorted(outputFolders(loaded.graph)));
    expect(outputFolders(g)).toContain(p.path("results/lazy/outputs/parts"));
    for (const path of [...files(loaded.graph), p.path("data/elsewhere.txt")])
      expect(sorted(stagesUsing(g, new Set([path]))), path).toEqual(sorted(stagesUsing(loaded.graph, new Set([path]))));
    expect(sorted(stagesUsing(g, new Set([p.path("data/notes.txt")])))).toEqual([
      "CountNotes",
      "JoinNotes",
      "SplitNumbers",
    ]);
    expect(made()).toEqual([]);
    // Metrics make only the stages that may have some.
    expect(stagesWithMetrics(g).map((n) => n.name)).toEqual(stagesWithMetrics(loaded.graph).map((n) => n.name));
    expect(sorted(made())).toEqual(["Join", "SplitNumbers"]);
  });

  it("makes each node as the loaded graph has it, and keeps the map's behaviour", () => {
    const g = restored.graph;
    expect(g.nodes.size).toBe(loaded.graph.nodes.size);
    expect(g.nodes.has("Join")).toBe(true);
    expect(g.nodes.get("NoSuchStage")).toBeUndefined();
    expect(g.nodes.has("NoSuchStage")).toBe(false);
    const pick = (n: NonNullable<ReturnType<StageGraph["nodes"]["get"]>>) => ({
      inputs: n.inputs,
      outputs: n.outputs,
      config: n.config,
      meta: n.meta.name,
      aliases: n.entry.aliases,
    });
    expect(g.nodes.get("Join")).toBe(g.nodes.get("Join")); // made once
    for (const [name, node] of g.nodes) expect(pick(node), name).toEqual(pick(loaded.graph.nodes.get(name)!));
    expect([...g.nodes.keys()]).toEqual([...loaded.graph.nodes.keys()]);
    expect([...g.nodes.values()].map((n) => n.name)).toEqual([...loaded.graph.nodes.keys()]);
    const seen: string[] = [];
    g.nodes.forEach((n, k) => {
      seen.push(`${k}=${n.name}`);
    });
    expect(seen).toEqual([...loaded.graph.nodes.keys()].map((k) => `${k}=${k}`));
    expect(g.dependants).toEqual(loaded.graph.dependants);
  });
});

describe("LazyMap", () => {
  it("peek makes a value without keeping it; get keeps it, and peek then returns the kept one", () => {
    let made = 0;
    const m = new LazyMap(["a", "b"], (k) => ({ k, n: ++made }));
    const first = m.peek("a");
    expect(first).toEqual({ k: "a", n: 1 });
    expect(m.peek("a")).not.toBe(first); // made again: not kept
    expect(made).toBe(2);
    const kept = m.get("a");
    expect(m.peek("a")).toBe(kept);
    expect(m.peek("zzz")).toBeUndefined();
    expect(made).toBe(3);
  });
});
