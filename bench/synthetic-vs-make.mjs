// Benchmark: lbg beside GNU make and ninja on one synthetic DAG (issue 14), all tools in one run, one table per
// size. The DAG: N stages (one TS stage class used N times through aliases), 2N source files; each stage reads
// two distinct inputs drawn at random (seeded) among the sources and the earlier stages, biased to recent
// stages, so the graph is deep (depth ~180 at N=1,000). Each stage reads the first 64 bytes of both inputs
// and writes how many line breaks they hold, so a one-byte edit at the end of a source changes nothing
// downstream: lbg re-runs the direct readers only (early cutoff), make and ninja the whole downstream cone.
// The changed source is the one with the median downstream cone among the sources some stage reads.
//
// Rows: a full build; a no-op (median of --repeat; lbg's first no-op after a build, its full check that
// writes the no-op stamp, is shown apart); `touch` of the source (median of --repeat, each a new mtime);
// a one-byte edit of it (median of --repeat, alternately appending a byte and taking it away). In brackets:
// stages re-run. lbg's peak memory is the largest maximum resident set size of any of its builds (the lbg
// process or one of its workers, from /usr/bin/time).
//   node bench/synthetic-vs-make.mjs [--n 1000,10000] [--repeat 5] [--tools lbg,make,ninja] [--keep-env]
//                                    [--baseline <git ref>]
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
/** @param {string} name @param {string} dflt @returns {string} */
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return (i >= 0 ? argv[i + 1] : undefined) ?? dflt;
};
const SIZES = arg("n", "1000,10000").split(",").map(Number);
const REPEAT = Number(arg("repeat", "5"));
const TOOLS = arg("tools", "lbg,make,ninja").split(",");
/** A git ref of this repository (e.g. main) whose lbg is measured too, in its own copy of the project, as the
 *  row `lbg (<ref>)`: before and after side by side in one run. */
const BASELINE = arg("baseline", "");

/** Targets of issue 14, per size: lbg's full build within `full`× make's, and wall-time ceilings in ms. */
/** @type {Record<number, { full: number, noop: number, touch: number, edit: number, memMB?: number }>} */
const TARGETS = {
  1000: { full: 2, noop: 120, touch: 180, edit: 250 },
  10000: { full: 3, noop: 300, touch: 400, edit: 500, memMB: 300 },
};

/** A small seeded PRNG (mulberry32): the same DAG on every run. */
/** @param {number} seed */
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inputs of every stage (tags `src<j>` or `out<i>`): fan-in 2, 30% sources, else an earlier stage at an
 *  exponentially distributed distance (mean 8) back. */
/** @param {number} n */
export function dagShape(n) {
  const r = rng(42);
  const m = 2 * n;
  const source = () => `src${Math.floor(r() * m)}`;
  /** @type {string[][]} */
  const inputs = [];
  for (let i = 0; i < n; i++) {
    /** @type {Set<string>} */
    const two = new Set();
    while (two.size < 2) {
      if (i === 0 || r() < 0.3) two.add(source());
      else {
        const j = i - 1 - Math.floor(-Math.log(1 - r()) * 8);
        two.add(j < 0 ? source() : `out${j}`);
      }
    }
    inputs.push([...two]);
  }
  /** @type {Map<string, number[]>} */
  const readers = new Map();
  /** @type {number[]} */
  const depth = [];
  inputs.forEach((ins, i) => {
    let d = 1;
    for (const t of ins) {
      if (t.startsWith("out")) d = Math.max(d, (depth[Number(t.slice(3))] ?? 0) + 1);
      readers.set(t, [...(readers.get(t) ?? []), i]);
    }
    depth.push(d);
  });
  const cone = (/** @type {string} */ tag) => {
    /** @type {Set<number>} */
    const seen = new Set();
    const todo = [...(readers.get(tag) ?? [])];
    while (todo.length) {
      const i = /** @type {number} */ (todo.pop());
      if (seen.has(i)) continue;
      seen.add(i);
      todo.push(...(readers.get(`out${i}`) ?? []));
    }
    return seen.size;
  };
  const cones = [];
  for (let j = 0; j < m; j++) if (readers.has(`src${j}`)) cones.push({ j, size: cone(`src${j}`) });
  cones.sort((a, b) => a.size - b.size || a.j - b.j);
  const changed = cones[cones.length >> 1];
  if (!changed) throw new Error("no source is read by any stage");
  return {
    n,
    m,
    inputs,
    depth: Math.max(...depth),
    changed: `src${changed.j}`,
    cone: changed.size,
    direct: readers.get(`src${changed.j}`)?.length ?? 0,
  };
}

/** @typedef {ReturnType<typeof dagShape>} Shape */

