// Small structural checks on YAML values that turn into positioned errors.
import { LbgError } from "../errors/lbg-error.ts";
import { suggest } from "../errors/did-you-mean.ts";
import { isPlainObject, PyFloat, pyFloatRepr } from "./py-value.ts";
import type { YamlFile, YamlPath } from "./yaml-file.ts";

export type Warn = (w: LbgError) => void;

function describe(v: unknown): string {
  if (v === null || v === undefined) return "empty";
  if (Array.isArray(v)) return "a list";
  if (v instanceof PyFloat) return `number ${pyFloatRepr(v.value)}`;
  if (typeof v === "object") return "a mapping";
  const text = JSON.stringify(v);
  return `${typeof v} ${text.length > 40 ? `${text.slice(0, 37)}..."` : text}`;
}

export function expectRecord(file: YamlFile, path: YamlPath, v: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(v)) throw file.error(path, `${what} must be a mapping, not ${describe(v)}`);
  return v;
}

export function expectString(file: YamlFile, path: YamlPath, v: unknown, what: string): string {
  if (typeof v !== "string") throw file.error(path, `${what} must be a string, not ${describe(v)}`);
  return v;
}

export function expectPositiveInt(file: YamlFile, path: YamlPath, v: unknown, what: string, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1)
    throw file.error(path, `${what} must be a positive integer, not ${describe(v)}`);
  return v;
}

/** A string list given either as a YAML list or as one whitespace-separated string (ceci's `modules`). */
export function expectWords(file: YamlFile, path: YamlPath, v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return v.split(/\s+/).filter(Boolean);
  if (Array.isArray(v)) {
    return v.map((x, i) => {
      if (typeof x !== "string" || !x.trim())
        throw file.error([...path, i], `each entry of ${what} must be a non-empty string, not ${describe(x)}`);
      return x.trim();
    });
  }
  throw file.error(path, `${what} must be a string or a list of strings, not ${describe(v)}`);
}

/** Reports keys outside `known` as warnings with a did-you-mean (ceci ignores them silently). */
export function warnUnknownKeys(
  file: YamlFile,
  path: YamlPath,
  obj: Record<string, unknown>,
  known: string[],
  what: string,
  warn: Warn,
): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k))
      warn(
        new LbgError(
          `unknown key '${k}' in ${what} (ignored)`,
          file.pos([...path, k], true),
          suggest(k, known, "keys"),
        ),
      );
  }
}
