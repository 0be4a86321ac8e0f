// End to end through the real CLI on a temp copy of test/fixtures/mini: what re-runs, and why.
import { appendFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const ALL = ["MakeNumbers", "SumNumbers", "CountNumbers", "CountNotes"];

describe("incremental builds (mini fixture)", () => {
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject("mini");
  });
  afterAll(() => p.remove());

  it("first build runs every stage; the second runs none and reads no file contents", () => {
    const first = p.build("numbers");
    expect(first.code).toBe(0);
    expect(first.ran.sort()).toEqual([...ALL].sort());
    expect(first.reasons.MakeNumbers).toEqual(["never built"]);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("45\n");
    expect(p.read("results/numbers/logs/SumNumbers.out")).toContain("read 10 values");
    const second = p.build("numbers");
    expect(second.code).toBe(0);
    expect(second.ran).toEqual([]);
    expect(second.fresh.sort()).toEqual([...ALL].sort());
    expect(second.end).toMatchObject({ ok: true, succeeded: 0, fresh: 4, filesHashed: 0 });
    const plain = p.lbg(["build", "numbers"]);
    expect(plain.stdout).toContain("nothing to do, every stage is fresh");
  });

  it("touching every input, config and stage file without changing it re-runs nothing", () => {
    const later = new Date(Date.now() + 5000);
    for (const f of [
      "data/notes.txt",
      "configs/runs/numbers.yaml",
      "configs/pipelines/numbers/pipeline.yaml",
      "configs/pipelines/numbers/config.yaml",
      "lbg_stages/make_numbers.ts",
      "lbg_stages/sum_numbers.ts",
      "lbg_stages/lib/parse-lines.ts",
      "results/numbers/outputs/numbers.txt",
    ]) {
      utimesSync(p.path(f), later, later);
    }
    const r = p.build("numbers");
    expect(r.code).toBe(0);
    expect(r.ran).toEqual([]);
  });

  it("a config change re-runs the stage and what reads its outputs, with the reason named", () => {
    const cfg = p.read("configs/pipelines/numbers/config.yaml");
    p.write("configs/pipelines/numbers/config.yaml", cfg.replace("n: 10", "n: 12"));
    const r = p.build("numbers");
    expect(r.ran.sort()).toEqual(["CountNumbers", "MakeNumbers", "SumNumbers"]);
    expect(r.reasons.MakeNumbers).toEqual(["config changed: MakeNumbers.n 10 → 12"]);
    expect(r.reasons.SumNumbers).toEqual(["input changed: numbers"]);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("66\n");
    p.write("configs/pipelines/numbers/config.yaml", cfg);
    expect(p.build("numbers").ran.sort()).toEqual(["CountNumbers", "MakeNumbers", "SumNumbers"]);
  });

  it("--set overrides a stage option for one build", () => {
    const r = p.build("numbers", ["--set", "MakeNumbers.n=3"]);
    expect(r.reasons.MakeNumbers).toEqual(["config changed: MakeNumbers.n 10 → 3"]);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("3\n");
    expect(p.build("numbers").ran).toContain("MakeNumbers");
  });

  it("deleting an output re-runs only its stage when the re-run reproduces it (early cutoff)", () => {
    rmSync(p.path("results/numbers/outputs/numbers.txt"));
    const r = p.build("numbers");
    expect(r.ran).toEqual(["MakeNumbers"]);
    expect(r.reasons.MakeNumbers).toEqual(["output missing: results/numbers/outputs/numbers.txt"]);
    expect(r.fresh).toEqual(expect.arrayContaining(["SumNumbers", "CountNumbers"]));
  });

  it("an input edit that leaves a reader's output unchanged stops there", () => {
    writeFileSync(p.path("data/notes.txt"), "x\ny\nz\n");
    const r = p.build("numbers");
    expect(r.ran).toEqual(["CountNotes"]);
    expect(r.reasons.CountNotes).toEqual(["input changed: notes"]);
  });

  it("a code change re-runs only the stages whose files (or local imports) changed", () => {
    appendFileSync(p.path("lbg_stages/sum_numbers.ts"), "\n// a comment changes the file\n");
    let r = p.build("numbers");
    expect(r.ran).toEqual(["SumNumbers"]);
    expect(r.reasons.SumNumbers).toEqual(["code changed: lbg_stages/sum_numbers.ts"]);
    appendFileSync(p.path("lbg_stages/lib/parse-lines.ts"), "\nexport const VERSION = 2;\n");
    r = p.build("numbers");
    expect(r.ran).toEqual(["SumNumbers"]);
    expect(r.reasons.SumNumbers).toEqual(["code changed: lbg_stages/lib/parse-lines.ts"]);
  });

  it("an output edited by hand makes its stage stale, with the reason", () => {
    writeFileSync(p.path("results/numbers/outputs/total.txt"), "1000\n");
    const st = p.lbg(["status", "numbers", "--json"]);
    expect(st.code).toBe(0);
    const stages = JSON.parse(st.stdout).stages as { stage: string; state: string; reasons: string[] }[];
    expect(stages.find((s) => s.stage === "SumNumbers")).toEqual({
      stage: "SumNumbers",
      state: "stale",
      reasons: ["output modified: results/numbers/outputs/total.txt"],
    });
    expect(stages.filter((s) => s.state === "stale").map((s) => s.stage)).toEqual(["SumNumbers"]);
    const r = p.build("numbers");
    expect(r.ran).toEqual(["SumNumbers"]);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("45\n");
  });

  it("a failing stage: non-zero exit, no final output, dependants not run, the log tail shown", () => {
    rmSync(p.path("results/numbers/outputs/total.txt"));
    const r = p.lbg(["build", "numbers", "--set", "SumNumbers.fail=true"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAILED\s+SumNumbers.*Error: asked to fail/);
    expect(r.stdout).toContain("log: results/numbers/logs/SumNumbers.out");
    expect(r.stdout).toContain("| read 10 values");
    expect(p.exists("results/numbers/outputs/total.txt")).toBe(false);
    expect(p.exists("results/numbers/outputs/inprogress_total.txt")).toBe(false);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const again = p.build("numbers");
    expect(again.ran).toEqual(["SumNumbers"]);
  });

  it("--dry-run and status run nothing", () => {
    rmSync(p.path("results/numbers/outputs/numbers_count.txt"));
    const d = p.build("numbers", ["--dry-run"]);
    expect(d.events.filter((e) => e.event === "stage-start").map((e) => [e.stage, e.dryRun])).toEqual([
      ["CountNumbers", true],
    ]);
    expect(p.exists("results/numbers/outputs/numbers_count.txt")).toBe(false);
    const s = p.lbg(["status", "numbers"]);
    expect(s.stdout).toMatch(/stale\s+CountNumbers\s+output missing/);
    expect(p.build("numbers").ran).toEqual(["CountNumbers"]);
  });

  it("--force, --no-resume and resume: False re-run stages and say why", () => {
    expect(p.build("numbers", ["--force", "SumNumbers"]).reasons).toEqual({ SumNumbers: ["forced"] });
    expect(p.build("numbers", ["--force"]).ran.length).toBe(4);
    const nr = p.build("numbers", ["--no-resume"]);
    expect(nr.ran.length).toBe(4);
    expect(nr.events.find((e) => e.event === "restart-all")?.reason).toBe("--no-resume");
    p.write("configs/runs/numbers.yaml", p.read("configs/runs/numbers.yaml").replace("resume: True", "resume: False"));
    const plain = p.lbg(["build", "numbers"]);
    expect(plain.stdout).toContain("resume: False in configs/runs/numbers.yaml: every stage re-runs");
    expect(p.build("numbers", ["--resume"]).ran).toEqual([]);
    p.write("configs/runs/numbers.yaml", p.read("configs/runs/numbers.yaml").replace("resume: False", "resume: True"));
  });

  it("-k keeps building branches that do not depend on a failure", () => {
    rmSync(p.path("results/numbers/outputs/total.txt"));
    rmSync(p.path("results/numbers/outputs/notes_count.txt"));
    const stop = p.build("numbers", ["--set", "SumNumbers.fail=true", "-j", "1"]);
    expect(stop.code).toBe(1);
    const notRun = stop.events.filter((e) => e.event === "stage-blocked");
    // Without -k nothing starts after the failure: CountNotes either ran before it or is reported not run.
    expect(
      stop.ran.includes("CountNotes") || notRun.some((e) => e.stage === "CountNotes" && e.by === "SumNumbers"),
    ).toBe(true);
    rmSync(p.path("results/numbers/outputs/notes_count.txt"), { force: true });
    const keep = p.build("numbers", ["--set", "SumNumbers.fail=true", "-k", "-j", "1"]);
    expect(keep.code).toBe(1);
    expect(keep.ran).toEqual(expect.arrayContaining(["CountNotes", "SumNumbers"]));
    expect(p.exists("results/numbers/outputs/notes_count.txt")).toBe(true);
  });

  it("dag, list and describe show the project", () => {
    const dot = p.lbg(["dag", "numbers"]);
    expect(dot.stdout).toContain('"MakeNumbers" -> "SumNumbers" [label="numbers"]');
    expect(dot.stdout).toContain('"input:notes" -> "CountNotes"');
    expect(p.lbg(["dag", "numbers", "--format", "mermaid"]).stdout).toContain(
      "MakeNumbers -- numbers --> CountNumbers",
    );
    expect(p.lbg(["list", "runs"]).stdout.trim()).toBe("numbers");
    expect(p.lbg(["list", "stages"]).stdout).toMatch(/CountLines\s+lbg_stages\/count_lines.ts/);
    const d = p.lbg(["describe", "MakeNumbers"]);
    expect(d.stdout).toContain("n (int, default 5): how many numbers");
    expect(d.stdout).toContain("numbers: txt");
  });

  it("clean removes what lbg made, and --dry-run only lists it", () => {
    p.build("numbers");
    p.write("results/numbers/outputs/mine.txt", "not lbg's\n");
    const dry = p.lbg(["clean", "numbers", "--dry-run"]);
    expect(dry.stdout).toContain("would remove results/numbers/outputs/total.txt");
    expect(p.exists("results/numbers/outputs/total.txt")).toBe(true);
    const c = p.lbg(["clean", "numbers"]);
    expect(c.code).toBe(0);
    expect(p.exists("results/numbers/outputs/total.txt")).toBe(false);
    expect(p.exists("results/numbers/logs/SumNumbers.out")).toBe(false);
    expect(p.read("results/numbers/outputs/mine.txt")).toBe("not lbg's\n");
    expect(p.read("data/notes.txt")).toBe("x\ny\nz\n");
    expect(p.build("numbers").ran.length).toBe(4);
  });
});

