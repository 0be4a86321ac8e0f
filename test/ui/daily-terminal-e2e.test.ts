// Issue 16 items 6 and 7 in a real terminal (tmux): at 80 columns a finished row wraps its reasons under the
// reason column instead of cutting them; the end of a build says where the outputs are and which files hold
// the run's metrics (shown themselves when a build changes them); in lbg watch, `r`
// says it re-checks, the summary and the footer give one build time, and after `q` the footer no longer says
// "watching" nor shows the keys; `lbg clean` with no run asks first.
import { describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";
import { inTerminal, type Tmux } from "./tmux.ts";

const LBG = "node src/bin/lbg.mjs";

describe("the daily loop in a terminal", () => {
  let p: TempProject;
  let tmux: Tmux;
  inTerminal("mini", (rig) => {
    ({ p, tmux } = rig);
  });

  it("at 80 columns reasons wrap under their column, whole; the end says where the outputs are", async () => {
    expect(p.build("numbers").code).toBe(0);
    const s = tmux.start(
      p.dir,
      `${LBG} build numbers --set MakeNumbers.n=1234 --set MakeNumbers.sleep=0.5`,
      {},
      { columns: 80, rows: 30 },
    );
    const scr = await tmux.waitFor(s, (x) => x.includes("EXIT="));
    const lines = scr.split("\n");
    // capture-pane -J joins what the terminal wrapped: a line longer than 80 would be one lbg did not fit.
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(80);
    const at = lines.findIndex((l) =>
      /^✓ MakeNumbers +\d+\.\d\ds {2}config changed: MakeNumbers\.n 10 → 1234,/.test(l),
    );
    expect(at, scr).toBeGreaterThanOrEqual(0);
    expect(lines[at + 1]).toMatch(/^ {33}sleep 0 → 0\.5$/);
    expect(scr).toMatch(/^numbers: build succeeded — .*\n {2}outputs in results\/numbers\/outputs\/\nEXIT=0$/m);
  });

  it("a run with metrics: the first build shows them, the end names the files and the command; a no-op too", async () => {
    const m = new TempProject(["mini", "experiments"]);
    try {
      const s = tmux.start(m.dir, `${LBG} build numbers`);
      const scr = await tmux.waitFor(s, (x) => x.includes("EXIT="));
      expect(scr).toMatch(/^metrics \(the first recorded for this run\):\n {2}summary\.count 10 \(new\)$/m);
      expect(scr).toMatch(
        /^numbers: build succeeded — 5 ran, 0 fresh in \S+\n {2}outputs in results\/numbers\/outputs\/ · metrics: summary\.yml, details\.yml \(lbg metrics numbers\)\nEXIT=0$/m,
      );
      const again = tmux.start(m.dir, `${LBG} build numbers`);
      const noop = await tmux.waitFor(again, (x) => x.includes("EXIT="));
      expect(noop).not.toContain("metrics (the first");
      expect(noop).toMatch(
        /nothing to do, every stage is fresh .*\nlbg: outputs in results\/numbers\/outputs\/ · metrics: /,
      );
    } finally {
      m.remove();
    }
  });

  it("watch: r says it re-checks, one build time in summary and footer, and q leaves no 'watching' behind", async () => {
    const q = new TempProject("mini");
    try {
      const s = tmux.start(q.dir, `${LBG} watch numbers`);
      const first = await tmux.waitFor(s, (t) => /◉ watching \d+ files — last build: succeeded/.test(t));
      const summary = /^numbers: build succeeded — 4 ran, 0 fresh in (\S+)$/m.exec(first)?.[1];
      const footer = /last build: succeeded at \d\d:\d\d:\d\d in (\S+)$/m.exec(first)?.[1];
      expect(summary, first).toBeDefined();
      expect(footer).toBe(summary);
      expect(first).toContain("q quit · r re-check · f force failed");

      tmux.sendKeys(s, "r");
      await tmux.waitFor(s, (t) => t.includes("» r: checking every stage again (only stale stages run)"));
      await tmux.waitFor(s, (t) => /nothing to do, every stage is fresh/.test(t) && /◉ watching/.test(t));
      tmux.sendKeys(s, "q");
      const end = await tmux.waitFor(s, (t) => /EXIT=\d+/.test(t));
      expect(end).toContain("EXIT=0");
      expect(end).toMatch(/^◼ stopped watching — last build: succeeded at \d\d:\d\d:\d\d in \S+\nEXIT=0$/m);
      expect(end).not.toContain("q quit");
      expect(end).not.toMatch(/[◉◎] watching/);
    } finally {
      q.remove();
    }
  });

  it("lbg clean with no run asks on a terminal; n keeps everything, y cleans every run", async () => {
    expect(p.build("numbers").code).toBe(0);
    const no = tmux.start(p.dir, `${LBG} clean`);
    await tmux.waitFor(no, (t) =>
      t.includes("Remove the outputs, logs and records of every run (1 run: numbers)? [y/N]"),
    );
    tmux.sendKeys(no, "n", "Enter");
    const kept = await tmux.waitFor(no, (t) => /EXIT=\d+/.test(t));
    expect(kept).toContain("lbg clean: nothing removed");
    expect(kept).toContain("EXIT=1");
    expect(p.exists("results/numbers/outputs/total.txt")).toBe(true);

    const yes = tmux.start(p.dir, `${LBG} clean`);
    await tmux.waitFor(yes, (t) => t.includes("[y/N]"));
    tmux.sendKeys(yes, "y", "Enter");
    const done = await tmux.waitFor(yes, (t) => /EXIT=\d+/.test(t));
    expect(done).toContain("EXIT=0");
    expect(done).toContain("removed results/numbers/outputs/total.txt");
    expect(p.exists("results/numbers/outputs/total.txt")).toBe(false);
  });
});
