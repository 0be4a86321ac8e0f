// Benchmark: `lbg dag` and `lbg status` on a real ceci pipeline (TXPipe's 58-stage metadetect by default), cold
// (no .cache: lbg must import the Python modules to read their stage classes) and warm, beside
// `ceci --dry-run` on the same files. Targets (issue 12): cold no slower than ceci, warm ≤ 0.5 s.
//   node bench/ceci-introspection.mjs --dir <folder to run in> [--pipeline examples/metadetect/pipeline.yml]
//        [--repeat 3] [--ceci ceci]
// <folder> is where `ceci --dry-run <pipeline>` works (a TXPipe checkout, with ceci, TXPipe's and RAIL's
// modules importable by `python3` through the environment: PYTHONPATH, PATH, LBG_PYTHON). Its entries are
// linked into a scratch folder, so lbg's .cache never lands in the checkout. Wall and CPU seconds (the
// command and its children: on a busy machine CPU time is the fairer comparison) are medians. Without --dir
// it says so and exits 0 (the set-up is outside the project: see /work/ceci-compat/SETUP.md for one).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const dir = arg("--dir", process.env.LBG_BENCH_CECI_DIR);
const pipeline = arg("--pipeline", "examples/metadetect/pipeline.yml");
const repeat = Number(arg("--repeat", "3"));
const ceci = arg("--ceci", "ceci");
const TIME = "/usr/bin/time";

if (!dir) {
  console.log("skipped: give --dir <folder where `ceci --dry-run <pipeline>` works> (or LBG_BENCH_CECI_DIR)");
  process.exit(0);
}

/** Runs a command; wall and CPU seconds (CPU through /usr/bin/time when it is there). */
function timed(cmd, args, cwd) {
  const withTime = existsSync(TIME);
  const t0 = performance.now();
  const r = spawnSync(withTime ? TIME : cmd, withTime ? ["-f", "@@cpu %U %S", cmd, ...args] : args, {
    cwd,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    console.error(`${cmd} ${args.join(" ")} failed (exit ${r.status}):\n${(r.stderr || r.stdout).slice(-2000)}`);
    process.exit(1);
  }
  const m = /@@cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : Number.NaN };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const scratch = mkdtempSync(join(tmpdir(), "lbg-bench-ceci-"));
try {
  for (const e of readdirSync(dir)) if (e !== ".cache") symlinkSync(join(resolve(dir), e), join(scratch, e));
  const lbg = (cmd) => [process.execPath, [join(REPO, "src", "bin", "lbg.mjs"), cmd, pipeline]];
  timed(...lbg("--version"), scratch); // builds lbg's own bundle once, outside the timings
  const rows = {
    "ceci --dry-run": [],
    "lbg dag (cold)": [],
    "lbg status (cold)": [],
    "lbg dag (warm)": [],
    "lbg status (warm)": [],
  };
  const load = [];
  for (let i = 0; i < repeat; i++) {
    load.push(loadavg()[0]);
    rows["ceci --dry-run"].push(timed(ceci, ["--dry-run", pipeline], scratch));
    for (const cmd of ["dag", "status"]) {
      rmSync(join(scratch, ".cache"), { recursive: true, force: true });
      rows[`lbg ${cmd} (cold)`].push(timed(...lbg(cmd), scratch));
      rows[`lbg ${cmd} (warm)`].push(timed(...lbg(cmd), scratch));
    }
  }
  console.log(`${pipeline} in ${dir}: median of ${repeat} (load average ${load.map((l) => l.toFixed(1)).join(", ")})`);
  console.log("command              wall s   cpu s");
  for (const [name, xs] of Object.entries(rows))
    console.log(
      `${name.padEnd(20)} ${median(xs.map((x) => x.wall))
        .toFixed(2)
        .padStart(6)}  ${median(xs.map((x) => x.cpu))
        .toFixed(2)
        .padStart(6)}`,
    );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
