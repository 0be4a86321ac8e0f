// Finds TypeScript stage classes in a project folder (`modules: lbg_stages` → `<root>/lbg_stages/*.ts`).
//
// Each stage file is bundled with esbuild (npm packages stay external; `#lbg/sdk`-style imports are resolved
// through package.json's `imports` and bundled) into `.cache/bundles/<file>-<hash>.mjs` (<hash>: xxh64 of the
// bundle's code, which ends in an inline source map) and introspected in a child process. The result is cached per file in
// `.cache/stages/<file>.json`:
//   { "format": 9, "sources": { "<rel path>": "<xxh64>" | null }, "resolution": { "<rel path>": "<xxh64>" | "missing" },
//     "dirs": { "<rel dir>": "<xxh64>" | null }, "classes": [StageMeta...] | null, "error": string | null,
//     "sum": "<xxh64 of this JSON without sum>" }
// `sources` are the file and every local file it imports (esbuild's metafile; they make the code fingerprint);
// `resolution` the configuration files esbuild read to decide which files those are (resolution-files.ts: the
// nearest package.json, whose `imports` map `#…`, and the nearest tsconfig.json with what it `extends`, whose
// `paths` map `@lib/*`; one that is missing but would be found first if written, as "missing"). While the
// content hashes of both (through the stat cache, so usually without reading them) are unchanged, nothing is
// bundled or imported. Being looked up through the stat cache also puts them under the no-op stamp.
// An entry that records a failure is also keyed on what the failed bundle tried to reach, so that the fix is
// seen wherever it is made: every file esbuild read (a syntax error in a helper), the listing of every folder
// a relative import pointed into (`dirs`: a helper that does not exist yet, then is written), and, after an
// import-time failure, the package.json of every npm package the bundle imports (null: not installed). A
// source whose hash is null must still be missing. Only successful entries are in the stage list's `sources`.
// Damage to either cache costs a rebuild of the entry, never a failed build: an entry whose `sum` does not
// match, or whose bundle's content no longer has the hash in its name (checked through the stat cache too),
// is bundled and introspected again.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import type { Plugin } from "esbuild";
import { didYouMean, suggest } from "../errors/did-you-mean.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import { hashStringWith } from "../fs/hash-file.ts";
import { writeAtomic } from "../fs/write-atomic.ts";
import { FILE_TYPES, type OptionSpec } from "../sdk/stage.ts";
import { typeOk } from "./effective-config.ts";
import { askWorker, NoAnswer } from "./ask-worker.ts";
import { IMPORTING, type IntrospectResult } from "./introspect-main.ts";
import { loadTimeoutSeconds } from "./load-timeout.ts";
import { resolutionFiles } from "./resolution-files.ts";
import { isMetricsType, type TsStageMeta as StageMeta } from "./stage-meta.ts";
import { subpathImportsPlugin } from "./subpath-imports-plugin.ts";

// 3: StageMeta has `validates` (the class has a static validate hook) and entries carry `sum`. 4: `resolution`.
// 5: StageMeta has `metrics` (the class's `static metrics`). 6: bundles carry an inline source map (stack
// traces name the TypeScript files: stage-stack.ts). 7: `dirs`, and null sources (files that must still be
// missing), for entries that record a failure. 8: the run cache and provenance met the source maps and the
// failure keys (development branches also called their formats 6 and 7): rebuilt rather than trusted. 9:
// `resolution` holds every configuration file esbuild's resolution read, not package.json alone.
const FORMAT = 9;
const SPEC_KEYS = ["type", "default", "required", "doc"];
const OPTION_TYPES = ["int", "float", "str", "bool", "list", "dict", "any"];

interface CacheEntry {
  format: number;
  sources: Record<string, string | null>;
  resolution: Record<string, string>;
  dirs?: Record<string, string | null>;
  classes: StageMeta[] | null;
  error: string | null;
}

export interface FileStages {
  file: string;
  classes: StageMeta[];
  error?: string;
}

