// The no-op stamp (src/store/noop-stamp.ts): a build that found every stage fresh lets the next identical
// build answer from stat() calls alone. These tests check that it is taken when nothing changed, reports the
// same events as the full check, and is never taken when anything the plan depends on changed.
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../helpers/processes.ts";
import { TempProject } from "../helpers/temp-project.ts";

/** A build that wrote a stamp or took one (not "no stamp written: …"). */
const STAMPED = /^lbg: noop: stamp (written|holds)/m;

describe("no-op stamp", () => {
  let p: TempProject;
  const env = { LBG_TRACE_NOOP: "1", NOTES_DIR: "data" };
  const build = (extra: string[] = [], more: NodeJS.ProcessEnv = {}) => {
    const r = p.build("numbers", extra, { ...env, ...more });
    return { ...r, noop: /^lbg: noop: (.*)$/m.exec(r.stderr)?.[1] ?? "" };
  };
  /** Builds (with `b`) until the stamp is written, then checks that the next build takes it. */
  const settle = (b: () => ReturnType<typeof build> = () => build()) => {
    let r = b();
    for (let i = 0; i < 5 && !STAMPED.test(r.stderr); i++) r = b();
    expect(r.stderr).toMatch(STAMPED);
    const used = b();
    expect(used.noop).toBe("stamp holds: every stage fresh");
    return used;
  };
  /** The events without what measures the work done (a replay does none: no seconds, no stage checked). */
  const withoutTimes = (events: Record<string, unknown>[]) =>
    events.map(({ seconds: _s, stagesChecked: _c, ...e }) => e);

  beforeAll(() => {
    p = new TempProject("mini");
    // A run input named through an environment variable, as lbg-pipelines does with $LBG_DIR.
    p.write(
      "configs/runs/numbers.yaml",
      p.read("configs/runs/numbers.yaml").replace("notes: data/notes.txt", "notes: ${NOTES_DIR}/notes.txt"),
    );
    expect(build().code).toBe(0);
  });
  afterAll(() => p.remove());

  it("is written by a build that found every stage fresh, and reports exactly that build's events", () => {
    rmSync(p.path(".cache/runs/numbers/noop.json"), { force: true }); // the next build is a full check
    const full = build();
    expect(full.ran).toEqual([]);
    expect(full.noop).toBe("no stamp");
    const quick = settle();
    expect(quick.code).toBe(0);
    expect(withoutTimes(quick.events)).toEqual(withoutTimes(full.events));
    expect(quick.end).toMatchObject({ ok: true, succeeded: 0, fresh: 4, filesHashed: 0 });
    const plain = p.lbg(["build", "numbers"], { env: { ...env } });
    expect(plain.stderr).toContain("lbg: noop: stamp holds");
    expect(plain.stdout).toContain("nothing to do, every stage is fresh");
  });

  it("is not taken when a config value, --set, an environment variable or the code changed", () => {
    settle();
    const cfg = p.read("configs/pipelines/numbers/config.yaml");
    p.write("configs/pipelines/numbers/config.yaml", cfg.replace("n: 10", "n: 11"));
    expect(build().ran.sort()).toEqual(["CountNumbers", "MakeNumbers", "SumNumbers"]);
    p.write("configs/pipelines/numbers/config.yaml", cfg);
    expect(build().ran).toContain("MakeNumbers");

    settle();
    const same = build(["--set", "MakeNumbers.n=10"]); // the value the config already has: other arguments, full check
    expect(same.noop).toBe("no stamp for these arguments");
    expect(same.ran).toEqual([]);

    settle();
    cpSync(p.path("data"), p.path("data2"), { recursive: true });
    writeFileSync(p.path("data2/notes.txt"), "other notes\n");
    const moved = build([], { NOTES_DIR: "data2" });
    expect(moved.noop).toBe("stamp does not hold: $NOTES_DIR changed");
    expect(moved.ran).toEqual(["CountNotes"]);
    expect(build().ran).toEqual(["CountNotes"]); // back to data/

    settle();
    const lib = p.read("lbg_stages/lib/parse-lines.ts");
    p.write("lbg_stages/lib/parse-lines.ts", `${lib}\nexport const unused = 1;\n`);
    expect(build().ran).toEqual(["SumNumbers"]); // the only stage that imports it
    p.write("lbg_stages/lib/parse-lines.ts", lib);
    build();
  });

  it("compares the variables the loading looked up, also those that appear only once the file is parsed", () => {
    // "\u0024{NOTES_FILE}" is YAML for ${NOTES_FILE}, which lbg then expands: the file's text never says $NOTES_FILE.
    const run = p.read("configs/runs/numbers.yaml");
    p.write(
      "configs/runs/numbers.yaml",
      run.replace("notes: ${NOTES_DIR}/notes.txt", 'notes: "${NOTES_DIR}/\\u0024{NOTES_FILE}"'),
    );
    writeFileSync(p.path("data/notes2.txt"), "other notes\n");
    const withFile = (file: string) => () => build([], { NOTES_FILE: file });
    withFile("notes.txt")();
    settle(withFile("notes.txt"));
    const other = withFile("notes2.txt")();
    expect(other.noop).toBe("stamp does not hold: $NOTES_FILE changed");
    expect(other.ran).toEqual(["CountNotes"]);
    settle(withFile("notes2.txt")); // the same value twice: a no-op

    // A ceci pipeline file whose template builds the name: once rendered, it says $NOTES_FILE.
    p.write(
      "ceci.yml",
      'modules: lbg_stages\nstages:\n  - name: CountNotes\n    classname: CountLines\n    aliases:\n      text: notes\n      count: notes_count\ninputs:\n  notes: data/{{ "$" ~ "NOTES_FILE" }}\noutput_dir: ceci-out\nlog_dir: ceci-out/logs\nresume: True\n',
    );
    const ceci = (file: string) => () => {
      const r = p.build("ceci.yml", [], { ...env, NOTES_FILE: file });
      return { ...r, noop: /^lbg: noop: (.*)$/m.exec(r.stderr)?.[1] ?? "" };
    };
    expect(ceci("notes.txt")().ran).toEqual(["CountNotes"]);
    settle(ceci("notes.txt"));
    const changed = ceci("notes2.txt")();
    expect(changed.noop).toBe("stamp does not hold: $NOTES_FILE changed");
    expect(changed.ran).toEqual(["CountNotes"]);
    settle(ceci("notes2.txt"));
    rmSync(p.path("ceci.yml"));

    p.write("configs/runs/numbers.yaml", run);
    build();
  });

  it("is not taken when an input or output changed, even with its old mtime put back", () => {
    settle();
    const notes = p.path("data/notes.txt");
    const before = statSync(notes);
    const text = readFileSync(notes, "utf8");
    writeFileSync(
      notes,
      text.replace(/^./, (c) => (c === "x" ? "y" : "x")),
    ); // same size
    utimesSync(notes, before.atime, before.mtime); // only ctime tells
    const r = build();
    expect(r.noop).toMatch(/^stamp does not hold: .*notes\.txt changed$/);
    expect(r.ran).toEqual(["CountNotes"]);
    writeFileSync(notes, text);
    build();

    settle();
    p.write("results/numbers/outputs/total.txt", "999\n");
    expect(build().ran).toEqual(["SumNumbers"]);
  });

  it("holds when a config, a stage file or an input is saved unchanged: only those files are read", () => {
    settle();
    const earlier = new Date(Date.now() - 3600_000);
    const files = ["configs/pipelines/numbers/config.yaml", "lbg_stages/sum_numbers.ts", "data/notes.txt"];
    for (const f of files) utimesSync(p.path(f), earlier, earlier);
    const r = build([], { LBG_TRACE_HASH: "1" });
    expect(r.noop).toBe("stamp holds: every stage fresh (3 files touched, the content unchanged)");
    expect(r.ran).toEqual([]);
    expect(r.end).toMatchObject({ ok: true, fresh: 4, filesHashed: 3 });
    expect([...r.stderr.matchAll(/^lbg: hashed .*\/(.*)$/gm)].map((m) => m[1]).sort()).toEqual([
      "config.yaml",
      "notes.txt",
      "sum_numbers.ts",
    ]);
    expect(build().noop).toBe("stamp holds: every stage fresh"); // the stamp took their new stat
    // The same config with another value, its mtime put back: read, found changed, the full check.
    const cfg = p.read("configs/pipelines/numbers/config.yaml");
    p.write("configs/pipelines/numbers/config.yaml", cfg.replace("n: 10", "n: 12"));
    utimesSync(p.path("configs/pipelines/numbers/config.yaml"), earlier, earlier);
    const changed = build();
    expect(changed.noop).toMatch(/^stamp does not hold: .*config\.yaml changed$/);
    expect(changed.ran).toContain("MakeNumbers");
    p.write("configs/pipelines/numbers/config.yaml", cfg);
    build();
  });

  it("is not taken after other builds changed the records, a new stage file appeared, or clean", () => {
    settle();
    expect(build(["--force=CountNotes"]).ran).toEqual(["CountNotes"]);
    const after = build();
    expect(after.noop).toMatch(/records\.jsonl changed/);
    expect(after.ran).toEqual([]);

    settle();
    p.write(
      "lbg_stages/unused_stage.ts",
      readFileSync(p.path("lbg_stages/sum_numbers.ts"), "utf8").replace("class SumNumbers", "class UnusedStage"),
    );
    const added = build();
    expect(added.noop).toMatch(/lbg_stages changed$/);
    expect(added.ran).toEqual([]);

    settle();
    expect(p.lbg(["clean", "numbers"]).code).toBe(0);
    expect(build().ran.length).toBe(4);
  });

  it("is not taken when a file the loader looked for but did not find appears (a config that shadows another)", () => {
    const pipe = p.read("configs/pipelines/numbers/pipeline.yaml");
    // `config: config.yaml` is looked for at the project root first, then in the pipeline's folder.
    p.write(
      "configs/pipelines/numbers/pipeline.yaml",
      pipe.replace("config: configs/pipelines/numbers/config.yaml", "config: config.yaml"),
    );
    build();
    settle();
    p.write("config.yaml", "MakeNumbers:\n  n: 3\n");
    const r = build();
    expect(r.noop).toMatch(/config\.yaml changed$/);
    expect(r.reasons.MakeNumbers).toEqual(["config changed: MakeNumbers.n 10 → 3"]);
    rmSync(p.path("config.yaml"));
    p.write("configs/pipelines/numbers/pipeline.yaml", pipe);
    build();
  });

  it("is not taken by a build that type-checks when the stamped one did not (--type-check, LBG_TYPE_CHECK)", () => {
    const file = "lbg_stages/sum_numbers.ts";
    const code = p.read(file);
    p.write(file, `${code}\nexport const wrong: number = "not a number";\n`);
    try {
      for (const [flags, vars] of [
        [["--type-check", "off"], {}],
        [[], { LBG_TYPE_CHECK: "off" }],
      ] as const) {
        let r = build([...flags], vars);
        for (let i = 0; i < 5 && !STAMPED.test(r.stderr); i++) r = build([...flags], vars);
        const held = build([...flags], vars);
        expect(held.noop, held.stderr).toBe("stamp holds: every stage fresh");
        const checked = build([], { LBG_TYPE_CHECK: "error" }); // (the test rig's default is off)
        expect(checked.code).toBe(2);
        expect(checked.stderr).toContain("sum_numbers.ts");
        expect(checked.noop).not.toMatch(/stamp holds/);
      }
    } finally {
      p.write(file, code);
    }
    expect(build().code).toBe(0);
  });

  it("that is valid JSON of the wrong shape is taken as no stamp, never an internal error", () => {
    const file = p.path(".cache/runs/numbers/noop.json");
    const edits: ((s: Record<string, unknown>) => void)[] = [
      (s) => (s.env = null),
      (s) => (s.files = [[1]]),
      (s) => (s.paths = [["/x", 5]]),
      (s) => (s.records = { key: "", lines: 1, at: [["MakeNumbers", "0", 1, null]] }),
      (s) => (s.fresh = [null]),
      (s) => (s.start = { event: "build-start" }),
      (s) => (s.warnings = "none"),
    ];
    for (const edit of edits) {
      settle();
      const stamp = JSON.parse(readFileSync(file, "utf8"));
      edit(stamp);
      writeFileSync(file, JSON.stringify(stamp));
      const r = build();
      expect(r.code, `${edit}: ${r.stderr}`).toBe(0);
      expect(r.noop, `${edit}`).toBe("no stamp for these arguments");
      expect(r.ran).toEqual([]);
    }
  });

  it("is not taken when a module folder no stage uses gains a stage file", () => {
    const pipe = p.read("configs/pipelines/numbers/pipeline.yaml");
    const stage = (cls: string) =>
      p
        .read("lbg_stages/sum_numbers.ts")
        .replace("class SumNumbers", `class ${cls}`)
        .replaceAll("./lib/", "../lbg_stages/lib/");
    p.write("extra/unused.ts", stage("UnusedExtra"));
    p.write(
      "configs/pipelines/numbers/pipeline.yaml",
      pipe.replace("modules: lbg_stages", "modules: lbg_stages extra"),
    );
    build();
    settle();
    p.write("extra/dup.ts", stage("MakeNumbers")); // a second MakeNumbers: the full check must refuse the run
    const r = build();
    expect(r.noop).toMatch(/extra changed$/);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stage class 'MakeNumbers' is defined twice/);
    rmSync(p.path("extra"), { recursive: true });
    p.write("configs/pipelines/numbers/pipeline.yaml", pipe);
    build();
  });

  it("is not written by a build during which a file it covers changed", async () => {
    const q = new TempProject(["mini", "slow-load"]); // introspecting SumNumbers takes 1.5 s
    try {
      const qbuild = () => q.build("numbers", [], { LBG_TRACE_NOOP: "1" });
      qbuild();
      qbuild();
      // A no-op whose loading is slow: the stage cache is gone (so SumNumbers is introspected again), and so
      // is the stamp (or it would answer at once).
      rmSync(q.path(".cache/stages"), { recursive: true, force: true });
      rmSync(q.path(".cache/runs/numbers/noop.json"), { force: true });
      rmSync(q.path("introspecting"), { force: true });
      const child = q.spawn(["build", "numbers", "--json"], { LBG_TRACE_NOOP: "1" });
      let stderr = "";
      child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise((r) => child.on("exit", r));
      await waitUntil(() => q.exists("introspecting"), "the build to introspect SumNumbers", 30_000);
      // The config was read before the stage classes were loaded: this edit comes after it was read.
      const cfg = q.read("configs/pipelines/numbers/config.yaml");
      q.write("configs/pipelines/numbers/config.yaml", cfg.replace("n: 10", "n: 11"));
      await exited;
      expect(stderr).toContain("no stamp written: a file it covers changed during the build");
      const next = qbuild();
      expect(next.reasons.MakeNumbers).toEqual(["config changed: MakeNumbers.n 10 → 11"]);
    } finally {
      q.remove();
    }
  });

  it("still takes the run lock: a build in progress is named, not reported fresh", async () => {
    settle();
    const holder = spawn("sleep", ["30"]);
    try {
      writeFileSync(
        p.path(".cache/runs/numbers/lock"),
        JSON.stringify({ pid: holder.pid, host: hostname(), since: new Date().toISOString() }),
      );
      const r = build();
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`run 'numbers' is being built by pid ${holder.pid}`));
      expect(r.events.map((e) => e.event)).toEqual(["build-end"]); // no stage reported fresh
      expect(r.end).toMatchObject({ ok: false });
    } finally {
      holder.kill();
    }
    await new Promise((r) => holder.on("exit", r));
    expect(build().code).toBe(0); // the holder is gone: its lock is broken
  });
});

