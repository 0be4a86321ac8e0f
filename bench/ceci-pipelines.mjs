// Benchmark: `lbg dag` and `lbg status` on a real ceci pipeline (TXPipe's 58-stage examples/metadetect by
// default) beside `ceci --dry-run` on the same files, in one run (issue: real ceci pipelines). Cold = lbg's first
// introspection of the pipeline's Python modules (its .cache cleared), warm = the same command again (median).
// Targets: warm ≤ 0.5 s; cold no slower than ceci --dry-run. Also where lbg's cold time goes: Python start-up,
// importing the pipeline's modules, lbg's introspection script as a whole, and the rest (lbg itself). Times are
// wall and CPU (user + sys of the process tree): on a loaded machine, compare the CPU column.
// It needs real ceci and TXPipe (and the packages TXPipe imports), which no clone of lbg has:
//   LBG_BENCH_CECI        the `ceci` command (e.g. a script running ceci.main:main)
//   LBG_BENCH_TXPIPE      a TXPipe checkout (the folder ceci runs in; its examples/ and data/ are linked)
//   LBG_BENCH_PYTHONPATH  PYTHONPATH that imports ceci, txpipe and the RAIL modules (stand-ins allowed)
//   LBG_BENCH_PYTHON      the interpreter (default: python3 on PATH), put first on PATH for ceci and lbg
//   LBG_BENCH_PIPELINE    pipeline file relative to the TXPipe checkout (default examples/metadetect/pipeline.yml)
// Without the first three it prints "skipped: ..." and exits 0.
//   node bench/ceci-pipelines.mjs [--repeat 5] [--cold 3] [--quick]
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const LBG = join(REPO, "src", "bin", "lbg.mjs");
/** @type {(name: string, dflt: number) => number} */
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const quick = process.argv.includes("--quick");
const WARM = arg("repeat", quick ? 2 : 5);
const COLD = arg("cold", quick ? 1 : 3);

const CECI = process.env.LBG_BENCH_CECI ?? "";
const TXPIPE = process.env.LBG_BENCH_TXPIPE ?? "";
const PYPATH = process.env.LBG_BENCH_PYTHONPATH ?? "";
const PIPELINE = process.env.LBG_BENCH_PIPELINE || "examples/metadetect/pipeline.yml";

