// What an lbg killed with SIGKILL (or a crash, or a power cut) can leave among a run's outputs, put right by
// the next build of the run before anything runs (it holds the run's lock, so no stage of the run is
// running): the `inprogress_` files of stages that never finished — their reaper killed the stages, but
// nobody renamed or removed what they wrote — and outputs set aside (`.lbg-previous-<name>`,
// finish-stage.ts) while new ones were put in place. A set-aside output goes back unless the record says the
// output now in place is the stage's recorded one, as a failed stage's would: a stage whose run was cut
// short leaves no new output.
import { existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname } from "node:path";
import type { StatCache } from "../fs/stat-cache.ts";
import type { StageGraph } from "../graph/build-graph.ts";
import { outputFolders } from "../graph/graph-facts.ts";
import type { RecordStore } from "../store/record-store.ts";
import { previousPath } from "./finish-stage.ts";

/** The folders holding outputs that also hold a leftover (an `inprogress_` or `.lbg-previous-` name), each
 *  listed once: a build of 10,000 stages lists its one output folder, finds nothing, and looks no further. */
function foldersWithLeftovers(graph: StageGraph): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const dir of outputFolders(graph)) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    if (names.some((n) => n.startsWith("inprogress_") || n.startsWith(".lbg-previous-"))) out.set(dir, new Set(names));
  }
  return out;
}

/** Puts the outputs of every stage of the graph right; returns what it did, for a warning (empty: nothing). */
export function recoverInterrupted(graph: StageGraph, records: RecordStore, hashes: StatCache): string[] {
  const done: string[] = [];
  const folders = foldersWithLeftovers(graph);
  if (folders.size === 0) return done;
  const lexists = (path: string) => !!folders.get(dirname(path))?.has(basename(path));
  for (const node of graph.nodes.values()) {
    for (const o of node.outputs) {
      if (lexists(o.inprogress)) {
        rmSync(o.inprogress, { recursive: true, force: true });
        done.push(`removed ${o.inprogress}`);
      }
      const prev = previousPath(o.path);
      if (!lexists(prev)) continue;
      hashes.invalidate(o.path);
      const recorded = records.get(node.name)?.outputs[o.tag]?.hash;
      if (existsSync(o.path) && recorded !== undefined && hashes.hash(o.path)?.hash === recorded) {
        rmSync(prev, { recursive: true, force: true });
      } else {
        rmSync(o.path, { recursive: true, force: true });
        renameSync(prev, o.path);
        hashes.invalidate(o.path);
        done.push(`put back ${o.path}`);
      }
    }
  }
  return done;
}
