// ceci's template parameters: `-t key=value ...` (ceci/main.py's --template-parameters), always strings.
import { LbgError } from "../errors/lbg-error.ts";

/** Parses `-t` values: `key=value` each (the value may contain `=`), as ceci splits them. */
export function parseTemplateParams(args: readonly string[]): Map<string, string> {
  const params = new Map<string, string>();
  for (const a of args) {
    const eq = a.indexOf("=");
    if (eq <= 0)
      throw new LbgError(
        `-t ${a}: expected key=value`,
        { file: "-t" },
        "template parameters are key=value pairs, e.g. -t field=ecdfs",
      );
    const key = a.slice(0, eq);
    const value = a.slice(eq + 1);
    const before = params.get(key);
    if (before !== undefined && before !== value)
      throw new LbgError(`-t: template parameter '${key}' is given twice: ${key}=${before} and ${a}`, { file: "-t" });
    params.set(key, value);
  }
  return params;
}
