// What the command line selects of a run: build targets and `--until` (the stages they need: ceci's `to`)
// and `--from` (those stages and what follows: ceci's `from`), for lbg runs and ceci pipeline files alike —
// one implementation, trim-graph.ts, does the cutting. A word is a stage instance, an output tag (after
// aliases) or an output file's path (relative to the current folder or the project root); a path becomes its
// tag, so it selects the stage that writes it (`--until`) or the stages that read it (`--from`).
import { resolve } from "node:path";
import type { TrimEnd } from "../config/run-model.ts";
import type { StageGraph } from "./build-graph.ts";

/** The command line's selection, as given (RunRef.select). Empty lists select nothing of their own. */
export interface Selection {
  /** Targets and `--until` words: keep these and everything they need. */
  to: string[];
  /** `--from` words: keep these and everything downstream. */
  from: string[];
  /** How the `to` words were given, for messages: `target` (positional) or `--until`. */
  toLabel?: string;
}

/** A path word → the (aliased) tag of the output written there, else the word itself (trim-graph.ts then
 *  says what it is not, with a did-you-mean). */
function asNode(graph: StageGraph, word: string, root: string, cwd: string): string {
  if (graph.nodes.has(word) || !/[/.]/.test(word)) return word;
  const candidates = new Set([resolve(cwd, word), resolve(root, word)]);
  for (const node of graph.nodes.values())
    for (const o of node.outputs) if (candidates.has(o.path) || candidates.has(o.inprogress)) return o.alias;
  return word;
}

/**
 * The pipeline file's `to`/`from` (ceci files only), with the command line's replacing the side it names —
 * as ceci's own `to=X` override replaces the file's key.
 */
export function selectionTrim(
  graph: StageGraph,
  fileTrim: { to?: TrimEnd; from?: TrimEnd } | undefined,
  sel: Selection | undefined,
  root: string,
  cwd = process.cwd(),
): { to?: TrimEnd; from?: TrimEnd } {
  const trim = { ...fileTrim };
  if (!sel) return trim;
  if (sel.to.length > 0) {
    const label = sel.toLabel ?? "target";
    trim.to = {
      key: "to",
      names: sel.to.map((w) => asNode(graph, w, root, cwd)),
      pos: { file: label },
      label,
    };
  }
  if (sel.from.length > 0)
    trim.from = {
      key: "from",
      names: sel.from.map((w) => asNode(graph, w, root, cwd)),
      pos: { file: "--from" },
      label: "--from",
    };
  return trim;
}

/** Words for a build's header when part of the run is selected: `from SplitCatalog until TrainPhotoz`. */
export function selectionWords(trim: { to?: TrimEnd; from?: TrimEnd }): string | undefined {
  const parts = [trim.from && `from ${trim.from.names.join(", ")}`, trim.to && `until ${trim.to.names.join(", ")}`];
  return parts.filter(Boolean).join(" ") || undefined;
}
