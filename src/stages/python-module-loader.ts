// Python ceci modules (`modules: txpipe rail.creation...`): their stage classes are read by running lbg's
// introspection helper (python/introspect.py) with the configured interpreter, once for all modules that
// need it. Results are cached per module in `.cache/python/<module>.json`:
//   { "helper": "<sha1 of the helper script>", "python": "<interpreter's path>", "paths": [python_paths], "sources": { "<abs path>": "<xxh64>" },
//     "files": [code files, relative to the root when inside it], "classes": [PythonStageMeta, with `sources` as
//     indices into "files" and option defaults in tagged JSON (src/config/py-value.ts)] }
// valid while the interpreter and python_paths are the same and every source file has the same content
// (through the stat cache, so a no-op build starts no Python process). A module that fails to import is an
// error quoting Python's message and the file:line where it failed, and is not cached: installing the
// missing package fixes it. An import that takes longer than LBG_LOAD_TIMEOUT (300 s by default:
// load-timeout.ts) stops the helper, and the error names the module it was importing.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { writeAtomic } from "../fs/write-atomic.ts";
import { isAbsolute, join, relative } from "node:path";
import { fromCwd, LbgError, type SourcePos } from "../errors/lbg-error.ts";
import { clip } from "../errors/clip.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import type { OptionSpec } from "../sdk/stage.ts";
import { fromTaggedJson } from "../config/py-value.ts";
import INTROSPECT_PY from "./python/introspect.py";
import type { PythonStageMeta } from "./stage-meta.ts";
import { pythonLoadTimeoutSeconds } from "./load-timeout.ts";

// A cache entry is only as good as the helper that wrote it: any change to the helper re-introspects.
const HELPER = createHash("sha1").update(INTROSPECT_PY).digest("hex");

/** A class as cached: its code files are indices into the entry's `files` (a package's classes share most). */
type CachedClass = Omit<PythonStageMeta, "sources"> & { sources: number[] };

interface CacheEntry {
  helper: string;
  python: string;
  paths: string[];
  sources: Record<string, string>;
  files: string[];
  classes: CachedClass[];
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
  /** Indices into the module's `files`. */
  sources: number[];
  packages: Record<string, string>;
}
type IntrospectedModule =
  | { module: string; ok: true; stages: IntrospectedStage[]; sources: number[]; files: string[] }
  | { module: string; ok: false; error: string; where: { file: string; line: number } | null };

// The interpreter set-up lives in python-env.ts (the scheduler needs it without this loader).
export { type PythonEnv, pythonEnv, pythonPathEnv } from "./python-env.ts";
import { type PythonEnv, pythonPathEnv } from "./python-env.ts";

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
    // A damaged entry (valid JSON of another shape) costs an introspection, never a crash.
    const n = Array.isArray(e.files) ? e.files.length : -1;
    const wellFormed = (c: CachedClass) =>
      Array.isArray(c.sources) && c.sources.every((i) => Number.isInteger(i) && i >= 0 && i < n);
    if (!Array.isArray(e.classes) || !e.classes.every(wellFormed)) return undefined;
    for (const [p, h] of Object.entries(e.sources)) if (hashes.hash(p)?.hash !== h) return undefined;
    return e;
  } catch {
    return undefined;
  }
}

/** A cached class as lbg uses it: its code files as paths (one array for classes with the same files), and
 *  option defaults from tagged JSON (nan, 2.0, opaque values: py-value.ts). */
function expandClasses(files: string[], classes: CachedClass[]): PythonStageMeta[] {
  const shared = new Map<string, string[]>();
  return classes.map((c) => {
    const key = c.sources.join(",");
    let sources = shared.get(key);
    if (!sources) {
      sources = c.sources.map((i) => files[i]!);
      shared.set(key, sources);
    }
    const options: Record<string, OptionSpec> = {};
    for (const [k, o] of Object.entries(c.options))
      options[k] = o.default === undefined ? o : { ...o, default: fromTaggedJson(o.default) };
    return { ...c, sources, options };
  });
}

/** What the helper printed, however it ended. */
interface HelperRun {
  names: string[];
  stdout: string;
  stderr: string;
  status: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the interpreter could not be started. */
  spawnError?: NodeJS.ErrnoException;
  /** The limit in seconds, when the helper was stopped for taking longer. */
  timedOut?: number;
}

/** The helper's stderr line before each import (introspect.py, `importing`). */
const IMPORTING = "lbg-importing: ";

