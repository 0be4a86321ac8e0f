// The project snapshot's format (src/project/project-snapshot.ts writes and reads it, restore-graph.ts makes the
// graph from it).
//
// On disk: `.cache/runs/<run>/snapshot.json`, written atomically, only by full checks:
//   { "format": 5, "id": "<xxh64 of the rest>", "run": {…}, "cacheDir", "python": {…},
//     "metas": [StageMeta…], "configs": [{…}…], "files": ["<pipeline file>"…],
//     "sources": [[{option: its rule, ConfigSourceKind}, {option: [file, line] where its value is written}]…],
//     "nodes": [["<stage>", <index in metas>, <index in configs>, {entry: defaults left out, pipeline file as
//                an index in files}, {output tag: its file name in output_dir, when not <alias>.<type>},
//                <index in sources>]…],
//     "order": ["<stage>"…], "ceciOrder": ["<stage>"…], "allStages": ["<stage>"…], "selection"?: "<words>" }
// (run.inputs: [tag, path inside the root, relative to it] for a plain file in the project — most of a large
// run's — else [tag, path, producedBy | null, leftOutBy | null, noFile (a `none` input)]…)
// Compact for 10,000-stage runs: identical configs are kept once, and each stage's input and output paths are
// not kept but derived from its class's tags, its aliases and the producers, as buildGraph wires them. A
// snapshot is only written when reading it back gives the very project it was made of (so this derivation can
// never silently differ from the graph's), and is read only when its id is the hash of its content. A run
// whose effective configs hold values JSON cannot keep exactly (.inf, .nan, -0) gets none.
import { join } from "node:path";
import type { RunModel, StageEntry } from "../config/run-model.ts";
import type { PythonEnv } from "../stages/python-env.ts";
import type { ConfigSourceKind } from "../stages/effective-config.ts";
import type { StageMeta } from "../stages/stage-meta.ts";

export const FORMAT = 5;

export type RunPart = Pick<
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
> & { inputs: ([string, string] | [string, string, string | null, string | null, boolean])[] };

/** An entry as kept: its name, pipeline file and defaults (classname = name, 1 process, …) left out. */
export type EntryPart = Partial<
  Omit<StageEntry, "name" | "pos" | "nprocessPos" | "imagePos" | "aliasPos" | "pipelineFile">
> & {
  file: number;
};

export type SnapNode = [
  name: string,
  meta: number,
  config: number,
  entry: EntryPart,
  outputNames: Record<string, string>,
  source: number,
];

/** Which rule chose each option's value, and where it is written (file, line): what provenance records. */
export type SourcePart = [Record<string, ConfigSourceKind>, Record<string, [string] | [string, number]>];

export interface Snapshot {
  format: number;
  id: string;
  run: RunPart;
  cacheDir: string;
  python: PythonEnv;
  metas: StageMeta[];
  configs: Record<string, unknown>[];
  sources: SourcePart[];
  files: string[];
  nodes: SnapNode[];
  order: string[];
  ceciOrder: string[];
  allStages: string[];
  selection?: string;
}

/** A file name inside output_dir as a path (join's normalisation only where the name needs it). */
export function inOutputDir(outputDir: string, name: string): string {
  return /^\.|\/\.|\/\/|\/$/.test(name) ? join(outputDir, name) : `${outputDir}/${name}`;
}
