// Environment variables in config files.
// - lbg's own run, pipeline and site files: `$VAR` / `${VAR}` from the environment (an unset variable is an
//   error naming it), `$$` for a literal `$`, and the `<run>` / `{run}` placeholders, as lbg-pipelines'
//   scripts did. `pre_script` / `post_script` are not expanded at all: the shell that runs them does that
//   (`for f in data/*; do echo $f; done`).
// - ceci files: ceci ≥ 2.3 expands nothing in its pipeline or config files, but it runs every stage through
//   /bin/sh, which expands `$VAR` in the paths on the stage's command line. lbg runs stages without a shell,
//   so it expands exactly those paths itself (expandCeciCommandPaths): the stage gets the files ceci's would.
//   An unset variable there is an error, where sh would silently make it empty.
// Every name looked up is noted (Vars.read), set or not: those are the variables the no-op stamp compares on
// the next build. Only the lookups know them — a name can appear only once the file is parsed (a YAML escape,
// "\u0024{X}") or rendered (a ceci template that builds `$X`), so the file's text does not tell.
import type { YamlFile, YamlPath } from "./yaml-file.ts";

/** Where expansion looks variables up, and every name it looked up there so far. */
export interface Vars {
  env: NodeJS.ProcessEnv;
  read: Set<string>;
}

/** Vars over `env` that have looked nothing up yet. */
export function readingVars(env: NodeJS.ProcessEnv = process.env): Vars {
  return { env, read: new Set() };
}

const VAR = /\$\$|\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;
/** What /bin/sh expands in a word: `$VAR` and `${VAR}` (`$$` is its process id, left alone here). */
const SHELL_VAR = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

function lookup(name: string, vars: Vars, file: YamlFile, path: YamlPath): string {
  vars.read.add(name);
  const v = vars.env[name];
  if (v === undefined)
    throw file.error(path, `environment variable $${name} is not set`, `export ${name}=... before running lbg`);
  return v;
}

/** Expands a string found at `path` in `file`; an unset variable is an error that names it. */
export function expandString(text: string, file: YamlFile, path: YamlPath, run: string, vars: Vars): string {
  if (!text.includes("$") && !text.includes("run")) return text;
  const withVars = text.replace(VAR, (m, braced: string | undefined, bare: string | undefined) =>
    m === "$$" ? "$" : lookup((braced ?? bare)!, vars, file, path),
  );
  return withVars.replaceAll("<run>", run).replaceAll("{run}", run);
}

/** Expands every string inside a plain YAML value (recursively). */
export function expandDeep(value: unknown, file: YamlFile, path: YamlPath, run: string, vars: Vars): unknown {
  if (typeof value === "string") return expandString(value, file, path, run, vars);
  if (Array.isArray(value)) return value.map((v, i) => expandDeep(v, file, [...path, i], run, vars));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = expandDeep(v, file, [...path, k], run, vars);
    return out;
  }
  return value;
}

/** A run file's value with everything expanded except the shell scripts, which are kept as written. */
export function expandRunFile(
  raw: Record<string, unknown>,
  file: YamlFile,
  run: string,
  vars: Vars,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw))
    out[k] = k === "pre_script" || k === "post_script" ? v : expandDeep(v, file, [k], run, vars);
  return out;
}

/** Names of the environment variables a config text refers to (`$VAR`, `${VAR}`, not `$$VAR`; comments
 *  and scripts included, which only errs on the safe side for the no-op stamp that uses it besides the names
 *  the loading looked up: it also covers what lbg does not expand, a stage config file's text). */
export function referencedVars(text: string): string[] {
  return [...text.matchAll(VAR)].filter((m) => m[0] !== "$$").map((m) => (m[1] ?? m[2])!);
}

/** The keys of a ceci pipeline file whose strings ceci puts on a stage's shell command line. */
const CECI_COMMAND_PATHS = ["output_dir", "log_dir", "config", "python_paths", "inputs"];

function expandShellWord(text: string, file: YamlFile, path: YamlPath, vars: Vars): string {
  return text.includes("$")
    ? text.replace(SHELL_VAR, (_m, braced: string | undefined, bare: string | undefined) =>
        lookup((braced ?? bare)!, vars, file, path),
      )
    : text;
}

/**
 * A ceci pipeline's value with `$VAR` expanded in the file paths ceci's /bin/sh expands: the input paths,
 * `output_dir` (the output paths), `config` and `python_paths`; `log_dir` too, which ceci opens itself (it
 * would make a folder literally named `$X`). Nothing else: stage options and other strings reach the stage
 * as written, as with ceci. (A container's `image`/`volume` and the site's `mpi_command` are command text,
 * not paths lbg reads: they stay as written, for the shell that runs the container command.)
 */
export function expandCeciCommandPaths(
  doc: Record<string, unknown>,
  file: YamlFile,
  vars: Vars,
): Record<string, unknown> {
  const out = { ...doc };
  const words = (v: unknown, path: YamlPath): unknown =>
    typeof v === "string"
      ? expandShellWord(v, file, path, vars)
      : Array.isArray(v)
        ? v.map((x, i) => words(x, [...path, i]))
        : v;
  for (const key of CECI_COMMAND_PATHS) {
    const v = out[key];
    if (key !== "inputs") out[key] = words(v, [key]);
    else if (v && typeof v === "object" && !Array.isArray(v))
      out.inputs = Object.fromEntries(Object.entries(v).map(([tag, p]) => [tag, words(p, ["inputs", tag])]));
  }
  return out;
}