function runHelper(root: string, env: PythonEnv, names: string[]): Promise<HelperRun> {
  const seconds = pythonLoadTimeoutSeconds();
  return new Promise((done) => {
    execFile(
      env.resolved,
      ["-c", INTROSPECT_PY, ...names],
      {
        cwd: root,
        encoding: "utf8",
        timeout: seconds * 1000,
        // An import may have set a SIGTERM handler of its own; the helper writes nothing that needs cleaning up.
        killSignal: "SIGKILL",
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, PYTHONPATH: pythonPathEnv(env) },
      },
      (error, stdout, stderr) => {
        const e = error as
          | (NodeJS.ErrnoException & { code?: unknown; signal?: NodeJS.Signals | null; killed?: boolean })
          | null;
        const spawnError =
          e && typeof e.code === "string" && e.code !== "ERR_CHILD_PROCESS_STDIO_MAXBUFFER" ? e : undefined;
        const status = !e ? 0 : typeof e.code === "number" ? e.code : null;
        // Killed by execFile itself (`killed`) with our signal: the timeout (a full buffer kills with it too).
        const timedOut =
          e?.killed && e.signal === "SIGKILL" && e.code !== "ERR_CHILD_PROCESS_STDIO_MAXBUFFER" ? seconds : undefined;
        done({ names, stdout, stderr, status, signal: e?.signal ?? null, spawnError, timedOut });
      },
    );
  });
}

/** The module the helper was importing when it stopped (its last IMPORTING line), if it said. */
function lastImport(stderr: string): string | undefined {
  const at = stderr.lastIndexOf(`\n${IMPORTING}`);
  const from = at >= 0 ? at + 1 : stderr.startsWith(IMPORTING) ? 0 : -1;
  if (from < 0) return undefined;
  const end = stderr.indexOf("\n", from);
  return stderr.slice(from + IMPORTING.length, end < 0 ? undefined : end).trim() || undefined;
}

/**
 * The modules to introspect, in groups that run as separate interpreters at once: one per top-level package
 * (txpipe's modules together, rail's together: they share most imports), at most as many as there are idle
 * cores. Importing is nearly all of the cost, and TXPipe's and RAIL's imports take about as long each, so on
 * idle cores this halves the wait; on a busy machine one interpreter does it all, as the extra one would only
 * import numpy and friends a second time.
 */
export function helperGroups<M extends { name: string }>(modules: M[], slots = idleCores()): M[][] {
  const byTop = new Map<string, M[]>();
  for (const m of modules) {
    const top = m.name.split(".")[0]!;
    byTop.set(top, [...(byTop.get(top) ?? []), m]);
  }
  const n = Math.max(1, Math.min(byTop.size, slots));
  const groups: M[][] = Array.from({ length: n }, () => []);
  for (const [i, g] of [...byTop.values()].entries()) groups[i % n]!.push(...g);
  return groups;
}

/** Cores not busy (by the last minute's load average), at least one. */
function idleCores(): number {
  const cores = availableParallelism();
  return Math.max(1, Math.min(cores, Math.ceil(cores - loadavg()[0]!)));
}

/** The answer of one helper run, or the error that says why there is none. `pos` gives each module's
 *  position (its `modules:` entry). */
