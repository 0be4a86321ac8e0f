// `npm run bench`: every benchmark, one after the other, each printing its own table.
//   synthetic-vs-make.mjs   lbg beside GNU make and ninja on synthetic DAGs of 1,000 and 10,000 stages (issue 14)
//   watch-latency.mjs       lbg watch: save → affected stage started (issue: terminal UI and watch)
//   catalog-throughput.mjs  catalog reader and EstimatePhotoz at 10^6 objects, with peak memory (issue: real stages)
//   type-check.mjs          the type check of the shipped stage files: cold, one edited, cached (issue 16 item 4)
//   run-cache.mjs           restoring N=1,000 stages from the run cache vs running them (issue: results and experiments)
//   ceci-pipelines.mjs      lbg dag/status on TXPipe's metadetect beside ceci --dry-run, cold and warm (issue: real
//                           ceci pipelines); skipped unless LBG_BENCH_CECI, LBG_BENCH_TXPIPE, LBG_BENCH_PYTHONPATH are set
//   config-size.mjs         loading a 10 MB stage config (sections or one big list), time and peak memory
// Pass --quick for small sizes (a smoke test of the scripts themselves).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes("--quick");
/** @type {[string, string[]][]} */
const runs = [
  ["synthetic-vs-make.mjs", quick ? ["--n", "100", "--repeat", "3"] : []],
  ["watch-latency.mjs", quick ? ["--edits", "5"] : []],
  ["catalog-throughput.mjs", quick ? ["--quick"] : []],
  ["type-check.mjs", quick ? ["--repeat", "1"] : []],
  ["run-cache.mjs", quick ? ["--n", "100", "--m", "10"] : []],
  ["ceci-pipelines.mjs", quick ? ["--quick"] : []],
  ["config-size.mjs", quick ? ["--mb", "1"] : []],
];
let failed = 0;
for (const [script, args] of runs) {
  console.log(`\n== ${script} ${args.join(" ")}`);
  const r = spawnSync(process.execPath, [join(here, script), ...args], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
