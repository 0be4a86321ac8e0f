// An incremental build: the no-op stamp (src/store/noop-stamp.ts) says that nothing but some stage input or
// output files changed since the last build — no config, stage code, environment or record — so that build's
// project is restored from its snapshot (src/project/project-snapshot.ts) instead of loaded, and the
// scheduler checks only the stages that use a changed file, and those downstream of a stage that re-runs
// (run-build.ts); every other stage is fresh as the stamp left it. The cost grows with what the change can
// reach, not with the size of the run. Anything unusual — no snapshot, a changed run input that is no longer
// a readable file — falls back to the full check, which reports it as it always does.
import { join } from "node:path";
import { LbgError } from "../errors/lbg-error.ts";
import { type Seed, StatCache } from "../fs/stat-cache.ts";
import { stagesUsing } from "../graph/graph-facts.ts";
import { checkRunInputs } from "../project/check-run-inputs.ts";
import type { LoadedProject } from "../project/load-project.ts";
import { restoreSnapshot } from "../project/project-snapshot.ts";
import { type NoopStamp, seedsOf } from "../store/noop-stamp.ts";
import { trace } from "./noop-shortcut.ts";

export interface IncrementalStart {
  project: LoadedProject;
  warnings: string[];
  previous: { stamp: NoopStamp; unchanged: Set<string>; touched: Set<string> };
}

/** The restored project and the stages known unchanged, or undefined (traced) when the full check must run. */
export async function prepareIncremental(
  cacheDir: string,
  stamp: NoopStamp,
  changed: string[],
  /** What the stamp check hashed already (sameContent): each file at the stat it had, and how many files it
   *  read (this build's `filesHashed` counts them too). */
  checked: { hashed: Map<string, Seed>; read: number } = { hashed: new Map(), read: 0 },
): Promise<IncrementalStart | undefined> {
  if (!stamp.snapshot) return trace("full check: the run has no project snapshot");
  // The stamp knows the hash of every file the previous build relied on: the hash cache is not read.
  const hashes = await StatCache.open(join(cacheDir, "hashes.json"), seedsOf(stamp, checked.hashed));
  hashes.filesRead += checked.read;
  const project = restoreSnapshot(cacheDir, stamp.snapshot, hashes);
  if (!project) return trace("full check: the project snapshot is missing or another");
  const touched = new Set(changed);
  try {
    checkRunInputs(project, { only: touched });
  } catch (e) {
    if (e instanceof LbgError) return trace(`full check: ${e.message}`);
    throw e;
  }
  const unchanged = new Set(stamp.fresh);
  for (const stage of stagesUsing(project.graph, touched)) unchanged.delete(stage);
  trace(
    `incremental: ${changed.length} file${changed.length === 1 ? "" : "s"} changed, ${project.graph.nodes.size - unchanged.size} of ${project.graph.nodes.size} stages not known unchanged`,
  );
  return { project, warnings: stamp.warnings, previous: { stamp, unchanged, touched } };
}
