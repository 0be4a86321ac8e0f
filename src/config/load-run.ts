// Loads `configs/runs/<run>.yaml` and everything it names into one RunModel, or throws a positioned LbgError.
import { existsSync, readdirSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { LbgError, type SourcePos } from "../errors/lbg-error.ts";
import { suggest } from "../errors/did-you-mean.ts";
import {
  expectPositiveInt,
  expectRecord,
  expectString,
  expectWords,
  type Warn,
  warnUnknownKeys,
} from "./check-value.ts";
import { unreachable } from "../fs/unreachable.ts";
import { expandDeep, expandRunFile, readingVars } from "./expand-vars.ts";
import { emptyStageConfig, mergeStageConfig, readStageConfigFile } from "./load-stage-config.ts";
import { loadSite } from "./load-site.ts";
import { isPlainObject } from "./py-value.ts";
import {
  NO_FILE_PATHS,
  type ModuleRef,
  type ResumeMode,
  type RunInput,
  type RunModel,
  type StageEntry,
} from "./run-model.ts";
import { YamlFile } from "./yaml-file.ts";

const RUN_KEYS = [
  "resume",
  "pipelines",
  "output_dir",
  "log_dir",
  "inputs",
  "pre_script",
  "post_script",
  "site",
  "config",
  "python_paths",
];
const PIPELINE_KEYS = [
  "modules",
  "config",
  "stages",
  "python_paths",
  "inputs",
  "launcher",
  "site",
  "resume",
  "output_dir",
  "log_dir",
];
const STAGE_KEYS = [
  "name",
  "classname",
  "module_name",
  "aliases",
  "nprocess",
  "threads_per_process",
  "nodes",
  "mem_per_process",
  "image",
  "volume",
  "cache",
  "metrics",
];

export interface LoadOptions {
  root: string;
  run: string;
  site?: string;
  env?: NodeJS.ProcessEnv;
  warn: Warn;
}

export function listNames(dir: string, kind: "file" | "dir"): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => (kind === "dir" ? e.isDirectory() : e.isFile() && /\.ya?ml$/.test(e.name)))
    .map((e) => e.name.replace(/\.ya?ml$/, ""))
    .sort();
}

/**
 * The one rule for run names, used by `lbg build` and `lbg list runs` alike: letters (any script, with their
 * combining marks), digits, `_`, `-` and `.`, not starting with `.` or `-`. The name becomes folder names
 * (`results/<run>`, `.cache/runs/<run>`), a Slurm job name and a word of a batch script, so no spaces,
 * slashes, quotes or symbols.
 */
export function isRunName(name: string): boolean {
  return /^[\p{L}\p{M}\p{N}_][\p{L}\p{M}\p{N}_.-]*$/u.test(name);
}

export const RUN_NAME_HINT = "a run name has letters, digits, _, - and . (not first); rename the file";

export function findRunFile(root: string, run: string): string {
  if (!isRunName(run))
    throw new LbgError(
      `invalid run name '${run}'`,
      undefined,
      `a run is the name of a file in configs/runs/ without .yaml; ${RUN_NAME_HINT}`,
    );
  const dir = join(root, "configs", "runs");
  const candidates = [join(dir, `${run}.yaml`), join(dir, `${run}.yml`)];
  const file = candidates.find((f) => existsSync(f));
  for (const c of file ? [] : candidates) {
    const why = unreachable(c);
    if (why)
      throw new LbgError(`the run file ${why}`, { file: c }, "point the link at a run file, or replace it by one");
  }
  if (!file)
    throw new LbgError(
      `unknown run '${run}': no configs/runs/${run}.yaml`,
      undefined,
      suggest(run, listNames(dir, "file"), "runs"),
    );
  return file;
}

export function parseResume(file: YamlFile, path: (string | number)[], v: unknown): ResumeMode {
  if (v === undefined || v === null) return "resume";
  if (v === true) return "resume";
  if (v === false) return "restart";
  if (typeof v === "string" && ["resume", "restart", "refuse"].includes(v.toLowerCase()))
    return v.toLowerCase() as ResumeMode;
  throw file.error(path, `resume must be True, False, resume, restart or refuse, not ${JSON.stringify(v)}`);
}

