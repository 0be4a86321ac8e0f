// Maps every stage entry of a run to its class: TypeScript modules are folders of the project; anything
// else in `modules:` is a Python ceci module.
import { LbgError, suggest, type SourcePos } from "../config/lbg-error.ts";
import type { RunModel, StageEntry } from "../config/run-model.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import type { StageMeta } from "./stage-meta.ts";
import { loadPythonModules, type PythonEnv } from "./python-module-loader.ts";
import { fileErrors, loadTsModule, tsModuleDir } from "./ts-module-loader.ts";

export interface StageRegistry {
  classes: Map<string, StageMeta>;
  /** Problems in stage files (compile or import errors), reported when a wanted class is missing. */
  brokenFiles: string[];
  pythonModules: string[];
}

export async function loadRegistry(root: string, modules: { name: string; pos?: SourcePos }[], hashes: StatCache, python?: PythonEnv): Promise<StageRegistry> {
  const classes = new Map<string, StageMeta>();
  const brokenFiles: string[] = [];
  const pythonModules: string[] = [];
  for (const m of modules) {
    const dir = tsModuleDir(root, m.name);
    if (!dir) {
      pythonModules.push(m.name);
      continue;
    }
    const files = await loadTsModule(root, m.name, dir, hashes);
    brokenFiles.push(...fileErrors(files));
    for (const f of files) {
      for (const c of f.classes) {
        const prev = classes.get(c.name);
        if (prev && prev.file !== c.file) {
          throw new LbgError(`stage class '${c.name}' is defined twice: ${prev.file} and ${c.file}`, { file: c.file }, "rename one of them (or set `static stageName`)");
        }
        classes.set(c.name, c);
      }
    }
  }
  if (pythonModules.length > 0 && python) {
    const wanted = modules.filter((m) => pythonModules.includes(m.name));
    for (const c of loadPythonModules(root, wanted, python, hashes)) if (!classes.has(c.name)) classes.set(c.name, c);
  }
  return { classes, brokenFiles, pythonModules };
}

export function resolveStage(run: RunModel, reg: StageRegistry, entry: StageEntry): StageMeta {
  const meta = reg.classes.get(entry.classname);
  if (meta && (!entry.moduleName || entry.moduleName === meta.module)) return meta;
  let hint = suggest(entry.classname, [...reg.classes.keys()], "stage classes");
  if (reg.brokenFiles.length > 0) hint = `a stage file failed to load: ${reg.brokenFiles[0]}`;
  const modules = entry.moduleName ? [entry.moduleName] : run.modules.map((m) => m.name);
  const where = `in module${modules.length > 1 ? "s" : ""} ${modules.join(", ")}`;
  throw new LbgError(`unknown stage class '${entry.classname}' for stage '${entry.name}' ${where}`, entry.pos, hint);
}
