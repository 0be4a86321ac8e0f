// Benchmark: throughput of the catalog reader and of EstimatePhotoz at 10^6 objects, with peak memory.
//   node bench/catalog-throughput.mjs [--objects 1000000] [--chunk 100000] [--repeat 5] [--data DIR] [--quick]
//
// The stage and catalog code is TypeScript: a tiny esbuild bundle (in a temp folder) holds the worker below,
// which runs one measurement per child process, so each row's peak RSS (process.resourceUsage().maxRSS) is
// that measurement's own. Data: SimulateCatalog writes a photometry catalog of --objects objects (HDF5, the
// TXPipe layout), copied to parquet; SplitCatalog + TrainPhotoz train the kNN model on its spectroscopic
// subset with the photoz pipeline's options, as `lbg build photoz_sim --set SimulateCatalog.n_objects=N`
// would. --data DIR keeps (and on the next run reuses) those files instead of a temp folder.
// Reader rows read the 12 photometry columns (mag_u … mag_y, mag_err_u … mag_err_y; float64), whole and in
// chunks of --chunk rows, --repeat times in one process: objects/s of the first read (a fresh process, as a
// stage reads, though with the format's library already loaded) and of the best repeat. The EstimatePhotoz row is one run of the stage on the whole catalog
// (read, KD-tree search, PDF summary, HDF5 write). Peak RSS covers everything the child process did.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The value after `--name`, or undefined. @param {string} name */
const arg = (name) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : undefined;
};
// --quick: a smoke test of this script (bench/run.mjs --quick), 20,000 objects.
const QUICK = process.argv.includes("--quick");
const OBJECTS = Number(arg("objects") ?? (QUICK ? 20_000 : 1_000_000));
const CHUNK = Number(arg("chunk") ?? (QUICK ? 5_000 : 100_000));
const REPEAT = Number(arg("repeat") ?? (QUICK ? 2 : 5));
const DATA = arg("data");

// The worker: `node worker.mjs <task> <json args>` prints one JSON line {seconds, objects, maxRssKb, ...}.
const WORKER = `
import { iterateChunks, readColumns, rowCount, writeTable } from "./src/catalog/index.ts";
import SimulateCatalog from "./lbg_stages/simulate_catalog.ts";
import SplitCatalog from "./lbg_stages/split_catalog.ts";
import TrainPhotoz from "./lbg_stages/train_photoz.ts";
import EstimatePhotoz from "./lbg_stages/estimate_photoz.ts";

const COLUMNS = ["u", "g", "r", "i", "z", "y"].flatMap((b) => ["mag_" + b, "mag_err_" + b]);

function context(cls, inputs, outputs, overrides = {}) {
  const config = Object.fromEntries(Object.entries(cls.config).map(([k, s]) => [k, structuredClone(s.default)]));
  return { instance: cls.name, inputs, outputs, config: { ...config, ...overrides }, nprocess: 1, threadsPerProcess: 1, log: () => {} };
}
const run = (cls, inputs, outputs, overrides) => new cls().run(context(cls, inputs, outputs, overrides));

// The first read in a fresh process (what a stage does) and the best of the repeats (wasm heap grown, JIT warm).
async function timedReads(path, repeat, once) {
  await rowCount(path, "photometry"); // loads the format's library (h5wasm: ~0.3 s) outside the timing
  const times = [];
  let objects = 0;
  for (let k = 0; k < repeat; k++) {
    const t = performance.now();
    objects = await once();
    times.push((performance.now() - t) / 1000);
  }
  return { seconds: times[0], best: Math.min(...times), objects };
}

const [task, json] = process.argv.slice(2);
const a = JSON.parse(json);
let result;
if (task === "prepare") {
  const f = (name) => a.dir + "/" + name;
  const t = performance.now();
  await run(SimulateCatalog, {}, { spec_catalog: f("spec_catalog.hdf5"), photometry_catalog: f("photometry_catalog.hdf5") }, { n_objects: a.objects });
  const simulate = (performance.now() - t) / 1000;
  const table = await readColumns(f("photometry_catalog.hdf5"), "photometry");
  await writeTable(f("photometry_catalog.pq"), "photometry", table);
  // The photoz pipeline's options (configs/pipelines/photoz/config.yaml) are the stages' defaults.
  await run(SplitCatalog, { spec_catalog: f("spec_catalog.hdf5") }, { training_catalog: f("training_catalog.hdf5"), test_catalog: f("test_catalog.hdf5") });
  await run(TrainPhotoz, { training_catalog: f("training_catalog.hdf5") }, { photoz_model: f("photoz_model.hdf5") });
  const train = await readColumns(f("photoz_model.hdf5"), "model", ["redshift"]);
  result = { simulate, training: train.redshift.length };
} else if (task === "info") {
  result = { training: await rowCount(a.model, "model") };
} else if (task === "baseline") {
  result = { seconds: 0, objects: 0 };
} else if (task === "read-whole") {
  result = await timedReads(a.path, a.repeat, async () => {
    const t = await readColumns(a.path, "photometry", COLUMNS);
    let s = 0;
    for (const c of COLUMNS) s += t[c][t[c].length - 1];
    if (!Number.isFinite(s)) throw new Error("bad read");
    return t[COLUMNS[0]].length;
  });
} else if (task === "read-chunks") {
  result = await timedReads(a.path, a.repeat, async () => {
    let n = 0;
    for await (const chunk of iterateChunks(a.path, "photometry", COLUMNS, a.chunk)) n += chunk.end - chunk.start;
    return n;
  });
} else if (task === "estimate") {
  const t = performance.now();
  await run(EstimatePhotoz, { photoz_model: a.model, catalog: a.path }, { photoz_estimates: a.out }, { chunk_rows: a.chunk });
  result = { seconds: (performance.now() - t) / 1000, objects: a.objects };
}
console.log(JSON.stringify({ ...result, maxRssKb: process.resourceUsage().maxRSS }));
`;

