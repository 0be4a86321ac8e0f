// After a stage ran and was recorded: its outputs go into the run cache under its cache key (objects first,
// then the entry, each published atomically), so the same key later — going back after `--set`, another run
// sharing the stage — restores them instead of running. An entry for the key holding other outputs means
// the stage is not deterministic: said once (the entry is marked), and the entry then holds the newest
// outputs, which are the ones dependants were just built from. Storing never fails a stage: a cache that
// cannot be written is one warning per build.
import { statSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { CacheEntry, CachedOutput } from "../cache/cache-entry.ts";
import { CACHE_ENTRY_VERSION } from "../cache/cache-entry.ts";
import { cacheKey } from "../cache/cache-key.ts";
import { OutputChanged, type RunCache } from "../cache/run-cache.ts";
import { errorReason } from "../fs/error-reason.ts";
import { listFilesRecursive } from "../fs/hash-file.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import type { StageNode } from "../graph/build-graph.ts";
import type { StalePlan } from "../plan/plan-stage.ts";
import type { RecordStore } from "../store/record-store.ts";
import type { StageRecord, StageResources } from "../store/stage-record.ts";
import { currentUser } from "./record-provenance.ts";

interface Ctx {
  root: string;
  run: string;
  cache: RunCache;
  hashes: StatCache;
  records: RecordStore;
}

/** Stores a recorded stage's outputs; returns a warning to show, if any. */
export async function storeInCache(
  c: Ctx,
  node: StageNode,
  plan: StalePlan,
  resources?: StageResources,
): Promise<string | undefined> {
  const record = c.records.get(node.name);
  // Not recorded (an input changed while it ran): its outputs belong to no fingerprint, so to no key either.
  if (!record || record.fingerprintHash !== plan.hash) return undefined;
  const key = cacheKey(node, plan.fingerprint);
  try {
    const outputs: Record<string, CachedOutput> = {};
    let bytes = 0;
    for (const o of node.outputs) {
      const hash = record.outputs[o.tag]?.hash;
      if (!hash) return undefined;
      let st: ReturnType<typeof statSync>;
      try {
        st = statSync(o.path);
      } catch {
        throw new OutputChanged(o.path); // removed since it was recorded
      }
      if (st.isDirectory()) {
        const files: { path: string; hash: string; size: number }[] = [];
        for (const rel of listFilesRecursive(o.path)) {
          const file = join(o.path, rel);
          const h = c.hashes.hash(file);
          if (!h) throw new OutputChanged(file);
          const size = statSync(file).size;
          bytes += await c.cache.putObject(file, h.hash, size);
          files.push({ path: rel, hash: h.hash, size });
        }
        outputs[o.tag] = { kind: "directory", hash, files };
      } else {
        bytes += await c.cache.putObject(o.path, hash, st.size);
        outputs[o.tag] = { kind: "file", hash, size: st.size };
      }
    }
    const before = c.cache.lookup(key);
    const old = "entry" in before ? before.entry : undefined;
    const differ = old ? node.outputs.filter((o) => old.outputs[o.tag]?.hash !== outputs[o.tag]!.hash) : [];
    c.cache.counts.stored++;
    c.cache.counts.bytesStored += bytes;
    if (old && differ.length === 0) return undefined; // the same outputs again: keep who built them first
    const user = currentUser();
    const now = new Date().toISOString();
    const entry: CacheEntry = {
      v: CACHE_ENTRY_VERSION,
      key,
      stage: node.name,
      class: plan.fingerprint.class,
      outputs,
      built: { run: c.run, at: now, host: hostname(), ...(user ? { user } : {}), project: c.root },
      ...(resources ? { resources } : {}),
      ...recordExtras(record),
      ...(old?.nondeterministic
        ? { nondeterministic: old.nondeterministic }
        : differ.length
          ? { nondeterministic: { at: now, run: c.run, tags: differ.map((o) => o.tag) } }
          : {}),
    };
    await c.cache.writeEntry(entry);
    if (old && !old.nondeterministic)
      return `stage '${node.name}' is not deterministic: with the same inputs, config and code as when run '${old.built.run}' built it (${old.built.at}), it wrote a different ${differ.map((o) => o.tag).join(", ")}. Its dependants re-run whenever it does, and a restore may differ from a fresh run: make its outputs depend only on its inputs and config (no times, no unseeded randomness), or give it cache: false`;
    return undefined;
  } catch (e) {
    if (e instanceof OutputChanged) return undefined;
    return c.cache.storeProblem(
      `could not store stage '${node.name}' in the run cache ${c.cache.dir}: ${errorReason(e)}`,
    );
  }
}

/** The record's fields beyond the ones the cache itself writes or restores (see CacheEntry.record). */
function recordExtras(r: StageRecord): { record?: Record<string, unknown> } {
  const {
    v: _v,
    stage: _s,
    fingerprint: _f,
    fingerprintHash: _h,
    outputs: _o,
    finishedAt: _t,
    seconds: _sec,
    resources: _r,
    restored: _from,
    ...extra
  } = r;
  return Object.keys(extra).length ? { record: extra } : {};
}
