// The validated model of one run: the run file, its pipelines merged, their stage config and the site.
// Everything downstream (graph, plan, scheduler) works from this; positions are kept for error messages.
import type { SourcePos } from "../errors/lbg-error.ts";

/** ceci's resume modes. `resume` = build incrementally; `restart` = re-run every stage; `refuse` = stop if outputs exist. */
export type ResumeMode = "resume" | "restart" | "refuse";

export interface StageEntry {
  /** Instance name: graph node, config section, log file name. */
  name: string;
  classname: string;
  moduleName?: string;
  /** `{class_tag: new_tag}`: renames input and output tags for wiring and output file names. */
  aliases: Record<string, string>;
  /** Where each alias's key is written (for the warning about an alias of a tag the class lacks). */
  aliasPos?: Record<string, SourcePos>;
  nprocess: number;
  /** Where `nprocess:` is written, when it is. */
  nprocessPos?: SourcePos;
  threadsPerProcess: number;
  nodes: number;
  /** ceci's per-stage `image:` and `volume:` (null: given empty, i.e. none; absent: the site's). */
  image?: string | null;
  volume?: string | null;
  imagePos?: SourcePos;
  /** `cache: false` in the entry: the stage's outputs are neither stored in nor restored from the run cache
   *  (e.g. huge outputs cheaper to recompute). Absent: true. */
  cache?: boolean;
  /** lbg's `metrics:` — output tags (class or aliased) whose YAML files are metrics (`lbg metrics`). */
  metrics?: { tag: string; pos: SourcePos }[];
  /** The container the stage runs in (its own image and volume, else the site's); set when the run loads. */
  container?: StageContainer;
  pipelineFile: string;
  pos: SourcePos;
}

/** A container image to run a Python stage in, and the volume mapping it needs (`/host/path:/container/path`). */
export interface StageContainer {
  image: string;
  volume?: string;
}

export interface ConfigValue {
  value: unknown;
  /** Where the value is (for type errors) … */
  pos: SourcePos;
  /** … and its key (for unknown keys). */
  keyPos?: SourcePos;
}

/** Stage configuration merged from every pipeline's config file (later files win per key). */
export interface StageConfigModel {
  global: Map<string, ConfigValue>;
  sections: Map<string, Map<string, ConfigValue>>;
  /** Where each section was defined first, for messages. */
  sectionPos: Map<string, SourcePos>;
}

export interface SiteModel {
  name: string;
  /** `local` or `slurm` (anything ceci calls nersc-* launches through srun). */
  launcher: string;
  /** Stage slots: a stage takes nprocess × threads_per_process of them. */
  maxThreads: number;
  mpiCommand: string;
  /** Interpreter for Python stages named by the site (`python:` or `site.python`); LBG_PYTHON beats it. */
  python?: string;
  /** ceci's site-wide `image:` and `volume:`: Python stages run in this container unless they say otherwise. */
  image?: string;
  volume?: string;
  /** lbg extension `type_check: error|warn|off`: what a type error in a stage file does (--type-check beats it). */
  typeCheck?: "error" | "warn" | "off";
  /** The site's shared run cache directory (`cache_dir:`), as written (relative: to the project root);
   *  absent: the project's `.cache/run-cache`. */
  cacheDir?: string;
  file?: string;
  raw: Record<string, unknown>;
}

/** Input paths that mean "no file" (TXPipe's stages test `get_input(tag) == "none"`): passed to the stage as
 *  written, as ceci does, and never made absolute, hashed or checked. */
export const NO_FILE_PATHS: readonly string[] = ["none", "None"];

export interface RunInput {
  path: string;
  pos: SourcePos;
  /** The path is one of NO_FILE_PATHS. */
  noFile?: boolean;
  /** Set when the file is an output of a stage that `to`/`from` leave out: it must exist from a build. */
  producedBy?: string;
  /** What left that stage out, in words (`--from`), when it was the command line rather than the file. */
  leftOutBy?: string;
}

/** One side of ceci's `to`/`from`: stage instance names or file tags. */
export interface TrimEnd {
  key: "to" | "from";
  names: string[];
  pos: SourcePos;
  /** How the command line named it (`target`, `--until`, `--from`), for messages; absent for the file's keys. */
  label?: string;
}

export interface ModuleRef {
  name: string;
  pos: SourcePos;
}

export interface RunModel {
  name: string;
  root: string;
  file: string;
  resume: ResumeMode;
  pipelines: { name: string; file: string }[];
  modules: ModuleRef[];
  stages: StageEntry[];
  inputs: Map<string, RunInput>;
  outputDir: string;
  logDir: string;
  /** Where output_dir and log_dir were set, for messages (absent: a default, or a file without positions). */
  folderPos?: { output_dir?: SourcePos; log_dir?: SourcePos };
  preScript: string;
  postScript: string;
  stageConfig: StageConfigModel;
  /** Paths of every config file read, for `lbg watch` and for messages. */
  configFiles: string[];
  /** Candidate paths the loader looked for before settling on a file (pipeline.yaml/.yml, a config path
   *  tried at the project root and in the pipeline's folder): one appearing later could change what loads,
   *  so the no-op stamp covers them too. */
  probed?: string[];
  /** The environment variables the loading looked up, set or not (expand-vars.ts): a change in any of them
   *  could change what loads, so the no-op stamp compares them. (Not in a restored project: an incremental
   *  build keeps the stamp's list.) */
  envVars?: string[];
  site: SiteModel;
  pythonPaths: string[];
  /** Where the merged stage config for Python stages (--config) is written. */
  mergedConfigFile: string;
  /** ceci's `to`/`from`: build only part of the graph. */
  trim?: { to?: TrimEnd; from?: TrimEnd };
}
