// Benchmark: time from saving a file to the affected stage starting under `lbg watch`, median over 20 edits
// (target: under 300 ms, including the 80 ms debounce). Uses a temp copy of test/fixtures/mini.
//   node bench/watch-latency.mjs [--edits 20]
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const argEdits = process.argv.indexOf("--edits");
const EDITS = argEdits > 0 ? Number(process.argv[argEdits + 1]) : 20;

export async function watchLatency(edits = EDITS) {
  const dir = mkdtempSync(join(tmpdir(), "lbg-bench-watch-"));
  try {
    cpSync(join(REPO, "src"), join(dir, "src"), { recursive: true });
    cpSync(join(REPO, "package.json"), join(dir, "package.json"));
    symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
    cpSync(join(REPO, "test", "fixtures", "mini"), dir, { recursive: true });
    const child = spawn(process.execPath, [join(dir, "src", "bin", "lbg.mjs"), "watch", "numbers", "--json"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let buf = "";
    /** @typedef {Record<string, unknown>} Ev */
    /** @type {{ pred: (e: Ev) => boolean, resolve: (t: number) => void }[]} */
    const waiters = [];
    child.stdout.on("data", (d) => {
      buf += d.toString();
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.startsWith("{")) continue;
        const e = JSON.parse(line);
        for (const w of [...waiters])
          if (w.pred(e)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(performance.now());
          }
      }
    });
    /** @param {(e: Ev) => boolean} pred @returns {Promise<number>} */
    const next = (pred) =>
      new Promise((resolve, reject) => {
        waiters.push({ pred, resolve });
        setTimeout(() => reject(new Error("timed out")), 20_000).unref();
      });
    await next((e) => e.event === "watch-idle");
    const cfgPath = join(dir, "configs/pipelines/numbers/config.yaml");
    const base = readFileSync(cfgPath, "utf8");
    /** @type {number[]} */
    const latencies = [];
    for (let i = 0; i < edits; i++) {
      const started = next((e) => e.event === "stage-start" && e.stage === "MakeNumbers");
      const idle = next((e) => e.event === "watch-idle");
      const t0 = performance.now();
      writeFileSync(cfgPath, base.replace("n: 10", `n: ${11 + i}`));
      latencies.push((await started) - t0);
      await idle;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill("SIGINT");
    await new Promise((r) => child.on("exit", r));
    latencies.sort((a, b) => a - b);
    const at = (/** @type {number} */ k) => latencies.at(k) ?? Number.NaN;
    return { edits, median: at(Math.floor(latencies.length / 2)), min: at(0), max: at(-1) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await watchLatency();
  console.log(
    `lbg watch: save → affected stage started, ${r.edits} edits: median ${r.median.toFixed(0)} ms (min ${r.min.toFixed(0)}, max ${r.max.toFixed(0)}); target < 300 ms`,
  );
}