describe("pre_script, post_script and run-level config", () => {
  it("runs the scripts around the stages, logs them, and fails the build when one fails", () => {
    const p = new TempProject("mini");
    try {
      const run = p.read("configs/runs/numbers.yaml");
      p.write(
        "configs/runs/numbers.yaml",
        `${run}pre_script: "echo before > pre.txt"\npost_script: "cat results/numbers/outputs/total.txt > post.txt"\n`,
      );
      const r = p.build("numbers");
      expect(r.code).toBe(0);
      expect(r.events.map((e) => e.event)).toEqual(expect.arrayContaining(["script-start", "script-end"]));
      expect(p.read("pre.txt")).toBe("before\n");
      expect(p.read("post.txt")).toBe("45\n");
      p.write("configs/runs/numbers.yaml", `${run}pre_script: "echo no way >&2; exit 3"\n`);
      const f = p.lbg(["build", "numbers", "--force"]);
      expect(f.code).toBe(1);
      expect(f.stdout).toContain("FAILED   pre_script");
      expect(f.stdout).toContain("| no way");
      expect(f.stdout).not.toContain("run      MakeNumbers");
    } finally {
      p.remove();
    }
  });

  it("a run may override stage options with an inline config section", () => {
    const p = new TempProject("mini");
    try {
      p.write("configs/runs/numbers.yaml", `${p.read("configs/runs/numbers.yaml")}config:\n  MakeNumbers:\n    n: 4\n`);
      expect(p.build("numbers").code).toBe(0);
      expect(p.read("results/numbers/outputs/total.txt")).toBe("6\n");
      const c = p.lbg(["clean", "numbers", "--cache"]);
      expect(c.code).toBe(0);
      expect(p.exists(".cache/runs/numbers")).toBe(false);
      expect(p.exists("results/numbers")).toBe(false);
    } finally {
      p.remove();
    }
  });
});

describe("lbg accept", () => {
  it("records a stale stage's current outputs as fresh without running it", () => {
    const p = new TempProject("mini");
    try {
      expect(p.build("numbers").code).toBe(0);
      appendFileSync(p.path("lbg_stages/sum_numbers.ts"), "\n// refactor: no change in results\n");
      const a = p.lbg(["accept", "numbers", "SumNumbers"]);
      expect(a.code).toBe(0);
      expect(a.stdout).toContain("accepted SumNumbers  (was: code changed: lbg_stages/sum_numbers.ts)");
      expect(p.build("numbers").ran).toEqual([]);
      rmSync(p.path("results/numbers/outputs/total.txt"));
      const b = p.lbg(["accept", "numbers"]);
      expect(b.stderr).toContain("skipped SumNumbers: output results/numbers/outputs/total.txt does not exist");
      expect(p.build("numbers").ran).toEqual(["SumNumbers"]);
    } finally {
      p.remove();
    }
  });
});
