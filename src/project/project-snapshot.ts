// The previous plan's project: what a build needs of a loaded run (its folders and site, the stage graph with
// each stage's class, entry, files and effective config, the Python environment), kept after a full check so
// that an incremental build (src/cli/incremental-build.ts) can skip loading — no YAML, no stage classes, no
// graph, no validation — while the no-op stamp (src/store/noop-stamp.ts) vouches that nothing it came from
// changed. Positions are not kept (a restored project names files only): an incremental build never reports
// a config error, it falls back to the full check first.
//
// On disk: `.cache/runs/<run>/snapshot.json`, written atomically, only by full checks:
//   { "format": 1, "id": "<xxh64 of the rest>", "run": {…}, "python": {…}, "metas": [StageMeta…],
//     "nodes": [{ "name", "meta": <index in metas>, "entry": {…}, "inputs": [InputEdge…],
//                 "outputs": [OutputFile…], "config": {…} }…], "order": ["<stage>"…] }
// A run whose effective configs hold values JSON cannot keep exactly (.inf, .nan, -0) gets no snapshot.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RunInput, RunModel, StageEntry } from "../config/run-model.ts";
import type { Hasher } from "../fs/hash-file.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import { writeAtomic } from "../fs/write-atomic.ts";
import type { StageGraph, StageNode } from "../graph/build-graph.ts";
import type { PythonEnv } from "../stages/python-env.ts";
import type { StageMeta } from "../stages/stage-meta.ts";
import type { LoadedProject } from "./load-project.ts";

const FORMAT = 1;

type RunPart = Pick<
  RunModel,
  | "name"
  | "root"
  | "file"
  | "resume"
  | "pipelines"
  | "outputDir"
  | "logDir"
  | "preScript"
  | "postScript"
  | "configFiles"
  | "pythonPaths"
  | "mergedConfigFile"
  | "site"
> & { inputs: [string, string, string | null][] };

type EntryPart = Omit<StageEntry, "pos" | "nprocessPos" | "imagePos">;

interface SnapNode extends Omit<StageNode, "meta" | "entry" | "configOrigin"> {
  meta: number;
  entry: EntryPart;
}

interface Snapshot {
  format: number;
  id: string;
  run: RunPart;
  cacheDir: string;
  python: PythonEnv;
  metas: StageMeta[];
  nodes: SnapNode[];
  order: string[];
}

export const snapshotFile = (cacheDir: string) => join(cacheDir, "snapshot.json");

/** Values JSON keeps exactly: finite numbers other than -0, strings, booleans, null, arrays, plain objects. */
function jsonSafe(v: unknown): boolean {
  if (typeof v === "number") return Number.isFinite(v) && !Object.is(v, -0);
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (Array.isArray(v)) return v.every(jsonSafe);
  if (typeof v === "object") return Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every(jsonSafe);
  return false;
}

/** The project as JSON with its id, or undefined when it cannot be kept exactly. */
function encode(p: LoadedProject, h: Hasher): { id: string; text: string } | undefined {
  const { run, graph } = p;
  const metas: StageMeta[] = [];
  const metaIndex = new Map<StageMeta, number>();
  const nodes: SnapNode[] = [];
  for (const name of graph.nodes.keys()) {
    const n = graph.nodes.get(name)!;
    if (!jsonSafe(n.config)) return undefined;
    let m = metaIndex.get(n.meta);
    if (m === undefined) {
      m = metas.push(n.meta) - 1;
      metaIndex.set(n.meta, m);
    }
    const { pos: _p, nprocessPos: _n, imagePos: _i, ...entry } = n.entry;
    nodes.push({ name, meta: m, entry, inputs: n.inputs, outputs: n.outputs, config: n.config });
  }
  const body = {
    run: {
      name: run.name,
      root: run.root,
      file: run.file,
      resume: run.resume,
      pipelines: run.pipelines,
      outputDir: run.outputDir,
      logDir: run.logDir,
      preScript: run.preScript,
      postScript: run.postScript,
      configFiles: run.configFiles,
      pythonPaths: run.pythonPaths,
      mergedConfigFile: run.mergedConfigFile,
      site: run.site,
      inputs: [...run.inputs].map(([tag, i]): [string, string, string | null] => [tag, i.path, i.producedBy ?? null]),
    } satisfies RunPart,
    cacheDir: p.cacheDir,
    python: p.python,
    metas,
    nodes,
    order: graph.order,
  };
  const text = JSON.stringify(body);
  const id = h.h64ToString(text);
  return { id, text: `{"format":${FORMAT},"id":"${id}",${text.slice(1)}` };
}

/**
 * Writes the project's snapshot unless the file already holds this very one (`current`: the id the stamp
 * names). Returns the id, or null when the project cannot be kept (or written: that only costs full checks).
 */
export function saveSnapshot(p: LoadedProject, h: Hasher, current: string | null): string | null {
  const e = encode(p, h);
  if (!e) return null;
  if (e.id === current) return e.id;
  try {
    writeAtomic(snapshotFile(p.cacheDir), e.text);
    return e.id;
  } catch {
    return null;
  }
}

/** The project of snapshot `id`, with `hashes` as its stat cache; undefined when the file is not that one. */
export function restoreSnapshot(cacheDir: string, id: string, hashes: StatCache): LoadedProject | undefined {
  let s: Snapshot;
  try {
    s = JSON.parse(readFileSync(snapshotFile(cacheDir), "utf8")) as Snapshot;
  } catch {
    return undefined;
  }
  if (!s || s.format !== FORMAT || s.id !== id) return undefined;
  const stages: StageEntry[] = [];
  const nodes = new Map<string, StageNode>();
  for (const n of s.nodes) {
    const entry: StageEntry = { ...n.entry, pos: { file: n.entry.pipelineFile } };
    stages.push(entry);
    nodes.set(n.name, {
      name: n.name,
      entry,
      meta: s.metas[n.meta]!,
      inputs: n.inputs,
      outputs: n.outputs,
      config: n.config,
      configOrigin: {},
    });
  }
  const dependants = new Map<string, string[]>();
  for (const name of nodes.keys()) dependants.set(name, []);
  for (const node of nodes.values()) {
    for (const p of new Set(node.inputs.map((i) => i.producer).filter((x): x is string => !!x)))
      dependants.get(p)!.push(node.name);
  }
  const graph: StageGraph = { nodes, order: s.order, dependants };
  const { inputs, ...run } = s.run;
  const runInputs = new Map<string, RunInput>();
  for (const [tag, path, producedBy] of inputs)
    runInputs.set(tag, { path, pos: { file: run.file }, ...(producedBy ? { producedBy } : {}) });
  const model: RunModel = {
    ...run,
    modules: [],
    stages,
    inputs: runInputs,
    stageConfig: { global: new Map(), sections: new Map(), sectionPos: new Map() },
  };
  return { run: model, graph, hashes, cacheDir: s.cacheDir, python: s.python, modules: [], restored: true };
}
