// The stage SDK: what a TypeScript stage in lbg_stages/ declares and what its `run` receives.
// A stage file exports one class extending `Stage` (default export or named). lbg reads the static
// declarations without running anything, and calls `run` in a worker process with resolved paths.
//
// The declarations are the only place a stage states its tags and options: `StageContext<typeof MyStage>`
// derives the keys of `ctx.inputs`/`ctx.outputs` from `static inputs`/`static outputs` and the type of
// `ctx.config` from `static config` (`ConfigOf<typeof MyStage>`), so a misspelt tag or option (or a
// `static metrics` tag that is not a `yml` output) is a compile error — and at run time a tag the class does
// not declare is an error naming it (tag-paths.ts).

/** ceci's file types. The suffix of an output file is the type name, except `directory` (bare tag). */
export type FileType = "hdf5" | "fits" | "txt" | "yml" | "png" | "pkl" | "pq" | "directory";
export const FILE_TYPES: readonly FileType[] = ["hdf5", "fits", "txt", "yml", "png", "pkl", "pq", "directory"];

/** Type of a config option, as ceci's StageParameter dtypes: int, float, str, bool, list, dict, or any. */
export type OptionType = "int" | "float" | "str" | "bool" | "list" | "dict" | "any";

export interface OptionSpec {
  type: OptionType;
  /**
   * The default value. An option without a default is required unless `required: false`. A `list` or `dict`
   * option is `unknown[]` / `Record<string, unknown>` to the stage unless its default is cast to a narrower
   * type (`default: [0, 1] as number[]`), which its `validate` hook then checks.
   */
  default?: unknown;
  required?: boolean;
  /** One line shown by `lbg describe`. */
  doc: string;
}

/** Tag → file type: a class's `static inputs` or `static outputs`. */
export type TagTypes = Readonly<Record<string, FileType>>;
/** Option name → spec: a class's `static config`. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

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

/** What a stage's types are derived from: the static side of its class (or any object declaring the same). */
export interface StageDeclarations {
  inputs: TagTypes;
  outputs: TagTypes;
  config: OptionSpecs;
}

type ListValue<S> = S extends { default: infer D } ? (D extends unknown[] ? D : unknown[]) : unknown[];
type DictValue<S> = S extends { default: infer D }
  ? D extends Record<string, unknown>
    ? string extends keyof D
      ? D
      : Record<string, unknown>
    : Record<string, unknown>
  : Record<string, unknown>;

/** The value a stage receives for one option: its declared type; absent only when optional without a default. */
export type OptionValue<S extends OptionSpec> =
  | (S["type"] extends "int" | "float"
      ? number
      : S["type"] extends "str"
        ? string
        : S["type"] extends "bool"
          ? boolean
          : S["type"] extends "list"
            ? ListValue<S>
            : S["type"] extends "dict"
              ? DictValue<S>
              : unknown)
  | (S extends { default: null } ? null : never)
  | (S extends { default: unknown } ? never : S extends { required: false } ? undefined : never);

/** The effective config of a stage class, e.g. `ConfigOf<typeof SplitCatalog>` (what `validate` receives). */
export type ConfigOf<S extends Pick<StageDeclarations, "config">> = {
  readonly [K in keyof S["config"]]: OptionValue<S["config"][K]>;
};

/** Tag → path, with exactly the tags a class declares. */
export type TagPaths<T extends TagTypes> = { readonly [K in keyof T]: string };

/** The tags of the `yml` outputs among `O`: what `static metrics` may name. */
export type MetricsTag<O> = { [K in keyof O]: O[K] extends "yml" ? K : never }[keyof O] & string;

/**
 * What a class's `static metrics` may hold, part of StageContext's constraint: its `yml` output tags, so that
 * metrics declared `as const` that name another tag do not compile. A class without metrics of its own
 * inherits `readonly string[]` from Stage, which is allowed.
 */
export type AllowedMetrics<S> = S extends { outputs: infer O; metrics: readonly (infer M)[] }
  ? string extends M
    ? readonly string[]
    : readonly MetricsTag<O>[]
  : readonly string[];

/** The declarations of stage class `S` as StageContext requires them: StageDeclarations, with `static metrics`
 *  naming only `yml` outputs. */
export type CheckedDeclarations<S> = StageDeclarations & { metrics?: AllowedMetrics<S> };

export interface StageContext<S extends CheckedDeclarations<S> = StageDeclarations> {
  /** Instance name (the pipeline's `name:`), which differs from the class name when a class is used twice. */
  instance: string;
  /** Input tag (unaliased, as the class declares it) → path of the file to read. */
  inputs: TagPaths<S["inputs"]>;
  /** Output tag (unaliased) → path to write. These are `inprogress_` paths: lbg renames them on success. */
  outputs: TagPaths<S["outputs"]>;
  /** Effective config: every declared option with its value, after --set > section > global > default,
   *  already through the class's `validate` hook. */
  config: ConfigOf<S>;
  /** MPI ranks and threads the pipeline gave this instance (a TypeScript stage is one process). */
  nprocess: number;
  threadsPerProcess: number;
  /** Writes one line to the stage's log (<log_dir>/<instance>.out). console.log goes there too. */
  log(message: string): void;
}

/**
 * Base class of TypeScript stages. Subclasses set the static fields (`as const`, so that their types can be
 * derived) and implement `run(ctx: StageContext<typeof MyStage>)`.
 * Outputs must be deterministic: identical inputs and config must give byte-identical files, because
 * dependants stay fresh only when an upstream re-run reproduces its outputs (early cutoff).
 */
export abstract class Stage {
  /** Registered stage name; defaults to the class name. */
  static stageName?: string;
  /** One paragraph shown by `lbg describe`. */
  static doc = "";
  static inputs: TagTypes = {};
  static outputs: TagTypes = {};
  static config: OptionSpecs = {};
  /**
   * Output tags that are metrics: `yml` outputs of numbers (nested mappings and lists are flattened to
   * `tag.key.sub`), shown by `lbg metrics`, compared after every build and in `lbg report`. Declare them
   * `as const`: `StageContext<typeof MyStage>` then refuses to compile a tag that is not a `yml` output. A
   * pipeline entry can add more with `metrics: [tag]`.
   */
  static metrics: readonly string[] = [];
  /**
   * Optional check of the effective config, for what a declared type cannot say (a cut expression that does
   * not parse, a range): return the problems (or throw an OptionError). lbg calls it when a run loads
   * (`build`, `status`, `dag`, ...), before any stage runs, in a child process, with its answer cached by code
   * and config; and the worker calls it again just before `run`, so `run` can rely on what it checks.
   * Declare it as `static validate(config: ConfigOf<typeof MyStage>)` (hence `any` here: each subclass
   * narrows the parameter, as `run` narrows its context).
   */
  static validate?: (config: any) => OptionProblem[] | undefined | void;

  abstract run(ctx: StageContext<any>): Promise<void> | void;
}

/** The static side of a stage class, as lbg sees it. */
export interface StageClass extends StageDeclarations {
  new (): Stage;
  readonly name: string;
  stageName?: string;
  doc?: string;
  metrics?: readonly string[];
  validate?: (config: any) => OptionProblem[] | undefined | void;
}
