// Loads a run end to end for a command: config → stage classes → graph. Throws LbgError on bad input.
import { existsSync, lstatSync, statSync, type Stats } from "node:fs";
import { join } from "node:path";
import { LbgError, type SourcePos } from "../errors/lbg-error.ts";
import { likelySlip } from "../errors/did-you-mean.ts";
import type { Warn } from "../config/check-value.ts";
import { loadRun } from "../config/load-run.ts";
import { loadCeciPipeline } from "../config/load-ceci-pipeline.ts";
import type { RunRef } from "./run-ref.ts";
import type { RunModel } from "../config/run-model.ts";
import { stageContainer } from "../config/stage-container.ts";
import { StatCache } from "../fs/stat-cache.ts";
import { runCacheDir } from "./run-cache-dir.ts";
import { parseYamlPyValue } from "../config/yaml-file.ts";
import { buildGraph, type StageGraph } from "../graph/build-graph.ts";
import { trimGraph } from "../graph/trim-graph.ts";
import { ceciOrder } from "../graph/ceci-order.ts";
import { selectionTrim, selectionWords } from "../graph/select-stages.ts";
import { checkSets, parseSet } from "../stages/effective-config.ts";
import { loadRegistry, resolveStage } from "../stages/resolve-stages.ts";
import { pythonEnv, type PythonEnv } from "../stages/python-module-loader.ts";
import type { StageMeta } from "../stages/stage-meta.ts";
import type { TypeCheckMode } from "../stages/type-check.ts";
import { validateStageConfigs } from "../stages/validate-stage-configs.ts";
import { checkStageTypes, typeCheckMode } from "./check-stage-types.ts";

export interface LoadedProject {
  run: RunModel;
  graph: StageGraph;
  hashes: StatCache;
  cacheDir: string;
  /** Interpreter and paths for Python stages (used only when the run has some). */
  python: PythonEnv;
  /** The pipelines' `modules:` plus every stage's `module_name`, each once: where stage classes came from. */
  modules: { name: string; pos?: SourcePos }[];
  /** The stages as `ceci --dry-run` lists them (graph/ceci-order.ts): the order of `lbg build -n`. */
  ceciOrder: string[];
  /** Every stage instance of the run, also those `to`/`from` or the command line's selection leave out. */
  allStages: string[];
  /** When only part of the run is built: which part, in words (`until TrainPhotoz`). */
  selection?: string;
  /** Restored from the previous plan (project-snapshot.ts), not loaded: no positions, no stage config model
   *  (the merged stage config file is as that plan wrote it), no modules. */
  restored?: true;
}

