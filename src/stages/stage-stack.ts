// Stack traces of stage code as a stage author reads them: `lbg_stages/evaluate_photoz.ts:32:7`, not
// `.cache/bundles/evaluate_photoz-3b66….mjs:620:76`. Stage bundles carry an inline source map
// (ts-module-loader.ts); the processes that run stage code (the workers, introspection, validate hooks) turn
// on Node's source-map support before importing a bundle, so `error.stack` already names the TypeScript
// files, as absolute file: URLs. This module makes them project-relative and drops lbg's own frames (the
// worker that called `run`, Node's internals), which say nothing about the stage and would push its frames
// out of the failed-stage tail.
import { isAbsolute, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describeThrown } from "./describe-thrown.ts";

/** Called once per process, before any stage bundle is imported (maps are read when a module loads). */
export function enableStageSourceMaps(): void {
  process.setSourceMapsEnabled(true);
}

// `    at fn (LOCATION)` or `    at LOCATION`, LOCATION = path-or-url:line:column.
const FRAME = /^(\s+at (?:.*? \()?)(.+?):(\d+):(\d+)(\)?)$/;

/** A frame location made project-relative; undefined for frames of lbg itself or Node's internals. */
function shownPath(location: string, root: string): string | undefined {
  if (location.startsWith("node:") || location.startsWith("internal/")) return undefined;
  let path = location;
  if (path.startsWith("file://")) {
    try {
      path = fileURLToPath(path);
    } catch {
      return location;
    }
  }
  if (!isAbsolute(path)) return location;
  // lbg's own bundle (the worker that runs the stage) lives in node_modules/.cache/lbg/.
  if (path.includes(`${sep}node_modules${sep}.cache${sep}lbg${sep}`)) return undefined;
  const rel = relative(root, path);
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

/** An Error's stack, or undefined: stage code may throw an Error whose `stack` getter throws. */
function stackOf(e: unknown): string | undefined {
  try {
    return e instanceof Error && typeof e.stack === "string" ? e.stack : undefined;
  } catch {
    return undefined;
  }
}

/** The stack of something a stage threw, with project-relative paths and without lbg's frames (for what is
 *  not an Error with a stack, describeThrown's words: never the error its own toString would raise). */
export function stageStack(e: unknown, root: string): string {
  const stack = stackOf(e);
  if (stack === undefined) return typeof e === "string" ? e : describeThrown(e).summary;
  const out: string[] = [];
  for (const line of stack.split("\n")) {
    const m = FRAME.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    const path = shownPath(m[2]!, root);
    if (path !== undefined) out.push(`${m[1]}${path}:${m[3]}:${m[4]}${m[5]}`);
  }
  return out.join("\n");
}

/** `lbg_stages/sum_numbers.ts:15`: the first frame in the project's own code (not in node_modules), if any. */
export function stageLocation(e: unknown, root: string): string | undefined {
  const stack = stackOf(e);
  if (stack === undefined) return undefined;
  for (const line of stack.split("\n")) {
    const m = FRAME.exec(line);
    if (!m) continue;
    const path = shownPath(m[2]!, root);
    if (path === undefined || isAbsolute(path) || path.includes(`node_modules${sep}`)) continue;
    return `${path}:${m[3]}`;
  }
  return undefined;
}
