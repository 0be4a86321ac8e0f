// Benchmark: the run cache on a synthetic run of N stages (one TS stage class used N times; stage i reads
// source i mod M and, after the first M, the output of stage floor(i/2)). A global option `factor` goes into
// every stage's config, so changing it makes all N stale and changing it back makes all N restorable.
// Times, with the cache: the first build (runs N, stores N), a factor never built (runs N, stores N), a
// factor built before (restores N: the "going back after --set" case), --force (runs N; the entries exist
// already). Without it (`cache: false` on every entry): the first build and a new factor, each running N.
//   node bench/run-cache.mjs [--n 1000] [--m 50] [--work-ms 0] [--repeat 3]
// --work-ms: CPU each stage spends before writing (0: trivial stages, lbg's own overhead only).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** @param {string} name @param {number} dflt */
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg("n", 1000);
const M = arg("m", 50);
const WORK = arg("work-ms", 0);

/** @param {string} dir @param {boolean} cache */
function generate(dir, cache) {
  for (const d of ["configs/runs", "configs/pipelines/synthetic", "lbg_stages", "data"])
    mkdirSync(join(dir, d), { recursive: true });
  cpSync(join(REPO, "src"), join(dir, "src"), { recursive: true });
  cpSync(join(REPO, "package.json"), join(dir, "package.json"));
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
  writeFileSync(
    join(dir, "lbg_stages/count_step.ts"),
    `import { readFileSync, writeFileSync } from "node:fs";
import { Stage, type StageContext } from "#lbg/sdk";
/** Counts the lines of its two inputs, times factor, after work_ms of CPU. */
export default class CountStep extends Stage {
  static inputs = { a: "txt", b: "txt" } as const;
  static outputs = { out: "txt" } as const;
  static config = {
    factor: { type: "int", default: 1, doc: "multiplies the count" },
    work_ms: { type: "int", default: 0, doc: "CPU milliseconds to spend first" },
  } as const;
  run(ctx: StageContext<typeof CountStep>) {
    const s = process.cpuUsage();
    let x = 0;
    while ((process.cpuUsage(s).user + process.cpuUsage(s).system) / 1000 < ctx.config.work_ms) x += Math.sqrt(x + 1);
    const lines = (p: string) => readFileSync(p, "utf8").split("\\n").length;
    writeFileSync(ctx.outputs.out, \`\${(lines(ctx.inputs.a) + lines(ctx.inputs.b)) * ctx.config.factor}\${x < 0 ? "!" : ""}\\n\`);
  }
}
`,
  );
  let pipe = "modules: lbg_stages\nconfig: configs/pipelines/synthetic/config.yaml\nstages:\n";
  let inputs = "";
  for (let j = 0; j < M; j++) {
    writeFileSync(join(dir, `data/src${j}.txt`), `source ${j}\nline two\n`);
    inputs += `  src${j}: data/src${j}.txt\n`;
  }
  for (let i = 0; i < N; i++) {
    const a = `src${i % M}`;
    const b = i < M ? `src${(i + 1) % M}` : `out${Math.floor(i / 2)}`;
    pipe += `  - name: S${i}\n    classname: CountStep\n    aliases: {a: ${a}, b: ${b}, out: out${i}}\n${cache ? "" : "    cache: false\n"}`;
  }
  writeFileSync(join(dir, "configs/pipelines/synthetic/pipeline.yaml"), pipe);
  setFactor(dir, 1);
  writeFileSync(
    join(dir, "configs/runs/synthetic.yaml"),
    `pipelines: synthetic\noutput_dir: results/<run>/outputs\nlog_dir: results/<run>/logs\ninputs:\n${inputs}`,
  );
  execFileSync(process.execPath, [join(dir, "src/bin/lbg.mjs"), "--version"], { cwd: dir }); // bundle once
}

/** @param {string} dir @param {number} f */
function setFactor(dir, f) {
  writeFileSync(join(dir, "configs/pipelines/synthetic/config.yaml"), `global:\n  factor: ${f}\n  work_ms: ${WORK}\n`);
}