// A directory's hash follows the symlinks inside it (src/fs/walk-tree.ts); the stamp's key of the directory
// must see the same files, or an edit inside a linked folder leaves the stage reported fresh for ever.
describe("no-op stamp of a directory holding a symlinked folder", () => {
  let p: TempProject;
  const build = () => {
    const r = p.build("numbers", [], { LBG_TRACE_NOOP: "1" });
    return { ...r, noop: /^lbg: noop: (.*)$/m.exec(r.stderr)?.[1] ?? "" };
  };
  const settle = () => {
    for (let i = 0; i < 6 && build().noop !== "stamp holds: every stage fresh"; i++);
    expect(build().noop).toBe("stamp holds: every stage fresh");
  };

  beforeAll(() => {
    p = new TempProject("mini");
    // TreeSum reads a directory input and writes a directory output, each with a link to a folder elsewhere.
    p.write(
      "lbg_stages/tree_sum.ts",
      `import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Stage, type StageContext } from "#lbg/sdk";
const walk = (d: string): string[] =>
  readdirSync(d).sort().flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
/** Concatenates every file under a directory. */
export default class TreeSum extends Stage {
  static inputs = { tree: "directory" } as const;
  static outputs = { summed: "directory" } as const;
  run(ctx: StageContext<typeof TreeSum>) {
    const out = ctx.outputs.summed;
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "sum.txt"), walk(ctx.inputs.tree).map((f) => readFileSync(f, "utf8")).join(""));
    symlinkSync(resolve(dirname(ctx.inputs.tree), "shared"), join(out, "shared"));
  }
}
`,
    );
    p.write(
      "configs/pipelines/numbers/pipeline.yaml",
      `${p.read("configs/pipelines/numbers/pipeline.yaml")}  - name: TreeSum\n`,
    );
    p.write("configs/runs/numbers.yaml", `${p.read("configs/runs/numbers.yaml")}  tree: data/tree\n`);
    mkdirSync(p.path("data/tree"));
    mkdirSync(p.path("data/elsewhere"));
    mkdirSync(p.path("data/shared"));
    p.write("data/tree/a.txt", "a\n");
    p.write("data/elsewhere/x.txt", "AAAA\n");
    p.write("data/shared/y.txt", "YYYY\n");
    symlinkSync("../elsewhere", p.path("data/tree/link"));
    const first = build();
    expect(first.code).toBe(0);
    expect(first.ran).toContain("TreeSum");
    expect(p.read("results/numbers/outputs/summed/sum.txt")).toBe("a\nAAAA\n");
  });
  afterAll(() => p.remove());

  it("is not taken when a file inside a symlinked folder of a directory input changed", () => {
    settle();
    p.write("data/elsewhere/x.txt", "BBBB\n"); // same size
    const r = build();
    expect(r.noop).toMatch(/tree changed/);
    expect(r.reasons.TreeSum).toEqual(["input changed: tree"]);
    expect(p.read("results/numbers/outputs/summed/sum.txt")).toBe("a\nBBBB\n");
    settle();
  });

  it("is not taken when a file inside a symlinked folder of a directory output changed", () => {
    settle();
    p.write("data/shared/y.txt", "ZZZZ\n");
    const r = build();
    expect(r.noop).toMatch(/summed changed/);
    expect(r.ran).toEqual(["TreeSum"]);
    settle();
  });
});
