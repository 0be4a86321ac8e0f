// ceci's command-line overrides (`lbg build pipe.yml resume=True site.max_threads=4`): `dotted.key=value`,
// the value read as YAML, missing mappings created (ceci's override_config). ceci applies any key silently,
// so a typo (`reume=False`) is simply lost; lbg checks each key as strictly as a mistake on a command line
// deserves — an unknown key is an error with a did-you-mean — and every later error about an overridden
// value names the override, not a line of the file that never held it.
import { isPlainObject } from "./py-value.ts";
import { LbgError, type SourcePos } from "../errors/lbg-error.ts";
import { suggest } from "../errors/did-you-mean.ts";
import { parseYamlValue, type YamlFile } from "./yaml-file.ts";

/** The keys an override may set: the file's top-level keys, and inside each mapping key, its own keys
 *  (`"any"`: any name, such as an input tag). A key missing here holds a single value or a list. */
export interface OverrideKeys {
  top: string[];
  nested: Record<string, string[] | "any">;
}

function describe(v: unknown): string {
  return Array.isArray(v) ? "a list" : typeof v === "string" ? "a string" : typeof v;
}

/** Applies `a.b=value` overrides to `doc` (a copy of the file's value: nested mappings are copied before
 *  they change) and records them in `yf`, so positions of their values name them. */
export function applyOverrides(
  yf: YamlFile,
  doc: Record<string, unknown>,
  overrides: string[],
  known: OverrideKeys,
): void {
  for (const o of overrides) {
    const pos: SourcePos = { file: `override '${o}'` };
    const eq = o.indexOf("=");
    if (eq <= 0)
      throw new LbgError(`override '${o}': expected key=value, e.g. resume=True or site.max_threads=4`, {
        file: "command line",
      });
    const keys = o.slice(0, eq).split(".");
    const [top, ...rest] = keys as [string, ...string[]];
    if (!known.top.includes(top))
      throw new LbgError(`unknown pipeline key '${top}'`, pos, suggest(top, known.top, "keys"));
    const inner = known.nested[top];
    if (rest.length > 0 && inner === undefined)
      throw new LbgError(`'${top}' is not a mapping: give it whole (${top}=...)`, pos);
    if (rest.length > 1)
      throw new LbgError(`'${top}.${rest[0]}' is not a mapping: give it whole (${top}.${rest[0]}=...)`, pos);
    if (rest[0] !== undefined && inner !== "any" && !inner!.includes(rest[0]))
      throw new LbgError(`unknown key '${rest[0]}' in '${top}'`, pos, suggest(rest[0], inner!, "keys"));
    let value: unknown;
    try {
      value = parseYamlValue(o.slice(eq + 1));
    } catch (e) {
      throw new LbgError(`value is not valid YAML: ${(e as Error).message.split("\n")[0]}`, pos);
    }
    let target = doc;
    for (const k of keys.slice(0, -1)) {
      const cur = target[k];
      if (cur !== undefined && cur !== null && !isPlainObject(cur))
        throw new LbgError(
          `'${k}' is ${describe(cur)} in the pipeline file, not a mapping: give it whole (${k}=...)`,
          pos,
        );
      target[k] = { ...(cur ?? {}) };
      target = target[k] as Record<string, unknown>;
    }
    target[keys.at(-1)!] = value;
    yf.addOverride(keys, pos);
  }
}
