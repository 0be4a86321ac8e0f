// The no-op stamp: a memo of the last `lbg build` that found every stage of a run fresh, so that the next
// identical build can say so again from stat() calls alone, without parsing YAML, loading stage classes,
// reading the records or computing a single fingerprint (ninja's no-op costs one stat per file; so does
// this). It is only a shortcut in front of the real check: when anything it covers differs, the build takes
// the normal path, which re-checks everything and, if every stage is still fresh, writes a new stamp.
//
// Trust model: the same as the stat cache's (src/fs/stat-cache.ts) — a file whose (device, inode, size, mtime,
// ctime) is unchanged has unchanged contents — so the stamp lies exactly when the stat cache would.
// A stamp is not written when any covered path changed after the build that writes it began, or within the
// file system's timestamp granularity before (the plan may have read it before the change, and a write in
// the same tick as the read would leave the stat unchanged).
//
// On disk: `.cache/runs/<run>/noop.json`, written atomically (temp file + rename):
//   { "format": 1,
//     "key": "<JSON of everything that is not a file: lbg's build, the command's arguments, cwd, cores>",
//     "env": { "<NAME>": "<value>" | null },          environment variables the configs name (null: unset)
//     "paths": [ ["<absolute path>", "<dev>:<ino>:<size>:<mtimeMs>:<ctimeMs>" | ""], … ],   "" = absent
//     "start": { <the build-start event> }, "warnings": ["<warning text>", …], "fresh": ["<stage>", …] }
// `paths` covers the run's config files and their folders (a new file can shadow one: x.yaml vs x.yml),
// the candidate paths the loader looked for and did not use (RunModel.probed), every file whose hash the
// plan looked up (stage sources and their local imports, Python sources, run inputs, outputs; every file and
// folder inside a directory input or output), the folders of the stage files and of every module name
// (a new stage file; a TypeScript folder appearing where a Python module was found), the Python interpreter
// and the PATH folders searched before it, and the records file (any record appended or rewritten, e.g. by
// clean or accept).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { BuildEvent } from "../events/build-event.ts";
import { timestampTickMs } from "../fs/timestamp-tick.ts";
import { writeAtomic } from "../fs/write-atomic.ts";

const FORMAT = 1;

export interface NoopStamp {
  format: number;
  key: string;
  env: Record<string, string | null>;
  paths: [string, string][];
  start: Extract<BuildEvent, { event: "build-start" }>;
  warnings: string[];
  fresh: string[];
}

/** Plain (not bigint) stats: a BigIntStats costs twice as much, and a double holds mtime to well under a
 *  microsecond, far finer than the 50 ms a covered file must have been left alone before a stamp is written. */
function statKey(path: string): { key: string; mtimeMs: number; ctimeMs: number } | undefined {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return undefined;
  return {
    key: `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`,
    mtimeMs: st.mtimeMs,
    ctimeMs: st.ctimeMs,
  };
}

/** Every file and folder below `dir` (not following symlinked folders: their targets are hashed as files). */
function below(dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    out.push(p);
    if (e.isDirectory()) below(p, out);
  }
}

/** The stamp in `file` if it exists, is of this format and was made for `key`; it is not yet checked. */
export function readNoopStamp(file: string, key: string): NoopStamp | undefined {
  try {
    const s = JSON.parse(readFileSync(file, "utf8")) as NoopStamp;
    return s && s.format === FORMAT && s.key === key && Array.isArray(s.paths) && Array.isArray(s.fresh)
      ? s
      : undefined;
  } catch {
    return undefined; // absent, half-written by a foreign tool, or damaged: only costs the normal path
  }
}

/** What differs from when the stamp was written (the first thing found), or undefined when it all holds. */
export function noopStampDiffers(s: NoopStamp, env: NodeJS.ProcessEnv): string | undefined {
  for (const [name, v] of Object.entries(s.env)) if ((env[name] ?? null) !== v) return `$${name} changed`;
  for (const [path, key] of s.paths) if ((statKey(path)?.key ?? "") !== key) return `${path} changed`;
  return undefined;
}

export interface StampInput {
  key: string;
  envNames: string[];
  env: NodeJS.ProcessEnv;
  /** Paths whose stat matters; `deep` ones are directories whose whole contents matter. */
  paths: string[];
  deep: string[];
  start: NoopStamp["start"];
  warnings: string[];
  fresh: string[];
  /** Epoch ms when the check began: a covered path changed since (or within a timestamp tick before) was
   *  perhaps read before the change, so no stamp is written. */
  notAfter: number;
}

/** Writes the stamp, unless a covered path changed too recently to be trusted (then the next build checks). */
export function writeNoopStamp(file: string, i: StampInput): boolean {
  const all = new Set(i.paths);
  for (const d of i.deep) {
    const inside: string[] = [];
    try {
      below(d, inside);
    } catch {
      return false; // vanished or unreadable while we looked: do not vouch for it
    }
    for (const p of inside) all.add(p);
  }
  const since = Math.min(i.notAfter, Date.now());
  const paths: [string, string][] = [];
  for (const p of all) {
    const st = statKey(p);
    if (st) {
      const tick = timestampTickMs(st.mtimeMs % 1000 === 0);
      if (since - st.mtimeMs < tick || since - st.ctimeMs < tick) return false;
    }
    paths.push([p, st?.key ?? ""]);
  }
  const env: Record<string, string | null> = {};
  for (const n of [...new Set(i.envNames)].sort()) env[n] = i.env[n] ?? null;
  const stamp: NoopStamp = {
    format: FORMAT,
    key: i.key,
    env,
    paths,
    start: i.start,
    warnings: i.warnings,
    fresh: i.fresh,
  };
  writeAtomic(file, JSON.stringify(stamp));
  return true;
}
