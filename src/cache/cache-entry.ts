// The run cache's on-disk format (like Bazel's action cache + content-addressed store, or DVC's run-cache).
// A cache directory is `.cache/run-cache/` of the project, or the site file's `cache_dir:` (shared by several
// users and hosts at once):
//
//   <cache>/format                       "lbg-run-cache 1\n" (another text: the directory is not used)
//   <cache>/objects/<hh>/<xxh64>-<size>  one file's bytes, named by content hash and byte size; read-only
//   <cache>/entries/<kk>/<key>           one stage run: `<xxh64 of the JSON, 16 hex> <JSON of CacheEntry>\n`
//   <cache>/usage/<ms>-<host>-<pid>      keys one build restored, one per line (`lbg cache gc`'s "last used")
//   <cache>/tmp/                         files being written; renamed into place only when complete
//
// `<hh>` / `<kk>`: the first two hex digits of the name. `key` is the cache key (cache-key.ts): sha256 of what
// determines a stage's outputs, 64 hex digits. Everything is published by writing under tmp/ and renaming
// into place (atomic on one file system, and two writers of one name write the same bytes or a whole entry),
// so a reader sees a whole file or none. Nothing is trusted on read: an entry whose checksum, JSON or shape
// is wrong is a miss, and every restored file is hashed and compared with the entry before it is recorded —
// a damaged object is a miss too (and is removed), never a wrong output.
//
// Permissions let a group share the directory: folders are created 2775 (setgid: files inherit the group),
// objects 0444, entries and usage files 0664 (rewritten by rename, so a group member can replace them).
import type { RestoredFrom, StageResources } from "../store/stage-record.ts";

export const CACHE_FORMAT_TEXT = "lbg-run-cache 1\n";
export const CACHE_ENTRY_VERSION = 1;

/** One output of a cached stage run. A directory output lists its regular files (relative paths); its `hash`
 *  is the directory hash lbg records (src/fs/stat-cache.ts), so a restored directory is checked whole. */
export type CachedOutput =
  | { kind: "file"; hash: string; size: number }
  | { kind: "directory"; hash: string; files: { path: string; hash: string; size: number }[] };

/**
 * An entry: the outputs one stage run produced for a cache key, and who built them.
 *
 *   { "v": 1, "key": "3f…", "stage": "SplitCatalog", "class": "lbg_stages:SplitCatalog",
 *     "outputs": { "training_catalog": { "kind": "file", "hash": "9a…", "size": 81234 } },
 *     "built": { "run": "photoz_sim", "at": "2026-05-02T10:41:07.120Z", "host": "login01", "user": "alice",
 *                "project": "/home/alice/lbg" },
 *     "resources": { "wallSeconds": 1.2, "cpuSeconds": 1.1, "maxRssBytes": 150994944, "measuredBy": "worker" },
 *     "nondeterministic": { "at": "…", "run": "photoz_sim", "tags": ["training_catalog"] } }
 *
 * Outputs are keyed by class tag. `nondeterministic` is set the first time a run with this key wrote other
 * outputs than the entry held (reported once then); the entry then holds the newest outputs. `record`: the
 * fields of the stage record that run wrote beyond those lbg's cache knows (provenance, e.g. `made`), given
 * as they are to the record of every restore — so a restored output's record says how it was made.
 */
export interface CacheEntry {
  v: number;
  key: string;
  stage: string;
  class: string;
  outputs: Record<string, CachedOutput>;
  built: { run: string; at: string; host: string; user?: string; project: string };
  resources?: StageResources;
  nondeterministic?: { at: string; run: string; tags: string[] };
  record?: Record<string, unknown>;
}

type H64 = (s: string) => string;

export function serializeEntry(e: CacheEntry, h64: H64): string {
  const json = JSON.stringify(e);
  return `${h64(json)} ${json}\n`;
}

const HEX16 = /^[0-9a-f]{16}$/;

function validOutput(o: unknown): o is CachedOutput {
  if (!o || typeof o !== "object") return false;
  const c = o as Record<string, unknown>;
  if (typeof c.hash !== "string" || !HEX16.test(c.hash)) return false;
  if (c.kind === "file") return Number.isSafeInteger(c.size) && (c.size as number) >= 0;
  if (c.kind !== "directory" || !Array.isArray(c.files)) return false;
  return c.files.every(
    (f: unknown) =>
      !!f &&
      typeof (f as { path?: unknown }).path === "string" &&
      safeRelative((f as { path: string }).path) &&
      HEX16.test(String((f as { hash?: unknown }).hash)) &&
      Number.isSafeInteger((f as { size?: unknown }).size),
  );
}

/** A path inside a restored directory: relative, no `..`, no empty or absolute part (an entry is not trusted). */
function safeRelative(p: string): boolean {
  return p !== "" && !p.startsWith("/") && p.split("/").every((s) => s !== "" && s !== "." && s !== "..");
}

/** The entry in a file's text, or undefined when it is damaged, foreign or for another key. */
export function parseEntry(text: string, key: string, h64: H64): CacheEntry | undefined {
  if (!text.endsWith("\n") || text.indexOf(" ") !== 16) return undefined;
  const json = text.slice(17, -1);
  if (h64(json) !== text.slice(0, 16)) return undefined;
  let e: CacheEntry;
  try {
    e = JSON.parse(json) as CacheEntry;
  } catch {
    return undefined;
  }
  if (!e || e.v !== CACHE_ENTRY_VERSION || e.key !== key || typeof e.stage !== "string") return undefined;
  if (!e.outputs || typeof e.outputs !== "object" || !Object.values(e.outputs).every(validOutput)) return undefined;
  if (!e.built || typeof e.built.run !== "string" || typeof e.built.at !== "string") return undefined;
  if (e.record !== undefined && (typeof e.record !== "object" || e.record === null || Array.isArray(e.record)))
    return undefined;
  return e;
}

/** What a restored record says about its origin (src/store/stage-record.ts). */
export function restoredFrom(e: CacheEntry, cacheDir: string): RestoredFrom {
  return {
    run: e.built.run,
    builtAt: e.built.at,
    host: e.built.host,
    ...(e.built.user ? { user: e.built.user } : {}),
    cache: cacheDir,
    key: e.key,
  };
}