function helperAnswer(
  root: string,
  env: PythonEnv,
  r: HelperRun,
  pos: (module: string) => SourcePos | undefined,
): IntrospectedModule[] {
  if (r.timedOut !== undefined) {
    // The module it was importing: one of the group's, or ceci itself (imported first), or none if it said nothing.
    const module = lastImport(r.stderr);
    const own = module !== undefined && r.names.includes(module);
    const others = clip(r.names.filter((n) => n !== module).join(", "), 100);
    const what = !module
      ? `reading Python module${r.names.length > 1 ? "s" : ""} ${others} gave no answer within ${r.timedOut} s`
      : `Python module '${clip(module, 100)}' was still importing after ${r.timedOut} s${
          !own ? `, before reading ${others}` : others ? ` (with ${others} in the same interpreter)` : ""
        }`;
    throw new LbgError(
      what,
      pos(own ? module : r.names[0]!),
      "a slow import (TXPipe's or RAIL's can take minutes on a busy node) or one that never returns? LBG_LOAD_TIMEOUT=<seconds> sets the limit",
    );
  }
  if (r.spawnError) {
    const code = r.spawnError.code;
    throw new LbgError(
      `cannot run Python '${env.python}' to read module ${r.names[0]}: ${code === "ENOENT" ? "not found" : r.spawnError.message}`,
      pos(r.names[0]!),
      "install Python 3 with ceci, or point LBG_PYTHON (or `python:` in the site file) at the interpreter that has it",
    );
  }
  let doc: { error?: string; modules?: IntrospectedModule[] };
  try {
    doc = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "");
  } catch {
    // Whatever the interpreter printed goes to a file; the message quotes only the start of its last line.
    const log = join(root, ".cache", "python", "introspection-failure.log");
    let where: string | undefined;
    try {
      writeAtomic(
        log,
        `$ ${env.resolved} -c <lbg introspection helper> ${r.names.join(" ")}\n--- exit ${r.status ?? r.signal}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}\n`,
      );
      where = fromCwd(log);
    } catch {
      /* a read-only .cache: the message alone */
    }
    const said = r.stderr
      .split("\n")
      .filter((l) => !l.startsWith(IMPORTING))
      .join("\n")
      .trim();
    const last = (said || r.stdout).trim().split("\n").at(-1) || `exit code ${r.status ?? r.signal}`;
    throw new LbgError(
      `reading Python module ${r.names[0]} failed: ${clip(last, 300, where)}`,
      pos(r.names[0]!),
      where ? `the interpreter's whole output is in ${where}` : undefined,
    );
  }
  if (doc.error)
    throw new LbgError(
      `${clip(doc.error)} (interpreter ${env.python})`,
      pos(r.names[0]!),
      "install ceci for this interpreter, or set LBG_PYTHON / python_paths",
    );
  return doc.modules ?? [];
}

export async function loadPythonModules(
  root: string,
  modules: { name: string; pos?: SourcePos }[],
  env: PythonEnv,
  hashes: StatCache,
  /** How many interpreters may run at once (default: the idle cores). */
  slots?: number,
): Promise<PythonStageMeta[]> {
  const out: PythonStageMeta[] = [];
  const stale: { name: string; pos?: SourcePos }[] = [];
  for (const m of modules) {
    const e = readCache(root, m.name, env, hashes);
    if (e) out.push(...expandClasses(e.files, e.classes));
    else stale.push(m);
  }
  if (stale.length === 0) return out;
  const groups = helperGroups(stale, slots);
  const runs = await Promise.all(
    groups.map((g) =>
      runHelper(
        root,
        env,
        g.map((m) => m.name),
      ),
    ),
  );
  const answers = new Map<string, IntrospectedModule>();
  let failure: LbgError | undefined;
  const posOf = new Map(stale.map((m) => [m.name, m.pos]));
  runs.forEach((r) => {
    try {
      for (const m of helperAnswer(root, env, r, (name) => posOf.get(name))) answers.set(m.module, m);
    } catch (e) {
      failure ??= e as LbgError;
    }
  });
  // Modules that were read are cached even when another failed: fixing that one re-reads it alone.
  for (const ref of stale) {
    const m = answers.get(ref.name);
    if (!m) continue;
    if (!m.ok) {
      const where = m.where ? `${fromCwd(m.where.file)}:${m.where.line}: ` : "";
      failure ??= new LbgError(
        `Python module '${m.module}' failed to import: ${where}${clip(m.error)}`,
        ref.pos,
        "check the module name, python_paths and the interpreter (LBG_PYTHON)",
      );
      continue;
    }
    const sources: Record<string, string> = {};
    for (const i of new Set([...m.sources, ...m.stages.flatMap((s) => s.sources)])) {
      const h = hashes.hash(m.files[i]!);
      if (h) sources[m.files[i]!] = h.hash;
    }
    const extras = (s: IntrospectedStage) =>
      Object.fromEntries(Object.entries(s.packages).map(([k, v]) => [`python-package:${k}`, v || "unknown"]));
    const classes: CachedClass[] = m.stages.map((s) => ({
      kind: "python",
      name: s.name,
      module: m.module,
      file: projectRel(root, s.file ?? m.files[s.sources[0] ?? -1] ?? s.module),
      doc: s.doc,
      inputs: s.inputs,
      outputs: s.outputs,
      options: s.options,
      sources: s.sources,
      codeExtras: extras(s),
      pyClass: s.class,
      pyModule: s.module,
      top: s.top,
      namespace: s.namespace,
      parallel: s.parallel,
    }));
    const files = m.files.map((f) => projectRel(root, f));
    const entry: CacheEntry = { helper: HELPER, python: env.resolved, paths: env.paths, sources, files, classes };
    writeAtomic(cachePath(root, m.module), JSON.stringify(entry));
    out.push(...expandClasses(files, classes));
  }
  if (failure) throw failure;
  return out;
}