/** A path from a config file: relative paths are relative to the project root (where lbg-pipelines ran ceci). */
function projectPath(root: string, p: string): string {
  return isAbsolute(p) ? p : resolve(root, p);
}

export function loadRun(opts: LoadOptions): RunModel {
  const { root, run, warn } = opts;
  const vars = readingVars(opts.env);
  const file = findRunFile(root, run);
  const yamlCache = join(root, ".cache", "yaml");
  const yf = YamlFile.read(file, "run file", yamlCache);
  if (yf.value === null || yf.value === undefined)
    throw new LbgError("run file is empty", { file, line: 1 }, "a run needs at least `pipelines:`");
  const raw = expectRecord(yf, [], yf.value, "a run file");
  warnUnknownKeys(yf, [], raw, RUN_KEYS, "run file", warn);
  const obj = expandRunFile(raw, yf, run, vars);

  const pipelineNames = expectWords(yf, ["pipelines"], obj.pipelines, "'pipelines'");
  pipelineNames.forEach((pname, i) => {
    const first = pipelineNames.indexOf(pname);
    if (first < i)
      throw yf.error(
        typeof obj.pipelines === "string" ? ["pipelines"] : ["pipelines", i],
        `pipeline '${pname}' is listed twice in 'pipelines' (entries ${first + 1} and ${i + 1})`,
        "list each pipeline once",
      );
  });
  if (pipelineNames.length === 0)
    throw yf.error(
      ["pipelines"],
      "the run names no pipelines",
      "add `pipelines: <name>` (a folder in configs/pipelines/)",
    );
  const str = (key: string, dflt: string) =>
    obj[key] === undefined || obj[key] === null ? dflt : expectString(yf, [key], obj[key], `'${key}'`);
  const outputDir = projectPath(root, str("output_dir", `results/${run}/outputs`));
  const logDir = projectPath(root, str("log_dir", `results/${run}/logs`));

  const inputs = new Map<string, RunInput>();
  if (obj.inputs !== undefined && obj.inputs !== null) {
    for (const [tag, p] of Object.entries(expectRecord(yf, ["inputs"], obj.inputs, "'inputs'"))) {
      if (p === null) continue; // ceci allows null inputs (optional files)
      const path = expectString(yf, ["inputs", tag], p, `input '${tag}'`);
      const pos = yf.pos(["inputs", tag]);
      inputs.set(
        tag,
        NO_FILE_PATHS.includes(path) ? { path, pos, noFile: true } : { path: projectPath(root, path), pos },
      );
    }
  }

  const stageConfig = emptyStageConfig();
  const configFiles = [file];
  const modules: ModuleRef[] = [];
  const stages: StageEntry[] = [];
  const pipelines: RunModel["pipelines"] = [];
  const pythonPaths = expectWords(yf, ["python_paths"], obj.python_paths, "'python_paths'");
  const pipeDir = join(root, "configs", "pipelines");
  const probed: string[] = [];

  pipelineNames.forEach((pname, i) => {
    // A pipeline is a folder of configs/pipelines (sub/folder is fine); `..` or an absolute path would leave it.
    if (isAbsolute(pname) || pname.split("/").includes(".."))
      throw yf.error(
        typeof obj.pipelines === "string" ? ["pipelines"] : ["pipelines", i],
        `invalid pipeline name '${pname}'`,
        "a pipeline is a folder in configs/pipelines/ (with its pipeline.yaml)",
      );
    const dir = join(pipeDir, pname);
    const pcandidates = [join(dir, "pipeline.yaml"), join(dir, "pipeline.yml")];
    probed.push(...pcandidates);
    const pfile = pcandidates.find((f) => existsSync(f));
    const pbroken = pfile ? undefined : pcandidates.map((c) => [c, unreachable(c)] as const).find(([, why]) => why);
    if (pbroken)
      throw yf.error(
        typeof obj.pipelines === "string" ? ["pipelines"] : ["pipelines", i],
        `pipeline '${pname}': ${pbroken[0]} ${pbroken[1]}`,
        "point the link at a pipeline file, or replace it by one",
      );
    if (!pfile) {
      throw yf.error(
        typeof obj.pipelines === "string" ? ["pipelines"] : ["pipelines", i],
        `unknown pipeline '${pname}': no configs/pipelines/${pname}/pipeline.yaml`,
        suggest(pname, listNames(pipeDir, "dir"), "pipelines"),
      );
    }
    pipelines.push({ name: pname, file: pfile });
    configFiles.push(pfile);
    const pf = YamlFile.read(pfile, "pipeline file", yamlCache);
    const praw = expectRecord(pf, [], pf.value ?? {}, "a pipeline file");
    warnUnknownKeys(pf, [], praw, PIPELINE_KEYS, "pipeline file", warn);
    const p = expandDeep(praw, pf, [], run, vars) as Record<string, unknown>;
    if (p.modules === undefined) throw pf.error([], "pipeline has no 'modules'", "e.g. `modules: lbg_stages`");
    for (const m of expectWords(pf, ["modules"], p.modules, "'modules'")) {
      if (!modules.some((x) => x.name === m)) modules.push({ name: m, pos: pf.pos(["modules"]) });
    }
    pythonPaths.push(
      ...expectWords(pf, ["python_paths"], p.python_paths, "'python_paths'").filter((x) => !pythonPaths.includes(x)),
    );
    if (p.config !== undefined && p.config !== null) {
      const cpath = expectString(pf, ["config"], p.config, "'config'");
      const candidates = [projectPath(root, cpath), resolve(dir, cpath)];
      probed.push(...candidates);
      const cfile = candidates.find((c) => existsSync(c));
      const cbroken = cfile ? undefined : unreachable(candidates[0]!);
      if (cbroken) throw pf.error(["config"], `stage config file ${cpath} ${cbroken}`);
      if (!cfile)
        throw pf.error(["config"], `stage config file not found: ${cpath}`, "paths are relative to the project root");
      if (statSync(cfile).isDirectory()) throw pf.error(["config"], `stage config path is a directory: ${cpath}`);
      // A config file that two pipelines name is merged again (later files win), but warned about once.
      readStageConfigFile(stageConfig, cfile, configFiles.includes(cfile) ? () => {} : warn, yamlCache);
      configFiles.push(cfile);
    }
    if (!Array.isArray(p.stages))
      throw pf.error(
        p.stages === undefined ? [] : ["stages"],
        "pipeline 'stages' must be a list of stage entries",
        "each entry: `- name: StageName`",
      );
    for (const [j, s] of p.stages.entries()) stages.push(parseStageEntry(pf, s, j, warn));
  });

  const seen = new Map<string, StageEntry>();
  for (const s of stages) {
    const prev = seen.get(s.name);
    if (prev) {
      throw new LbgError(
        `stage instance '${s.name}' is defined twice (also at ${prev.pos.file}:${prev.pos.line})`,
        s.pos,
        "give the second one another `name:` and a `classname:`",
      );
    }
    seen.set(s.name, s);
  }

  if (obj.config !== undefined && obj.config !== null) {
    if (typeof obj.config === "string") {
      const cfile = projectPath(root, obj.config);
      const cbroken = unreachable(cfile);
      if (cbroken) throw yf.error(["config"], `stage config file ${obj.config} ${cbroken}`);
      if (!existsSync(cfile)) throw yf.error(["config"], `stage config file not found: ${obj.config}`);
      readStageConfigFile(stageConfig, cfile, configFiles.includes(cfile) ? () => {} : warn, yamlCache);
      configFiles.push(cfile);
    } else {
      mergeStageConfig(stageConfig, yf, ["config"]);
    }
  }

  const siteName =
    opts.site ??
    (obj.site === undefined || obj.site === null ? undefined : expectString(yf, ["site"], obj.site, "'site'"));
  const site = loadSite(
    root,
    siteName,
    run,
    warn,
    opts.site !== undefined ? { file: "--site" } : yf.pos(["site"]),
    vars,
  );
  if (site.file) configFiles.push(site.file);

  return {
    name: run,
    root,
    file,
    resume: parseResume(yf, ["resume"], obj.resume),
    pipelines,
    modules,
    stages,
    inputs,
    outputDir,
    logDir,
    folderPos: { output_dir: yf.pos(["output_dir"]), log_dir: yf.pos(["log_dir"]) },
    preScript: str("pre_script", ""),
    postScript: str("post_script", ""),
    stageConfig,
    configFiles,
    probed,
    envVars: [...vars.read],
    site,
    pythonPaths,
    mergedConfigFile: join(root, "results", run, "config.yaml"),
  };
}

