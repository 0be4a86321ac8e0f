// Type-checks the TypeScript stage files a run uses, before any stage runs (esbuild, which bundles them,
// strips types without checking them: a string assigned to a number option would build and write NaN).
//
// The compiler is lbg's own dependency (`typescript`, with `@types/node` for `node:` imports), so a project
// needs neither; it is loaded only when something must be checked. Options: the project's tsconfig.json when
// it has one (what its editor shows is what lbg reports), else strict defaults (DEFAULT_OPTIONS). Only the
// stage files and the local files they import are reported — not lbg's own SDK and catalog (the targets of
// package.json's `#lbg/*` imports) nor anything in node_modules. Unused locals and imports (TS6133 …) are
// warnings whatever the mode: a leftover import never changes a result.
//
// Cached by content, per stage file, in `.cache/typecheck/<file>.json`:
//   { "format": 2, "key": "<xxh64>", "files": { "<rel path>": "<xxh64>" | "missing" },
//     "problems": [TypeProblem...], "sum": "<xxh64 of this JSON without sum>" }
// `key` hashes what every answer depends on: package.json (its `imports`), tsconfig.json, package-lock.json
// (node_modules), and the versions of typescript and @types/node. `files` are the content hashes of every
// project file the check of that stage file read or looked for (program-dependencies.ts: its imports, type-
// only ones included, which esbuild drops and so are not among the loader's `sources`; what tsconfig.json
// extends; a missing import's candidates, "missing") and of the loader's `sources`. Both are compared through
// the stat cache (a no-op reads no file), which also puts every such file under the no-op stamp. While they
// match, the answer is reused without loading the compiler: a build whose stage files are unchanged pays
// nothing. A damaged entry (its `sum` does not match) is checked again, and an answer is not cached when a
// file it depends on changed after the check began (what the compiler read may not be what was hashed). In
// one process (`lbg watch`) parsed files are kept between checks, so a re-check after an edit parses only the
// edited files; a build checks in a child process (`worker.mjs --type-check`, see typeCheckStages).
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type * as TS from "typescript";

/** The compiler's API, as `(await import("typescript")).default` gives it. */
type Ts = (typeof TS)["default"];
import { LbgError } from "../errors/lbg-error.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import { hashStringWith } from "../fs/hash-file.ts";
import { changedNear } from "../fs/timestamp-tick.ts";
import { inNodeModules } from "../fs/in-node-modules.ts";
import { writeAtomic } from "../fs/write-atomic.ts";
import { answerWorker, askWorker, NoAnswer } from "./ask-worker.ts";
import { programDependencies } from "./program-dependencies.ts";
import type { TsStageMeta } from "./stage-meta.ts";

export type TypeCheckMode = "error" | "warn" | "off";
export const TYPE_CHECK_MODES: readonly TypeCheckMode[] = ["error", "warn", "off"];

// 2: `files`, every file the check read (type-only imports too), besides `key`.
const FORMAT = 2;

/** One diagnostic: `file` relative to the project root, 1-based line and column. */
export interface TypeProblem {
  file: string;
  line: number;
  col: number;
  /** TypeScript's code (2322 for TS2322). */
  code: number;
  message: string;
  /** `warning`: a diagnostic that cannot change what the code computes (an unused import or variable). */
  severity: "error" | "warning";
}

export interface TypeCheckResult {
  problems: TypeProblem[];
  /** Stage files checked now / answered from the cache, and the milliseconds it all took. */
  checked: number;
  cached: number;
  ms: number;
}

/** Used when the project has no tsconfig.json: what lbg's own stages are checked with, less the style flags. */
const DEFAULT_OPTIONS = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  allowImportingTsExtensions: true,
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  resolveJsonModule: true,
  jsx: "react-jsx",
  types: ["node"],
};

/** Diagnostics that say something is unused: never an error here. */
const UNUSED = new Set([6133, 6138, 6192, 6196, 6198, 6199, 6205]);

const lbgRequire = createRequire(import.meta.url);

/** Version of an npm package lbg depends on, read from its package.json (cheap: no module is loaded). */
function packageVersion(name: string): string {
  try {
    return String(JSON.parse(readFileSync(lbgRequire.resolve(`${name}/package.json`), "utf8")).version);
  } catch {
    return "missing";
  }
}