export async function loadProject(
  ref: RunRef,
  opts: {
    site?: string;
    sets?: string[];
    warn: Warn;
    /** Check the stage files' types (build, watch); `mode` from --type-check (see typeCheckMode). */
    typeCheck?: { mode?: TypeCheckMode; keepParsed?: boolean };
  },
): Promise<LoadedProject> {
  const { root, name: runName } = ref;
  checkCacheFolder(root);
  const run = ref.ceciFile
    ? loadCeciPipeline(root, ref.ceciFile, runName, ref.overrides, opts.warn, ref.templateParams)
    : loadRun({ root, run: runName, site: opts.site, warn: opts.warn });
  const cacheDir = runCacheDir(root, runName);
  const hashes = await StatCache.open(join(cacheDir, "hashes.json"));
  const python = pythonEnv(root, run.site.python, run.pythonPaths);
  const modules = [...run.modules];
  for (const s of run.stages)
    if (s.moduleName && !modules.some((m) => m.name === s.moduleName)) modules.push({ name: s.moduleName, pos: s.pos });
  const registry = await loadRegistry(root, modules, hashes, python);
  const metas = new Map<string, StageMeta>();
  for (const entry of run.stages) metas.set(entry.name, resolveStage(run, registry, entry));
  setContainers(run, metas, opts.warn);
  const sets = (opts.sets ?? []).map((s) => parseSet(s, parseYamlPyValue));
  checkSets(sets, metas, opts.warn);
  // A config file is often shared by several pipelines (TXPipe's are): a section for a stage this run lacks is
  // only worth its own line when it looks like a slip for one of the run's stages; the others are named once
  // per file, without a line number (which would cost parsing the file again for its positions).
  const unmatched = new Map<string, string[]>();
  for (const [section] of run.stageConfig.sections) {
    if (metas.has(section)) continue;
    const pos = run.stageConfig.sectionPos.get(section);
    const close = likelySlip(section, metas.keys());
    if (close)
      opts.warn(
        new LbgError(
          `config section '${section}' matches no stage of run '${runName}'`,
          pos,
          `did you mean '${close}'?`,
        ),
      );
    else if (pos) unmatched.set(pos.file, [...(unmatched.get(pos.file) ?? []), section]);
  }
  for (const [file, sections] of unmatched) {
    const shown = sections.length > 8 ? `${sections.slice(0, 8).join(", ")}, ...` : sections.join(", ");
    opts.warn(
      new LbgError(
        `${sections.length} config section${sections.length > 1 ? "s match" : " matches"} no stage of run '${runName}' and ${sections.length > 1 ? "are" : "is"} not used: ${shown}`,
        { file },
      ),
    );
  }
  const whole = buildGraph(run, metas, sets, opts.warn);
  const trim = selectionTrim(whole, run.trim, ref.select, root);
  const { graph, converted } = trimGraph(whole, trim);
  const order = ceciOrder(whole, run.inputs.keys(), new Set(graph.nodes.keys()));
  for (const [tag, input] of converted) run.inputs.set(tag, input);
  // After the declared types are checked (in buildGraph), what only the stage's own hook can tell.
  const instances = [...graph.nodes.values()].map((n) => ({
    name: n.name,
    meta: n.meta,
    config: n.config,
    configOrigin: n.configOrigin,
    pos: run.stageConfig.sectionPos.get(n.name) ?? n.entry.pos,
  }));
  validateStageConfigs(root, instances, hashes.h);
  if (opts.typeCheck)
    await checkStageTypes(root, graph, hashes, typeCheckMode(opts.typeCheck.mode, run.site.typeCheck), opts.warn, {
      keepParsed: opts.typeCheck.keepParsed,
    });
  return {
    run,
    graph,
    hashes,
    cacheDir,
    python,
    modules,
    ceciOrder: order,
    allStages: [...whole.order],
    selection: selectionWords(trim),
  };
}

/** `.cache` holds lbg's build state: something else in its place is said clearly, not a mkdir error. */
function checkCacheFolder(root: string): void {
  const cache = join(root, ".cache");
  let st: Stats;
  try {
    st = lstatSync(cache);
  } catch {
    return; // made when needed
  }
  if (!st.isDirectory() && !(st.isSymbolicLink() && existsSync(cache) && statSync(cache).isDirectory()))
    throw new LbgError(
      "not a folder: lbg keeps its build state (records, caches, locks) in .cache",
      { file: cache },
      "move it away; lbg makes the folder",
    );
}

/** The container of each Python stage (its entry's `image:`, else the site's); TypeScript stages run in lbg's
 *  own workers, so an `image:` on one of their entries is an error, and a site's image does not apply to them. */
function setContainers(run: RunModel, metas: Map<string, StageMeta>, warn: Warn): void {
  const native: string[] = [];
  for (const entry of run.stages) {
    const c = stageContainer(entry, run.site);
    if (!c) continue;
    if (metas.get(entry.name)!.kind === "python") entry.container = c;
    else if (entry.image)
      throw new LbgError(
        `stage ${entry.name} is a TypeScript stage: 'image' applies to Python stages only`,
        entry.imagePos ?? entry.pos,
        "TypeScript stages run in lbg's own worker processes; remove 'image' from this entry",
      );
    else native.push(entry.name);
  }
  if (native.length)
    warn(
      new LbgError(
        `site image ${run.site.image} applies to Python stages; TypeScript stages (${native.join(", ")}) run in lbg's workers`,
        { file: run.site.file ?? run.file },
      ),
    );
}
