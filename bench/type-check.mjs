// Benchmark: the type check of the shipped stage files before a build (issue 16 item 4), on a temp copy of
// the project, through `lbg build -n photoz_sim` with LBG_TRACE_TYPES=1 (which prints what the check did and
// its time). Three cases, each the median of --repeat runs, with the check's time and the CPU time of the
// whole command (its children included):
//   cold    no .cache/typecheck: every stage file of the run is checked (targets: ≤ 6 s CPU)
//   edit    one stage file edited since the last check: that file only (target: ≤ 4 s CPU)
//   cached  nothing changed: answered from .cache/typecheck, no compiler loaded (target: ≤ 100 ms check)
//   node bench/type-check.mjs [--repeat 3]
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const argRepeat = process.argv.indexOf("--repeat");
const REPEAT = argRepeat > 0 ? Number(process.argv[argRepeat + 1]) : 3;
/** @type {Record<"cold" | "edit" | "cached", { cpu?: number, check?: number }>} */
const TARGETS = { cold: { cpu: 6000 }, edit: { cpu: 4000 }, cached: { check: 100 } };

/** @typedef {{ checked: number, cached: number, check: number, cpu: number }} Sample */

/** One `lbg build -n photoz_sim`: the check's own milliseconds, files checked/cached, and childCpu() after.
 *  @param {string} dir @returns {Sample} */
function run(dir) {
  const r = spawnSync(process.execPath, [join(dir, "src", "bin", "lbg.mjs"), "build", "-n", "photoz_sim"], {
    cwd: dir,
    env: { ...process.env, LBG_TRACE_TYPES: "1", LBG_TYPE_CHECK: "error" },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`lbg build -n failed: ${r.stderr.slice(0, 300)}`);
  const m = /lbg: types: (\d+) stage files? checked, (\d+) from the cache, in (\d+) ms/.exec(r.stderr);
  if (!m) throw new Error(`no LBG_TRACE_TYPES line in: ${r.stderr.slice(0, 300)}`);
  return { checked: Number(m[1]), cached: Number(m[2]), check: Number(m[3]), cpu: childCpu() };
}

/** CPU milliseconds of every child this process has waited for so far (Linux: /proc/self/stat's cutime and
 *  cstime; NaN elsewhere). The difference between two calls is the CPU time of the command run between. */
function childCpu() {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(f[13]) + Number(f[14]); // cutime + cstime of waited-for children
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

/** @param {number[]} xs @returns {number} */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const dir = mkdtempSync(join(tmpdir(), "lbg-bench-types-"));
try {
  for (const f of ["src", "configs", "lbg_stages", "package.json", "package-lock.json", "tsconfig.json"])
    cpSync(join(REPO, f), join(dir, f), { recursive: true });
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
  run(dir); // bundles and introspection, so the cases below time the check alone
  /** @type {Record<"cold" | "edit" | "cached", Sample[]>} */
  const results = { cold: [], edit: [], cached: [] };
  let lastCpu = childCpu();
  /** @param {"cold" | "edit" | "cached"} name */
  const measure = (name) => {
    const r = run(dir);
    const cpu = r.cpu - lastCpu;
    lastCpu = r.cpu;
    results[name].push({ ...r, cpu });
  };
  for (let i = 0; i < REPEAT; i++) {
    rmSync(join(dir, ".cache", "typecheck"), { recursive: true, force: true });
    measure("cold");
    appendFileSync(join(dir, "lbg_stages", "split_catalog.ts"), `\n// edit ${i}\n`);
    measure("edit");
    measure("cached");
  }
  let failed = 0;
  console.log("case     files checked/cached   check ms (median)   command CPU ms (median)   target");
  for (const [name, rs] of /** @type {["cold" | "edit" | "cached", Sample[]][]} */ (Object.entries(results))) {
    const check = median(rs.map((r) => r.check));
    const cpu = median(rs.map((r) => r.cpu));
    const t = TARGETS[name];
    const ok = t.cpu !== undefined ? cpu <= t.cpu : check <= (t.check ?? 0);
    if (!ok) failed++;
    const target = t.cpu !== undefined ? `CPU ≤ ${t.cpu} ms` : `check ≤ ${t.check} ms`;
    console.log(
      `${name.padEnd(8)} ${`${rs[0]?.checked}/${rs[0]?.cached}`.padEnd(22)} ${String(check).padEnd(19)} ${String(cpu).padEnd(25)} ${target} ${ok ? "ok" : "MISSED"}`,
    );
  }
  process.exitCode = failed ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
