// `$VAR` / `${VAR}` from the environment and `<run>` / `{run}` placeholders, as lbg-pipelines' scripts did.
import type { YamlFile, YamlPath } from "./yaml-file.ts";

const VAR = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Expands a string found at `path` in `file`; an unset variable is an error that names it. */
export function expandString(
  text: string,
  file: YamlFile,
  path: YamlPath,
  run: string,
  env: NodeJS.ProcessEnv,
): string {
  if (!text.includes("$") && !text.includes("run")) return text;
  const withVars = text.replace(VAR, (_m, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const v = env[name];
    if (v === undefined)
      throw file.error(path, `environment variable $${name} is not set`, `export ${name}=... before running lbg`);
    return v;
  });
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

/** Names of the environment variables a config text refers to (`$VAR`, `${VAR}`; comments included, which
 *  only errs on the safe side for the no-op stamp that uses it). */
export function referencedVars(text: string): string[] {
  return [...text.matchAll(VAR)].map((m) => (m[1] ?? m[2])!);
}
