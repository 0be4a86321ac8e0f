// The previous plan's project: what a build needs of a loaded run (its folders and site, the stage graph with
// each stage's class, entry, files and effective config, the Python environment), kept after a full check so
// that an incremental build (src/cli/incremental-build.ts) can skip loading — no YAML, no stage classes, no
// graph, no validation — while the no-op stamp (src/store/noop-stamp.ts) vouches that nothing it came from
// changed. Positions are kept only where a build records them (where each option's value is written, for the
// records' provenance): an incremental build never reports a config error, it falls back to the full check
// first.
//
// On disk: `.cache/runs/<run>/snapshot.json`, written atomically, only by full checks, in the compact form
// snapshot-format.ts describes; restore-graph.ts makes a restored project's graph from it. A snapshot is only
// written when reading it back gives the very project it was made of, and is read only when its id is the
// hash of its content. A run whose effective configs hold values JSON cannot keep exactly (.inf, .nan, -0)
// gets none.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RunInput, RunModel, StageEntry } from "../config/run-model.ts";
import type { Hasher } from "../fs/hash-file.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import { writeAtomic } from "../fs/write-atomic.ts";
import type { StageNode } from "../graph/build-graph.ts";
import { LazyMap } from "../graph/lazy-nodes.ts";
import { outputFileName, type StageMeta } from "../stages/stage-meta.ts";
import type { LoadedProject } from "./load-project.ts";
import { restoreGraph } from "./restore-graph.ts";
import {
  type EntryPart,
  FORMAT,
  type RunPart,
  type SnapNode,
  type Snapshot,
  type SourcePart,
} from "./snapshot-format.ts";

export const snapshotFile = (cacheDir: string) => join(cacheDir, "snapshot.json");

/** Values JSON keeps exactly: finite numbers other than -0, strings, booleans, null, arrays, plain objects. */
function jsonSafe(v: unknown): boolean {
  if (typeof v === "number") return Number.isFinite(v) && !Object.is(v, -0);
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (Array.isArray(v)) return v.every(jsonSafe);
  if (typeof v === "object") return Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every(jsonSafe);
  return false;
}

/** Index of `v` in `list`, added when new; `key` tells equal values apart. */
function intern<T>(list: T[], index: Map<unknown, number>, v: T, key: unknown = v): number {
  let i = index.get(key);
  if (i === undefined) {
    i = list.push(v) - 1;
    index.set(key, i);
  }
  return i;
}

