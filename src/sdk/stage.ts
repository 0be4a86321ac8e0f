// The stage SDK: what a TypeScript stage in lbg_stages/ declares and what its `run` receives.
// A stage file exports one class extending `Stage` (default export or named). lbg reads the static
// declarations without running anything, and calls `run` in a worker process with resolved paths.

/** ceci's file types. The suffix of an output file is the type name, except `directory` (bare tag). */
export type FileType = "hdf5" | "fits" | "txt" | "yml" | "png" | "pkl" | "pq" | "directory";
export const FILE_TYPES: readonly FileType[] = ["hdf5", "fits", "txt", "yml", "png", "pkl", "pq", "directory"];

/** Type of a config option, as ceci's StageParameter dtypes: int, float, str, bool, list, dict, or any. */
export type OptionType = "int" | "float" | "str" | "bool" | "list" | "dict" | "any";

export interface OptionSpec {
  type: OptionType;
  /** The default value. An option without a default is required unless `required: false`. */
  default?: unknown;
  required?: boolean;
  /** One line shown by `lbg describe`. */
  doc: string;
}

/**
 * A bad option value found by a stage's `validate` hook before anything runs. `path` points inside the
 * value (keys and list indices, e.g. `["g-dropouts", 1]` for the second cut of a sample), so lbg can name
 * the config line of that very entry; without it the option's own line is named.
 */
export interface OptionProblem {
  option: string;
  path?: (string | number)[];
  message: string;
  hint?: string;
}

/**
 * An OptionProblem as an exception, for checks shared between `validate` and `run` (a parser that throws
 * deep inside). lbg recognises it by name and fields, not by class: every stage file bundles its own SDK.
 */
export class OptionError extends Error {
  readonly option: string;
  /** The message without the option's name (lbg's positioned message names the option itself). */
  readonly problem: string;
  readonly path?: (string | number)[];
  readonly hint?: string;
  constructor(option: string, problem: string, where: { path?: (string | number)[]; hint?: string } = {}) {
    super(`${option}: ${problem}`);
    this.name = "OptionError";
    this.option = option;
    this.problem = problem;
    this.path = where.path;
    this.hint = where.hint;
  }
}

export interface StageContext<C = Record<string, unknown>> {
  /** Instance name (the pipeline's `name:`), which differs from the class name when a class is used twice. */
  instance: string;
  /** Input tag (unaliased, as the class declares it) → path of the file to read. */
  inputs: Record<string, string>;
  /** Output tag (unaliased) → path to write. These are `inprogress_` paths: lbg renames them on success. */
  outputs: Record<string, string>;
  /** Effective config: every declared option with its value, after --set > section > global > default. */
  config: C;
  /** MPI ranks and threads the pipeline gave this instance (TypeScript stages run one process). */
  nprocess: number;
  threadsPerProcess: number;
  /** Writes one line to the stage's log (<log_dir>/<instance>.out). console.log goes there too. */
  log(message: string): void;
}

/**
 * Base class of TypeScript stages. Subclasses set the static fields and implement `run`.
 * Outputs must be deterministic: identical inputs and config must give byte-identical files, because
 * dependants stay fresh only when an upstream re-run reproduces its outputs (early cutoff).
 */
export abstract class Stage<C = Record<string, unknown>> {
  /** Registered stage name; defaults to the class name. */
  static stageName?: string;
  /** One paragraph shown by `lbg describe`. */
  static doc = "";
  static inputs: Record<string, FileType> = {};
  static outputs: Record<string, FileType> = {};
  static config: Record<string, OptionSpec> = {};
  /**
   * Output tags that are metrics: `yml` outputs of numbers (nested mappings and lists are flattened to
   * `tag.key.sub`), shown by `lbg metrics`, compared after every build and in `lbg report`. A pipeline entry
   * can add more with `metrics: [tag]`.
   */
  static metrics: readonly string[] = [];
  /**
   * Optional check of the effective config, run by lbg when a run loads (`build`, `status`, `dag`, ...),
   * before any stage runs: return the problems (or throw an OptionError). Declared types are already
   * checked; this is for what a type cannot say (a cut expression that does not parse, a range). Runs in a
   * child process, like the introspection of the class, and its answer is cached by code and config.
   */
  static validate?: (config: any) => OptionProblem[] | void;

  abstract run(ctx: StageContext<C>): Promise<void> | void;
}

/** The static side of a stage class, as lbg sees it. */
export interface StageClass {
  new (): Stage<any>;
  readonly name: string;
  stageName?: string;
  doc?: string;
  inputs: Record<string, FileType>;
  outputs: Record<string, FileType>;
  config: Record<string, OptionSpec>;
  metrics?: readonly string[];
  validate?: (config: any) => OptionProblem[] | void;
}

/** File name of an output: `<tag>.<suffix>`, or the bare tag for directories (ceci's make_name). */
export function outputFileName(tag: string, type: FileType): string {
  return type === "directory" ? tag : `${tag}.${type}`;
}
