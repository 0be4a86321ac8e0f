// A stale stage whose cache key was built before gets its outputs from the run cache instead of running:
// each output is copied (or reflinked) out of the cache to its in-progress path, hashed and compared with the
// entry, renamed into place, and only then recorded — with the same
// fingerprint a run would have recorded, so everything downstream (early cutoff, status, the no-op stamp)
// treats it exactly like a run. An output already on disk with the entry's content is left as it is. Anything
// missing or not matching (a damaged object) leaves the previous outputs as they were, removes what is
// damaged, and is a miss: the stage then runs as if nothing had been cached.
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, relative } from "node:path";
import { cacheKey } from "../cache/cache-key.ts";
import { type CacheEntry, restoredFrom } from "../cache/cache-entry.ts";
import type { RunCache } from "../cache/run-cache.ts";
import { errorReason } from "../fs/error-reason.ts";
import { hashFileWith } from "../fs/hash-file.ts";
import { shownPath } from "../fs/shown-path.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import type { OutputFile, StageNode } from "../graph/build-graph.ts";
import type { StalePlan } from "../plan/plan-stage.ts";
import type { RecordStore } from "../store/record-store.ts";
import type { RestoredFrom, StageResources } from "../store/stage-record.ts";
import { mayBeDirectory } from "../stages/stage-meta.ts";

export type RestoreResult =
  | { restored: true; from: RestoredFrom; resources?: StageResources }
  /** Not restored; `warning`: a damaged entry or object, said once in the build's events. */
  | { restored: false; warning?: string }
  | { restored: false; cancelled: true };

interface Ctx {
  root: string;
  cache: RunCache;
  hashes: StatCache;
  records: RecordStore;
}

export async function restoreFromCache(
  c: Ctx,
  node: StageNode,
  plan: StalePlan,
  signal: AbortSignal,
): Promise<RestoreResult> {
  const started = Date.now();
  const key = cacheKey(node, plan.fingerprint);
  const found = c.cache.lookup(key);
  if ("miss" in found) {
    c.cache.counts.misses++;
    if (found.miss === "absent") return { restored: false };
    return {
      restored: false,
      warning: `run cache entry ${shownPath(c.root, c.cache.entryPath(key))} for stage '${node.name}' is unusable (${found.why}): the stage runs`,
    };
  }
  const entry = found.entry;
  if (!fits(entry, node) || !node.outputs.every((o) => c.cache.hasObjects(entry.outputs[o.tag]!))) {
    c.cache.counts.misses++;
    return { restored: false };
  }
  // Outputs whose current content already is the entry's stay; the others are copied out of the cache.
  const toCopy = node.outputs.filter((o) => {
    c.hashes.invalidate(o.path);
    return c.hashes.hash(o.path)?.hash !== entry.outputs[o.tag]!.hash;
  });
  let bytes = 0;
  try {
    for (const o of toCopy) {
      // A file copy overwrites a leftover in-progress file; only a directory must go first.
      if (entry.outputs[o.tag]!.kind === "directory") rmSync(o.inprogress, { recursive: true, force: true });
      mkdirSync(dirname(o.inprogress), { recursive: true });
      bytes += await c.cache.materialize(entry.outputs[o.tag]!, o.inprogress);
    }
  } catch (e) {
    removeInprogress(toCopy);
    c.cache.counts.misses++;
    // An object removed since hasObjects (another lbg's gc) is a plain miss; anything else is worth a word.
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { restored: false };
    return { restored: false, warning: `could not restore stage '${node.name}' from the run cache: ${errorReason(e)}` };
  }
  if (signal.aborted) {
    removeInprogress(toCopy);
    return { restored: false, cancelled: true };
  }
  return putInPlace(c, node, plan, entry, toCopy, { started, bytes });
}

/** The entry holds exactly the stage's outputs, each of the kind its type allows. */
function fits(entry: CacheEntry, node: StageNode): boolean {
  if (Object.keys(entry.outputs).length !== node.outputs.length) return false;
  return node.outputs.every((o) => {
    const e = entry.outputs[o.tag];
    if (!e) return false;
    const want = mayBeDirectory(o.type);
    return want === "either" || (e.kind === "directory") === (want === "yes");
  });
}

function removeInprogress(outs: OutputFile[]): void {
  for (const o of outs) rmSync(o.inprogress, { recursive: true, force: true });
}