function encodeEntry(e: StageEntry, file: number): EntryPart {
  const { name, pos: _p, nprocessPos: _n, imagePos: _i, aliasPos: _a, pipelineFile: _f, metrics, ...rest } = e;
  const out: EntryPart = { file };
  // Positions (and a metric's tag without its position) serve errors and warnings the graph reports, which a
  // restored project never builds: an alias's position alone was more than half of a 10,000-stage snapshot.
  if (metrics) out.metrics = metrics.map((m) => ({ tag: m.tag, pos: { file: m.pos.file } }));
  for (const [k, v] of Object.entries(rest) as [keyof typeof rest, unknown][]) {
    if (v === undefined) continue;
    if (k === "classname" && v === name) continue;
    if ((k === "nprocess" || k === "threadsPerProcess" || k === "nodes") && v === 1) continue;
    if (k === "aliases" && Object.keys(v as object).length === 0) continue;
    if (k === "cache" && v === true) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** A stage's option sources as kept, with its key for interning. */
function sourceOf(n: StageNode): [SourcePart, string] {
  const origin: SourcePart[1] = {};
  for (const [k, pos] of Object.entries(n.configOrigin)) origin[k] = pos.line ? [pos.file, pos.line] : [pos.file];
  const part: SourcePart = [n.configSource ?? {}, origin];
  return [part, JSON.stringify(part)];
}

/** The project as JSON with its id, or undefined when it cannot be kept exactly. */
function encode(p: LoadedProject, h: Hasher): { id: string; text: string } | undefined {
  const { run, graph } = p;
  const metas: StageMeta[] = [];
  const metaIndex = new Map<unknown, number>();
  const configs: Record<string, unknown>[] = [];
  const configIndex = new Map<unknown, number>();
  const sources: SourcePart[] = [];
  const sourceIndex = new Map<unknown, number>();
  const files: string[] = [];
  const fileIndex = new Map<unknown, number>();
  const nodes: SnapNode[] = [];
  for (const [name, n] of graph.nodes) {
    if (!jsonSafe(n.config)) return undefined;
    const outputNames: Record<string, string> = {};
    for (const o of n.outputs) {
      const rel = o.path.slice(run.outputDir.length + 1);
      if (rel !== outputFileName(o.alias, o.type)) outputNames[o.tag] = rel;
    }
    nodes.push([
      name,
      intern(metas, metaIndex, n.meta),
      intern(configs, configIndex, n.config, JSON.stringify(n.config)),
      encodeEntry(n.entry, intern(files, fileIndex, n.entry.pipelineFile)),
      outputNames,
      intern(sources, sourceIndex, ...sourceOf(n)),
    ]);
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
      inputs: [...run.inputs].map(([tag, i]): RunPart["inputs"][number] =>
        !i.producedBy && !i.leftOutBy && !i.noFile && i.path.startsWith(`${run.root}/`)
          ? [tag, i.path.slice(run.root.length + 1)]
          : [tag, i.path, i.producedBy ?? null, i.leftOutBy ?? null, !!i.noFile],
      ),
    } satisfies RunPart,
    cacheDir: p.cacheDir,
    python: p.python,
    metas,
    configs,
    sources,
    files,
    nodes,
    order: graph.order,
    ceciOrder: p.ceciOrder,
    allStages: p.allStages,
    ...(p.selection === undefined ? {} : { selection: p.selection }),
  };
  const text = JSON.stringify(body);
  const id = h.h64ToString(text);
  return { id, text: `{"format":${FORMAT},"id":"${id}",${text.slice(1)}` };
}

/**
 * Writes the project's snapshot unless the file already holds this very one (then it was checked when it was
 * written). Returns the id, or null when the project cannot be kept (or written: that only costs full checks).
 */
export function saveSnapshot(p: LoadedProject, h: Hasher): string | null {
  const e = encode(p, h);
  if (!e) return null;
  if (readOr(snapshotFile(p.cacheDir)) === e.text) return e.id;
  if (!sameProject(p, decode(JSON.parse(e.text) as Snapshot, p.hashes))) return null;
  try {
    writeAtomic(snapshotFile(p.cacheDir), e.text);
    return e.id;
  } catch {
    return null;
  }
}

function readOr(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** The project of snapshot `id`, with `hashes` as its stat cache; undefined when the file is not that one. */
export function restoreSnapshot(cacheDir: string, id: string, hashes: StatCache): LoadedProject | undefined {
  let text: string;
  let s: Snapshot;
  try {
    text = readFileSync(snapshotFile(cacheDir), "utf8");
    s = JSON.parse(text) as Snapshot;
  } catch {
    return undefined;
  }
  if (!s || s.format !== FORMAT || s.id !== id) return undefined;
  // Damage that still parses (or a hand edit) must not be taken for the project: the id is the content's hash.
  const prefix = `{"format":${FORMAT},"id":"${id}",`;
  if (!text.startsWith(prefix) || hashes.h.h64ToString(`{${text.slice(prefix.length)}`) !== id) return undefined;
  return decode(s, hashes);
}

function decode(s: Snapshot, hashes: StatCache): LoadedProject {
  const { inputs, ...run } = s.run;
  const runPos = { file: run.file };
  // Each run input made when first asked for, as the nodes are: a 10,000-stage run has 20,000 of them.
  const rows = new Map<string, RunPart["inputs"][number]>();
  for (const row of inputs) rows.set(row[0], row);
  const runInputs = new LazyMap<string, RunInput>(rows.keys(), (tag) => {
    const [, path, producedBy, leftOutBy, noFile] = rows.get(tag)!;
    const input: RunInput = { path: producedBy === undefined ? `${run.root}/${path}` : path, pos: runPos };
    if (producedBy) input.producedBy = producedBy;
    if (leftOutBy) input.leftOutBy = leftOutBy;
    if (noFile) input.noFile = true;
    return input;
  });
  /** The run inputs at one of `paths` (without making any). */
  const inputsAt = (paths: Set<string>): string[] => {
    const within = `${run.root}/`;
    const rel = [...paths].flatMap((p) => (p.startsWith(within) ? [p.slice(within.length)] : []));
    // (A few changed files are compared as they are; a Set would hash each of 20,000 paths first.)
    const wanted = rel.length > 8 ? new Set(rel) : { has: (p: string) => rel.includes(p) };
    const out: string[] = [];
    for (const row of inputs) if (row.length === 2 ? wanted.has(row[1]) : paths.has(row[1])) out.push(row[0]);
    return out;
  };
  const graph = restoreGraph(s, run.outputDir, runInputs, inputsAt);
  const model: RunModel = {
    ...run,
    modules: [],
    // Made when first asked for, as the nodes are (a build asks for none; `lbg watch` never restores).
    get stages() {
      return [...graph.nodes.values()].map((n) => n.entry);
    },
    inputs: runInputs,
    stageConfig: { global: new Map(), sections: new Map(), sectionPos: new Map() },
  };
  return {
    run: model,
    graph,
    hashes,
    cacheDir: s.cacheDir,
    python: s.python,
    modules: [],
    ceciOrder: s.ceciOrder,
    allStages: s.allStages,
    ...(s.selection === undefined ? {} : { selection: s.selection }),
    restored: true,
  };
}

/** The fields of an entry a build uses, in one order (the loaded and the restored entry list them differently). */
function entryKey(e: StageEntry): string {
  return JSON.stringify([
    e.name,
    e.classname,
    e.moduleName,
    e.aliases,
    e.nprocess,
    e.threadsPerProcess,
    e.nodes,
    e.image,
    e.volume,
    e.container,
    e.metrics?.map((m) => m.tag),
    e.cache !== false,
    e.pipelineFile,
  ]);
}

/** Whether a restored project has the loaded one's graph: the same stages, entries, files, configs, order
 *  (JSON of each part: what the snapshot itself went through, so equal values compare equal). Part by part,
 *  so that a 10,000-stage run's comparison never holds all of both sides' JSON at once. */
function sameProject(a: LoadedProject, b: LoadedProject): boolean {
  const x = shape(a);
  const y = shape(b);
  for (;;) {
    const i = x.next();
    const j = y.next();
    if (i.done || j.done) return !!i.done && !!j.done;
    if (i.value !== j.value) return false;
  }
}

/** Every entry of a map; of a lazy one without keeping the values it makes (a 10,000-stage project's nodes
 *  would otherwise all be made, beside the loaded project's, at the end of the build's peak memory). */
function* each<K, V>(m: Map<K, V>): Generator<[K, V]> {
  if (!(m instanceof LazyMap)) return yield* m;
  for (const k of m.keys()) yield [k, m.peek(k)!];
}

function* shape(p: LoadedProject): Generator<string> {
  const metas = new Map<StageMeta, string>();
  yield JSON.stringify(p.graph.order);
  yield JSON.stringify([...p.graph.dependants]);
  for (const [name, n] of each(p.graph.nodes)) {
    yield name;
    yield entryKey(n.entry);
    yield metas.get(n.meta) ?? metas.set(n.meta, JSON.stringify(n.meta)).get(n.meta)!;
    yield JSON.stringify(n.inputs.map((i) => [i.tag, i.alias, i.type, i.path, i.producer, !!i.noFile]));
    yield JSON.stringify(n.outputs.map((o) => [o.tag, o.alias, o.type, o.path, o.inprogress, !!o.metrics]));
    yield JSON.stringify(n.config);
    yield sourceOf(n)[1];
  }
  yield JSON.stringify([...each(p.run.inputs)].map(([tag, i]) => [tag, i.path, i.producedBy, i.leftOutBy, !!i.noFile]));
  yield JSON.stringify([p.ceciOrder, p.allStages, p.selection]);
}
