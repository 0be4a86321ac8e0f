// The run inputs of a loaded project, checked before a build starts (see runInputKind for what is refused).
// Not in load-project.ts, so that an incremental build, which restores a project instead of loading it, does
// not load the loaders (YAML, stage classes, graph) with it.
import { stagesUsing } from "../graph/graph-facts.ts";
import { lstatSync } from "node:fs";
import { LbgError } from "../errors/lbg-error.ts";
import { mayBeDirectory } from "../stages/stage-meta.ts";
import type { LoadedProject } from "./load-project.ts";
import { runInputKind } from "./run-input-kind.ts";

/** Nothing at `path` (not even a dangling link); a path lbg may not look at is not called absent. */
function absent(path: string): boolean {
  try {
    return !lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return false;
  }
}

/** Run inputs must exist, be readable regular files or directories (run-input-kind.ts), and be files
 *  unless the reading stage declares a directory (`only`: just these paths, the others being known as they
 *  were when checked). `allowMissing` (a dry run): an input that does not exist
 *  is left for the plan to report as a reason ("input missing: …"), as ceci's dry run needs no inputs. */
export function checkRunInputs(p: LoadedProject, opts: { allowMissing?: boolean; only?: Set<string> } = {}): void {
  const { run, graph } = p;
  // One stat per file, not per reader: in a wide pipeline a few run inputs feed thousands of stages.
  const seen = new Map<string, boolean>();
  const nodes = opts.only ? [...stagesUsing(graph, opts.only)].map((s) => graph.nodes.get(s)!) : graph.nodes.values();
  for (const node of nodes) {
    for (const i of node.inputs) {
      if (i.producer || i.noFile || (opts.only && !opts.only.has(i.path))) continue;
      const input = run.inputs.get(i.alias)!;
      const pos = input.pos;
      let isDir = seen.get(i.path);
      if (isDir === undefined && opts.allowMissing && absent(i.path)) continue;
      if (isDir === undefined) {
        const hint = input.producedBy
          ? input.leftOutBy
            ? `stage ${input.producedBy} makes it, and ${input.leftOutBy} leaves that stage out: build it first (name ${input.producedBy} as a target)`
            : `stage ${input.producedBy} makes it, and 'to'/'from' leave that stage out: build it first`
          : undefined;
        isDir = runInputKind(i.path, i.alias, node.name, pos, hint) === "directory";
        seen.set(i.path, isDir);
      }
      const dirOk = mayBeDirectory(i.type);
      if (dirOk !== "either" && isDir !== (dirOk === "yes")) {
        throw new LbgError(
          `input '${i.alias}' is a ${isDir ? "directory" : "file"} but stage ${node.name} reads it as ${i.type === "directory" ? "a directory" : `a ${i.type} file`}: ${i.path}`,
          pos,
        );
      }
    }
  }
}