/** @typedef {{ ms: number; ran: number; restored: number }} BuildTime */

/** @param {string} dir @param {string[]} extra @returns {BuildTime} */
function build(dir, extra = []) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(dir, "src/bin/lbg.mjs"), "build", "synthetic", "--json", ...extra], {
    cwd: dir,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`lbg build failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  const end = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}");
  const restored = end.restored ?? 0;
  return { ms, ran: end.succeeded - restored, restored };
}

const REPEAT = arg("repeat", 3);
/** @param {number[]} xs */
const min = (xs) => Math.min(...xs);
/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** `times` builds, each after `prepare(k)`; wall times (a loaded machine makes single runs vary 2-4×). */
/** @param {string} dir @param {number} times @param {(k: number) => void} prepare @param {string[]} [extra] */
function repeat(dir, times, prepare, extra) {
  /** @type {BuildTime[]} */
  const out = [];
  for (let k = 0; k < times; k++) {
    prepare(k);
    out.push(build(dir, extra));
  }
  return out;
}

/** @type {[string, string, BuildTime[]][]} */
const rows = [];
const top = mkdtempSync(join(tmpdir(), "lbg-bench-cache-"));
try {
  const withCache = join(top, "cached");
  const without = join(top, "uncached");
  generate(withCache, true);
  generate(without, false);
  let factor = 1;
  rows.push(["cache", "first build (runs N, stores N)", [build(withCache)]]);
  // A new factor each time: every stage runs and is stored.
  rows.push([
    "cache",
    "new config (runs N, stores N)",
    repeat(withCache, REPEAT, () => setFactor(withCache, ++factor)),
  ]);
  // Back and forth between two configs built before: every stage restored (going back after --set).
  rows.push([
    "cache",
    "config built before (restores N)",
    repeat(withCache, REPEAT, (k) => setFactor(withCache, k % 2 === 0 ? 1 : factor)),
  ]);
  rows.push(["cache", "--force (runs N, entries exist)", repeat(withCache, REPEAT, () => {}, ["--force"])]);
  // What every build pays before any stage: loading the project and checking N stages (a full no-op check).
  rows.push([
    "cache",
    "no-op, full check (nothing stale)",
    repeat(withCache, REPEAT, () => rmSync(join(withCache, ".cache/runs/synthetic/noop.json"), { force: true })),
  ]);
  let f2 = 1;
  rows.push(["no cache", "first build (runs N)", [build(without)]]);
  rows.push(["no cache", "new config (runs N)", repeat(without, REPEAT, () => setFactor(without, ++f2))]);
  console.log(
    `Run cache: N=${N} stages, M=${M} sources, ${WORK} ms of CPU per stage, -j = cores; best and median of ${REPEAT} builds.`,
  );
  console.log("| cache | scenario | best wall ms | median wall ms | best ms per stage | stages run | restored |");
  console.log("|---|---|---:|---:|---:|---:|---:|");
  for (const [c, sc, rs] of rows) {
    const ms = rs.map((r) => r.ms);
    const r = /** @type {BuildTime} */ (rs.at(-1));
    console.log(
      `| ${c} | ${sc} | ${min(ms).toFixed(0)} | ${median(ms).toFixed(0)} | ${(min(ms) / N).toFixed(2)} | ${r.ran} | ${r.restored} |`,
    );
  }
  /** @param {number} i the row's index above */
  const best = (i) => min((rows[i]?.[2] ?? []).map((r) => r.ms));
  const back = best(2);
  const run = best(6);
  const store = best(1);
  const noop = best(4);
  console.log(
    `Fixed cost of any build here (no-op with a full check): ${(noop / 1000).toFixed(1)} s. Going back restores ${N} stages in ${(back / 1000).toFixed(1)} s; running them without the cache takes ${(run / 1000).toFixed(1)} s (${(run / back).toFixed(1)}×), with it (running and storing) ${(store / 1000).toFixed(1)} s.`,
  );
} finally {
  rmSync(top, { recursive: true, force: true });
}
