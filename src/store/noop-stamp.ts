// The no-op stamp: a memo of the last `lbg build` of a run — the stat of everything its plan depended on, and
// which stages it left fresh — so that the next build can tell from stat() calls alone what changed since
// (ninja's no-op costs one stat per file; so does this). With nothing changed and every stage fresh, the
// build's events are those of the stamped build and nothing is loaded; when only stage input or output files
// changed, the previous plan (the project snapshot, src/project/project-snapshot.ts) is re-checked only where
// they changed (src/cli/incremental-build.ts); anything else that differs takes the full check, which
// re-checks everything and writes a new stamp.
//
// Trust model: the same as the stat cache's (src/fs/stat-cache.ts) — a file whose (device, inode, size, mtime,
// ctime) is unchanged has unchanged contents — so the stamp lies exactly when the stat cache would.
// - `paths` (configs and their folders, stage code, …) are stat'ed when the stamp is written; no stamp is
//   written when one of them changed after the build began, or within the file system's timestamp
//   granularity before (the plan may have read it before the change, and a write in the same tick as the
//   read would leave the stat unchanged).
// - `files` (stage inputs and outputs) keep the stat at which each had the content the stamped stages'
//   records hold — the stat cache's, taken when it was hashed — so files the build itself wrote are covered
//   too; "" when that is not known for certain (its stages are then re-checked). A directory's key is the
//   stats of everything inside it, under the rule of `paths` — of what its content hash reads, the files of
//   symlinked folders included (src/fs/walk-tree.ts: one walk for both).
// - the records file's stat is taken at the end of the build, which holds the run lock: nobody else appends.
//
// On disk: `.cache/runs/<run>/noop.json`, written atomically (temp file + rename):
//   { "format": 3,
//     "key": "<JSON of everything that is not a file: lbg's build, the command's arguments (--type-check
//             included), cwd, cores>",
//     "env": { "<NAME>": "<value>" | null },          variables the loading looked up or the configs name, and
//                                                     those Python and the type check read (null: unset)
//     "paths": [ ["<absolute path>", "<dev>:<ino>:<size>:<mtimeMs>:<ctimeMs>" | "", "<xxh64>"?], … ],   "" = absent
//     "files": [ ["<absolute path>", "<key>" | "dir <keys of everything inside>" | "", "<xxh64>"?], … ],
//     "records": { "key": "<stat key of records.jsonl>", "lines": <its number of lines>,
//                  "at": [["<stage>", <byte offset of its newest record's line>, <line length>, <seconds> | null], …] },
//     "snapshot": "<id of the project snapshot it goes with>" | null,
//     "fresh": ["<stage>", …],                         stages fresh after the build, in the order reported
//     "allFresh": true | false,                        every stage fresh and nothing else happened: a no-op
//     "start": { <the build-start event> }, "warnings": ["<warning text>", …] }
// The hash after a key is the file's content hash at that stat, when the build knew it: an incremental build
// takes it from here rather than reading the whole hash cache (src/fs/stat-cache.ts's seeds). After "" (a
// stat not vouched for) it is the content the stamped stages saw. Either way, a file whose stat changed but
// whose content is still that hash changed nothing: the next build hashes it (sameContent) instead of taking
// it for a change — a touched input is a no-op, a touched stage file too.
// `paths` covers the run's config files and their folders (a new file can shadow one: x.yaml vs x.yml),
// the candidate paths the loader looked for and did not use (RunModel.probed), every other file whose hash
// the plan looked up (stage sources and their local imports, bundles, Python sources), the folders of the
// stage files and of every module name (a new stage file; a TypeScript folder appearing where a Python module
// was found), and the Python interpreter and the PATH folders searched before it.
import { readFileSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import type { BuildEvent } from "../events/build-event.ts";
import type { Seed, Seeds } from "../fs/stat-cache.ts";
import { changedNear } from "../fs/timestamp-tick.ts";
import { walkTree } from "../fs/walk-tree.ts";
import { writeAtomic } from "../fs/write-atomic.ts";
import type { RecordLocation } from "./record-store.ts";

const FORMAT = 3;

export interface NoopStamp {
  format: number;
  key: string;
  env: Record<string, string | null>;
  paths: Covered[];
  files: Covered[];
  /** The records file's stat and where each stage's record is in it (record-store.ts's RecordLocation): an
   *  incremental build reads only the records it needs. */
  records: { key: string; lines: number; at: RecordLocation[] };
  snapshot: string | null;
  fresh: string[];
  allFresh: boolean;
  start: Extract<BuildEvent, { event: "build-start" }>;
  warnings: string[];
}

/** A covered path, its key and, when known, its content hash at that key. */
export type Covered = [path: string, key: string, hash?: string];

/** What the stamp says now: a change that needs the full check, or the stage files whose stat changed (maybe
 *  none). `suspects`: the stage files among them, and `structural` the covered paths (configs, stage code),
 *  whose stat changed but whose content the stamp knows — a touch, a file copied back, an editor saving it
 *  unchanged: the caller hashes them (sameContent), and one whose content is still the stamped one changed
 *  nothing; a structural one whose content changed needs the full check. */
export type StampCheck = { differs: string } | { changed: string[]; suspects: Covered[]; structural: Covered[] };

/** Plain (not bigint) stats: a BigIntStats costs twice as much, and a double holds mtime to well under a
 *  microsecond, far finer than the 50 ms a covered file must have been left alone before a stamp is written. */
function stat(
  path: string,
): { key: string; mtimeMs: number; ctimeMs: number; dir: boolean; file: boolean } | undefined {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return undefined;
  return {
    key: `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`,
    mtimeMs: st.mtimeMs,
    ctimeMs: st.ctimeMs,
    dir: st.isDirectory(),
    file: st.isFile(),
  };
}

export function statKey(path: string): string {
  return stat(path)?.key ?? "";
}

/** A directory's key: the stat of it and of everything inside (names included) — what walkTree reaches, the
 *  walk its content hash takes (src/fs/hash-file.ts), so also the files of a symlinked folder in it — or
 *  undefined when any of them changed since `since` or within a timestamp tick before (or it cannot be
 *  read: a link that loops on itself, say). */
export function dirKey(dir: string, since = Number.POSITIVE_INFINITY): string | undefined {
  try {
    let key = "dir ";
    const add = (p: string, name: string) => {
      const st = stat(p);
      if (!st || changedNear(st, since)) throw NOT_VOUCHED;
      key += name ? `|${name} ${st.key}` : st.key;
    };
    add(dir, "");
    walkTree(dir, (rel) => add(join(dir, rel), rel));
    return key;
  } catch {
    return undefined; // vanished, changed or unreadable while we looked: do not vouch for it
  }
}

const NOT_VOUCHED = new Error("not vouched for");

/** The stamp in `file` if it exists, is of this format, has the shape of one and was made for `key`; it is
 *  not yet checked against the files. */
export function readNoopStamp(file: string, key: string): NoopStamp | undefined {
  try {
    const s = JSON.parse(readFileSync(file, "utf8")) as NoopStamp;
    return s && s.format === FORMAT && s.key === key && wellFormed(s) ? s : undefined;
  } catch {
    return undefined; // absent, half-written by a foreign tool, or damaged: only costs the normal path
  }
}

const isString = (v: unknown): v is string => typeof v === "string";
const isCovered = (c: unknown): boolean =>
  Array.isArray(c) && isString(c[0]) && isString(c[1]) && (c[2] === undefined || isString(c[2]));
const isLocation = (l: unknown): boolean =>
  Array.isArray(l) &&
  isString(l[0]) &&
  Number.isSafeInteger(l[1]) &&
  Number.isSafeInteger(l[2]) &&
  (l[3] === null || typeof l[3] === "number");

/** Whether valid JSON is a stamp in every part the no-op reads (a hand edit, another tool's file, a damaged
 *  write that still parses): one that is not is taken as no stamp, not followed into an internal error. A
 *  loop over every entry: 0.5–3.6 ms (the first, unoptimised call) for the 35,000 of a 10,000-stage run. */
function wellFormed(s: NoopStamp): boolean {
  const { env, records, start } = s;
  return (
    typeof env === "object" &&
    env !== null &&
    !Array.isArray(env) &&
    Object.values(env).every((v) => v === null || isString(v)) &&
    Array.isArray(s.paths) &&
    s.paths.every(isCovered) &&
    Array.isArray(s.files) &&
    s.files.every(isCovered) &&
    typeof records === "object" &&
    records !== null &&
    isString(records.key) &&
    Number.isSafeInteger(records.lines) &&
    Array.isArray(records.at) &&
    records.at.every(isLocation) &&
    (s.snapshot === null || isString(s.snapshot)) &&
    Array.isArray(s.fresh) &&
    s.fresh.every(isString) &&
    typeof s.allFresh === "boolean" &&
    typeof start === "object" &&
    start !== null &&
    start.event === "build-start" &&
    isString(start.run) &&
    Array.isArray(start.pipelines) &&
    typeof start.stages === "number" &&
    typeof start.jobs === "number" &&
    (start.estimates === undefined || (typeof start.estimates === "object" && start.estimates !== null)) &&
    Array.isArray(s.warnings) &&
    s.warnings.every(isString)
  );
}

/** Compares the stamp with the files and environment as they are now. */
export function checkNoopStamp(s: NoopStamp, env: NodeJS.ProcessEnv, recordsFile: string): StampCheck {
  for (const [name, v] of Object.entries(s.env)) if ((env[name] ?? null) !== v) return { differs: `$${name} changed` };
  const structural: Covered[] = [];
  for (const c of s.paths)
    if (statKey(c[0]) !== c[1]) {
      if (!c[2]) return { differs: `${c[0]} changed` };
      structural.push(c);
    }
  if (statKey(recordsFile) !== s.records.key) return { differs: `${recordsFile} changed` };
  const changed: string[] = [];
  const suspects: Covered[] = [];
  for (const c of s.files) {
    const [path, key, hash] = c;
    if (key === "" || (key.startsWith("dir ") ? dirKey(path) : statKey(path)) !== key) {
      changed.push(path);
      if (hash) suspects.push(c);
    }
  }
  return { changed, suspects, structural };
}

/** A file's content hash, if its stat is still `key` once it has been read (undefined: it moved meanwhile,
 *  or cannot be read). */
export function hashAtKey(path: string, key: string, hashFile: (path: string) => string): string | undefined {
  try {
    const hash = hashFile(path);
    return statKey(path) === key ? hash : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Of checkNoopStamp's suspects (or structural paths), the regular files whose content is still the stamped
 * hash, each with the stat to stamp for it from now on — undefined when it changed within a timestamp tick
 * of now (or has a future mtime), too recently to vouch for: its old key stays, and the next build hashes it
 * again. A file whose stat moves while it is hashed is not among them.
 */
export function sameContent(
  suspects: Covered[],
  hashFile: (path: string) => string,
  /** Gets each file hashed at a stat it can be vouched for, changed or not: a seed for the build that follows
   *  (seedsOf), which then does not read an edited file a second time. */
  hashed?: Map<string, Seed>,
): Map<string, string | undefined> {
  const same = new Map<string, string | undefined>();
  for (const [path, , hash] of suspects) {
    const before = stat(path);
    if (!before?.file) continue;
    const now = hashAtKey(path, before.key, hashFile);
    if (now === undefined) continue; // changed while read, gone or unreadable: changed
    const vouched = !changedNear(before, Date.now());
    if (vouched) hashed?.set(path, { key: before.key, hash: now });
    if (now === hash) same.set(path, vouched ? before.key : undefined);
  }
  return same;
}

/** Gives the entries of files whose content sameContent found unchanged their new stat; true when any moved
 *  (then the stamp is worth writing again, rewriteNoopStamp, so that the next build stats them only). */
export function rekeyNoopStamp(s: NoopStamp, same: Map<string, string | undefined>): boolean {
  let moved = false;
  for (const list of [s.paths, s.files])
    for (const c of list) {
      const key = same.get(c[0]);
      if (key !== undefined && c[1] !== key) {
        c[1] = key;
        moved = true;
      }
    }
  return moved;
}

/** Writes a stamp read earlier, after rekeyNoopStamp (under the run lock, as every stamp is written). */
export function rewriteNoopStamp(file: string, s: NoopStamp): void {
  writeAtomic(file, JSON.stringify(s));
}

export interface StampInput {
  key: string;
  envNames: string[];
  env: NodeJS.ProcessEnv;
  /** Paths whose stat matters (see the header), and the content hash of one at a given stat when known. */
  paths: string[];
  pathHash: (path: string, key: string) => string | undefined;
  /** Stage input and output files with their keys (the caller decides them: see the header) and hashes. */
  files: Covered[];
  recordsFile: string;
  recordLines: number;
  recordsAt: RecordLocation[];
  /** The project snapshot's id, asked for only once the stamp is sure to be written (saving a 10,000-stage
   *  project's snapshot costs memory and time a refused stamp would waste). */
  snapshot: () => string | null;
  start: NoopStamp["start"];
  warnings: string[];
  fresh: string[];
  allFresh: boolean;
  /** Epoch ms when the check began: a covered path changed since (or within a timestamp tick before) was
   *  perhaps read before the change, so no stamp is written. */
  notAfter: number;
}

/** Writes the stamp, unless a covered path changed too recently to be trusted (then the old one is removed
 *  and the next build takes the full check). */
export function writeNoopStamp(file: string, i: StampInput): boolean {
  const since = Math.min(i.notAfter, Date.now());
  const paths: Covered[] = [];
  for (const p of new Set(i.paths)) {
    const st = stat(p);
    if (st && changedNear(st, since)) return refuse(file);
    const hash = st && !st.dir ? i.pathHash(p, st.key) : undefined;
    paths.push(hash ? [p, st!.key, hash] : [p, st?.key ?? ""]);
  }
  const env: Record<string, string | null> = {};
  for (const n of [...new Set(i.envNames)].sort()) env[n] = i.env[n] ?? null;
  const stamp: NoopStamp = {
    format: FORMAT,
    key: i.key,
    env,
    paths,
    files: i.files,
    records: { key: statKey(i.recordsFile), lines: i.recordLines, at: i.recordsAt },
    snapshot: i.snapshot(),
    fresh: i.fresh,
    allFresh: i.allFresh,
    start: i.start,
    warnings: i.warnings,
  };
  writeAtomic(file, JSON.stringify(stamp));
  return true;
}

/** The hashes a stamp knows, for an incremental build's stat cache. */
export function seedsOf(s: NoopStamp, hashed?: Map<string, Seed>): Seeds {
  // An incremental build asks for the few files it checks: each is found by a pass over the lists, until
  // enough are asked for that indexing all of them (15,000 at N = 10,000) costs less.
  let index: Map<string, Covered> | undefined;
  let asked = 0;
  // (An entry whose stat is not vouched for, "", seeds nothing: its hash is only the stamped content.)
  const found = (c: Covered | undefined) => (c?.[2] && c[1] ? { key: c[1], hash: c[2] } : undefined);
  return {
    get(path) {
      const now = hashed?.get(path);
      if (now) return now;
      if (!index && ++asked > 32) {
        index = new Map();
        for (const list of [s.paths, s.files]) for (const c of list) if (c[2]) index.set(c[0], c);
      }
      if (index) return found(index.get(path));
      let last: Covered | undefined; // (as the index: a later list's entry with a hash wins)
      for (const list of [s.paths, s.files]) for (const c of list) if (c[2] && c[0] === path) last = c;
      return found(last);
    },
  };
}

/** No stamp: a stamp of an earlier build must not outlive one that could not be vouched for. */
export function removeNoopStamp(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* none */
  }
}

function refuse(file: string): false {
  removeNoopStamp(file);
  return false;
}