/**
 * Folder of a TypeScript stage module, or undefined when the name is not one: a folder of the project with
 * TypeScript files and no `__init__.py` (a Python package folder at the root, as in ceci's own repository,
 * is a Python module).
 */
export function tsModuleDir(root: string, module: string): string | undefined {
  const dir = join(root, ...module.split("."));
  try {
    if (!statSync(dir).isDirectory() || existsSync(join(dir, "__init__.py"))) return undefined;
    return readdirSync(dir).some((f) => f.endsWith(".ts")) ? dir : undefined;
  } catch {
    return undefined;
  }
}

function stageFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") && !e.name.endsWith(".test.ts"))
    .map((e) => join(dir, e.name))
    .sort();
}

function cachePath(root: string, file: string): string {
  return join(root, ".cache", "stages", `${relative(root, file).replaceAll("/", "__")}.json`);
}

function writeEntry(root: string, file: string, entry: CacheEntry, hashes: StatCache): void {
  writeAtomic(
    cachePath(root, file),
    JSON.stringify({ ...entry, sum: hashStringWith(hashes.h, JSON.stringify(entry)) }),
  );
}

/** Whether a bundle still holds the code its name's hash was taken of. */
function bundleIntact(bundle: string, hashes: StatCache): boolean {
  const m = /-([0-9a-f]{16})\.mjs$/.exec(bundle);
  return !!m && hashes.hash(bundle)?.hash === m[1];
}

function readCache(root: string, file: string, hashes: StatCache): CacheEntry | undefined {
  const p = cachePath(root, file);
  if (!existsSync(p)) return undefined;
  try {
    const { sum, ...e } = JSON.parse(readFileSync(p, "utf8")) as CacheEntry & { sum?: string };
    if (e.format !== FORMAT || sum !== hashStringWith(hashes.h, JSON.stringify(e))) return undefined;
    for (const [rel, h] of Object.entries(e.sources)) {
      if ((hashes.hash(join(root, rel))?.hash ?? null) !== h) return undefined;
    }
    for (const [rel, h] of Object.entries(e.resolution)) {
      if ((hashes.hash(join(root, rel))?.hash ?? "missing") !== h) return undefined;
    }
    for (const [rel, h] of Object.entries(e.dirs ?? {})) {
      if (listingHash(join(root, rel), hashes) !== h) return undefined;
    }
    if (e.classes?.some((c) => !bundleIntact(c.bundle, hashes))) return undefined;
    return e;
  } catch {
    return undefined;
  }
}

/** Loads every stage file of a module folder, bundling and introspecting only files whose sources changed. */
export async function loadTsModule(
  root: string,
  module: string,
  dir: string,
  hashes: StatCache,
): Promise<FileStages[]> {
  const files = stageFiles(dir);
  const out = new Map<string, FileStages>();
  const stale: string[] = [];
  for (const f of files) {
    const e = readCache(root, f, hashes);
    if (e) out.set(f, { file: f, classes: e.classes ?? [], error: e.error ?? undefined });
    else stale.push(f);
  }
  if (stale.length > 0) {
    for (const r of await bundleAndIntrospect(root, module, stale, hashes)) out.set(r.file, r);
  }
  return files.map((f) => out.get(f)!);
}

