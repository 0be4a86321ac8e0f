// Where `lbg list stages` and `lbg describe` look for stage classes: the project's lbg_stages/ (when it is a
// folder of TypeScript stages) and every module its pipelines name; or, with --pipeline, exactly the modules,
// module_name entries, python_paths and site python of one pipeline file (an lbg pipeline.yaml or a ceci
// pipeline file), relative to the current directory as for ceci.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expectRecord, expectString, expectWords } from "../config/check-value.ts";
import { isPlainObject } from "../config/py-value.ts";
import { listNames } from "../config/load-run.ts";
import { loadSite } from "../config/load-site.ts";
import { readCeciPipelineFile } from "../config/read-ceci-pipeline-file.ts";
import { YamlFile } from "../config/yaml-file.ts";
import { tsModuleDir } from "../stages/ts-module-loader.ts";

export interface StageModules {
  root: string;
  modules: { name: string }[];
  pythonPaths: string[];
  sitePython?: string;
  /** With --pipeline: the file's stage entries and overall inputs, for what `describe` says about instances. */
  pipeline?: {
    file: string;
    stages: { name: string; classname: string; aliases: Record<string, string> }[];
    inputs: Record<string, unknown>;
  };
}

const words = (v: unknown) =>
  (typeof v === "string" ? v.split(/\s+/) : Array.isArray(v) ? v.map(String) : []).filter(Boolean);

/** Every module of the project; broken pipeline files are skipped (the commands that use them report them). */
export function projectStageModules(root: string): StageModules {
  const names = new Set<string>(tsModuleDir(root, "lbg_stages") ? ["lbg_stages"] : []);
  const paths = new Set<string>();
  for (const p of listNames(join(root, "configs", "pipelines"), "dir")) {
    for (const f of ["pipeline.yaml", "pipeline.yml"]) {
      const file = join(root, "configs", "pipelines", p, f);
      if (!existsSync(file)) continue;
      try {
        const doc = YamlFile.parse(file, readFileSync(file, "utf8"), { warn: () => {} }).value as {
          modules?: unknown;
          python_paths?: unknown;
        } | null;
        for (const w of words(doc?.modules)) names.add(w);
        for (const w of words(doc?.python_paths)) paths.add(w);
      } catch {
        /* reported by build, status, dag */
      }
    }
  }
  return {
    root,
    modules: [...names].map((name) => ({ name })),
    pythonPaths: [...paths],
    sitePython: loadSite(root, undefined, "", () => {}).python,
  };
}

/** The modules one pipeline file names (rendered first, as a ceci pipeline file is, with its template
 *  parameters); its errors are positioned like any config error. */
export function pipelineStageModules(cwd: string, file: string, templateParams: string[] = []): StageModules {
  // Either format; a repeated key (which a ceci file may have) is reported by the commands that build.
  const yf = readCeciPipelineFile(resolve(cwd, file), templateParams, () => {});
  const doc = expectRecord(yf, [], yf.value ?? {}, "a pipeline file");
  if (doc.modules === undefined)
    throw yf.error([], "pipeline has no 'modules'", "`modules:` names the modules that define the stages");
  const names = new Set(expectWords(yf, ["modules"], doc.modules, "'modules'"));
  if (Array.isArray(doc.stages)) {
    doc.stages.forEach((s, j) => {
      if (isPlainObject(s) && s.module_name !== undefined && s.module_name !== null)
        names.add(expectString(yf, ["stages", j, "module_name"], s.module_name, "'module_name'"));
    });
  }
  const site =
    isPlainObject(doc.site) && doc.site.python !== undefined
      ? expectString(yf, ["site", "python"], doc.site.python, "site python")
      : undefined;
  const stages = (Array.isArray(doc.stages) ? doc.stages : []).filter(isPlainObject).flatMap((s) => {
    if (typeof s.name !== "string") return [];
    const aliases = isPlainObject(s.aliases)
      ? Object.fromEntries(Object.entries(s.aliases).filter((e): e is [string, string] => typeof e[1] === "string"))
      : {};
    return [{ name: s.name, classname: typeof s.classname === "string" ? s.classname : s.name, aliases }];
  });
  return {
    root: cwd,
    modules: [...names].map((name) => ({ name })),
    pythonPaths: expectWords(yf, ["python_paths"], doc.python_paths, "'python_paths'"),
    sitePython: site,
    pipeline: { file, stages, inputs: isPlainObject(doc.inputs) ? doc.inputs : {} },
  };
}
