// Benchmark: lbg beside GNU make and ninja on one synthetic DAG of N stages (one TS stage class used N times
// through aliases) and M source files. Times, in one run: a full build, the first no-op build after it (lbg:
// the full check, which leaves the no-op stamp), later no-op builds (median), a build after
// `touch` of one source, and after a one-byte edit of it that leaves its direct readers' outputs unchanged
// (lbg's early cutoff; make and ninja cannot know), and counts how many stages each tool re-ran.
//   node bench/synthetic-vs-make.mjs [--n 1000] [--m 50] [--repeat 5]
import { execFileSync, spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
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
/** @param {string} name @param {number} dflt */
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg("n", 1000),
  M = arg("m", 50),
  REPEAT = arg("repeat", 5);

// Stage i reads source (i mod M) and, after the first M, the output of stage floor(i/2): a DAG with fan-in.
// Its output is the *number of lines* of both inputs, so appending a character to a line changes nothing
// downstream: the direct readers re-run and reproduce their outputs.
/** @param {number} i */
function edges(i) {
  return { a: `src${i % M}`, b: i < M ? `src${(i + 1) % M}` : `out${Math.floor(i / 2)}` };
}

/** @param {string} dir */
export function generate(dir) {
  mkdirSync(join(dir, "configs/runs"), { recursive: true });
  mkdirSync(join(dir, "configs/pipelines/synthetic"), { recursive: true });
  mkdirSync(join(dir, "lbg_stages"), { recursive: true });
  mkdirSync(join(dir, "data"), { recursive: true });
  cpSync(join(REPO, "src"), join(dir, "src"), { recursive: true });
  cpSync(join(REPO, "package.json"), join(dir, "package.json"));
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
  writeFileSync(
    join(dir, "lbg_stages/count_step.ts"),
    `import { readFileSync, writeFileSync } from "node:fs";
import { Stage, type StageContext } from "#lbg/sdk";
/** Counts the lines of its two inputs. */
export default class CountStep extends Stage {
  static inputs = { a: "txt", b: "txt" } as const;
  static outputs = { out: "txt" } as const;
  run(ctx: StageContext<typeof CountStep>) {
    const lines = (p: string) => readFileSync(p, "utf8").split("\\n").length;
    writeFileSync(ctx.outputs.out, \`\${lines(ctx.inputs.a) + lines(ctx.inputs.b)}\\n\`);
  }
}
`,
  );
  let pipe = "modules: lbg_stages\nstages:\n";
  let inputs = "";
  let make = "all:";
  let ninja = "rule count\n  command = echo $in >> ran.log && cat $in | wc -l > $out\n";
  for (let j = 0; j < M; j++) {
    writeFileSync(join(dir, `data/src${j}.txt`), `source ${j}\nline two\n`);
    inputs += `  src${j}: data/src${j}.txt\n`;
  }
  const path = (/** @type {string} */ tag) => (tag.startsWith("src") ? `data/${tag}.txt` : `out/${tag}.txt`);
  const rules = [];
  for (let i = 0; i < N; i++) {
    const { a, b } = edges(i);
    pipe += `  - name: S${i}\n    classname: CountStep\n    aliases: {a: ${a}, b: ${b}, out: out${i}}\n`;
    make += ` out/out${i}.txt`;
    rules.push(`out/out${i}.txt: ${path(a)} ${path(b)}\n\t@echo $@ >> ran.log; cat $^ | wc -l > $@\n`);
    ninja += `build out/out${i}.txt: count ${path(a)} ${path(b)}\n`;
  }
  writeFileSync(join(dir, "configs/pipelines/synthetic/pipeline.yaml"), pipe);
  writeFileSync(
    join(dir, "configs/runs/synthetic.yaml"),
    `resume: True\npipelines: synthetic\noutput_dir: results/<run>/outputs\nlog_dir: results/<run>/logs\ninputs:\n${inputs}`,
  );
  writeFileSync(join(dir, "Makefile"), `${make}\n\n$(shell mkdir -p out)\n${rules.join("\n")}`);
  writeFileSync(
    join(dir, "build.ninja"),
    `${ninja}default ${Array.from({ length: N }, (_, i) => `out/out${i}.txt`).join(" ")}\n`,
  );
}

/** @param {string} cmd @param {string[]} args @param {string} cwd */
function time(cmd, args, cwd) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  return { ms, stdout: r.stdout };
}