/** @param {number[]} xs */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] ?? NaN) : ((s[s.length / 2 - 1] ?? NaN) + (s[s.length / 2] ?? NaN)) / 2;
};
/** @param {number} ms */
const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** A scratch folder standing for the TXPipe checkout: its examples/, submodules/ and data files linked, the
 *  pipeline's input files present (empty, as CI's extracted example data), and BPZ's data folder, which its
 *  stage constructor (run by ceci's dry run) requires. lbg's .cache and ceci's output folders land here. */
/** @param {{ inputs?: Record<string, unknown> }} pipe */
function workdir(pipe) {
  const dir = mkdtempSync(join(tmpdir(), "lbg-bench-ceci-"));
  for (const d of ["examples", "submodules"])
    if (existsSync(join(TXPIPE, d))) symlinkSync(join(TXPIPE, d), join(dir, d));
  mkdirSync(join(dir, "data/example/rail-bpz-inputs"), { recursive: true });
  if (existsSync(join(TXPIPE, "data"))) linkTree(join(TXPIPE, "data"), join(dir, "data"));
  for (const v of Object.values(pipe.inputs ?? {})) {
    if (typeof v !== "string" || /^none$/i.test(v) || v.startsWith("/")) continue;
    const p = join(dir, v);
    if (existsSync(p)) continue;
    mkdirSync(dirname(p), { recursive: true });
    if (basename(p).includes(".")) writeFileSync(p, "");
    else mkdirSync(p, { recursive: true });
  }
  return dir;
}

/** Folders recreated, files symlinked, so that placeholders never land in the TXPipe checkout. */
/** @param {string} src @param {string} dst */
function linkTree(src, dst) {
  mkdirSync(dst, { recursive: true });
  for (const e of readdirSync(src, { withFileTypes: true })) {
    const s = join(src, e.name);
    const d = join(dst, e.name);
    if (e.isDirectory()) linkTree(s, d);
    else if (!existsSync(d)) symlinkSync(s, d);
  }
}

function main() {
  const missing = ["LBG_BENCH_CECI", "LBG_BENCH_TXPIPE", "LBG_BENCH_PYTHONPATH"].filter((k) => !process.env[k]);
  if (missing.length) {
    console.log(
      `ceci-pipelines: skipped: set ${missing.join(", ")} (real ceci, a TXPipe checkout and a PYTHONPATH that imports them; see the header of bench/ceci-pipelines.mjs)`,
    );
    return 0;
  }
  if (!existsSync(join(TXPIPE, PIPELINE))) {
    console.log(`ceci-pipelines: skipped: no ${PIPELINE} in LBG_BENCH_TXPIPE=${TXPIPE}`);
    return 0;
  }
  const python = process.env.LBG_BENCH_PYTHON || "python3";
  const pathDirs = python.includes("/") ? [dirname(python)] : [];
  /** @type {NodeJS.ProcessEnv} */
  const env = {
    ...process.env,
    PYTHONPATH: PYPATH,
    PATH: [...pathDirs, process.env.PATH].join(":"),
    NO_COLOR: "1",
    FORCE_COLOR: "0",
  };
  delete env.LBG_PYTHON;
  const pipe = parse(readFileSync(join(TXPIPE, PIPELINE), "utf8"));
  const modules = String(pipe.modules ?? "")
    .split(/\s+/)
    .filter(Boolean);
  /** @type {string[]} */
  const pyPaths = Array.isArray(pipe.python_paths)
    ? pipe.python_paths
    : String(pipe.python_paths ?? "")
        .split(/\s+/)
        .filter(Boolean);
  const dir = workdir(pipe);
  const nStages = (pipe.stages ?? []).length;

  // Every command runs under bash's `time`: wall and CPU (user + sys of the whole process tree). Under load
  // (other jobs on the machine) CPU seconds compare far more steadily than wall seconds.
  const timeFile = join(dir, ".bench-time");
  const TIMED = 'exec 4>&2; TIMEFORMAT="%R %U %S"; { time "$@" 2>&4 ; } 2> "$BENCH_TIME_FILE"';
  /** @type {(cmd: string, args: string[], extraEnv?: NodeJS.ProcessEnv) => { wall: number; cpu: number }} */
  const time = (cmd, args, extraEnv = {}) => {
    const r = spawnSync("bash", ["-c", TIMED, "bench", cmd, ...args], {
      cwd: dir,
      env: { ...env, ...extraEnv, BENCH_TIME_FILE: timeFile, LC_ALL: "C" },
      encoding: "utf8",
      maxBuffer: 256 << 20,
    });
    if (r.status !== 0) {
      const why = `${r.stderr ?? ""}\n${r.stdout ?? ""}`
        .split("\n")
        .find((l) => /error|Error/.test(l) && !l.startsWith("warning"));
      throw new Error(
        `${basename(cmd)} ${args.slice(0, 3).join(" ")} exited ${r.status ?? r.signal}: ${(why ?? r.stderr ?? "").trim().slice(0, 300)}`,
      );
    }
    const [real = NaN, user = NaN, sys = NaN] = readFileSync(timeFile, "utf8").trim().split(/\s+/).map(Number);
    return { wall: real * 1000, cpu: (user + sys) * 1000 };
  };
  const ceci = () => time(CECI, ["--dry-run", PIPELINE]);
  /** @param {string} cmd */
  const lbg = (cmd) => time(process.execPath, [LBG, cmd, PIPELINE]);
  const clearCache = () => rmSync(join(dir, ".cache"), { recursive: true, force: true });
  // Cold runs see the interpreter through a shim that times each Python process lbg starts (wall and CPU), so
  // the cold time splits into lbg's Python introspection and lbg itself within the same run.
  const shimDir = join(dir, ".bench-python");
  const shimLog = join(shimDir, "log");
  mkdirSync(shimDir);
  const realPython = python.includes("/") ? python : "python3";
  writeFileSync(
    join(shimDir, "python3"),
    `#!/bin/bash\nexec 4>&2; TIMEFORMAT="%R %U %S"\n{ time PATH="${env.PATH}" "${realPython}" "$@" 2>&4 ; } 2>> "${shimLog}"\n`,
    { mode: 0o755 },
  );
  /** @param {string} cmd */
  const lbgCold = (cmd) => {
    clearCache();
    rmSync(shimLog, { force: true });
    const r = time(process.execPath, [LBG, cmd, PIPELINE], { PATH: `${shimDir}:${env.PATH}` });
    const py = existsSync(shimLog)
      ? readFileSync(shimLog, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => l.split(/\s+/).map(Number))
      : [];
    const python = py.reduce(
      (a, [real = NaN, user = NaN, sys = NaN]) => ({ wall: a.wall + real * 1000, cpu: a.cpu + (user + sys) * 1000 }),
      {
        wall: 0,
        cpu: 0,
      },
    );
    return { ...r, python, processes: py.length };
  };

  /** @typedef {{ wall: number; cpu: number }} Timing */
  /** @type {Record<"ceci" | "dagCold" | "statusCold" | "dagWarm" | "statusWarm" | "dagColdPython", Timing[]>} */
  const runs = { ceci: [], dagCold: [], statusCold: [], dagWarm: [], statusWarm: [], dagColdPython: [] };
  /** @param {keyof typeof runs} k @param {keyof Timing} what */
  const med = (k, what) => median(runs[k].map((x) => x[what]));
  /** @param {keyof typeof runs} k */
  const show = (k) => `${sec(med(k, "wall")).padStart(8)} wall, ${sec(med(k, "cpu")).padStart(8)} CPU`;
  try {
    console.log(`ceci-pipelines: ${PIPELINE} (${nStages} stages), from ${TXPIPE}; cold ×${COLD}, warm ×${WARM}`);
    spawnSync(process.execPath, [LBG, "--version"], { env }); // compile lbg's bundle before timing anything
    let pyProcs = 0;
    for (let i = 0; i < COLD; i++) {
      runs.ceci.push(ceci());
      const d = lbgCold("dag");
      runs.dagCold.push(d);
      runs.dagColdPython.push(d.python);
      pyProcs = d.processes;
      runs.statusCold.push(lbgCold("status"));
    }
    lbg("status"); // the cold status above ran through the shim: fill the cache for the real interpreter
    for (let i = 0; i < WARM; i++) {
      runs.dagWarm.push(lbg("dag"));
      runs.statusWarm.push(lbg("status"));
    }
    /** @param {keyof typeof runs} k @param {number} target */
    const ok = (k, target) => (med(k, "wall") <= target ? "met" : "NOT met");
    const ceciWall = med("ceci", "wall");
    console.log(`  ceci --dry-run     ${show("ceci")}  (median of ${COLD})`);
    console.log(`  lbg dag    cold    ${show("dagCold")}  target wall ≤ ceci's: ${ok("dagCold", ceciWall)}`);
    console.log(`  lbg status cold    ${show("statusCold")}  target wall ≤ ceci's: ${ok("statusCold", ceciWall)}`);
    console.log(
      `  lbg dag    warm    ${show("dagWarm")}  (median of ${WARM}) target wall ≤ 0.5 s: ${ok("dagWarm", 500)}`,
    );
    console.log(
      `  lbg status warm    ${show("statusWarm")}  (median of ${WARM}) target wall ≤ 0.5 s: ${ok("statusWarm", 500)}`,
    );
    console.log(
      `  cold lbg dag: ${pyProcs} Python process(es) (introspection) ${show("dagColdPython")}; lbg itself the rest (${sec(med("dagCold", "cpu") - med("dagColdPython", "cpu"))} CPU)`,
    );
    // Where the introspection's time goes: the same interpreter, modules and python_paths, run alone.
    const ppEnv = { PYTHONPATH: [...pyPaths.map((p) => resolve(dir, p)), PYPATH].join(":") };
    /** @param {string[]} args */
    const py = (args) => median(Array.from({ length: COLD }, () => time(python, args, ppEnv).cpu));
    const start = py(["-c", "pass"]);
    const imports = py(["-c", "import importlib, sys\nfor m in sys.argv[1:]: importlib.import_module(m)", ...modules]);
    const scriptFile = join(REPO, "src/stages/python/introspect.py");
    const script = existsSync(scriptFile) ? readFileSync(scriptFile, "utf8") : undefined;
    const introspect = script ? py(["-c", script, ...modules]) : Number.NaN;
    console.log(
      `  introspection alone, CPU: python start ${sec(start)}, + importing the ${modules.length} modules ${sec(imports - start)}` +
        (script ? `, + lbg's script's own work ${sec(introspect - imports)} = ${sec(introspect)}` : ""),
    );
    return 0;
  } catch (e) {
    if (runs.ceci.length) console.log(`  ceci --dry-run     ${show("ceci")}`);
    console.log(`ceci-pipelines: FAILED: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main());
