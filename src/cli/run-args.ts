// The words after a command's <run>: ceci's `key=value` overrides (pipeline files only) and build targets
// (stage names, output tags or output paths), plus `--until` / `--from`; and what a command given no run says.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CECI_KEYS } from "../config/ceci-keys.ts";
import { LbgError } from "../errors/lbg-error.ts";
import type { Selection } from "../graph/select-stages.ts";
import { findRoot } from "../project/find-root.ts";

/** `key=value` words are ceci overrides; every other word is a target — except, after a ceci pipeline file,
 *  a bare pipeline key (`resume`, `site.max_threads`): an override missing its value, said as such. */
export function splitRunWords(words: string[], ceciFile = false): { overrides: string[]; targets: string[] } {
  const overrides: string[] = [];
  const targets: string[] = [];
  const bareKey = (w: string) => ceciFile && (CECI_KEYS as readonly string[]).includes(w.split(".")[0] ?? "");
  for (const w of words) (/^[A-Za-z_][\w.-]*=/.test(w) || bareKey(w) ? overrides : targets).push(w);
  return { overrides, targets };
}

/** The command line's selection, or undefined when it selects the whole run. */
export function selectionOf(targets: string[], o: { until?: string[]; from?: string[] }): Selection | undefined {
  const until = o.until ?? [];
  const from = o.from ?? [];
  if (targets.length === 0 && until.length === 0 && from.length === 0) return undefined;
  return { to: [...targets, ...until], from, toLabel: targets.length > 0 ? "target" : "--until" };
}

/** The runs of the project around the current folder (configs/runs/*.yaml), sorted; [] outside a project. */
export function projectRuns(cwd = process.cwd()): string[] {
  let root: string;
  try {
    root = findRoot(cwd);
  } catch {
    return [];
  }
  const dir = join(root, "configs", "runs");
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => e.name.replace(/\.ya?ml$/, ""))
    .sort();
}

/** `lbg build` with no run: say which runs there are (one line, like every error). */
export function noRunError(command: string, usage: string): LbgError {
  const runs = projectRuns();
  const shown = runs.slice(0, 12).join(", ") + (runs.length > 12 ? `, … (${runs.length} in all: lbg list runs)` : "");
  return new LbgError(
    runs.length
      ? `lbg ${command} needs a run: ${shown}`
      : `lbg ${command} needs a run, and this project has none in configs/runs/`,
    undefined,
    runs.length
      ? `lbg ${command} ${usage.replace("<run>", runs[0]!)}`
      : "a run is configs/runs/<name>.yaml (lbg help run-files), or give a ceci pipeline file",
  );
}

/** `--force=S` (commander would reject a value on a flag) means `--force-stage S`; only before `--`. */
export function normalizeForce(argv: string[]): string[] {
  const end = argv.indexOf("--");
  const head = end < 0 ? argv : argv.slice(0, end);
  const rest = end < 0 ? [] : argv.slice(end);
  return [...head.map((a) => (a.startsWith("--force=") ? `--force-stage=${a.slice("--force=".length)}` : a)), ...rest];
}