/** @param {string} dir */
async function bundleWorker(dir) {
  const { build } = await import("esbuild");
  const outfile = join(dir, "worker.mjs");
  await build({
    stdin: { contents: WORKER, resolveDir: REPO, sourcefile: "catalog-throughput-worker.ts", loader: "ts" },
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // h5wasm's Node build is CommonJS and loads its own .wasm file: keep it (and hyparquet) as packages.
    packages: "external",
    logLevel: "warning",
  });
  return outfile;
}

/**
 * One measurement in a fresh process: the worker's last stdout line, as JSON.
 * @param {string} worker @param {string} task @param {Record<string, unknown>} args
 * @returns {any} the task's own fields beside {seconds, objects, best?, maxRssKb}
 */
function child(worker, task, args) {
  const r = spawnSync(process.execPath, [worker, task, JSON.stringify(args)], {
    cwd: REPO,
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`${task} failed (exit ${r.status}):\n${r.stderr}`);
  const line = r.stdout.trim().split("\n").pop();
  return JSON.parse(line ?? "");
}

/** @param {number} n @param {number} s */
const fmtRate = (n, s) => (s > 0 ? Math.round(n / s).toLocaleString("en") : "-");
/** @param {number} kb */
const fmtMb = (kb) => `${(kb / 1024).toFixed(0)} MB`;

async function main() {
  const scratch = mkdtempSync(join(tmpdir(), "lbg-bench-catalog-"));
  const dir = DATA ? resolve(DATA) : scratch;
  mkdirSync(dir, { recursive: true });
  try {
    // The bundle must resolve node_modules from the repository: write it inside the repo's cache folder.
    const bundleDir = join(REPO, "node_modules", ".cache", "lbg-bench", `catalog-${process.pid}`);
    mkdirSync(bundleDir, { recursive: true });
    const worker = await bundleWorker(bundleDir);
    try {
      const f = (/** @type {string} */ name) => join(dir, name);
      let prep = null;
      if (!(DATA && existsSync(f("photoz_model.hdf5")) && existsSync(f("photometry_catalog.pq")))) {
        console.log(`simulating ${OBJECTS.toLocaleString("en")} objects in ${dir} ...`);
        prep = child(worker, "prepare", { dir, objects: OBJECTS });
      }
      /** @type {string[][]} */
      const rows = [];
      /** @param {string} label @param {{ objects: number, seconds: number, best?: number, maxRssKb: number }} r */
      const add = (label, r) =>
        rows.push([
          label,
          fmtRate(r.objects, r.seconds),
          r.seconds ? `${r.seconds.toFixed(3)} s` : "-",
          r.best ? fmtRate(r.objects, r.best) : "-",
          fmtMb(r.maxRssKb),
        ]);
      add("node + bundle loaded (baseline)", child(worker, "baseline", {}));
      for (const [fmt, file] of /** @type {const} */ ([
        ["HDF5", "photometry_catalog.hdf5"],
        ["parquet", "photometry_catalog.pq"],
      ])) {
        add(`${fmt} read, whole columns`, child(worker, "read-whole", { path: f(file), repeat: REPEAT }));
        add(
          `${fmt} read, chunks of ${CHUNK.toLocaleString("en")}`,
          child(worker, "read-chunks", { path: f(file), repeat: REPEAT, chunk: CHUNK }),
        );
      }
      const est = child(worker, "estimate", {
        path: f("photometry_catalog.hdf5"),
        model: f("photoz_model.hdf5"),
        out: join(scratch, "photoz.hdf5"),
        chunk: CHUNK,
        objects: OBJECTS,
      });
      add(`EstimatePhotoz (HDF5 in/out, chunks of ${CHUNK.toLocaleString("en")})`, est);

      const head = ["measurement", "objects/s", "time", `best of ${REPEAT}`, "peak RSS"];
      const w = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]?.length ?? 0)));
      const line = (/** @type {string[]} */ r) =>
        r.map((c, k) => (k === 0 ? c.padEnd(w[k] ?? 0) : c.padStart(w[k] ?? 0))).join("   ");
      console.log(
        `lbg catalog throughput: ${OBJECTS.toLocaleString("en")} objects, 12 float64 photometry columns (objects/s: first read in a fresh process)`,
      );
      const { training } = child(worker, "info", { model: f("photoz_model.hdf5") });
      console.log(
        `(${prep ? `SimulateCatalog took ${prep.simulate.toFixed(1)} s; ` : ""}kNN model: ${training.toLocaleString("en")} training objects, k = 20)`,
      );
      console.log(line(head));
      console.log(w.map((n) => "-".repeat(n)).join("   "));
      for (const r of rows) console.log(line(r));
    } finally {
      rmSync(bundleDir, { recursive: true, force: true });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
