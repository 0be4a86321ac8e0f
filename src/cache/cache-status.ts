// `lbg cache status [--json]`: what a run cache holds and how well it served this project's last builds.
//
// `--json` prints one object:
//   { "dir": "/abs/.cache/run-cache", "entries": 42, "damagedEntries": 0, "objects": 97, "bytes": 7864320,
//     "lastBuilds": [ { "at": "2026-05-02T10:41:07.120Z", "run": "photoz_sim", "hits": 5, "misses": 0,
//                       "stored": 0, "bytesRestored": 5242880, "bytesStored": 0 } ],
//     "hitRate": 0.83,
//     "nondeterministic": [ { "stage": "SplitCatalog", "class": "lbg_stages:SplitCatalog", "key": "3f…",
//                             "at": "…", "run": "photoz_sim", "tags": ["training_catalog"] } ] }
// `bytes`: objects and entries together. `lastBuilds`: this project's last (up to 10) builds that used this
// cache directory, oldest first (from .cache/run-cache-builds.jsonl, cache-history.ts); `hitRate`: restored
// stages / stale stages looked up over those builds (null when none looked anything up).
import type { Hasher } from "../fs/hash-file.ts";
import { type CacheBuild, readCacheHistory } from "./cache-history.ts";
import { scanCache } from "./scan-cache.ts";

export interface CacheStatus {
  dir: string;
  entries: number;
  damagedEntries: number;
  objects: number;
  bytes: number;
  lastBuilds: Omit<CacheBuild, "cache">[];
  hitRate: number | null;
  nondeterministic: { stage: string; class: string; key: string; at: string; run: string; tags: string[] }[];
}

const LAST = 10;

export function cacheStatus(root: string, dir: string, h: Hasher): CacheStatus {
  const scan = scanCache(dir, h);
  const good = scan.entries.filter((e) => e.entry);
  const builds = readCacheHistory(root)
    .filter((b) => b.cache === dir)
    .slice(-LAST)
    .map(({ cache: _, ...b }) => b);
  const hits = builds.reduce((s, b) => s + b.hits, 0);
  const looked = hits + builds.reduce((s, b) => s + b.misses, 0);
  return {
    dir,
    entries: good.length,
    damagedEntries: scan.entries.length - good.length,
    objects: scan.objects.size,
    bytes: [...scan.objects.values()].reduce((s, o) => s + o.bytes, 0) + scan.entries.reduce((s, e) => s + e.bytes, 0),
    lastBuilds: builds,
    hitRate: looked ? hits / looked : null,
    nondeterministic: good.flatMap((e) =>
      e.entry?.nondeterministic
        ? [{ stage: e.entry.stage, class: e.entry.class, key: e.key, ...e.entry.nondeterministic }]
        : [],
    ),
  };
}
