// Benchmark: loading a 10 MB stage config (target: ≤ 2 s and ≤ 300 MB peak RSS for the whole `lbg dag`).
// Two shapes, written into a temp copy of test/fixtures/mini:
//   sections  a config of tens of thousands of sections (one per stage of a big pipeline), each with a few
//             options; none matches a stage here, so every one also costs a positioned warning
//   list      one option holding a 10 MB block list of floats
// Rows: `lbg dag numbers` (config loading, no stage runs) the first time (a full parse) and again (the
// value from lbg's YAML cache), then `lbg status numbers` (which also fingerprints the effective config and
// prints every warning, so it needs positions), with wall time, CPU time and the lbg process's peak RSS.
//   node bench/config-size.mjs [--mb 10]
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const argMb = process.argv.indexOf("--mb");
const MB = argMb > 0 ? Number(process.argv[argMb + 1]) : 10;
const CFG = join("configs", "pipelines", "numbers", "config.yaml");
// Prints the process's peak RSS and CPU time at exit (lbg loads its bundle in the process node starts). CPU
// time is shown beside wall time: on a shared, loaded machine the wall time says more about the neighbours.
const PEAK = `data:text/javascript,process.on("exit",()=>{const u=process.resourceUsage();process.stderr.write("LBG_USAGE "+u.maxRSS+" "+(u.userCPUTime+u.systemCPUTime)+"\\n")})`;

/** @param {number} bytes */
export function sectionsConfig(bytes) {
  const first = "global:\n  fail: false\nMakeNumbers:\n  n: 5\n";
  const parts = [first];
  let size = first.length;
  for (let i = 0; size < bytes; i++) {
    const s = `Stage_${i}:\n  chunk_rows: ${1000 + i}\n  name: stage_${i}\n  zbin_edges: [0.1, 0.3, 0.5, 0.7]\n  use_true_z: no\n`;
    parts.push(s);
    size += s.length;
  }
  return parts.join("");
}

/** @param {number} bytes */
export function listConfig(bytes) {
  const first = "MakeNumbers:\n  n: 5\n  weights:\n";
  const parts = [first];
  let size = first.length;
  for (let i = 0; size < bytes; i++) {
    const s = `    - ${((i * 7919) % 1000003) / 1000003}\n`;
    parts.push(s);
    size += s.length;
  }
  return parts.join("");
}

/** @param {string} dir @param {string[]} args */
function lbg(dir, args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--import", PEAK, join(dir, "src", "bin", "lbg.mjs"), ...args], {
    cwd: dir,
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  const seconds = (performance.now() - t0) / 1000;
  const usage = /LBG_USAGE (\d+) (\d+)/.exec(r.stderr);
  if (r.status !== 0) throw new Error(`lbg ${args.join(" ")} exited ${r.status}: ${r.stderr.slice(0, 400)}`);
  return {
    seconds,
    cpuSeconds: Number(usage?.[2]) / 1e6,
    peakMb: Number(usage?.[1]) / 1024,
    warnings: (r.stderr.match(/^warning:/gm) ?? []).length,
  };
}

export function configSize(mb = MB) {
  const dir = mkdtempSync(join(tmpdir(), "lbg-bench-config-"));
  const rows = [];
  try {
    cpSync(join(REPO, "src"), join(dir, "src"), { recursive: true });
    cpSync(join(REPO, "package.json"), join(dir, "package.json"));
    symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
    cpSync(join(REPO, "test", "fixtures", "mini"), dir, { recursive: true });
    lbg(dir, ["dag", "numbers"]); // compiles the bundle and caches the stages once
    /** @type {[string, (bytes: number) => string][]} */
    const shapes = [
      ["sections", sectionsConfig],
      ["list", listConfig],
    ];
    for (const [shape, make] of shapes) {
      const text = make(mb * 1e6);
      writeFileSync(join(dir, CFG), text);
      // The first load parses; later ones take the value from .cache/yaml (positions only if a message needs them).
      /** @type {[string, string][]} */
      const commands = [
        ["dag", "dag"],
        ["dag", "dag again"],
        ["status", "status"],
      ];
      for (const [command, label] of commands) {
        const r = lbg(dir, [command, "numbers"]);
        rows.push({ shape, command: label, configMb: text.length / 1e6, ...r });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = configSize();
  console.log(`config loading at ${MB} MB (target: ≤ 2 s and ≤ 300 MB peak RSS)`);
  console.log("shape     command   config MB     wall      CPU  peak RSS  warnings");
  for (const r of rows)
    console.log(
      [
        r.shape.padEnd(9),
        r.command.padEnd(9),
        r.configMb.toFixed(1).padStart(9),
        `${r.seconds.toFixed(2)} s`.padStart(8),
        `${r.cpuSeconds.toFixed(2)} s`.padStart(8),
        `${Math.round(r.peakMb)} MB`.padStart(8),
        String(r.warnings).padStart(9),
      ].join(" "),
    );
}
