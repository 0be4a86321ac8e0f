// A stage graph's nodes, each made the first time it is asked for: a restored project
// (src/project/project-snapshot.ts) knows every stage's name from the start, and an incremental build of a
// 10,000-stage run reads the nodes of the few stages it checks, not all of them. Iterating the values still
// makes every node (correct, only slower); what a build needs of all stages at once — which classes there
// are, the output folders, each stage's producers, which stages use a file — the facts answer without making
// any (graph-facts.ts asks them of either kind of graph).
import type { StageMeta } from "../stages/stage-meta.ts";
import type { StageNode } from "./build-graph.ts";

/** What the maker of lazy nodes knows of all of them without making any. */
export interface NodeFacts {
  /** The stage classes, each once. */
  metas: StageMeta[];
  /** The stages that may have a metrics output (their class or entry names metrics), in graph order. */
  withMetrics: string[];
  /** Every folder an output is in. */
  outputFolders: string[];
  /** Stage → the stages it reads outputs of (each once, in input order), for stages that read any. */
  upstream: Map<string, string[]>;
  /** The stages that read or write one of `paths`. */
  usersOf(paths: Set<string>): Set<string>;
}

export class LazyNodes extends Map<string, StageNode> {
  constructor(
    names: string[],
    private readonly make: (name: string) => StageNode,
    readonly facts: NodeFacts,
  ) {
    super();
    // Every key from the start (size, has and keys are the Map's own); a value only once made.
    for (const name of names) super.set(name, undefined as unknown as StageNode);
  }

  override get(name: string): StageNode | undefined {
    const known = super.get(name);
    if (known !== undefined || !super.has(name)) return known;
    const made = this.make(name);
    super.set(name, made);
    return made;
  }

  override *values(): MapIterator<StageNode> {
    for (const name of super.keys()) yield this.get(name)!;
  }

  override *entries(): MapIterator<[string, StageNode]> {
    for (const name of super.keys()) yield [name, this.get(name)!];
  }

  override [Symbol.iterator](): MapIterator<[string, StageNode]> {
    return this.entries();
  }

  override forEach(fn: (node: StageNode, name: string, map: Map<string, StageNode>) => void, self?: unknown): void {
    for (const [name, node] of this.entries()) fn.call(self, node, name, this);
  }
}
