// The configuration files esbuild reads to decide what a bundled file's imports are, for keying a stage
// file's cache entry (ts-module-loader.ts's `resolution`): a change to any of them can make the same source
// import other files (tsconfig.json `paths` redirecting `@lib/*`, package.json `imports` redirecting `#x`).
//
// esbuild takes, for each file it bundles, the nearest enclosing package.json and the nearest enclosing
// tsconfig.json (a folder without one: its jsconfig.json), plus every tsconfig that one `extends`. So for each
// folder from the file's up to the first where it finds one, the candidates are recorded, found or not
// ("missing"): one written later in a nearer folder takes over. Folders inside node_modules are never
// looked in: packages stay external.
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { inNodeModules } from "../fs/in-node-modules.ts";
import type { StatCache } from "../fs/stat-cache.ts";

/** `{ <path relative to root>: <xxh64> | "missing" }` for every configuration file that decides how the
 *  given files' imports resolve (absolute paths; files under node_modules are skipped). */
export function resolutionFiles(root: string, files: Iterable<string>, hashes: StatCache): Record<string, string> {
  const found = new Set<string>();
  // Folders from which the nearest file of a kind has been looked for already (with all the folders above).
  const walked = new Set<string>();
  const nearest = (dir: string, names: string[]): void => {
    for (;;) {
      const key = `${names[0]}\0${dir}`;
      if (walked.has(key)) return;
      walked.add(key);
      for (const name of names) {
        const p = join(dir, name);
        found.add(p);
        if (existsSync(p)) {
          if (name !== "package.json") extendsChain(p, found);
          return;
        }
      }
      if (dirname(dir) === dir) return;
      dir = dirname(dir);
    }
  };
  for (const f of files) {
    if (inNodeModules(f)) continue;
    nearest(dirname(f), ["package.json"]);
    nearest(dirname(f), ["tsconfig.json", "jsconfig.json"]);
  }
  const out: Record<string, string> = {};
  for (const p of [...found].sort()) out[relative(root, p)] = hashes.hash(p)?.hash ?? "missing";
  return out;
}

/** Adds the files a tsconfig `extends` (transitively) to `found`, with the candidates tried before each. */
function extendsChain(tsconfig: string, found: Set<string>): void {
  let specs: unknown;
  try {
    specs = (JSON.parse(withoutComments(readFileSync(tsconfig, "utf8"))) as { extends?: unknown })?.extends;
  } catch {
    return; // unreadable or not JSON: esbuild cannot follow it either, and the file itself is keyed
  }
  for (const spec of [specs].flat()) {
    if (typeof spec !== "string" || spec === "") continue;
    const base = dirname(tsconfig);
    const relativeSpec = spec.startsWith("./") || spec.startsWith("../") || isAbsolute(spec);
    const candidates: string[] = [];
    if (relativeSpec) candidates.push(resolve(base, spec), resolve(base, `${spec}.json`));
    else
      for (let dir = base; ; dir = dirname(dir)) {
        const p = join(dir, "node_modules", spec);
        candidates.push(p, `${p}.json`, join(p, "tsconfig.json"), join(p, "package.json"));
        if (dirname(dir) === dir) break;
      }
    for (const c of candidates) {
      if (found.has(c)) {
        if (existsSync(c)) break; // followed already (or a cycle)
        continue;
      }
      found.add(c);
      if (existsSync(c) && !c.endsWith("package.json")) {
        extendsChain(c, found);
        break;
      }
    }
  }
}

/** tsconfig.json is JSON with comments and trailing commas: both removed, strings left alone. */
function withoutComments(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end - 1;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
      out += " ";
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, "$1");
}

/** Index just after the string literal starting at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}
