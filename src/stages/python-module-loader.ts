// Python ceci modules (`modules: txpipe rail.creation...`): their stage classes are read by running lbg's
// introspection helper (python/introspect.py) with the configured interpreter, once for all modules that
// need it. Results are cached per module in `.cache/python/<module>.json`:
//   { "helper": "<sha1 of the helper script>", "python": "<interpreter's path>", "paths": [python_paths], "sources": { "<abs path>": "<xxh64>" },
//     "classes": [PythonStageMeta...] }
// valid while the interpreter and python_paths are the same and every source file has the same content
// (through the stat cache, so a no-op build starts no Python process). A module that fails to import is an
// error quoting Python's message and the file:line where it failed, and is not cached: installing the
// missing package fixes it.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { writeAtomic } from "../fs/write-atomic.ts";
import { isAbsolute, join, relative, resolve } from "node:path";
import { fromCwd, LbgError, type SourcePos } from "../errors/lbg-error.ts";
import { findExecutable } from "../fs/find-executable.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import type { OptionSpec } from "../sdk/stage.ts";
import INTROSPECT_PY from "./python/introspect.py";
import type { PythonStageMeta } from "./stage-meta.ts";

// A cache entry is only as good as the helper that wrote it: any change to the helper re-introspects.
const HELPER = createHash("sha1").update(INTROSPECT_PY).digest("hex");

interface CacheEntry {
  helper: string;
  python: string;
  paths: string[];
  sources: Record<string, string>;
  classes: PythonStageMeta[];
}

interface IntrospectedStage {
  name: string;
  class: string;
  module: string;
  top: string;
  namespace: boolean;
  parallel: boolean;
  doc: string;
  file: string | null;
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  options: Record<string, OptionSpec>;
  sources: string[];
  packages: Record<string, string>;
}
type IntrospectedModule =
  | { module: string; ok: true; stages: IntrospectedStage[]; sources: string[] }
  | { module: string; ok: false; error: string; where: { file: string; line: number } | null };

export interface PythonEnv {
  /** Interpreter: LBG_PYTHON, else the site file's `python`, else `python3` from PATH (as ceci does). */
  python: string;
  /** Where that is (PATH looked up): what the cache is keyed on, so another venv or PATH re-introspects. */
  resolved: string;
  /** python_paths resolved against the project root. */
  paths: string[];
  /** The PATH folders looked in to find it (none when it was given as a path). */
  searched: string[];
}

export function pythonEnv(root: string, sitePython: string | undefined, pythonPaths: string[]): PythonEnv {
  const python = process.env.LBG_PYTHON || sitePython || "python3";
  const searched: string[] = [];
  return {
    python,
    resolved: findExecutable(python, root, process.env.PATH, searched) ?? python,
    paths: pythonPaths.map((p) => resolve(root, p)),
    searched,
  };
}

export function pythonPathEnv(env: PythonEnv): string {
  return [...env.paths, ...(process.env.PYTHONPATH ? [process.env.PYTHONPATH] : [])].join(":");
}

function cachePath(root: string, module: string): string {
  return join(root, ".cache", "python", `${module}.json`);
}

/** Paths in fingerprints: relative to the root when inside it, so moving a project keeps it fresh. */
function projectRel(root: string, p: string): string {
  const r = relative(root, p);
  return r.startsWith("..") || isAbsolute(r) ? p : r;
}

function readCache(root: string, module: string, env: PythonEnv, hashes: StatCache): CacheEntry | undefined {
  const file = cachePath(root, module);
  if (!existsSync(file)) return undefined;
  try {
    const e = JSON.parse(readFileSync(file, "utf8")) as CacheEntry;
    if (e.helper !== HELPER || e.python !== env.resolved || JSON.stringify(e.paths) !== JSON.stringify(env.paths))
      return undefined;
    for (const [p, h] of Object.entries(e.sources)) if (hashes.hash(p)?.hash !== h) return undefined;
    return e;
  } catch {
    return undefined;
  }
}

export function loadPythonModules(
  root: string,
  modules: { name: string; pos?: SourcePos }[],
  env: PythonEnv,
  hashes: StatCache,
): PythonStageMeta[] {
  const out: PythonStageMeta[] = [];
  const stale: { name: string; pos?: SourcePos }[] = [];
  for (const m of modules) {
    const e = readCache(root, m.name, env, hashes);
    if (e) out.push(...e.classes);
    else stale.push(m);
  }
  if (stale.length === 0) return out;
  const r = spawnSync(env.resolved, ["-c", INTROSPECT_PY, ...stale.map((m) => m.name)], {
    cwd: root,
    encoding: "utf8",
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PYTHONPATH: pythonPathEnv(env) },
  });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new LbgError(
      `cannot run Python '${env.python}' to read module ${stale[0]!.name}: ${code === "ENOENT" ? "not found" : r.error.message}`,
      stale[0]!.pos,
      "install Python 3 with ceci, or point LBG_PYTHON (or `python:` in the site file) at the interpreter that has it",
    );
  }
  let doc: { error?: string; modules?: IntrospectedModule[] };
  try {
    doc = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "");
  } catch {
    const why = (r.stderr || r.stdout).trim().split("\n").at(-1) ?? `exit code ${r.status}`;
    throw new LbgError(`reading Python module ${stale[0]!.name} failed: ${why}`, stale[0]!.pos);
  }
  if (doc.error)
    throw new LbgError(
      `${doc.error} (interpreter ${env.python})`,
      stale[0]!.pos,
      "install ceci for this interpreter, or set LBG_PYTHON / python_paths",
    );
  for (const m of doc.modules ?? []) {
    const ref = stale.find((s) => s.name === m.module);
    if (!m.ok) {
      const where = m.where ? `${fromCwd(m.where.file)}:${m.where.line}: ` : "";
      throw new LbgError(
        `Python module '${m.module}' failed to import: ${where}${m.error}`,
        ref?.pos,
        "check the module name, python_paths and the interpreter (LBG_PYTHON)",
      );
    }
    const sources: Record<string, string> = {};
    for (const f of new Set([...m.sources, ...m.stages.flatMap((s) => s.sources)])) {
      const h = hashes.hash(f);
      if (h) sources[f] = h.hash;
    }
    const extras = (s: IntrospectedStage) =>
      Object.fromEntries(Object.entries(s.packages).map(([k, v]) => [`python-package:${k}`, v || "unknown"]));
    const classes: PythonStageMeta[] = m.stages.map((s) => ({
      kind: "python",
      name: s.name,
      module: m.module,
      file: projectRel(root, s.file ?? s.sources[0] ?? s.module),
      doc: s.doc,
      inputs: s.inputs,
      outputs: s.outputs,
      options: s.options,
      sources: s.sources.map((f) => projectRel(root, f)),
      codeExtras: extras(s),
      pyClass: s.class,
      pyModule: s.module,
      top: s.top,
      namespace: s.namespace,
      parallel: s.parallel,
    }));
    const entry: CacheEntry = { helper: HELPER, python: env.resolved, paths: env.paths, sources, classes };
    writeAtomic(cachePath(root, m.module), JSON.stringify(entry));
    out.push(...classes);
  }
  return out;
}
