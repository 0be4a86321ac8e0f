// `lbg cache gc [--max-size 20G] [--keep-days N]`: removes entries not used for N days, then the least
// recently used entries until what is left fits in the size, then every object no remaining entry needs.
// Safe while builds use the cache (a removed entry or object is a miss for them, never a wrong output):
// objects no entry named when the scan began are kept for an hour (a build may be storing them right now, its
// entry not yet published), and half-written temp files for a day. The usage files read are folded into the
// entries' modification times (each kept entry re-published with its last use as mtime) and removed.
import { copyFileSync, renameSync, unlinkSync, utimesSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Hasher } from "../fs/hash-file.ts";
import { type ScannedEntry, objectNames, scanCache } from "./scan-cache.ts";

export interface GcOptions {
  maxBytes?: number;
  keepDays?: number;
  dryRun?: boolean;
  /** Epoch ms taken as now (tests). */
  now?: number;
}

export interface GcResult {
  removedEntries: number;
  removedObjects: number;
  freedBytes: number;
  keptEntries: number;
  keptBytes: number;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export function gcCache(dir: string, h: Hasher, o: GcOptions): GcResult {
  const now = o.now ?? Date.now();
  const scan = scanCache(dir, h);
  const size = (name: string) => scan.objects.get(name)?.bytes ?? 0;
  const remove: ScannedEntry[] = [];
  let kept: ScannedEntry[] = [];
  for (const e of scan.entries) {
    // A damaged entry can serve nobody; an old one goes when --keep-days says so.
    if (!e.entry || (o.keepDays !== undefined && now - e.lastUsedMs > o.keepDays * DAY)) remove.push(e);
    else kept.push(e);
  }
  // Reference counts of the objects the kept entries need, and what they add up to.
  const refs = new Map<string, number>();
  let total = 0;
  const add = (e: ScannedEntry, d: 1 | -1) => {
    total += d * e.bytes;
    for (const n of new Set(objectNames(e.entry!))) {
      const r = (refs.get(n) ?? 0) + d;
      if (d === 1 && r === 1) total += size(n);
      if (d === -1 && r === 0) total -= size(n);
      refs.set(n, r);
    }
  };
  for (const e of kept) add(e, 1);
  if (o.maxBytes !== undefined && total > o.maxBytes) {
    kept.sort((a, b) => a.lastUsedMs - b.lastUsedMs);
    let i = 0;
    while (total > o.maxBytes && i < kept.length) {
      add(kept[i]!, -1);
      remove.push(kept[i]!);
      i++;
    }
    kept = kept.slice(i);
  }
  const named = new Set(scan.entries.flatMap((e) => (e.entry ? objectNames(e.entry) : [])));
  const goneObjects = [...scan.objects.values()].filter(
    (x) => !(refs.get(x.name) ?? 0) && (named.has(x.name) || now - x.mtimeMs > HOUR),
  );
  const result: GcResult = {
    removedEntries: remove.length,
    removedObjects: goneObjects.length,
    freedBytes: remove.reduce((s, e) => s + e.bytes, 0) + goneObjects.reduce((s, x) => s + x.bytes, 0),
    keptEntries: kept.length,
    keptBytes: total,
  };
  if (o.dryRun) return result;
  // Entries first: an entry never names an object that is gone while the entry is still there.
  for (const e of remove) unlinkQuiet(e.path);
  for (const x of goneObjects) unlinkQuiet(x.path);
  for (const t of scan.tmpFiles) if (now - t.mtimeMs > DAY) unlinkQuiet(t.path);
  for (const e of kept) if (e.lastUsedMs > e.mtimeMs) republish(dir, e);
  for (const u of scan.usageFiles) unlinkQuiet(u.path);
  return result;
}

/** The entry rewritten (by rename) with its last use as modification time, so the usage files can go. */
function republish(dir: string, e: ScannedEntry): void {
  const tmp = join(dir, "tmp", `gc.${hostname()}.${process.pid}.${e.key}`);
  try {
    copyFileSync(e.path, tmp);
    const t = new Date(e.lastUsedMs);
    utimesSync(tmp, t, t);
    renameSync(tmp, e.path);
  } catch {
    unlinkQuiet(tmp); // the entry only looks older than it is
  }
}

function unlinkQuiet(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    /* removed by another gc */
  }
}