/** @param {string} dir @param {Shape} shape @param {string} src the lbg sources to copy (a folder holding src/ and package.json) */
export function generate(dir, shape, src = REPO) {
  const { m, inputs } = shape;
  for (const d of ["configs/runs", "configs/pipelines/synthetic", "lbg_stages", "data", "out"])
    mkdirSync(join(dir, d), { recursive: true });
  cpSync(join(src, "src"), join(dir, "src"), { recursive: true });
  cpSync(join(src, "package.json"), join(dir, "package.json"));
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
  writeFileSync(
    join(dir, "lbg_stages/count_step.ts"),
    `import { closeSync, openSync, readSync, writeFileSync } from "node:fs";
import { Stage, type StageContext } from "#lbg/sdk";
/** Counts the line breaks in the first 64 bytes of its two inputs. */
export default class CountStep extends Stage {
  static inputs = { a: "txt", b: "txt" } as const;
  static outputs = { out: "txt" } as const;
  run(ctx: StageContext<typeof CountStep>) {
    const breaks = (p: string) => {
      const buf = Buffer.alloc(64);
      const fd = openSync(p, "r");
      const got = readSync(fd, buf, 0, 64, 0);
      closeSync(fd);
      return buf.subarray(0, got).filter((c) => c === 10).length;
    };
    writeFileSync(ctx.outputs.out, \`\${breaks(ctx.inputs.a) + breaks(ctx.inputs.b)}\\n\`);
  }
}
`,
  );
  const path = (/** @type {string} */ tag) => (tag.startsWith("src") ? `data/${tag}.txt` : `out/${tag}.txt`);
  const pipe = ["modules: lbg_stages", "stages:"];
  /** @type {string[]} */
  const runInputs = [];
  /** @type {string[]} */
  const rules = [];
  const ninja = ["rule count", "  command = echo $out >> ran.log && head -q -c 64 $in | tr -cd '\\n' | wc -c > $out"];
  for (let j = 0; j < m; j++) {
    writeFileSync(join(dir, `data/src${j}.txt`), `source ${j}\nline two\n`);
    runInputs.push(`  src${j}: data/src${j}.txt`);
  }
  inputs.forEach((ins, i) => {
    const [a = "", b = ""] = ins;
    pipe.push(`  - name: S${i}`, "    classname: CountStep", `    aliases: {a: ${a}, b: ${b}, out: out${i}}`);
    rules.push(
      `out/out${i}.txt: ${path(a)} ${path(b)}\n\t@echo $@ >> ran.log; head -q -c 64 $^ | tr -cd '\\n' | wc -c > $@`,
    );
    ninja.push(`build out/out${i}.txt: count ${path(a)} ${path(b)}`);
  });
  const all = inputs.map((_, i) => `out/out${i}.txt`).join(" ");
  writeFileSync(join(dir, "configs/pipelines/synthetic/pipeline.yaml"), `${pipe.join("\n")}\n`);
  writeFileSync(
    join(dir, "configs/runs/synthetic.yaml"),
    `resume: True\npipelines: synthetic\noutput_dir: results/<run>/outputs\nlog_dir: results/<run>/logs\ninputs:\n${runInputs.join("\n")}\n`,
  );
  writeFileSync(join(dir, "Makefile"), `all: ${all}\n\n${rules.join("\n")}\n`);
  writeFileSync(join(dir, "build.ninja"), `${ninja.join("\n")}\ndefault ${all}\n`);
}

const hasTime = existsSync("/usr/bin/time");

// NODE_EXTRA_CA_CERTS makes every Node process parse a certificate bundle when it starts (some sandboxes set it
// for their proxy): ~400 M instructions here, more than Node's own start. lbg makes no TLS connection, so the
// tools run without it, unless --keep-env (the table says which).
const KEEP_ENV = argv.includes("--keep-env");
const env = { ...process.env };
const droppedCerts = !KEEP_ENV && env.NODE_EXTRA_CA_CERTS !== undefined;
if (droppedCerts) delete env.NODE_EXTRA_CA_CERTS;

/** Runs a command; wall ms, stdout, and when /usr/bin/time is there the largest max RSS (MB) of the process tree
 *  and its CPU ms (user + sys: steadier than wall time on a loaded machine).
 *  @param {string} cmd @param {string[]} args @param {string} cwd */
