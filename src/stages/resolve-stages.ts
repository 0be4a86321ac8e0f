// Maps every stage entry of a run to its class: TypeScript modules are folders of the project; anything
// else in `modules:` is a Python ceci module.
import { fromCwd, LbgError, type SourcePos } from "../errors/lbg-error.ts";
import { suggest } from "../errors/did-you-mean.ts";
import type { RunModel, StageEntry } from "../config/run-model.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import type { PythonStageMeta, StageMeta } from "./stage-meta.ts";
import { loadPythonModules, type PythonEnv } from "./python-module-loader.ts";
import { fileErrors, loadTsModule, tsModuleDir } from "./ts-module-loader.ts";

export interface StageRegistry {
  classes: Map<string, StageMeta>;
  /** Problems in stage files (compile or import errors), reported when a wanted class is missing. */
  brokenFiles: string[];
  pythonModules: string[];
  /** Class name → the `modules:` entries that provide it (a Python module may provide another's classes). */
  providers: Map<string, Set<string>>;
}

/**
 * The classes of `modules`. `lenient` (lbg list / describe): a Python module that fails to import is noted in
 * brokenFiles and the other modules' classes are still there; otherwise it is the error.
 */
export async function loadRegistry(
  root: string,
  modules: { name: string; pos?: SourcePos }[],
  hashes: StatCache,
  python?: PythonEnv,
  lenient = false,
): Promise<StageRegistry> {
  const classes = new Map<string, StageMeta>();
  const brokenFiles: string[] = [];
  const pythonModules: string[] = [];
  const providers = new Map<string, Set<string>>();
  const provide = (c: StageMeta) => providers.set(c.name, (providers.get(c.name) ?? new Set()).add(c.module));
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
          throw new LbgError(
            `stage class '${c.name}' is defined twice: ${prev.file} and ${c.file}`,
            { file: c.file },
            "rename one of them (or set `static stageName`)",
          );
        }
        classes.set(c.name, c);
        provide(c);
      }
    }
  }
  if (pythonModules.length > 0 && python) {
    const wanted = modules.filter((m) => pythonModules.includes(m.name));
    for (const c of pythonClasses(root, wanted, python, hashes, lenient ? brokenFiles : undefined)) {
      const prev = classes.get(c.name);
      // The same Python class reached from two modules: entries is one class; anything else is two.
      if (prev && (prev.kind === "ts" || prev.pyModule !== c.pyModule || prev.pyClass !== c.pyClass)) {
        throw new LbgError(
          `stage class '${c.name}' is defined twice: ${prev.file} and ${c.file}`,
          { file: c.file },
          "rename one of them (a Python class can set `name = ...`)",
        );
      }
      classes.set(c.name, c);
      provide(c);
    }
  }
  return { classes, brokenFiles, pythonModules, providers };
}

function pythonClasses(
  root: string,
  wanted: { name: string; pos?: SourcePos }[],
  python: PythonEnv,
  hashes: StatCache,
  broken?: string[],
): PythonStageMeta[] {
  const attempt = (ms: typeof wanted): PythonStageMeta[] => {
    try {
      return loadPythonModules(root, ms, python, hashes);
    } catch (e) {
      if (!broken || !(e instanceof LbgError)) throw e;
      if (ms.length > 1) return ms.flatMap((m) => attempt([m])); // one at a time, to keep those that load
      broken.push(e.format(fromCwd));
      return [];
    }
  };
  return attempt(wanted);
}

/** Whether `module_name:` names where the class comes from: a module that provides it (defines it, or
 *  registers it by importing it, as ceci sees it), or a package or module the class's own module is in. */
function fromModule(reg: StageRegistry, meta: StageMeta, moduleName: string): boolean {
  if (reg.providers.get(meta.name)?.has(moduleName)) return true;
  return meta.kind === "python" && (meta.pyModule === moduleName || meta.pyModule.startsWith(`${moduleName}.`));
}

export function resolveStage(run: RunModel, reg: StageRegistry, entry: StageEntry): StageMeta {
  const meta = reg.classes.get(entry.classname);
  if (meta && (!entry.moduleName || fromModule(reg, meta, entry.moduleName))) return meta;
  if (meta) {
    const from = meta.kind === "python" ? meta.pyModule : meta.module;
    throw new LbgError(
      `stage class '${entry.classname}' for stage '${entry.name}' comes from module ${from} (${meta.file}), not from module_name '${entry.moduleName}'`,
      entry.pos,
      `set module_name to ${from}, or remove it`,
    );
  }
  let hint = suggest(entry.classname, [...reg.classes.keys()], "stage classes");
  if (reg.brokenFiles.length > 0) hint = `a stage file failed to load: ${reg.brokenFiles[0]}`;
  const modules = entry.moduleName ? [entry.moduleName] : run.modules.map((m) => m.name);
  const where = `in module${modules.length > 1 ? "s" : ""} ${modules.join(", ")}`;
  throw new LbgError(`unknown stage class '${entry.classname}' for stage '${entry.name}' ${where}`, entry.pos, hint);
}