/** Folders of lbg's own code a project imports through package.json's `#lbg/*` imports (not reported). */
function libraryDirs(root: string): string[] {
  try {
    const imports = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).imports ?? {};
    return Object.entries(imports)
      .filter(([k, v]) => k.startsWith("#lbg/") && typeof v === "string")
      .map(([, v]) => relative(root, dirname(resolve(root, v as string))));
  } catch {
    return [];
  }
}

function isUserFile(rel: string, libs: string[]): boolean {
  if (isAbsolute(rel) || rel.endsWith(".d.ts") || inNodeModules(rel)) return false;
  return !libs.some((d) => d !== "" && (rel === d || rel.startsWith(`${d}${sep}`) || rel.startsWith(`${d}/`)));
}

interface CacheEntry {
  format: number;
  key: string;
  files: Record<string, string>;
  problems: TypeProblem[];
}

function cachePath(root: string, file: string): string {
  return join(root, ".cache", "typecheck", `${file.replaceAll("/", "__")}.json`);
}

function readEntry(
  path: string,
  key: string,
  hashes: StatCache,
  h: (rel: string) => string,
): TypeProblem[] | undefined {
  try {
    const { sum, ...e } = JSON.parse(readFileSync(path, "utf8")) as CacheEntry & { sum?: string };
    if (e.format !== FORMAT || e.key !== key || sum !== hashStringWith(hashes.h, JSON.stringify(e))) return undefined;
    for (const [rel, hash] of Object.entries(e.files)) if (h(rel) !== hash) return undefined;
    return Array.isArray(e.problems) ? e.problems : undefined;
  } catch {
    return undefined;
  }
}

/** Checks the stage files of `stages` (each once), from the cache where their sources are unchanged. */
export async function typeCheckStages(
  root: string,
  stages: TsStageMeta[],
  hashes: StatCache,
  opts: { keepParsed?: boolean } = {},
): Promise<TypeCheckResult> {
  const t0 = performance.now();
  const byFile = new Map(stages.map((s) => [s.file, s]));
  const h = (rel: string) => hashes.hash(resolve(root, rel))?.hash ?? "missing";
  const key = hashStringWith(
    hashes.h,
    JSON.stringify({
      format: FORMAT,
      typescript: packageVersion("typescript"),
      typesNode: packageVersion("@types/node"),
      project: ["package.json", "tsconfig.json", "package-lock.json"].map(h),
    }),
  );
  const problems: TypeProblem[] = [];
  const stale: { file: string; sources: string[] }[] = [];
  for (const [file, meta] of byFile) {
    const known = readEntry(cachePath(root, file), key, hashes, h);
    if (known) problems.push(...known);
    else stale.push({ file, sources: meta.sources });
  }
  if (stale.length > 0) {
    const libs = libraryDirs(root);
    const tsx = stale.some((s) => s.sources.some((f) => /\.[jt]sx$/.test(f)));
    const request: TypeCheckRequest = { root, files: stale.map((s) => s.file), libs, tsx };
    // `lbg watch` checks in its own process, keeping the parsed files for the next check. A build checks once,
    // in a child process: the compiler (9 MB of JavaScript) and its trees of the stage files, the SDK, Node's
    // and the standard library's declarations take ~110 MB, which an exited process gives back at once. In
    // lbg's own process they would stay loaded, and V8, having seen its heap that large, would let it grow as
    // large again before collecting (a 10,000-stage build peaked at 370 MB instead of 260).
    const began = Date.now();
    const found = opts.keepParsed ? await check(request) : checkInChild(request);
    for (const s of stale) {
      const read = [...new Set([...s.sources, ...(found.deps.get(s.file) ?? [s.file]), ...found.config])].sort();
      const mine = read.filter((f) => isUserFile(f, libs)).flatMap((f) => found.byFile.get(f) ?? []);
      const entry: CacheEntry = {
        format: FORMAT,
        key,
        files: Object.fromEntries(read.map((f) => [f, h(f)])),
        problems: [...found.global, ...mine],
      };
      problems.push(...entry.problems);
      if (read.some((f) => changedSince(resolve(root, f), began))) continue; // the next build checks again
      try {
        mkdirSync(dirname(cachePath(root, s.file)), { recursive: true });
        writeAtomic(
          cachePath(root, s.file),
          JSON.stringify({ ...entry, sum: hashStringWith(hashes.h, JSON.stringify(entry)) }),
        );
      } catch {
        /* a cache that cannot be written costs a check next time */
      }
    }
  }
  return {
    problems: dedupe(problems),
    checked: stale.length,
    cached: byFile.size - stale.length,
    ms: performance.now() - t0,
  };
}

