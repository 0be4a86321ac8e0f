// Environment variables in config files.
// - lbg's own run, pipeline and site files: `$VAR` / `${VAR}` from the environment (an unset variable is an
//   error naming it), `$$` for a literal `$`, and the `<run>` / `{run}` placeholders, as lbg-pipelines'
//   scripts did. `pre_script` / `post_script` are not expanded at all: the shell that runs them does that
//   (`for f in data/*; do echo $f; done`).
// - ceci files: ceci ≥ 2.3 expands nothing in its pipeline or config files, but it runs every stage through
//   /bin/sh, which expands `$VAR` in the paths on the stage's command line. lbg runs stages without a shell,
//   so it expands exactly those paths itself (expandCeciCommandPaths): the stage gets the files ceci's would.
//   An unset variable there is an error, where sh would silently make it empty.
import type { YamlFile, YamlPath } from "./yaml-file.ts";

const VAR = /\$\$|\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;
/** What /bin/sh expands in a word: `$VAR` and `${VAR}` (`$$` is its process id, left alone here). */
const SHELL_VAR = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

function lookup(name: string, env: NodeJS.ProcessEnv, file: YamlFile, path: YamlPath): string {
  const v = env[name];
  if (v === undefined)
    throw file.error(path, `environment variable $${name} is not set`, `export ${name}=... before running lbg`);
  return v;
}

/** Expands a string found at `path` in `file`; an unset variable is an error that names it. */
export function expandString(
  text: string,
  file: YamlFile,
  path: YamlPath,
  run: string,
  env: NodeJS.ProcessEnv,
): string {
  if (!text.includes("$") && !text.includes("run")) return text;
  const withVars = text.replace(VAR, (m, braced: string | undefined, bare: string | undefined) =>
    m === "$$" ? "$" : lookup((braced ?? bare)!, env, file, path),
  );
  return withVars.replaceAll("<run>", run).replaceAll("{run}", run);
}

/** Expands every string inside a plain YAML value (recursively). */
export function expandDeep(
  value: unknown,
  file: YamlFile,
  path: YamlPath,
  run: string,
  env: NodeJS.ProcessEnv,
): unknown {
  if (typeof value === "string") return expandString(value, file, path, run, env);
  if (Array.isArray(value)) return value.map((v, i) => expandDeep(v, file, [...path, i], run, env));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = expandDeep(v, file, [...path, k], run, env);
    return out;
  }
  return value;
}

/** A run file's value with everything expanded except the shell scripts, which are kept as written. */
export function expandRunFile(
  raw: Record<string, unknown>,
  file: YamlFile,
  run: string,
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw))
    out[k] = k === "pre_script" || k === "post_script" ? v : expandDeep(v, file, [k], run, env);
  return out;
}

/** Names of the environment variables a config text refers to (`$VAR`, `${VAR}`, not `$$VAR`; comments
 *  and scripts included, which only errs on the safe side for the no-op stamp that uses it). */
export function referencedVars(text: string): string[] {
  return [...text.matchAll(VAR)].filter((m) => m[0] !== "$$").map((m) => (m[1] ?? m[2])!);
}

/** The keys of a ceci pipeline file whose strings ceci puts on a stage's shell command line. */
const CECI_COMMAND_PATHS = ["output_dir", "log_dir", "config", "python_paths", "inputs"];

function expandShellWord(text: string, file: YamlFile, path: YamlPath, env: NodeJS.ProcessEnv): string {
  return text.includes("$")
    ? text.replace(SHELL_VAR, (_m, braced: string | undefined, bare: string | undefined) =>
        lookup((braced ?? bare)!, env, file, path),
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
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  const out = { ...doc };
  const words = (v: unknown, path: YamlPath): unknown =>
    typeof v === "string"
      ? expandShellWord(v, file, path, env)
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
