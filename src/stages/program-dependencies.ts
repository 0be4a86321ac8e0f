// What a type check of each stage file depended on: the project files its TypeScript program read for it,
// and the ones it looked for and did not find. The type-check cache (type-check.ts) is keyed on them, so
// that a file imported with `import type` only — which esbuild drops, so it is not among the loader's
// `sources` — still counts, and so does a missing import's file once it is written.
//
// Files under node_modules are left out: they change through npm, which rewrites package-lock.json (part of
// every key), and keying each of the hundreds of .d.ts files there would cost as many stat calls per build.
// So are TypeScript's own lib files (in its package, under node_modules too). lbg's SDK, which the compiler
// reaches through a symlink and names by its real path, is a file of lbg's checkout and is kept.
import { dirname, isAbsolute, resolve } from "node:path";
import type * as TS from "typescript";
import { inNodeModules } from "../fs/in-node-modules.ts";

const outsideNodeModules = (f: string) => isAbsolute(f) && !inNodeModules(f);

/**
 * For each root file (absolute, as given to the program), the absolute paths of the files its check read or
 * looked for, outside node_modules: every file it reaches through imports (type-only ones included), triple-
 * slash references and type reference directives, the candidates tried for an import that did not resolve,
 * the package.json files that decided a resolution — and every project file the program read that no root
 * reaches (declarations the options bring in for all), since any of them may change any root's answer.
 */
export function programDependencies(program: TS.Program, roots: string[]): Map<string, string[]> {
  const internal = program as TS.Program & Partial<ResolutionWalk>;
  const projectFiles = program.getSourceFiles().map((sf) => sf.fileName);
  if (typeof internal.forEachResolvedModule !== "function") {
    // A compiler without that (internal) method: every project file the program read counts for every root.
    const all = projectFiles.filter(outsideNodeModules);
    return new Map(roots.map((r) => [r, all]));
  }
  const walk = internal as TS.Program & ResolutionWalk;
  const edges = new Map<string, { to: string[]; looked: string[] }>();
  for (const sf of program.getSourceFiles()) {
    const to: string[] = [];
    const looked: string[] = [];
    const take = (resolved: string | undefined, r: Resolution) => {
      if (resolved) to.push(resolved);
      looked.push(...(r.failedLookupLocations ?? []), ...(r.affectingLocations ?? []));
    };
    walk.forEachResolvedModule((r) => take(r.resolvedModule?.resolvedFileName, r), sf);
    walk.forEachResolvedTypeReferenceDirective?.(
      (r) => take(r.resolvedTypeReferenceDirective?.resolvedFileName, r),
      sf,
    );
    for (const ref of sf.referencedFiles) to.push(resolve(dirname(sf.fileName), ref.fileName));
    edges.set(sf.fileName, { to, looked });
  }
  const reached = new Set<string>();
  const out = new Map<string, string[]>();
  for (const root of roots) {
    const seen = new Set<string>([root]);
    const files = new Set<string>();
    const queue = [root];
    while (queue.length > 0) {
      const f = queue.pop()!;
      files.add(f);
      reached.add(f);
      const e = edges.get(f);
      if (!e) continue; // not read (missing): kept, so that writing it counts
      for (const l of e.looked) files.add(l);
      for (const t of e.to)
        if (!seen.has(t)) {
          seen.add(t);
          queue.push(t);
        }
    }
    out.set(root, [...files]);
  }
  const unreached = projectFiles.filter((f) => !reached.has(f));
  for (const [root, files] of out) out.set(root, [...new Set([...files, ...unreached])].filter(outsideNodeModules));
  return out;
}

/** A resolution as the compiler keeps it: the public fields and the internal lookup lists. */
interface Resolution {
  resolvedModule?: { resolvedFileName: string };
  resolvedTypeReferenceDirective?: { resolvedFileName?: string };
  failedLookupLocations?: string[];
  affectingLocations?: string[];
}

/** The compiler's internal walk over the resolutions it made for a file (TypeScript 5.3 and later). */
interface ResolutionWalk {
  forEachResolvedModule(cb: (r: Resolution) => void, file: TS.SourceFile): void;
  forEachResolvedTypeReferenceDirective?(cb: (r: Resolution) => void, file: TS.SourceFile): void;
}
