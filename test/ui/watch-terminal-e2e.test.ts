// `lbg watch` in a real terminal (tmux): the live view with its footer, a rebuild after an edit, and the
// keys r (re-check) and q (quit, exit code 0, no stage process left); the type error of a saved stage file.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";
import { inTerminal, type Tmux } from "./tmux.ts";

describe("lbg watch in a terminal", () => {
  let p: TempProject;
  let tmux: Tmux;
  inTerminal("mini", (rig) => {
    ({ p, tmux } = rig);
  });

  it("shows the watching footer, rebuilds after an edit, r re-checks, q quits cleanly", async () => {
    const s = tmux.start(p.dir, `node ${p.path("src/bin/lbg.mjs")} watch numbers`);
    await tmux.waitFor(
      s,
      (t) => /watching \d+ files — last build: succeeded/.test(t) && t.includes("q quit · r re-check · f force failed"),
    );
    writeFileSync(
      p.path("configs/pipelines/numbers/config.yaml"),
      p.read("configs/pipelines/numbers/config.yaml").replace("n: 10", "n: 12"),
    );
    const after = await tmux.waitFor(
      s,
      (t) =>
        t.includes("config changed: MakeNumbers.n 10 → 12") &&
        (t.match(/watching \d+ files/g) ?? []).length >= 1 &&
        /build succeeded — 3 ran, 1 fresh/.test(t),
    );
    expect(after).toContain("changed: configs/pipelines/numbers/config.yaml");
    tmux.sendKeys(s, "r");
    await tmux.waitFor(s, (t) => /build succeeded — 0 ran, 4 fresh|nothing to do/.test(t));
    tmux.sendKeys(s, "q");
    const end = await tmux.waitFor(s, (t) => /EXIT=\d+/.test(t));
    expect(end).toContain("EXIT=0");
    expect(p.exists(".cache/runs/numbers/lock")).toBe(false);
  }, 60_000);

  it("the footer says what is watched from the first build on, and after Ctrl-C in a build that it was interrupted", async () => {
    const q = new TempProject("mini");
    try {
      const cfg = "configs/pipelines/numbers/config.yaml";
      q.write(cfg, q.read(cfg).replace("n: 10", "n: 10\n  sleep: 2"));
      const s = tmux.start(q.dir, `node ${q.path("src/bin/lbg.mjs")} watch numbers`);
      await tmux.waitFor(
        s,
        (t) => t.includes("› making 10 numbers") && /◎ watching \d+ files — last build: none yet/.test(t),
      );
      await tmux.waitFor(s, (t) => /◉ watching \d+ files — last build: succeeded/.test(t));
      writeFileSync(q.path(cfg), q.read(cfg).replace("n: 10", "n: 12"));
      await tmux.waitFor(s, (t) => t.includes("› making 12 numbers"));
      tmux.sendKeys(s, "C-c");
      const end = await tmux.waitFor(s, (t) => /EXIT=\d+/.test(t));
      expect(end).toContain("EXIT=130");
      // The session is over: the footer says so (issue 16 item 6), with how the last build ended.
      const footer = end
        .split("\n")
        .filter((l) => /watching/.test(l))
        .at(-1);
      expect(footer).toMatch(/^◼ stopped watching — last build: interrupted at \d\d:\d\d:\d\d after /);
      expect(end).toMatch(/numbers: build interrupted — /);
    } finally {
      q.remove();
    }
  }, 60_000);

  it("a saved stage file with a type error: the screen names its file:line, no stage runs, the fix builds", async () => {
    const q = new TempProject("mini");
    try {
      const sum = q.read("lbg_stages/sum_numbers.ts");
      // The test rig turns the check off by default; a user's terminal has it on.
      const s = tmux.start(q.dir, `node ${q.path("src/bin/lbg.mjs")} watch numbers`, { LBG_TYPE_CHECK: "error" });
      await tmux.waitFor(s, (t) => /watching \d+ files — last build: succeeded/.test(t), { ms: 120_000 });
      writeFileSync(
        q.path("lbg_stages/sum_numbers.ts"),
        sum.replace(
          "const values = parseLines(",
          'const scale: number = ctx.config.fail ? "2" : 1;\n    const values = parseLines(',
        ),
      );
      const broken = await tmux.waitFor(
        s,
        (t) =>
          t.includes("lbg_stages/sum_numbers.ts:13:11: type error TS2322: Type 'string | number' is not assignable"),
        { ms: 120_000 },
      );
      expect(broken).not.toMatch(/EXIT=/);
      writeFileSync(q.path("lbg_stages/sum_numbers.ts"), sum.replace("a + b, 0)", "a + b, 1)"));
      await tmux.waitFor(s, (t) => /build succeeded — 1 ran, 3 fresh/.test(t), { ms: 120_000 });
      expect(q.read("results/numbers/outputs/total.txt")).toBe("46\n");
      tmux.sendKeys(s, "q");
      expect(await tmux.waitFor(s, (t) => /EXIT=\d+/.test(t))).toContain("EXIT=0");
    } finally {
      q.remove();
    }
  }, 300_000);
});