/** ceci's `image:` and `volume:` of a stage entry: absent, null/empty (no container), or a string. */
function containerKeys(pf: YamlFile, path: (string | number)[], s: Record<string, unknown>): Partial<StageEntry> {
  const out: Partial<StageEntry> = {};
  for (const key of ["image", "volume"] as const) {
    if (!(key in s)) continue;
    const v = s[key];
    out[key] = v === null || v === "" ? null : expectString(pf, [...path, key], v, `'${key}'`);
  }
  if ("image" in s) out.imagePos = pf.pos([...path, "image"]);
  return out;
}

/** A stage entry's `cache:`: true (the default) or false, nothing else. */
function cacheFlag(pf: YamlFile, path: (string | number)[], v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v !== "boolean")
    throw pf.error(
      path,
      `'cache' must be true or false, not ${JSON.stringify(v)}`,
      "cache: false keeps the stage out of the run cache",
    );
  return v;
}

/** lbg's `metrics:` on a stage entry: the output tags (a word or a list) that are metrics files. Checked against
 *  the class's outputs when the graph is built (build-graph.ts), where the class is known. */
function metricsKey(pf: YamlFile, path: (string | number)[], s: Record<string, unknown>): Partial<StageEntry> {
  if (s.metrics === undefined || s.metrics === null) return {};
  const tags = expectWords(pf, [...path, "metrics"], s.metrics, "'metrics'");
  return {
    metrics: tags.map((tag, i) => ({
      tag,
      pos: pf.pos(Array.isArray(s.metrics) ? [...path, "metrics", i] : [...path, "metrics"]),
    })),
  };
}