/** @param {number[]} xs */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** @typedef {{ ms: number, ran: number, hashed?: number }} Result */
/** @type {Record<string, { build: (dir: string) => Result }>} */
const tools = {
  lbg: {
    build: (dir) => {
      const { ms, stdout } = time(
        process.execPath,
        [join(dir, "src/bin/lbg.mjs"), "build", "synthetic", "--json"],
        dir,
      );
      const end = JSON.parse(stdout.trim().split("\n").at(-1) ?? "");
      return { ms, ran: end.succeeded, hashed: end.filesHashed };
    },
  },
  make: {
    build: (dir) => {
      rmSync(join(dir, "ran.log"), { force: true });
      const { ms } = time("make", ["-j2", "-s"], dir);
      return { ms, ran: ranCount(dir) };
    },
  },
  ninja: {
    build: (dir) => {
      rmSync(join(dir, "ran.log"), { force: true });
      const { ms } = time("ninja", ["-j2"], dir);
      return { ms, ran: ranCount(dir) };
    },
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

/** @type {[string, string, number, number, number | undefined][]} */
const rows = [];
const dir = mkdtempSync(join(tmpdir(), "lbg-bench-"));
try {
  generate(dir);
  execFileSync(process.execPath, [join(dir, "src/bin/lbg.mjs"), "--version"], { cwd: dir }); // bundle once
  const src = join(dir, "data/src7.txt");
  const directReaders = Array.from({ length: N }, (_, i) => i).filter(
    (i) => edges(i).a === "src7" || edges(i).b === "src7",
  ).length;
  for (const [name, tool] of Object.entries(tools)) {
    const full = tool.build(dir);
    // lbg's first no-op after a build is its full check (it writes the no-op stamp); later ones use the stamp.
    const firstNoop = tool.build(dir);
    const noops = Array.from({ length: REPEAT }, () => tool.build(dir));
    const later = new Date(Date.now() + 5000);
    utimesSync(src, later, later);
    const touched = tool.build(dir);
    appendFileSync(src, "x"); // one byte on the last line: same line count, different content
    const edited = tool.build(dir);
    writeFileSync(src, "source 7\nline two\n");
    tool.build(dir); // back to the original for the next tool
    rows.push([name, "full build", full.ms, full.ran, full.hashed]);
    rows.push([name, "first no-op after the build", firstNoop.ms, firstNoop.ran, firstNoop.hashed]);
    rows.push([
      name,
      `no-op (median of the next ${REPEAT})`,
      median(noops.map((x) => x.ms)),
      Math.max(...noops.map((x) => x.ran)),
      noops.at(-1)?.hashed,
    ]);
    rows.push([name, "touch one source", touched.ms, touched.ran, touched.hashed]);
    rows.push([name, "one-byte edit of it", edited.ms, edited.ran, edited.hashed]);
  }
  console.log(
    `Synthetic DAG: N=${N} stages, M=${M} sources; the edited source has ${directReaders} direct readers. -j2 for every tool.`,
  );
  console.log("| tool | scenario | wall ms | stages re-run | files hashed (lbg) |");
  console.log("|---|---|---:|---:|---:|");
  for (const [t, s, ms, ran, h] of rows) console.log(`| ${t} | ${s} | ${ms.toFixed(0)} | ${ran} | ${h ?? ""} |`);
  console.log(
    "Targets: lbg no-op < 200 ms with 0 files hashed; full build < 10 s; touch → 0 re-run; edit → only the direct readers.",
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