/** Whether a file changed after `since` (or within a timestamp tick before): the compiler may have read
 *  other contents than the stat cache hashed. */
function changedSince(path: string, since: number): boolean {
  const st = statSync(path, { throwIfNoEntry: false });
  return !!st && changedNear(st, since);
}

/** A file imported by two stages is reported once. */
function dedupe(problems: TypeProblem[]): TypeProblem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const k = `${p.file}:${p.line}:${p.col}:${p.code}:${p.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) =>
      a.severity !== b.severity
        ? a.severity === "error"
          ? -1
          : 1
        : a.file < b.file
          ? -1
          : a.file > b.file
            ? 1
            : a.line - b.line || a.col - b.col,
    );
}

// Kept for the life of the process by `lbg watch` (keepParsed): parsed files by path, reused while their text
// is unchanged.
const parsed = new Map<string, { text: string; sf: TS.SourceFile }>();
let lastOptionsKey = "";

interface Found {
  byFile: Map<string, TypeProblem[]>;
  /** Per stage file checked, the files (relative to the root) its check read or looked for: program-dependencies.ts. */
  deps: Map<string, string[]>;
  /** tsconfig.json and the files it extends (read or looked for), relative to the root. */
  config: string[];
  /** Problems of the compiler options themselves (a broken tsconfig.json): warnings, since they concern no line. */
  global: TypeProblem[];
}

/** What one check is asked: the stage files to check (relative to `root`), the folders of lbg's own code
 *  (libraryDirs), and whether any file is .tsx or .jsx. `worker.mjs --type-check` reads it as JSON on stdin. */
export interface TypeCheckRequest {
  root: string;
  files: string[];
  libs: string[];
  tsx: boolean;
}

/** `worker.mjs --type-check`'s answer (askWorker's, under "typeCheck"). */
interface TypeCheckAnswer {
  byFile: [file: string, problems: TypeProblem[]][];
  deps: [file: string, files: string[]][];
  config: string[];
  global: TypeProblem[];
}

/** The child process's side (worker-main.ts): checks the request read from stdin and prints the answer. */
export async function typeCheckMain(): Promise<void> {
  const found = await check(JSON.parse(readFileSync(0, "utf8")) as TypeCheckRequest);
  answerWorker("typeCheck", {
    byFile: [...found.byFile],
    deps: [...found.deps],
    config: found.config,
    global: found.global,
  } satisfies TypeCheckAnswer);
}

/** Checks in a child process (worker.mjs --type-check), which exits with everything the compiler held. */
function checkInChild(request: TypeCheckRequest): Found {
  try {
    const answer = askWorker<TypeCheckAnswer>("type-check", "typeCheck", {
      cwd: request.root,
      input: JSON.stringify(request),
    });
    return { byFile: new Map(answer.byFile), deps: new Map(answer.deps), config: answer.config, global: answer.global };
  } catch (e) {
    if (!(e instanceof NoAnswer)) throw e;
    throw couldNotRun(request, e.lines.at(-1) ?? e.message);
  }
}

function couldNotRun(request: TypeCheckRequest, why: string): LbgError {
  return new LbgError(
    `the type check of the stage files could not run: ${why.slice(0, 300)}`,
    { file: request.files[0] ? resolve(request.root, request.files[0]) : request.root },
    "run without it with --type-check off, or the site file's type_check: off",
  );
}

async function check({ root, files, libs, tsx }: TypeCheckRequest): Promise<Found> {
  const ts = (await import("typescript")).default;
  const { options, global, config } = compilerOptions(ts, root, tsx);
  const optionsKey = JSON.stringify(options);
  if (optionsKey !== lastOptionsKey) parsed.clear();
  lastOptionsKey = optionsKey;
  const host = ts.createCompilerHost(options, true);
  const read = host.readFile.bind(host);
  host.getSourceFile = (fileName, languageVersion) => {
    const known = parsed.get(fileName);
    // Files under node_modules do not change while lbg runs; others are re-read and re-parsed if edited.
    if (known && fileName.includes(`${sep}node_modules${sep}`)) return known.sf;
    const text = read(fileName);
    if (text === undefined) return undefined;
    if (known && known.text === text) return known.sf;
    const sf = ts.createSourceFile(fileName, text, languageVersion, true);
    parsed.set(fileName, { text, sf });
    return sf;
  };
  const program = ts.createProgram({
    rootNames: files.map((f) => resolve(root, f)),
    options,
    host,
  });
  const byFile = new Map<string, TypeProblem[]>();
  for (const sf of program.getSourceFiles()) {
    const rel = relative(root, sf.fileName);
    if (!isUserFile(rel, libs)) continue;
    const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    byFile.set(
      rel,
      diags.map((d) => problem(ts, root, d)),
    );
  }
  for (const d of [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()])
    global.push({ ...problem(ts, root, d), severity: "warning" });
  const deps = new Map<string, string[]>();
  const reached = programDependencies(
    program,
    files.map((f) => resolve(root, f)),
  );
  for (const f of files)
    deps.set(
      f,
      (reached.get(resolve(root, f)) ?? []).map((d) => relative(root, d)),
    );
  return { byFile, deps, config, global };
}

/** The project's tsconfig.json options (or lbg's defaults), made fit for a check that writes nothing and
 *  for code that runs in Node. `tsx`: a file to check is .tsx or .jsx. */
function compilerOptions(
  ts: Ts,
  root: string,
  tsx: boolean,
): { options: TS.CompilerOptions; global: TypeProblem[]; config: string[] } {
  const global: TypeProblem[] = [];
  const file = join(root, "tsconfig.json");
  // The files the options were read from (what it `extends`, and where it looked for them), outside node_modules.
  const config = new Set<string>();
  const note = (p: string) => {
    if (!inNodeModules(p)) config.add(relative(root, resolve(root, p)));
    return p;
  };
  const sys: TS.ParseConfigHost = {
    useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
    readDirectory: (...a) => ts.sys.readDirectory(...a),
    fileExists: (p) => ts.sys.fileExists(note(p)),
    readFile: (p) => ts.sys.readFile(note(p)),
  };
  let options: TS.CompilerOptions;
  if (existsSync(file)) {
    const read = ts.readConfigFile(file, sys.readFile);
    const cfg = ts.parseJsonConfigFileContent(read.config ?? {}, sys, root, undefined, file);
    options = cfg.options;
    // "No inputs were found" and the like concern the file list, which lbg does not use.
    for (const d of [...(read.error ? [read.error] : []), ...cfg.errors.filter((e) => e.code !== 18003)])
      global.push({ ...problem(ts, root, d), severity: "warning" });
  } else {
    options = ts.convertCompilerOptionsFromJson(DEFAULT_OPTIONS, root).options;
  }
  options = { ...options, noEmit: true, incremental: false, composite: false, declaration: false };
  delete options.tsBuildInfoFile;
  // Stages run in Node, not a browser: unless tsconfig.json names its `lib`, the DOM's declarations (1.9 MB,
  // a third of what is parsed) are left out, so `document` in a stage is the error it is at run time.
  if (!options.lib) options.lib = [ts.getDefaultLibFileName(options).replace(".full.d.ts", ".d.ts")];
  // `jsx` makes every file import react/jsx-runtime's types (1.1 MB more): only when there is JSX to check.
  if (!tsx) delete options.jsx;
  // @types/node comes with lbg: a project without it still type-checks its `node:` imports.
  if (!options.typeRoots) {
    const mine = join(root, "node_modules", "@types");
    let lbgTypes: string | undefined;
    try {
      lbgTypes = dirname(dirname(lbgRequire.resolve("@types/node/package.json")));
    } catch {
      lbgTypes = undefined;
    }
    options.typeRoots = [...new Set([mine, ...(lbgTypes ? [lbgTypes] : [])])];
  }
  return { options, global, config: [...config].sort() };
}

/** A diagnostic as a TypeProblem: one line of at most 300 characters (compiler messages can run long). */
function problem(ts: Ts, root: string, d: TS.Diagnostic): TypeProblem {
  const text = ts.flattenDiagnosticMessageText(d.messageText, " ").replace(/\s+/g, " ").trim();
  const message = text.length > 300 ? `${text.slice(0, 299)}…` : text;
  const severity = d.category === ts.DiagnosticCategory.Error && !UNUSED.has(d.code) ? "error" : "warning";
  if (!d.file || d.start === undefined)
    return {
      file: d.file ? relative(root, d.file.fileName) : "tsconfig.json",
      line: 0,
      col: 0,
      code: d.code,
      message,
      severity,
    };
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return { file: relative(root, d.file.fileName), line: line + 1, col: character + 1, code: d.code, message, severity };
}
