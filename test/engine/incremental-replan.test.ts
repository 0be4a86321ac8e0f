// Incremental re-planning (src/cli/incremental-build.ts): when only stage input or output files changed since a
// build that left a no-op stamp, the next build restores that build's project and checks only the stages the
// change can reach. These tests check what such a build reads — stages planned (`stagesChecked` on build-end)
// and the files whose contents it hashed (`LBG_TRACE_HASH=1` names each, `filesHashed` counts them) — on a run
// of twelve stages in six independent chains, so reading anything outside the changed chain shows. They also check that records written by an incremental build
// carry the same provenance and metrics as a full check's.
import { readFileSync, rmSync, utimesSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const CHAINS = 6;

/** Six chains `Count<i>` (reads data/src<i>.txt) → `Total<i>` (reads its count), twelve stages in all. */
function project(): TempProject {
  const p = new TempProject("mini");
  p.write(
    "lbg_stages/tally.ts",
    `import { readFileSync, writeFileSync } from "node:fs";
import { Stage, type StageContext } from "#lbg/sdk";

/** Writes the number of lines of its input, times a factor, as a metrics file. */
export default class Tally extends Stage {
  static inputs = { count: "txt" } as const;
  static outputs = { tally: "yml" } as const;
  static metrics = ["tally"] as const;
  static config = { factor: { type: "int", default: 1, doc: "what the count is multiplied by" } } as const;

  run(ctx: StageContext<typeof Tally>) {
    const n = Number(readFileSync(ctx.inputs.count, "utf8").trim());
    writeFileSync(ctx.outputs.tally, \`total: \${n * ctx.config.factor}\\n\`);
  }
}
`,
  );
  const stages = ["modules: lbg_stages", "config: configs/pipelines/chains/config.yaml", "stages:"];
  const inputs: string[] = [];
  for (let i = 0; i < CHAINS; i++) {
    p.write(`data/src${i}.txt`, "one\ntwo\n");
    inputs.push(`  src${i}: data/src${i}.txt`);
    stages.push(
      `  - name: Count${i}`,
      "    classname: CountLines",
      `    aliases: {text: src${i}, count: count${i}}`,
      `  - name: Total${i}`,
      "    classname: Tally",
      `    aliases: {count: count${i}, tally: tally${i}}`,
    );
  }
  p.write("configs/pipelines/chains/pipeline.yaml", `${stages.join("\n")}\n`);
  p.write("configs/pipelines/chains/config.yaml", "Total0:\n  factor: 3\n");
  p.write(
    "configs/runs/chains.yaml",
    `resume: True\npipelines: chains\noutput_dir: results/<run>/outputs\nlog_dir: results/<run>/logs\ninputs:\n${inputs.join("\n")}\n`,
  );
  return p;
}

describe("incremental re-planning", () => {
  let p: TempProject;
  const env = { LBG_TRACE_NOOP: "1", LBG_TRACE_HASH: "1" };
  const build = () => {
    const r = p.build("chains", [], env);
    expect(r.code, r.stderr).toBe(0);
    const trace = [...r.stderr.matchAll(/^lbg: noop: (.*)$/gm)].map((m) => m[1]!);
    const hashed = [...r.stderr.matchAll(/^lbg: hashed (.*)$/gm)].map((m) => m[1]!.slice(p.dir.length + 1));
    return { ...r, trace, hashed: [...new Set(hashed)].sort() };
  };
  /** Builds until a build answers from the stamp (the first full checks write it once their files settle). */
  const settle = () => {
    for (let i = 0; i < 6; i++) if (build().trace.includes("stamp holds: every stage fresh")) return;
    throw new Error(`the no-op stamp was never taken:\n${build().stderr}`);
  };
  /** The newest record of a stage, as the records file holds it. */
  const record = (stage: string) => {
    const lines = readFileSync(p.path(".cache/runs/chains/records.jsonl"), "utf8").trim().split("\n");
    const recs = lines.map((l) => JSON.parse(l.slice(17))).filter((r) => r.stage === stage);
    return recs.at(-1);
  };

  beforeAll(() => {
    p = project();
    const first = build();
    expect(first.ran).toHaveLength(2 * CHAINS);
    settle();
  });
  afterAll(() => p.remove());

  it("a touched source is hashed once, and with its content unchanged the build is the stamped no-op", () => {
    // A new mtime in the past (one in the future would not be vouched for by the next stamp until it passed).
    const earlier = new Date(Date.now() - 3600_000);
    utimesSync(p.path("data/src2.txt"), earlier, earlier);
    const r = build();
    expect(r.trace).toEqual(["stamp holds: every stage fresh (1 file touched, the content unchanged)"]);
    expect(r.ran).toEqual([]);
    expect(r.fresh).toHaveLength(2 * CHAINS); // every stage still reported, as a full check does
    expect(r.end).toMatchObject({ ok: true, stagesChecked: 0, filesHashed: 1 });
    expect(r.hashed).toEqual(["data/src2.txt"]);
    // The stamp took the file's new stat: the next build reads nothing.
    const next = build();
    expect(next.trace).toEqual(["stamp holds: every stage fresh"]);
    expect(next.end).toMatchObject({ filesHashed: 0 });
    expect(next.hashed).toEqual([]);
  });

  it("a touched source whose content changed is checked with its reader only, by the incremental build", () => {
    // Same size and a past mtime, but other bytes: hashed by the stamp check, then by the incremental build.
    const before = p.read("data/src5.txt");
    p.write(
      "data/src5.txt",
      before.replace(/^./, (c) => (c === "x" ? "y" : "x")),
    );
    const earlier = new Date(Date.now() - 3600_000);
    utimesSync(p.path("data/src5.txt"), earlier, earlier);
    const r = build();
    expect(r.trace.some((t) => t.startsWith("incremental: 1 file changed, 1 of 12 stages"))).toBe(true);
    expect(r.ran).toEqual(["Count5"]);
    expect(r.hashed.filter((f) => !f.includes("5"))).toEqual([]);
    // Read once: the stamp check's hash of it is the incremental build's too, and filesHashed counts that
    // read besides Count5's new output (which, written within a timestamp tick, may be hashed again after).
    expect(r.stderr.match(/^lbg: hashed .*src5\.txt$/gm)).toHaveLength(1);
    expect(r.end?.filesHashed).toBeGreaterThanOrEqual(2);
    p.write("data/src5.txt", before);
    build();
    settle();
  });

  it("a source touched with a new mtime is hashed alone each time, without reading the whole hash cache", () => {
    // A future mtime is too recent to vouch for: the stamp keeps the file's old stat, so each build hashes it
    // again — one small file, at once, rather than the cache being read for it — and finds it unchanged.
    const later = new Date(Date.now() + 3600_000);
    utimesSync(p.path("data/src4.txt"), later, later);
    for (const r of [build(), build()]) {
      expect(r.trace).toEqual(["stamp holds: every stage fresh (1 file touched, the content unchanged)"]);
      expect(r.hashed).toEqual(["data/src4.txt"]);
      expect(r.stderr).not.toMatch(/read the whole hash cache/);
    }
    const earlier = new Date(Date.now() - 7200_000);
    utimesSync(p.path("data/src4.txt"), earlier, earlier);
    settle();
  });

  it("an edit re-runs the direct reader, and its reader only when the reader's output changed", () => {
    // Same number of lines: Count3 re-runs and reproduces its output, so Total3 is checked and found fresh
    // (early cutoff). Read: the source and Count3's new output; nothing of the five other chains.
    p.write("data/src3.txt", "one\ntwo!\n");
    const same = build();
    expect(same.ran).toEqual(["Count3"]);
    expect(same.end).toMatchObject({ ok: true, stagesChecked: 2 });
    expect(same.hashed).toEqual(["data/src3.txt", "results/chains/outputs/count3.txt"]);
    settle();
    // The stamp the incremental build wrote (its order of stages and estimates kept from the stamp before,
    // with Count3's new seconds) replays exactly what a full check reports.
    const replayed = build();
    expect(replayed.trace).toEqual(["stamp holds: every stage fresh"]);
    rmSync(p.path(".cache/runs/chains/noop.json"));
    const full = build();
    expect(full.trace[0]).toBe("no stamp");
    // (Without what measures the work done: the replay does none.)
    const withoutWork = (events: Record<string, unknown>[]) =>
      events.map(({ seconds: _s, stagesChecked: _c, filesHashed: _f, ...e }) => e);
    expect(withoutWork(replayed.events)).toEqual(withoutWork(full.events));
    settle();

    // One more line: Count3's output changes, so Total3 is checked and re-runs too.
    p.write("data/src3.txt", "one\ntwo\nthree\n");
    const more = build();
    expect(more.ran).toEqual(["Count3", "Total3"]);
    expect(more.end).toMatchObject({ ok: true, stagesChecked: 2 });
    // (A file written within the file system's timestamp tick is hashed again when next needed, so counts of
    // reads may exceed the files: the names are what must stay inside the chain.)
    expect(more.hashed).toEqual([
      "data/src3.txt",
      "results/chains/outputs/count3.txt",
      "results/chains/outputs/tally3.yml",
    ]);
    expect(p.read("results/chains/outputs/tally3.yml")).toBe("total: 3\n");
    settle();
    settle();
  });

  it("records written by an incremental build say where each option came from, and metrics are reported", () => {
    p.write("data/src0.txt", "a\n");
    const r = build();
    expect(r.trace.some((t) => t.startsWith("incremental:"))).toBe(true);
    expect(r.ran).toEqual(["Count0", "Total0"]);
    expect(r.hashed.every((f) => /(src|count|tally)0\./.test(f))).toBe(true);
    expect(record("Total0").made.config.factor).toEqual({
      from: "section",
      at: "configs/pipelines/chains/config.yaml:2",
    });
    const metrics = r.events.find((e) => e.event === "metrics-changed");
    expect(metrics?.changes).toEqual([expect.objectContaining({ old: 6, new: 3 })]);
    settle();
  });

  it("a changed config file takes the full check, which plans every stage", () => {
    p.write("configs/pipelines/chains/config.yaml", "Total0:\n  factor: 4\n");
    const r = build();
    expect(r.trace.some((t) => t.startsWith("incremental:"))).toBe(false);
    expect(r.ran).toEqual(["Total0"]);
    expect(r.end).toMatchObject({ ok: true, stagesChecked: 2 * CHAINS });
  });
});