async function bundleAndIntrospect(
  root: string,
  module: string,
  files: string[],
  hashes: StatCache,
): Promise<FileStages[]> {
  const { build } = await import("esbuild");
  const bundleDir = join(root, ".cache", "bundles");
  mkdirSync(bundleDir, { recursive: true });
  const results: FileStages[] = [];
  const pending: {
    file: string;
    bundle: string;
    sources: Record<string, string>;
    resolution: Record<string, string>;
    packages: string[];
    dirs: Set<string>;
  }[] = [];
  for (const file of files) {
    const rel = relative(root, file);
    const reached = observer();
    try {
      const r = await build({
        entryPoints: [file],
        absWorkingDir: root,
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node20",
        packages: "external",
        // The observer first: it only watches (what was loaded, where relative imports looked), then resolves nothing.
        plugins: [reached.plugin, subpathImportsPlugin],
        keepNames: true,
        write: false,
        metafile: true,
        logLevel: "silent",
        outdir: bundleDir,
        jsx: "automatic",
        // Line mappings only (no copy of the sources): Node maps stack frames back to lbg_stages/*.ts.
        sourcemap: "inline",
        sourcesContent: false,
      });
      const code = r.outputFiles.find((o) => o.path.endsWith(".js"))!;
      const out = Object.values(r.metafile!.outputs)[0]!;
      const sources: Record<string, string> = {};
      for (const input of Object.keys(out.inputs).sort()) {
        if (input.includes("node_modules/") || input.startsWith("<")) continue;
        const h = hashes.hash(join(root, input));
        if (h) sources[input] = h.hash;
      }
      const packages = out.imports.filter((i) => i.external && !i.path.startsWith("node:")).map((i) => i.path);
      const bundle = join(bundleDir, `${basename(file, ".ts")}-${hashStringWith(hashes.h, code.text)}.mjs`);
      if (!bundleIntact(bundle, hashes)) {
        writeAtomic(bundle, code.text);
        hashes.invalidate(bundle);
        hashes.hash(bundle); // into the stat cache now, so the next build checks it by stat alone
      }
      const resolution = resolutionFiles(
        root,
        Object.keys(sources).map((s) => join(root, s)),
        hashes,
      );
      pending.push({ file, bundle, sources, resolution, packages, dirs: reached.dirs });
    } catch (e) {
      const errs = (e as { errors?: { text: string; location?: { file: string; line: number; column: number } }[] })
        .errors;
      const first = errs?.[0];
      const where = first?.location
        ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: `
        : `${rel}: `;
      const error = `${where}${first?.text ?? (e as Error).message}`;
      // Cached against everything the bundle read or looked for, so a no-op does not retry it and any fix
      // — in the stage file, a helper it imports, a helper written only now — is seen.
      const sources: Record<string, string | null> = {};
      for (const f of [file, ...reached.files]) sources[relative(root, f)] = hashes.hash(f)?.hash ?? null;
      const entry: CacheEntry = {
        format: FORMAT,
        sources,
        resolution: resolutionFiles(root, [file, ...reached.files], hashes),
        dirs: listings(root, reached.dirs, hashes),
        classes: null,
        error,
      };
      writeEntry(root, file, entry, hashes);
      results.push({ file, classes: [], error });
    }
  }
  if (pending.length > 0) {
    const answers = introspectAll(
      root,
      pending.map((p) => p.bundle),
    );
    for (const p of pending) {
      const answer = answers.get(p.bundle);
      const r = answer && !("failed" in answer) ? answer : undefined;
      const rel = relative(root, p.file);
      let entry: CacheEntry;
      if (!r) {
        // The introspection process itself failed (a timeout under load, a crash): nothing is cached, the
        // next load tries again.
        const why = answer && "failed" in answer ? answer.failed : "no answer from the introspection process";
        results.push({ file: p.file, classes: [], error: `${rel}: failed to load: ${why}` });
        continue;
      }
      if (!r.ok) {
        // An import-time failure may be fixed by installing a package, or by any file the bundle holds.
        const sources: Record<string, string | null> = { ...p.sources };
        for (const pkg of p.packages) {
          const manifest = join("node_modules", ...packageName(pkg).split("/"), "package.json");
          sources[manifest] = hashes.hash(join(root, manifest))?.hash ?? null;
        }
        entry = {
          format: FORMAT,
          sources,
          resolution: p.resolution,
          dirs: listings(root, p.dirs, hashes),
          classes: null,
          error: `${rel}: failed to load: ${r.error ?? "unknown error"}`,
        };
      } else {
        try {
          const classes = (r.classes ?? []).map((c) => validateClass(rel, module, p.bundle, Object.keys(p.sources), c));
          if (classes.length > 1)
            throw new Error(
              `defines ${classes.length} stage classes (${classes.map((c) => c.name).join(", ")}); put one stage class per file`,
            );
          entry = { format: FORMAT, sources: p.sources, resolution: p.resolution, classes, error: null };
        } catch (e) {
          entry = {
            format: FORMAT,
            sources: p.sources,
            resolution: p.resolution,
            classes: null,
            error: `${rel}: ${(e as Error).message}`,
          };
        }
      }
      writeEntry(root, p.file, entry, hashes);
      results.push({ file: p.file, classes: entry.classes ?? [], error: entry.error ?? undefined });
    }
  }
  return results;
}

/**
 * What each bundle declares, or why it gave no answer. The bundles are imported one after another in one
 * process; when that process hangs or dies, the bundle it was importing (the last one it named on stderr) is
 * the one to blame, and the others are asked again without it.
 */
function introspectAll(root: string, bundles: string[]): Map<string, IntrospectResult | { failed: string }> {
  const out = new Map<string, IntrospectResult | { failed: string }>();
  let left = bundles;
  while (left.length > 0) {
    const answer = runIntrospection(root, left);
    if ("found" in answer) {
      for (const r of answer.found) out.set(r.bundle, r);
      break;
    }
    const culprit = answer.importing !== undefined && left.includes(answer.importing) ? answer.importing : undefined;
    for (const b of culprit ? [culprit] : left) out.set(b, { failed: answer.failed });
    left = culprit ? left.filter((b) => b !== culprit) : [];
  }
  return out;
}

/** What each bundle declares, or why the introspection process gave no answer at all (and which bundle it was
 *  importing then). */
function runIntrospection(
  root: string,
  bundles: string[],
): { found: IntrospectResult[] } | { failed: string; importing?: string } {
  try {
    const found = askWorker<IntrospectResult[]>("introspect", "introspection", {
      cwd: root,
      args: bundles,
      timeoutMs: loadTimeoutSeconds() * 1000,
    });
    return { found };
  } catch (e) {
    if (!(e instanceof NoAnswer)) throw e;
    const marker = e.lines.filter((l) => l.startsWith(IMPORTING)).at(-1);
    const importing = marker?.slice(IMPORTING.length);
    if (e.timedOut)
      return {
        failed: `no answer within ${loadTimeoutSeconds()} s: does the stage file's top-level code run for ever? (LBG_LOAD_TIMEOUT=<seconds> sets the limit)`,
        importing,
      };
    const msg = e.lines.filter((l) => !l.startsWith(IMPORTING)).at(-1) ?? e.message;
    return { failed: msg.slice(0, 300), importing };
  }
}

