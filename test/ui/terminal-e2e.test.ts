// End to end in a real pseudo-terminal (tmux): `lbg build` shows the live view while stages run and leaves
// the finished rows and the summary on screen; a no-op build, --plain and --json never load the UI (plain
// and JSON output unchanged); a failure shows its log tail; Ctrl-C cancels through the UI.
import { describe, expect, it } from "vitest";
import type { TempProject } from "../helpers/temp-project.ts";
import { inTerminal, type Tmux } from "./tmux.ts";

const LBG = "node src/bin/lbg.mjs";

describe("lbg build in a terminal", () => {
  let p: TempProject;
  let tmux: Tmux;
  inTerminal("mini", (rig) => {
    ({ p, tmux } = rig);
  });

  it("shows running stages with a spinner, their last log line and progress, then the finished rows and the summary", async () => {
    const s = tmux.start(p.dir, `${LBG} build numbers --set MakeNumbers.sleep=4`, { LBG_TRACE_UI: "1" });
    let live = "";
    let withBar = "";
    const bar = /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] MakeNumbers +\d+\.\d\ds  █+░+ +[1-9]\d% · ~\d+s left  never built$/m;
    const final = await tmux.waitFor(s, (scr) => scr.includes("EXIT="), {
      onScreen: (scr) => {
        if (!live && scr.includes("› making 10 numbers")) live = scr;
        if (!withBar && bar.test(scr)) withBar = scr;
      },
    });
    // While MakeNumbers sleeps: header with counts, its running row (spinner, elapsed, reason), its last log
    // line, stages not reported yet, and the progress bar.
    expect(live).toContain("building numbers (numbers)");
    expect(live).toMatch(/\d+ fresh · \d+ to run · 4 total/);
    expect(live).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] MakeNumbers +\d+\.\d\ds  (?:[█░]{10} +\d+%  )?never built$/m);
    expect(live).toContain("    › making 10 numbers");
    // A first build has no timings: the ETA says it does not know.
    expect(live).toMatch(/^[█░]+ \d\/4 · ETA \?$/m);
    // MakeNumbers reports progress (ctx.progress): a bar, percentage and time left at its rate in its row; the
    // progress lines in its log are not shown as its last line.
    expect(withBar, "a screen with MakeNumbers' progress bar").toMatch(bar);
    expect(withBar).toContain("    › making 10 numbers");
    // The end: every row printed once, the summary last, the live area gone.
    expect(final).toContain("lbg: ui: loaded in");
    for (const stage of ["MakeNumbers", "SumNumbers", "CountNumbers", "CountNotes"]) {
      expect(final.match(new RegExp(`^✓ ${stage} .*never built$`, "gm"))).toHaveLength(1);
    }
    // …and where the outputs are (issue 16 item 6).
    expect(final).toMatch(
      /^numbers: build succeeded — 4 ran, 0 fresh in \d+\.\d+s\n {2}outputs in results\/numbers\/outputs\/\nEXIT=0$/m,
    );
    expect(final).not.toContain("building numbers");
    expect(final).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
  });

  it("a no-op build in a terminal does not load Ink and prints the plain lines", async () => {
    p.lbg(["build", "numbers"]);
    const s = tmux.start(p.dir, `${LBG} build numbers`, { LBG_TRACE_UI: "1" });
    const scr = await tmux.waitFor(s, (x) => x.includes("EXIT="));
    expect(scr).toContain("lbg: ui: not loaded (nothing ran)");
    expect(scr).not.toContain("ui: loaded");
    expect(scr).toContain("lbg: building numbers (numbers): 4 stages");
    expect(scr).toContain("fresh    MakeNumbers");
    expect(scr).toMatch(
      /lbg: nothing to do, every stage is fresh — 0 ran, 4 fresh in \S+\nlbg: outputs in results\/numbers\/outputs\/\nEXIT=0/,
    );
  });

  it("--plain and --json in a terminal print exactly what they print in a pipe", async () => {
    const plain = tmux.start(p.dir, `${LBG} build numbers --plain --set MakeNumbers.n=3`, { LBG_TRACE_UI: "1" });
    const scr = await tmux.waitFor(plain, (x) => x.includes("EXIT="));
    expect(scr).toContain("lbg: ui: off (--plain)");
    expect(scr).toContain("run      MakeNumbers  (config changed: MakeNumbers.n 10 → 3)");
    expect(scr).toMatch(/done     MakeNumbers  \S+s/);

    const json = tmux.start(p.dir, `${LBG} build numbers --json --set MakeNumbers.n=4`);
    const out = await tmux.waitFor(json, (x) => x.includes("EXIT="));
    const lines = out.split("\n").filter((l) => l.startsWith("{"));
    expect(lines.map((l) => JSON.parse(l).event)).toEqual(
      expect.arrayContaining(["build-start", "stage-start", "stage-end", "build-end"]),
    );
    expect(out).not.toMatch(/[✓⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
  });

  it("a failure shows the failed row, its log path and last lines, what was not run, and the summary", async () => {
    const s = tmux.start(p.dir, `${LBG} build numbers --set SumNumbers.fail=true --set MakeNumbers.n=6`);
    const scr = await tmux.waitFor(s, (x) => x.includes("EXIT="));
    expect(scr).toMatch(
      /^✗ SumNumbers +\d+\.\d\ds  FAILED: Error: asked to fail \(at lbg_stages\/sum_numbers\.ts:15\)$/m,
    );
    expect(scr).toContain("    log: results/numbers/logs/SumNumbers.out (last lines)");
    expect(scr).toContain("    │ read 6 values");
    // The stack names the stage's TypeScript source (source maps), not its bundle in .cache.
    expect(scr).toMatch(/^ {4}│ {5}at SumNumbers\.run \(lbg_stages\/sum_numbers\.ts:15:\d+\)$/m);
    expect(scr).not.toContain(".cache/bundles");
    expect(scr).toMatch(/^numbers: build FAILED — \d ran, \d fresh, 1 failed in \S+\nEXIT=1$/m);
  });

  it("Ctrl-C cancels the running stage and the screen says so (exit 130)", async () => {
    const s = tmux.start(p.dir, `${LBG} build numbers --set MakeNumbers.sleep=30 --set MakeNumbers.n=7`);
    await tmux.waitFor(s, (x) => x.includes("› making 7 numbers"));
    tmux.sendKeys(s, "C-c");
    const scr = await tmux.waitFor(s, (x) => x.includes("EXIT="));
    expect(scr).toMatch(/^◼ MakeNumbers .*cancelled/m);
    expect(scr).toMatch(/^⊘ SumNumbers +not run: MakeNumbers was cancelled$/m);
    expect(scr).toMatch(/numbers: build interrupted — .*\nEXIT=130$/m);
    expect(scr).not.toContain("FAILED");
  });
});