function time(cmd, args, cwd) {
  const memFile = join(cwd, ".maxrss");
  const [c, a] = hasTime ? ["/usr/bin/time", ["-f", "%M %U %S", "-o", memFile, cmd, ...args]] : [cmd, args];
  const t = process.hrtime.bigint();
  const r = spawnSync(c, a, { cwd, env, encoding: "utf8", maxBuffer: 1024 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  if (!hasTime) return { ms, stdout: r.stdout };
  const [kb = 0, user = 0, sys = 0] = (readFileSync(memFile, "utf8").trim().split("\n").at(-1) ?? "")
    .split(" ")
    .map(Number);
  return { ms, stdout: r.stdout, mb: kb / 1024, cpu: (user + sys) * 1000 };
}

/** @param {string} cmd */
function found(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

/** `lbg build` of the project in `dir`, with the lbg copied into it. @param {string} dir @returns {Result} */
function lbgBuild(dir) {
  const { ms, stdout, mb, cpu } = time(
    process.execPath,
    [join(dir, "src/bin/lbg.mjs"), "build", "synthetic", "--json"],
    dir,
  );
  const end = JSON.parse(stdout.trim().split("\n").at(-1) ?? "");
  return { ms, ran: end.succeeded, hashed: end.filesHashed, mb, cpu };
}

/** @type {Record<string, (dir: string) => Result>} */
const tools = {
  lbg: lbgBuild,
  make: (dir) => {
    rmSync(join(dir, "ran.log"), { force: true });
    const { ms, cpu } = time("make", ["-j2", "-s", "-r"], dir); // -r: no built-in implicit rules (a generated Makefile needs none)
    return { ms, ran: ranCount(dir), cpu };
  },
  ninja: (dir) => {
    rmSync(join(dir, "ran.log"), { force: true });
    const { ms, cpu } = time("ninja", ["-j2"], dir);
    return { ms, ran: ranCount(dir), cpu };
  },
};

/** @param {string} dir */
function ranCount(dir) {
  try {
    return readFileSync(join(dir, "ran.log"), "utf8").split("\n").filter(Boolean).length;
  } catch {
    return 0;
  }
}

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
/** @param {number} ms */
const fmt = (ms) => `${ms < 20 ? ms.toFixed(1) : Math.round(ms).toLocaleString("en")} ms`;
/** @typedef {{ ms: number, ran: number, hashed?: number, mb?: number, cpu?: number }} Result */
/** @param {Result[]} runs @returns {Result} */
const medianRow = (runs) => ({
  ms: median(runs.map((x) => x.ms)),
  ran: Math.max(...runs.map((x) => x.ran)),
  hashed: runs.at(-1)?.hashed,
  mb: Math.max(...runs.map((x) => x.mb ?? 0)),
  cpu: median(runs.map((x) => x.cpu ?? Number.NaN)),
});

/** Every scenario for one tool, leaving the sources as they were. */
/** @param {(dir: string) => Result} tool @param {string} dir @param {string} src */
function measure(tool, dir, src) {
  const original = readFileSync(src, "utf8");
  const full = tool(dir);
  const firstNoop = tool(dir);
  const noops = Array.from({ length: REPEAT }, () => tool(dir));
  const touches = Array.from({ length: REPEAT }, (_, k) => {
    const later = new Date(Date.now() + 5000 + 1000 * k);
    utimesSync(src, later, later);
    return tool(dir);
  });
  const edits = Array.from({ length: REPEAT }, (_, k) => {
    writeFileSync(src, k % 2 === 0 ? `${original}x` : original); // one byte more or less, same line breaks
    return tool(dir);
  });
  if (readFileSync(src, "utf8") !== original) {
    writeFileSync(src, original);
    tool(dir);
  }
  const all = [full, firstNoop, ...noops, ...touches, ...edits];
  return {
    full,
    firstNoop,
    noop: medianRow(noops),
    touch: medianRow(touches),
    edit: medianRow(edits),
    mb: Math.max(...all.map((x) => x.mb ?? 0)),
  };
}

/** @typedef {ReturnType<typeof measure>} Measured */
/** @param {Shape} shape @param {Record<string, Measured | "not found">} results */
function table(shape, results) {
  const t = TARGETS[shape.n];
  const out = [
    `N=${shape.n.toLocaleString("en")}: ${shape.m.toLocaleString("en")} sources, fan-in 2, depth ${shape.depth}; the changed source (${shape.changed}) has ${shape.cone} stages downstream, ${shape.direct} direct reader${shape.direct > 1 ? "s" : ""}. -j2, medians of ${REPEAT}${droppedCerts ? "; NODE_EXTRA_CA_CERTS unset for the tools (--keep-env keeps it)" : ""}.`,
    "",
    "| tool | full build | no-op | touch one source (re-run) | 1-byte edit of it (re-run) |",
    "|---|---:|---:|---:|---:|",
  ];
  for (const [name, r] of Object.entries(results)) {
    if (r === "not found") {
      out.push(`| ${name} | not found | | | |`);
      continue;
    }
    out.push(
      `| ${name} | ${fmt(r.full.ms)} | ${fmt(r.noop.ms)} | ${fmt(r.touch.ms)} (${r.touch.ran}) | ${fmt(r.edit.ms)} (${r.edit.ran}) |`,
    );
  }
  if (t) {
    const make = results.make && results.make !== "not found" ? results.make.full.ms : undefined;
    out.push(
      `| target | ≤ ${t.full}× make${make ? ` (${fmt(t.full * make)})` : ""} | ≤ ${t.noop} ms | ≤ ${t.touch} ms (0) | ≤ ${t.edit} ms (${shape.direct}) |`,
    );
  }
  if (hasTime) {
    out.push("", "CPU time (user + sys of the whole process tree, ms; the same medians):", "");
    out.push("| tool | full build | no-op | touch | edit |", "|---|---:|---:|---:|---:|");
    for (const [name, r] of Object.entries(results))
      if (r !== "not found")
        out.push(
          `| ${name} | ${fmt(r.full.cpu ?? 0)} | ${fmt(r.noop.cpu ?? 0)} | ${fmt(r.touch.cpu ?? 0)} | ${fmt(r.edit.cpu ?? 0)} |`,
        );
  }
  if (results.lbg || BASELINE) out.push("");
  for (const [name, l] of Object.entries(results)) {
    if (!name.startsWith("lbg") || l === "not found") continue;
    const make = results.make && results.make !== "not found" ? results.make.full.ms : undefined;
    const verdicts = [];
    if (t && name === "lbg") {
      const ok = (/** @type {boolean} */ b) => (b ? "met" : "MISSED");
      if (make) verdicts.push(`full ${(l.full.ms / make).toFixed(2)}× make: ${ok(l.full.ms <= t.full * make)}`);
      verdicts.push(`no-op ${ok(l.noop.ms <= t.noop)}`);
      verdicts.push(`touch ${ok(l.touch.ms <= t.touch && l.touch.ran === 0)}`);
      verdicts.push(`edit ${ok(l.edit.ms <= t.edit && l.edit.ran === shape.direct)}`);
      if (t.memMB && l.mb) verdicts.push(`memory ${ok(l.mb <= t.memMB)}`);
    }
    out.push(
      `${name}: first no-op after the build (its full check) ${fmt(l.firstNoop.ms)}; files hashed: no-op ${l.noop.hashed}, touch ${l.touch.hashed}, edit ${l.edit.hashed}` +
        `${l.mb ? `; peak memory ${Math.round(l.mb)} MB` : ""}.${verdicts.length ? ` Targets: ${verdicts.join(", ")}.` : ""}`,
    );
  }
  return out.join("\n");
}

/** The lbg of git ref BASELINE, in a project of its own (its sources from `git archive`). */
function measureBaseline(/** @type {Shape} */ shape) {
  const top = mkdtempSync(join(tmpdir(), "lbg-bench-base-"));
  try {
    const srcCopy = join(top, "lbg");
    mkdirSync(srcCopy);
    const tar = spawnSync("sh", [
      "-c",
      `git -C "${REPO}" archive "${BASELINE}" src package.json | tar -x -C "${srcCopy}"`,
    ]);
    if (tar.status !== 0)
      throw new Error(`--baseline ${BASELINE}: git archive failed: ${tar.stderr.toString().slice(-300)}`);
    const dir = join(top, "project");
    mkdirSync(dir);
    generate(dir, shape, srcCopy);
    spawnSync(process.execPath, [join(dir, "src/bin/lbg.mjs"), "--version"], { cwd: dir, env }); // bundle it once
    return measure(lbgBuild, dir, join(dir, "data", `${shape.changed}.txt`));
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
}

function main() {
  for (const n of SIZES) {
    const shape = dagShape(n);
    const dir = mkdtempSync(join(tmpdir(), "lbg-bench-"));
    try {
      generate(dir, shape);
      spawnSync(process.execPath, [join(dir, "src/bin/lbg.mjs"), "--version"], { cwd: dir }); // bundle lbg once
      /** @type {Record<string, Measured | "not found">} */
      const results = {};
      for (const name of TOOLS) {
        if (name !== "lbg" && !found(name)) {
          console.error(`${name} not found: its row is left out`);
          results[name] = "not found";
          continue;
        }
        // Every tool starts from no outputs: make and ninja share out/, lbg writes results/.
        rmSync(join(dir, "out"), { recursive: true, force: true });
        mkdirSync(join(dir, "out"));
        const tool = tools[name];
        if (!tool) throw new Error(`--tools ${name}: expected lbg, make or ninja`);
        results[name] = measure(tool, dir, join(dir, "data", `${shape.changed}.txt`));
      }
      if (BASELINE) results[`lbg (${BASELINE})`] = measureBaseline(shape);
      console.log(`${table(shape, results)}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