export function parseStageEntry(pf: YamlFile, s: unknown, j: number, warn: Warn): StageEntry {
  const path = ["stages", j];
  if (typeof s === "string") s = { name: s };
  if (!isPlainObject(s)) throw pf.error(path, "a stage entry must be a mapping with at least `name:`");
  warnUnknownKeys(pf, path, s, STAGE_KEYS, "stage entry", warn);
  const name = expectString(pf, [...path, "name"], s.name, "stage 'name'");
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name))
    throw pf.error(
      [...path, "name"],
      `invalid stage name '${name}'`,
      "use letters, digits and _ (it becomes a log file name)",
    );
  const aliases: Record<string, string> = {};
  const aliasPos: Record<string, SourcePos> = {};
  if (s.aliases !== undefined && s.aliases !== null) {
    for (const [from, to] of Object.entries(expectRecord(pf, [...path, "aliases"], s.aliases, "'aliases'"))) {
      aliases[from] = expectString(pf, [...path, "aliases", from], to, `alias of '${from}'`);
      aliasPos[from] = pf.pos([...path, "aliases", from], true);
      // An empty tag would name an output `.txt` (a hidden file) and wire nothing anyone could name.
      if (!aliases[from].trim())
        throw pf.error(
          [...path, "aliases", from],
          `alias of '${from}' in stage '${name}' is empty`,
          "give the new tag a name, or remove the alias",
        );
    }
  }
  return {
    name,
    classname: s.classname === undefined ? name : expectString(pf, [...path, "classname"], s.classname, "'classname'"),
    moduleName:
      s.module_name === undefined || s.module_name === null
        ? undefined
        : expectString(pf, [...path, "module_name"], s.module_name, "'module_name'"),
    aliases,
    aliasPos,
    nprocess: expectPositiveInt(pf, [...path, "nprocess"], s.nprocess, "'nprocess'", 1),
    nprocessPos: s.nprocess === undefined ? undefined : pf.pos([...path, "nprocess"]),
    threadsPerProcess: expectPositiveInt(
      pf,
      [...path, "threads_per_process"],
      s.threads_per_process,
      "'threads_per_process'",
      1,
    ),
    nodes: expectPositiveInt(pf, [...path, "nodes"], s.nodes, "'nodes'", 1),
    cache: cacheFlag(pf, [...path, "cache"], s.cache),
    ...containerKeys(pf, path, s),
    ...metricsKey(pf, path, s),
    pipelineFile: pf.path,
    pos: pf.pos(path),
  };
}