/** Names people write for ceci's file types (`yaml` for yml, `parquet` for pq). */
const FILE_TYPE_WORDS: Record<string, string> = {
  yaml: "yml",
  json: "yml",
  parquet: "pq",
  pickle: "pkl",
  h5: "hdf5",
  hdf: "hdf5",
  text: "txt",
  dir: "directory",
  folder: "directory",
};

function fileTypeHint(t: string): string {
  const close = FILE_TYPE_WORDS[t.toLowerCase()] ?? didYouMean(t, FILE_TYPES);
  const known = `file types: ${FILE_TYPES.join(" ")}`;
  return close ? `did you mean ${close}? ${known}` : known;
}

function validateClass(
  rel: string,
  module: string,
  bundle: string,
  sources: string[],
  c: NonNullable<IntrospectResult["classes"]>[number],
): StageMeta {
  const tags = (v: unknown, what: string) => {
    if (typeof v !== "object" || v === null || Array.isArray(v))
      throw new Error(`${c.name}.${what} must be an object of tag: file type`);
    for (const [tag, t] of Object.entries(v)) {
      if (!FILE_TYPES.includes(t as never))
        throw new Error(
          `class ${c.name}, ${what === "inputs" ? "input" : "output"} '${tag}': unknown file type '${String(t)}' (${fileTypeHint(String(t))})`,
        );
      if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(tag)) throw new Error(`${c.name}.${what}: invalid tag '${tag}'`);
    }
    return v as StageMeta["inputs"];
  };
  const options = c.options as Record<string, OptionSpec>;
  if (typeof options !== "object" || options === null)
    throw new Error(`${c.name}.config must be an object of option specs`);
  for (const [k, o] of Object.entries(options)) {
    if (!o || typeof o !== "object" || !OPTION_TYPES.includes(o.type))
      throw new Error(`${c.name}.config.${k}: type must be one of ${OPTION_TYPES.join(", ")}`);
    // A default of another type would reach the stage unchecked whenever no config sets the option.
    if (o.default !== undefined && o.default !== null && !typeOk(o, o.default))
      throw new Error(
        `${c.name}.config.${k}: default ${JSON.stringify(o.default)?.slice(0, 60) ?? String(o.default)} is not ${o.type === "int" ? "an int" : `a ${o.type}`}`,
      );
    // `as const` keeps TypeScript from catching a misspelt key, which would silently make the option required.
    const odd = Object.keys(o).find((key) => !SPEC_KEYS.includes(key));
    if (odd) throw new Error(`${c.name}.config.${k}: unknown key '${odd}' (${suggest(odd, SPEC_KEYS, "keys")})`);
  }
  const outputs = tags(c.outputs, "outputs");
  if (!Array.isArray(c.metrics) || c.metrics.some((m) => typeof m !== "string"))
    throw new Error(`${c.name}.metrics must be a list of output tags`);
  for (const m of c.metrics as string[]) {
    if (!Object.hasOwn(outputs, m))
      throw new Error(
        `${c.name}.metrics: '${m}' is not one of its outputs (${suggest(m, Object.keys(outputs), "outputs")})`,
      );
    if (!isMetricsType(outputs[m]!))
      throw new Error(`${c.name}.metrics: output '${m}' is ${outputs[m]}; a metrics output must be yml`);
  }
  return {
    name: c.name,
    kind: "ts",
    module,
    file: rel,
    exportName: c.exportName,
    doc: String(c.doc ?? ""),
    inputs: tags(c.inputs, "inputs"),
    outputs,
    options,
    metrics: c.metrics as string[],
    bundle,
    sources,
    validates: c.validates === true,
  };
}

