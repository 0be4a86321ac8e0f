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

/** A map whose keys are all known from the start and whose values are each made when first asked for. */
export class LazyMap<K, V> extends Map<K, V> {
  constructor(
    keys: Iterable<K>,
    private readonly make: (key: K) => V,
  ) {
    super();
    // Every key from the start (size, has and keys are the Map's own); a value only once made.
    for (const key of keys) super.set(key, undefined as V);
  }

  override get(key: K): V | undefined {
    const known = super.get(key);
    if (known !== undefined || !super.has(key)) return known;
    const made = this.make(key);
    super.set(key, made);
    return made;
  }

  /** The value of `key` without keeping it when it was not made yet: for one pass over every value that
   *  must not leave them all made (the snapshot's check of itself, project-snapshot.ts). */
  peek(key: K): V | undefined {
    const known = super.get(key);
    return known !== undefined || !super.has(key) ? known : this.make(key);
  }

  override *values(): MapIterator<V> {
    for (const key of super.keys()) yield this.get(key)!;
  }

  override *entries(): MapIterator<[K, V]> {
    for (const key of super.keys()) yield [key, this.get(key)!];
  }

  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  override forEach(fn: (value: V, key: K, map: Map<K, V>) => void, self?: unknown): void {
    for (const [key, value] of this.entries()) fn.call(self, value, key, this);
  }
}

/** A graph's nodes as a LazyMap, with what is known of all of them without making any. */
export class LazyNodes extends LazyMap<string, StageNode> {
  constructor(
    names: string[],
    make: (name: string) => StageNode,
    readonly facts: NodeFacts,
  ) {
    super(names, make);
  }
}
