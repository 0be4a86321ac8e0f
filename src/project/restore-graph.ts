// A restored project's stage graph (src/project/project-snapshot.ts): the producers and dependants of every
// stage, and each stage's node made only when first asked for (src/graph/lazy-nodes.ts).
import type { RunInput, StageEntry } from "../config/run-model.ts";
import type { InputEdge, OutputFile, StageGraph, StageNode } from "../graph/build-graph.ts";
import { LazyNodes } from "../graph/lazy-nodes.ts";
import { inprogressName, outputFileName, type StageMeta } from "../stages/stage-meta.ts";
import { inOutputDir, type SnapNode, type Snapshot } from "./snapshot-format.ts";

/**
 * The graph of the snapshot, as buildGraph wired it: the producers and dependants of every stage at once,
 * each stage's node (entry, class, files, config) only when first asked for (lazy-nodes.ts), so that an
 * incremental build of a 10,000-stage run makes the nodes of the stages it checks. Written for such runs: no
 * spreads or closures per stage, tag lists computed once per class.
 */
export function restoreGraph(
  s: Snapshot,
  outputDir: string,
  runInputs: Map<string, RunInput>,
  inputsAt: (paths: Set<string>) => string[],
): StageGraph {
  const tags = s.metas.map((m) => ({ inputs: Object.entries(m.inputs), outputs: Object.entries(m.outputs) }));
  const NO_ALIASES: Record<string, string> = {};
  const rows = new Map<string, SnapNode>();
  /** Output alias → the stage making it. */
  const producerOf = new Map<string, SnapNode>();
  for (const row of s.nodes) {
    rows.set(row[0], row);
    const aliases = row[3].aliases ?? NO_ALIASES;
    for (const [tag] of tags[row[1]]!.outputs) producerOf.set(aliases[tag] ?? tag, row);
  }
  /** The path of a stage's output, by its alias (`rel`: its file name in output_dir). */
  const outputRel = (row: SnapNode, tag: string, type: string) =>
    row[4][tag] ?? outputFileName((row[3].aliases ?? NO_ALIASES)[tag] ?? tag, type);
  const outputPath = (producer: SnapNode, alias: string): string => {
    const outs = tags[producer[1]]!.outputs;
    const aliases = producer[3].aliases ?? NO_ALIASES;
    const [tag, type] = (outs.length === 1 ? outs[0] : outs.find(([t]) => (aliases[t] ?? t) === alias))!;
    return inOutputDir(outputDir, outputRel(producer, tag, type));
  };

  const dependants = new Map<string, string[]>();
  for (const [name] of s.nodes) dependants.set(name, []);
  const upstream = new Map<string, string[]>();
  for (const [name, m, , e] of s.nodes) {
    const aliases = e.aliases ?? NO_ALIASES;
    let producers: string[] | undefined;
    for (const [tag] of tags[m]!.inputs) {
      const producer = producerOf.get(aliases[tag] ?? tag)?.[0];
      if (producer === undefined) continue;
      producers ??= [];
      if (!producers.includes(producer)) producers.push(producer);
      // Each dependant once, however many of its inputs the producer makes (they are pushed one after another).
      const d = dependants.get(producer)!;
      if (d[d.length - 1] !== name) d.push(name);
    }
    if (producers) upstream.set(name, producers);
  }

  const make = (name: string): StageNode => {
    const [, m, c, e, outputNames, src] = rows.get(name)!;
    const pipelineFile = s.files[e.file]!;
    // One shape for every entry (absent keys are undefined, which every reader takes as absent).
    const entry: StageEntry = {
      name,
      classname: e.classname ?? name,
      moduleName: e.moduleName,
      aliases: e.aliases ?? {},
      nprocess: e.nprocess ?? 1,
      threadsPerProcess: e.threadsPerProcess ?? 1,
      nodes: e.nodes ?? 1,
      image: e.image,
      volume: e.volume,
      container: e.container,
      metrics: e.metrics,
      cache: e.cache ?? true,
      pipelineFile,
      pos: { file: pipelineFile },
    };
    const meta = s.metas[m]!;
    const outputs: OutputFile[] = [];
    for (const [tag, type] of tags[m]!.outputs) {
      const rel = outputNames[tag] ?? outputFileName(entry.aliases[tag] ?? tag, type);
      const o: OutputFile = {
        tag,
        alias: entry.aliases[tag] ?? tag,
        type,
        path: inOutputDir(outputDir, rel),
        inprogress: inOutputDir(outputDir, inprogressName(rel)),
      };
      // As buildGraph's markMetrics: the class's metrics tags, the entry's by alias or else by tag.
      if (meta.metrics?.includes(tag)) o.metrics = true;
      outputs.push(o);
    }
    for (const { tag } of e.metrics ?? []) {
      const o = outputs.find((x) => x.alias === tag) ?? outputs.find((x) => x.tag === tag);
      if (o) o.metrics = true;
    }
    const inputs: InputEdge[] = [];
    for (const [tag, type] of tags[m]!.inputs) {
      const alias = entry.aliases[tag] ?? tag;
      const producer = producerOf.get(alias);
      if (producer) inputs.push({ tag, alias, type, path: outputPath(producer, alias), producer: producer[0] });
      else {
        const input = runInputs.get(alias);
        const edge: InputEdge = { tag, alias, type, path: input?.path ?? "" };
        if (input?.noFile) edge.noFile = true;
        inputs.push(edge);
      }
    }
    const [configSource, origin] = s.sources[src]!;
    const configOrigin: StageNode["configOrigin"] = {};
    for (const k in origin) {
      const [file, line] = origin[k]!;
      configOrigin[k] = line === undefined ? { file } : { file, line };
    }
    return { name, entry, meta, inputs, outputs, config: s.configs[c]!, configOrigin, configSource };
  };

  /** A stage's output by its alias: its tag and type. */
  const outputOf = (row: SnapNode, alias: string): [string, string] | undefined => {
    const aliases = row[3].aliases ?? NO_ALIASES;
    for (const [tag, type] of tags[row[1]]!.outputs) if ((aliases[tag] ?? tag) === alias) return [tag, type];
    return undefined;
  };
  // Outputs renamed in the config (few), by path: their makers and aliases.
  const renamed = new Map<string, [SnapNode, string]>();
  for (const row of s.nodes)
    for (const tag in row[4])
      renamed.set(inOutputDir(outputDir, row[4][tag]!), [row, (row[3].aliases ?? NO_ALIASES)[tag] ?? tag]);
  const outputTypes = [...new Set(tags.flatMap((t) => t.outputs.map(([, type]) => type)))];
  /** The stage making output file `path` and the output's alias, found from the name (no path is built). */
  const outputAt = (path: string): [SnapNode, string] | undefined => {
    const named = renamed.get(path);
    if (named) return named;
    if (!path.startsWith(`${outputDir}/`)) return undefined;
    const rel = path.slice(outputDir.length + 1);
    for (const type of outputTypes) {
      const alias = rel.slice(0, rel.length - outputFileName("", type).length);
      if (outputFileName(alias, type) !== rel) continue;
      const row = producerOf.get(alias);
      const out = row && outputOf(row, alias);
      if (out && inOutputDir(outputDir, outputRel(row, out[0], out[1])) === path) return [row, alias];
    }
    return undefined;
  };

  // The incremental build asks twice for the same changed files (its own check, the run inputs' check).
  let asked: [Set<string>, Set<string>] | undefined;
  const usersOf = (paths: Set<string>): Set<string> => {
    if (asked && asked[0].size === paths.size && [...paths].every((p) => asked![0].has(p))) return new Set(asked[1]);
    const users = new Set<string>();
    // The aliases that name one of the paths: run inputs no stage makes, and outputs (whose makers use them).
    const named = new Set<string>();
    for (const alias of inputsAt(paths)) if (!producerOf.has(alias)) named.add(alias);
    for (const path of paths) {
      const out = outputAt(path);
      if (!out) continue;
      users.add(out[0][0]);
      named.add(out[1]);
    }
    if (named.size > 0)
      for (const [name, m, , e] of s.nodes) {
        const aliases = e.aliases ?? NO_ALIASES;
        for (const [tag] of tags[m]!.inputs) if (named.has(aliases[tag] ?? tag)) users.add(name);
      }
    asked = [new Set(paths), new Set(users)];
    return users;
  };

  const metas = new Set<StageMeta>();
  const withMetrics: string[] = [];
  const folders = new Set<string>();
  for (const row of s.nodes) {
    const meta = s.metas[row[1]]!;
    metas.add(meta);
    if (meta.metrics?.length || row[3].metrics?.length) withMetrics.push(row[0]);
  }
  // Outputs are in output_dir itself unless an alias or a renamed output names a sub-folder.
  for (const path of renamed.keys()) folders.add(path.slice(0, path.lastIndexOf("/")));
  for (const [alias] of producerOf)
    if (!alias.includes("/")) folders.add(outputDir);
    else {
      const path = inOutputDir(outputDir, alias);
      folders.add(path.slice(0, path.lastIndexOf("/")));
    }
  const names = s.nodes.map((row) => row[0]);
  return {
    nodes: new LazyNodes(names, make, {
      metas: [...metas],
      withMetrics,
      outputFolders: [...folders],
      upstream,
      usersOf,
    }),
    order: s.order,
    dependants,
  };
}