/**
 * An esbuild plugin that only watches: every file the bundle reads, and every folder a relative import
 * points into (whether or not the file is there), for keying a failure on what can fix it.
 */
function observer(): { plugin: Plugin; files: Set<string>; dirs: Set<string> } {
  const files = new Set<string>();
  const dirs = new Set<string>();
  const plugin: Plugin = {
    name: "lbg-observe",
    setup(b) {
      b.onResolve({ filter: /^\.{0,2}\// }, (a) => {
        if (a.resolveDir && !a.resolveDir.includes("node_modules")) dirs.add(dirname(resolve(a.resolveDir, a.path)));
        return undefined;
      });
      b.onLoad({ filter: /.*/, namespace: "file" }, (a) => {
        if (!a.path.includes("node_modules")) files.add(a.path);
        return undefined;
      });
    },
  };
  return { plugin, files, dirs };
}

/** A folder's entry names as one hash (null: no such folder): adding or removing a file changes it. */
function listingHash(dir: string, hashes: StatCache): string | null {
  try {
    return hashStringWith(hashes.h, readdirSync(dir).sort().join("\0"));
  } catch {
    return null;
  }
}

function listings(root: string, dirs: Iterable<string>, hashes: StatCache): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const d of [...dirs].sort()) out[relative(root, d) || "."] = listingHash(d, hashes);
  return out;
}

/** `@scope/pkg/sub` → `@scope/pkg`; `pkg/sub` → `pkg`. */
function packageName(spec: string): string {
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** For messages: every problem found while loading stage files, as one error. */
export function fileErrors(files: FileStages[]): string[] {
  return files.filter((f) => f.error).map((f) => f.error!);
}
