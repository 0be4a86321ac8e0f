// Reads a whole run cache directory (format in cache-entry.ts) for `lbg cache status` and `lbg cache gc`:
// every entry (parsed and checked), every object, and when each entry was last used — the later of its own
// modification time (when it was stored, or re-published by gc) and the newest usage file naming it.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Hasher } from "../fs/hash-file.ts";
import { type CacheEntry, parseEntry } from "./cache-entry.ts";

export interface ScannedEntry {
  key: string;
  path: string;
  /** Undefined when the entry is damaged or foreign. */
  entry?: CacheEntry;
  bytes: number;
  mtimeMs: number;
  lastUsedMs: number;
}

export interface ScannedObject {
  name: string;
  path: string;
  bytes: number;
  mtimeMs: number;
}

export interface CacheScan {
  entries: ScannedEntry[];
  objects: Map<string, ScannedObject>;
  usageFiles: { path: string; mtimeMs: number }[];
  tmpFiles: { path: string; mtimeMs: number }[];
}

/** `<dir>/<hh>/<name>` files: name → path, size, mtime. */
function shardFiles(dir: string): { name: string; path: string; bytes: number; mtimeMs: number }[] {
  const out: { name: string; path: string; bytes: number; mtimeMs: number }[] = [];
  let shards: string[];
  try {
    shards = readdirSync(dir);
  } catch {
    return out;
  }
  for (const s of shards) {
    let names: string[];
    try {
      names = readdirSync(join(dir, s));
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(dir, s, name);
      try {
        const st = statSync(path);
        if (st.isFile()) out.push({ name, path, bytes: st.size, mtimeMs: st.mtimeMs });
      } catch {
        /* removed meanwhile (another gc) */
      }
    }
  }
  return out;
}

function flatFiles(dir: string): { path: string; mtimeMs: number }[] {
  try {
    return readdirSync(dir).flatMap((name) => {
      try {
        return [{ path: join(dir, name), mtimeMs: statSync(join(dir, name)).mtimeMs }];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

export function scanCache(dir: string, h: Hasher): CacheScan {
  const usageFiles = flatFiles(join(dir, "usage"));
  const lastUse = new Map<string, number>();
  for (const u of usageFiles) {
    let keys: string[];
    try {
      keys = readFileSync(u.path, "utf8").split("\n");
    } catch {
      continue;
    }
    for (const k of keys) if (k && (lastUse.get(k) ?? 0) < u.mtimeMs) lastUse.set(k, u.mtimeMs);
  }
  const entries: ScannedEntry[] = shardFiles(join(dir, "entries")).map((f) => {
    let entry: CacheEntry | undefined;
    try {
      entry = parseEntry(readFileSync(f.path, "utf8"), f.name, (s) => h.h64ToString(s));
    } catch {
      entry = undefined;
    }
    return {
      key: f.name,
      path: f.path,
      entry,
      bytes: f.bytes,
      mtimeMs: f.mtimeMs,
      lastUsedMs: Math.max(f.mtimeMs, lastUse.get(f.name) ?? 0),
    };
  });
  const objects = new Map(shardFiles(join(dir, "objects")).map((o) => [o.name, o]));
  return { entries, objects, usageFiles, tmpFiles: flatFiles(join(dir, "tmp")) };
}

/** The object names (`<hash>-<size>`) an entry needs. */
export function objectNames(e: CacheEntry): string[] {
  return Object.values(e.outputs).flatMap((o) =>
    o.kind === "file" ? [`${o.hash}-${o.size}`] : o.files.map((f) => `${f.hash}-${f.size}`),
  );
}
