// `npm run bench`: every benchmark, one after the other, each printing its own table.
//   synthetic-vs-make.mjs   lbg beside GNU make and ninja on a 1,000-stage DAG (issue: the incremental engine)
//   watch-latency.mjs       lbg watch: save → affected stage started (issue: terminal UI and watch)
//   catalog-throughput.mjs  catalog reader and EstimatePhotoz at 10^6 objects, with peak memory (issue: real stages)
//   ceci-pipelines.mjs      lbg dag/status on TXPipe's metadetect beside ceci --dry-run, cold and warm (issue: real
//                           ceci pipelines); skipped unless LBG_BENCH_CECI, LBG_BENCH_TXPIPE, LBG_BENCH_PYTHONPATH are set
// Pass --quick for small sizes (a smoke test of the scripts themselves).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes("--quick");
/** @type {[string, string[]][]} */
const runs = [
  ["synthetic-vs-make.mjs", quick ? ["--n", "100", "--m", "10", "--repeat", "3"] : []],
  ["watch-latency.mjs", quick ? ["--edits", "5"] : []],
  ["catalog-throughput.mjs", quick ? ["--quick"] : []],
  ["ceci-pipelines.mjs", quick ? ["--quick"] : []],
];
let failed = 0;
for (const [script, args] of runs) {
  console.log(`\n== ${script} ${args.join(" ")}`);
  const r = spawnSync(process.execPath, [join(here, script), ...args], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