/**
 * Checks every copy against the entry, then renames each into place (one rename replaces the old output, so
 * nothing of it is set aside: on a slow metadata server every file operation counts), hashes the outputs as
 * they now are and records the stage.
 */
function putInPlace(
  c: Ctx,
  node: StageNode,
  plan: StalePlan,
  entry: CacheEntry,
  toCopy: OutputFile[],
  t: { started: number; bytes: number },
): RestoreResult {
  const damaged: string[] = [];
  let mismatch = false;
  for (const o of toCopy) {
    const want = entry.outputs[o.tag]!;
    if (copyHash(c, want, o.inprogress) !== want.hash) {
      mismatch = true;
      damaged.push(...removeDamaged(c, want, o.inprogress));
    }
  }
  if (mismatch) {
    removeInprogress(toCopy);
    c.cache.counts.misses++;
    const what = damaged.length
      ? `object${damaged.length > 1 ? "s" : ""} ${damaged.join(", ")}`
      : `entry ${shownPath(c.root, c.cache.entryPath(entry.key))}`;
    return {
      restored: false,
      warning: `run cache ${what} of stage '${node.name}' damaged (content does not match its hash)${damaged.length ? ": removed" : ""}; the stage runs`,
    };
  }
  try {
    for (const o of toCopy) replace(o.inprogress, o.path);
    const outputs: Record<string, { path: string; hash: string }> = {};
    for (const o of node.outputs) {
      c.hashes.invalidate(o.path);
      const got = c.hashes.hash(o.path)?.hash;
      // Checked a moment ago: only something writing the output folder meanwhile can make this differ.
      if (got !== entry.outputs[o.tag]!.hash)
        throw new Error(`${relative(c.root, o.path)} changed while it was restored`);
      outputs[o.tag] = { path: relative(c.root, o.path), hash: got };
    }
    const from = restoredFrom(entry, c.cache.dir);
    c.records.append({
      ...entry.record, // what the run that built it recorded beyond these fields (its provenance)
      v: 1,
      stage: node.name,
      fingerprint: plan.fingerprint,
      fingerprintHash: plan.hash,
      outputs,
      finishedAt: new Date().toISOString(),
      seconds: (Date.now() - t.started) / 1000,
      ...(entry.resources ? { resources: entry.resources } : {}),
      restored: from,
    });
    c.cache.noteHit(entry.key, t.bytes);
    return { restored: true, from, ...(entry.resources ? { resources: entry.resources } : {}) };
  } catch (e) {
    // Outputs already renamed into place are right for this fingerprint but unrecorded: the stage is stale
    // (its old record no longer matches them) and runs now, or next time.
    removeInprogress(toCopy);
    c.hashes.invalidate();
    c.cache.counts.misses++;
    return {
      restored: false,
      warning: `could not restore stage '${node.name}' from the run cache: ${errorReason(e)}; the stage runs`,
    };
  }
}

/** The content hash of a restored copy: a file's bytes, a directory as lbg hashes directories. */
function copyHash(c: Ctx, out: CacheEntry["outputs"][string], path: string): string | undefined {
  if (out.kind === "file") {
    try {
      return hashFileWith(c.hashes.h, path);
    } catch {
      return undefined;
    }
  }
  c.hashes.invalidate(path);
  return c.hashes.hash(path)?.hash;
}

/** `from` replaces `to`: one rename for a file; a directory (which rename cannot replace) is removed first. */
function replace(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "ENOTEMPTY" && code !== "EEXIST" && code !== "ENOTDIR") throw e;
    rmSync(to, { recursive: true, force: true });
    renameSync(from, to);
  }
}

/** Which objects of a restored output do not hash to their names: removed from the cache (a later store of
 *  the same content writes them again). Returns their cache paths, for the warning. */
function removeDamaged(c: Ctx, out: CacheEntry["outputs"][string], restoredAt: string): string[] {
  const files =
    out.kind === "file"
      ? [{ ...out, at: restoredAt }]
      : out.files.map((f) => ({ ...f, at: `${restoredAt}/${f.path}` }));
  const bad = files.filter((f) => {
    c.hashes.invalidate(f.at);
    return c.hashes.hash(f.at)?.hash !== f.hash;
  });
  // A directory whose files all match but whose hash does not: an extra file in it — nothing to remove.
  for (const f of bad) c.cache.removeObject(f.hash, f.size);
  return bad.map((f) => shownPath(c.root, c.cache.objectPath(f.hash, f.size)));
}
