// A stale stage whose cache key was built before gets its outputs from the run cache instead of running:
// each output is copied (or reflinked) out of the cache to its in-progress path, renamed into place (the
// previous one set aside), hashed and compared with the entry, and only then recorded — with the same
// fingerprint a run would have recorded, so everything downstream (early cutoff, status, the no-op stamp)
// treats it exactly like a run. An output already on disk with the entry's content is left as it is. Anything
// missing or not matching (a damaged object, an entry another lbg is rewriting) puts the previous outputs
// back, removes what is damaged, and is a miss: the stage then runs as if nothing had been cached.
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, relative } from "node:path";
import { cacheKey } from "../cache/cache-key.ts";
import { type CacheEntry, restoredFrom } from "../cache/cache-entry.ts";
import type { RunCache } from "../cache/run-cache.ts";
import { errorReason } from "../fs/error-reason.ts";
import { shownPath } from "../fs/shown-path.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import type { OutputFile, StageNode } from "../graph/build-graph.ts";
import type { StalePlan } from "../plan/plan-stage.ts";
import type { RecordStore } from "../store/record-store.ts";
import type { RestoredFrom, StageResources } from "../store/stage-record.ts";
import { mayBeDirectory } from "../stages/stage-meta.ts";
import { previousPath } from "./finish-stage.ts";

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
      rmSync(o.inprogress, { recursive: true, force: true });
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

/** Renames the copies into place, checks every output against the entry and records the stage. */
function putInPlace(
  c: Ctx,
  node: StageNode,
  plan: StalePlan,
  entry: CacheEntry,
  toCopy: OutputFile[],
  t: { started: number; bytes: number },
): RestoreResult {
  const placed: OutputFile[] = [];
  const undo = () => {
    for (const o of placed) {
      rmSync(o.path, { recursive: true, force: true });
      if (existsSync(previousPath(o.path))) renameSync(previousPath(o.path), o.path);
    }
    removeInprogress(toCopy);
    c.hashes.invalidate();
  };
  try {
    for (const o of toCopy) {
      rmSync(previousPath(o.path), { recursive: true, force: true });
      if (existsSync(o.path)) renameSync(o.path, previousPath(o.path));
      placed.push(o);
      renameSync(o.inprogress, o.path);
    }
    const outputs: Record<string, { path: string; hash: string }> = {};
    const damaged: string[] = [];
    let mismatch = false;
    for (const o of node.outputs) {
      c.hashes.invalidate(o.path);
      const got = c.hashes.hash(o.path)?.hash;
      const want = entry.outputs[o.tag]!;
      if (got !== want.hash) {
        mismatch = true;
        damaged.push(...removeDamaged(c, want, o.path));
      }
      outputs[o.tag] = { path: relative(c.root, o.path), hash: want.hash };
    }
    if (mismatch) {
      undo();
      c.cache.counts.misses++;
      const what = damaged.length
        ? `object${damaged.length > 1 ? "s" : ""} ${damaged.join(", ")}`
        : `entry ${shownPath(c.root, c.cache.entryPath(entry.key))}`;
      return {
        restored: false,
        warning: `run cache ${what} of stage '${node.name}' damaged (content does not match its hash)${damaged.length ? ": removed" : ""}; the stage runs`,
      };
    }
    const from = restoredFrom(entry, c.cache.dir);
    c.records.append({
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
    for (const o of placed) rmSync(previousPath(o.path), { recursive: true, force: true });
    c.cache.noteHit(entry.key, t.bytes);
    return { restored: true, from, ...(entry.resources ? { resources: entry.resources } : {}) };
  } catch (e) {
    undo();
    c.cache.counts.misses++;
    return {
      restored: false,
      warning: `could not restore stage '${node.name}' from the run cache: ${errorReason(e)}; the stage runs`,
    };
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
