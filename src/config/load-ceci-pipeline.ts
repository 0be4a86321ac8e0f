// A single-file ceci pipeline (`lbg build tests/test.yml resume=True site.max_threads=4`): modules, stages,
// inputs, config, resume, output_dir, log_dir, launcher, site, python_paths, to, from in one YAML file, with ceci's
// command-line overrides (`dotted.key=value`, value in YAML). Paths are relative to the current directory,
// as for ceci; its `resume` defaults to "resume" when absent, output_dir and log_dir to ".".
import { existsSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { LbgError } from "../errors/lbg-error.ts";
import { expectRecord, expectString, expectWords, type Warn, warnUnknownKeys } from "./check-value.ts";
import { parseResume, parseStageEntry } from "./load-run.ts";
import { emptyStageConfig, readStageConfigFile } from "./load-stage-config.ts";
import { SITE_KEYS, siteFromSections } from "./load-site.ts";
import { applyOverrides } from "./ceci-overrides.ts";
import { expandCeciCommandPaths, readingVars } from "./expand-vars.ts";
import { NO_FILE_PATHS, type RunInput, type RunModel, type StageEntry, type TrimEnd } from "./run-model.ts";
import type { YamlFile } from "./yaml-file.ts";
import { readCeciPipelineFile } from "./read-ceci-pipeline-file.ts";
import { CECI_KEYS } from "./ceci-keys.ts";

const REGISTRY_KEYS = ["config", "owner_type", "owner", "root_dir"];

/** `to:` / `from:` — a stage name or tag, or a list of them (ceci does not split a string on spaces). */
function trimEnd(yf: YamlFile, doc: Record<string, unknown>, key: "to" | "from"): TrimEnd | undefined {
  const v = doc[key];
  if (v === undefined || v === null) return undefined;
  const pos = yf.pos([key]);
  const names =
    typeof v === "string"
      ? [v]
      : Array.isArray(v) && v.every((x) => typeof x === "string" && x)
        ? (v as string[])
        : undefined;
  if (!names || names.length === 0)
    throw new LbgError(`'${key}' must be a stage name or file tag, or a list of them, not ${JSON.stringify(v)}`, pos);
  return { key, names, pos };
}

export function loadCeciPipeline(
  cwd: string,
  file: string,
  name: string,
  overrides: string[],
  warn: Warn,
  templateParams: string[] = [],
): RunModel {
  // A key written twice is kept last with a warning, as PyYAML keeps it (TXPipe's configs have such keys).
  const yf = readCeciPipelineFile(resolve(cwd, file), templateParams, warn);
  const doc = { ...expectRecord(yf, [], yf.value ?? {}, "a ceci pipeline file") };
  warnUnknownKeys(yf, [], doc, CECI_KEYS, "pipeline file", warn);
  applyOverrides(yf, doc, overrides, {
    top: CECI_KEYS,
    nested: { inputs: "any", site: SITE_KEYS, launcher: ["name", "interval", "log"], registry: REGISTRY_KEYS },
  });
  const vars = readingVars();
  Object.assign(doc, expandCeciCommandPaths(doc, yf, vars));
  const at = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  if (doc.modules === undefined)
    throw yf.error(
      [],
      "pipeline has no 'modules'",
      "ceci needs `modules:` (the Python modules that define the stages)",
    );
  const modules = expectWords(yf, ["modules"], doc.modules, "'modules'").map((m) => ({
    name: m,
    pos: yf.pos(["modules"]),
  }));
  if (!Array.isArray(doc.stages))
    throw yf.error(doc.stages === undefined ? [] : ["stages"], "pipeline 'stages' must be a list of stage entries");
  const stages: StageEntry[] = doc.stages.map((s, j) => parseStageEntry(yf, s, j, warn));
  const seen = new Set<string>();
  for (const s of stages) {
    if (seen.has(s.name)) throw new LbgError(`stage instance '${s.name}' is used twice`, s.pos);
    seen.add(s.name);
  }
  const inputs = new Map<string, RunInput>();
  if (doc.inputs === undefined)
    throw yf.error(
      [],
      "pipeline has no 'inputs'",
      "ceci needs `inputs:` (use `inputs: {}` when stages make everything)",
    );
  for (const [tag, v] of Object.entries(expectRecord(yf, ["inputs"], doc.inputs ?? {}, "'inputs'"))) {
    if (v === null) continue;
    const path = expectString(yf, ["inputs", tag], v, `input '${tag}'`);
    const pos = yf.pos(["inputs", tag]);
    inputs.set(tag, NO_FILE_PATHS.includes(path) ? { path, pos, noFile: true } : { path: at(path), pos });
  }
  const stageConfig = emptyStageConfig();
  const configFiles = [yf.path];
  if (doc.config !== undefined && doc.config !== null) {
    const c = at(expectString(yf, ["config"], doc.config, "'config'"));
    if (!existsSync(c) || statSync(c).isDirectory())
      throw yf.error(["config"], `stage config file not found: ${String(doc.config)}`);
    // Parsed values are cached like a project's (TXPipe's config files take ~0.5 s to parse with positions).
    readStageConfigFile(stageConfig, c, warn, join(cwd, ".cache", "yaml"));
    configFiles.push(c);
  }
  const str = (k: string, d: string) =>
    doc[k] === undefined || doc[k] === null ? d : expectString(yf, [k], doc[k], `'${k}'`);
  return {
    name,
    root: cwd,
    file: yf.path,
    resume: parseResume(yf, ["resume"], doc.resume),
    pipelines: [{ name: file, file: yf.path }],
    modules,
    stages,
    inputs,
    outputDir: at(str("output_dir", ".")),
    logDir: at(str("log_dir", ".")),
    preScript: "",
    postScript: "",
    stageConfig,
    configFiles,
    envVars: [...vars.read],
    site: siteFromSections(yf, doc, ["site"], "local", warn),
    pythonPaths: expectWords(yf, ["python_paths"], doc.python_paths, "'python_paths'"),
    mergedConfigFile: join(cwd, ".cache", "runs", name, "config.yaml"),
    trim: { to: trimEnd(yf, doc, "to"), from: trimEnd(yf, doc, "from") },
  };
}
