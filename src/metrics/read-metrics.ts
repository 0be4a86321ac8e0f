// Reads a run's metrics files as they are now: the outputs its stages declare as metrics (a TypeScript
// class's `static metrics`, a pipeline entry's `metrics:`), parsed as YAML (JSON is YAML too) and flattened.
import { readFileSync, statSync } from "node:fs";
import { relative } from "node:path";
import { parse } from "yaml";
import type { StatCache } from "../fs/stat-cache.ts";
import type { StageGraph } from "../graph/build-graph.ts";
import { type FlatMetrics, flattenMetrics } from "./flatten-metrics.ts";

/** A metrics file is a few numbers: anything this big is not one, and is not read. */
const MAX_BYTES = 16 * 1024 * 1024;

export interface MetricsFile {
  /** The output's tag after aliases: the first part of its metric names. */
  tag: string;
  stage: string;
  /** Relative to the project root. */
  path: string;
  /** Content hash now; null when the file does not exist. */
  hash: string | null;
  values: FlatMetrics;
  /** Why no values were read (not built yet, not YAML, too large). */
  error?: string;
}

export function readRunMetrics(root: string, graph: StageGraph, hashes: StatCache): MetricsFile[] {
  const files: MetricsFile[] = [];
  for (const name of graph.order) {
    const node = graph.nodes.get(name)!;
    for (const o of node.outputs) {
      if (!o.metrics) continue;
      const path = relative(root, o.path);
      const base = { tag: o.alias, stage: name, path };
      const h = hashes.hash(o.path);
      if (!h) {
        files.push({ ...base, hash: null, values: {}, error: "not built yet" });
        continue;
      }
      files.push({ ...base, hash: h.hash, ...readValues(o.path, o.alias) });
    }
  }
  return files;
}

function readValues(path: string, tag: string): { values: FlatMetrics; error?: string } {
  try {
    if (statSync(path).size > MAX_BYTES) return { values: {}, error: "too large for a metrics file (over 16 MB)" };
    return { values: flattenMetrics(tag, parse(readFileSync(path, "utf8"))) };
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0] ?? "";
    return { values: {}, error: `not readable as YAML: ${msg.slice(0, 160)}` };
  }
}

/** Every file's values as one flat set (tags are unique in a run, so names never collide). */
export function allValues(files: { values: FlatMetrics }[]): FlatMetrics {
  return Object.assign({}, ...files.map((f) => f.values));
}
