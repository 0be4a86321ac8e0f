// Frames of <BuildView> for each row state and each part of the screen, rendered with ink-testing-library
// (colours stripped: the symbols and words alone must say what happened).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { render } from "ink-testing-library";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { BuildState } from "../../src/ui/build-state.ts";
import { BuildView, type BuildViewProps } from "../../src/ui/build-view.tsx";
import { SPINNER_FRAMES, spinnerFrame } from "../../src/ui/spinner.ts";
import { clockTime } from "../../src/ui/watch-footer.tsx";
import { FinishedRow } from "../../src/ui/finished-row.tsx";
import {
  blocked,
  cancelled,
  end,
  failed,
  fresh,
  ok,
  progress,
  replay,
  run,
  runEstimated,
  start,
  T0,
} from "./events.ts";

const root = mkdtempSync(join(tmpdir(), "lbg-ui-view-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mounted: { unmount: () => void }[] = [];
afterEach(() => {
  for (const m of mounted.splice(0)) m.unmount();
});

function show(state: BuildState, props: Partial<BuildViewProps> = {}) {
  const r = render(<BuildView state={state} root={root} clock={() => T0 + 1500} {...props} />);
  mounted.push(r);
  const frame = () => stripVTControlCharacters(r.lastFrame() ?? "");
  return { ...r, frame };
}

async function until(frame: () => string, pred: (f: string) => boolean, ms = 3000): Promise<string> {
  const t = Date.now();
  while (!pred(frame())) {
    if (Date.now() - t > ms) throw new Error(`timed out; last frame:\n${frame()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return frame();
}

/** A row as the UI lays it out: symbol, name in a 20-column field, time right-aligned in 7, then the detail. */
const row = (symbol: string, name: string, time: string, detail: string) =>
  `${symbol} ${name.padEnd(20)}  ${time.padStart(7)}  ${detail}`;

/** The line of the frame that mentions `text`. */
const line = (frame: string, text: string) => frame.split("\n").find((l) => l.includes(text)) ?? "";

describe("<BuildView> header and rows", () => {
  it("header: run, pipelines and fresh / to run / total", () => {
    const { frame } = show(
      replay([start({ pipelines: ["simulate", "photoz"], stages: 6, jobs: 3 }), fresh("A"), run("B")]),
    );
    expect(line(frame(), "building")).toBe("building numbers (simulate, photoz)  1 fresh · 5 to run · 6 total  -j 3");
  });

  it("running: spinner, name, elapsed time and the reason it runs", () => {
    const { frame } = show(replay([start(), [0, run("SplitCatalog", ["config changed: SplitCatalog.seed 42 → 7"])]]));
    expect(line(frame(), "SplitCatalog")).toBe(
      row(spinnerFrame(T0 + 1500), "SplitCatalog", "1.50s", "config changed: SplitCatalog.seed 42 → 7"),
    );
  });

  it("running: a stage's progress is a bar in its row, with its percentage and the time it has left", () => {
    const s = replay([
      start({ estimates: { Estimate: 4 } }),
      [0, runEstimated("Estimate", 60)],
      [1000, progress("Estimate", 0, 300_000, 1, 60)],
      [5000, progress("Estimate", 80_000, 300_000, 5, 60)],
    ]);
    // 80,000 rows in the 4 s since its first report: 220,000 left at 20,000 a second, 1 s ago.
    expect(line(show(s, { clock: () => T0 + 6000 }).frame(), "Estimate")).toBe(
      row(spinnerFrame(T0 + 6000), "Estimate", "6.00s", "██░░░░░░░░  26% · ~10s left  input changed: x"),
    );
    // Without progress, lbg's prediction for this run; past it, nothing (not "<1s").
    const p = replay([start({ estimates: { Sim: 3 } }), [0, runEstimated("Sim", 45)]]);
    expect(line(show(p, { clock: () => T0 + 5000 }).frame(), "Sim")).toBe(
      row(spinnerFrame(T0 + 5000), "Sim", "5.00s", "~40s left  input changed: x"),
    );
    expect(line(show(p, { clock: () => T0 + 50_000 }).frame(), "Sim")).toBe(
      row(spinnerFrame(T0 + 50_000), "Sim", "50.0s", "input changed: x"),
    );
  });

  it("running: the spinner turns on its own", async () => {
    const { frame } = show(replay([start(), [0, run("MakeNumbers")]]), { clock: Date.now });
    const seen = new Set<string>();
    await until(frame, (f) => {
      seen.add(line(f, "MakeNumbers").trimStart()[0]!);
      return seen.size >= 3;
    });
    for (const s of seen) expect(SPINNER_FRAMES).toContain(s);
  });

  it("running: the stage's last log line, re-read while it runs", async () => {
    mkdirSync(join(root, "logs"), { recursive: true });
    writeFileSync(join(root, "logs", "Train.out"), "Executing stage: Train\nepoch 1 loss 0.9\n");
    const { frame } = show(replay([start(), [0, run("Train", ["never built"], "logs/Train.out")]]));
    expect(await until(frame, (f) => f.includes("› epoch 1"))).toContain("    › epoch 1 loss 0.9");
    writeFileSync(join(root, "logs", "Train.out"), "Executing stage: Train\nepoch 1 loss 0.9\nepoch 2 loss 0.5\n");
    expect(await until(frame, (f) => f.includes("› epoch 2"))).not.toContain("epoch 1");
  });

  it("pending: stages not reported yet are counted; a dry run shows 'would run' rows", () => {
    const { frame } = show(replay([start(), fresh("A"), run("B")]));
    expect(frame()).toContain("○ 2 pending");
    const dry = show(
      replay([
        start({ dryRun: true }),
        { event: "stage-start", stage: "B", reasons: ["never built"], log: "l", dryRun: true },
      ]),
    );
    expect(line(dry.frame(), "B ")).toBe(row("○", "B", "", "would run: never built"));
    expect(dry.frame()).not.toContain("pending");
  });

  it("succeeded: final time and reason, printed once above the live area", () => {
    const { frame } = show(
      replay([
        start(),
        [0, run("MakeNumbers", ["config changed: MakeNumbers.n 10 → 12"])],
        [2000, ok("MakeNumbers", 2.05)],
        run("SumNumbers"),
      ]),
    );
    const f = frame();
    expect(line(f, "MakeNumbers")).toBe(row("✓", "MakeNumbers", "2.05s", "config changed: MakeNumbers.n 10 → 12"));
    expect(f.indexOf("MakeNumbers")).toBeLessThan(f.indexOf("building"));
  });

  it("failed: error, log path and the log's last lines", () => {
    const { frame } = show(
      replay([
        start(),
        run("SumNumbers"),
        failed("SumNumbers", 0.16, [
          "read 12 values",
          "Error: asked to fail",
          "    at SumNumbers.run (sum_numbers.ts:14:32)",
        ]),
      ]),
    );
    const f = frame();
    expect(line(f, "✗")).toBe(row("✗", "SumNumbers", "0.16s", "FAILED: Error: asked to fail"));
    expect(f).toContain(
      "    log: results/numbers/logs/SumNumbers.out (last lines)\n    │ read 12 values\n    │ Error: asked to fail\n    │     at SumNumbers.run",
    );
  });

  it("fresh, cancelled and blocked rows", () => {
    const { frame } = show(
      replay([
        start(),
        fresh("CountNotes"),
        run("MakeNumbers"),
        cancelled("MakeNumbers", 0.3),
        blocked("SumNumbers", "MakeNumbers"),
        blocked("CountNumbers", "interrupt"),
      ]),
    );
    const f = frame();
    expect(line(f, "CountNotes")).toBe(row("·", "CountNotes", "", "fresh"));
    expect(line(f, "MakeNumbers")).toBe(row("◼", "MakeNumbers", "0.30s", "cancelled (never built)"));
    expect(line(f, "SumNumbers")).toBe(row("⊘", "SumNumbers", "", "not run: MakeNumbers was cancelled"));
    expect(line(f, "CountNumbers")).toBe(row("⊘", "CountNumbers", "", "not run: interrupted"));
  });

  it("warnings are shown", () => {
    const { frame } = show(
      replay([
        start(),
        {
          event: "warning",
          message:
            "configs/pipelines/photoz/config.yaml:4:3: unknown key 'sede' in SplitCatalog (did you mean 'seed'?)",
        },
      ]),
    );
    expect(frame()).toContain("warning: configs/pipelines/photoz/config.yaml:4:3: unknown key 'sede'");
  });

  it("a running row stays one line: a long reason loses its middle, never its end", () => {
    const { frame } = show(replay([start(), run("A", [`config changed: A.text ${"x".repeat(300)} → 42`])]));
    const l = line(frame(), " A ");
    expect(l.length).toBeLessThanOrEqual(100);
    expect(l).toMatch(/ {2}config changed: A\.text x+…x+ → 42$/);
  });

  it("at 80 columns a finished row wraps its reasons under the reason column, never cutting a number", () => {
    const reasons = [
      "config changed: SplitCatalog.seed 42 → 7, train_fraction 0.7 → 0.65",
      "inputs changed: training_catalog, test_catalog",
    ];
    const r = render(
      <FinishedRow
        row={{ name: "SplitCatalog", kind: "stage", state: "succeeded", reasons, seconds: 1.25 }}
        nameWidth={20}
        width={80}
      />,
    );
    mounted.push(r);
    const lines = stripVTControlCharacters(r.lastFrame() ?? "").split("\n");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(lines[0]).toMatch(/^✓ SplitCatalog {12}1\.25s {2}config changed: SplitCatalog\.seed 42 → 7,/);
    // Continuation lines start at the reason column (2 + 20 + 2 + 7 + 2 = 33).
    for (const l of lines.slice(1)) expect(l).toMatch(/^ {33}\S/);
    expect(lines.map((l) => l.trim()).join(" ")).toContain(
      "train_fraction 0.7 → 0.65; inputs changed: training_catalog,",
    );
  });
});

describe("<BuildView> progress, summary and watch", () => {
  it("progress bar with done/total and the ETA from the estimates", () => {
    const estimates = { MakeNumbers: 10, SumNumbers: 4, CountNumbers: 2, CountNotes: 6 };
    const s = replay([
      start({ estimates, jobs: 1 }),
      fresh("CountNotes"),
      [-8500, run("CountNumbers")],
      [-6500, ok("CountNumbers", 2)],
      [0, run("MakeNumbers")],
    ]);
    const { frame } = show(s, { clock: () => T0 + 3000 });
    // MakeNumbers has 7 s left, SumNumbers 4 s: 11 s on one slot.
    expect(frame()).toMatch(/^█+░+ 1\/3 · ETA 11s$/m);
  });

  it("ETA ? when it cannot be estimated: a first build, or a stage past its prediction", () => {
    const { frame } = show(replay([start(), run("MakeNumbers")]));
    expect(frame()).toMatch(/^░+ 0\/4 · ETA \?$/m);
    const past = replay([
      start({ estimates: { MakeNumbers: 3, SumNumbers: 1 }, stages: 2, jobs: 1 }),
      [0, run("MakeNumbers")],
    ]);
    expect(show(past, { clock: () => T0 + 2000 }).frame()).toMatch(/^░+ 0\/2 · ETA 2s$/m);
    expect(show(past, { clock: () => T0 + 14_000 }).frame()).toMatch(/^░+ 0\/2 · ETA \?$/m);
  });

  it("the summary line at the end, and the live area gone", () => {
    const { frame } = show(
      replay([
        start(),
        fresh("A"),
        run("B"),
        ok("B", 1),
        run("C"),
        failed("C"),
        blocked("D", "C"),
        end({ ok: false, succeeded: 1, fresh: 1, failed: 1, blocked: 1, seconds: 2.31 }),
      ]),
    );
    const f = frame();
    expect(f.trimEnd().split("\n").at(-1)).toBe("numbers: build FAILED — 1 ran, 1 fresh, 1 failed, 1 not run in 2.31s");
    expect(f).not.toContain("building");
    expect(f).not.toContain("░");
  });

  it("watch footer: files watched, last build and the keys; and a load error", () => {
    const at = "2025-03-01T10:42:07.000Z";
    const s = replay([
      start(),
      fresh("A"),
      end({ fresh: 1 }),
      { event: "watch-idle", files: 12, lastBuild: { ok: true, at, seconds: 2.31 } },
    ]);
    const { frame } = show(s, { watch: true });
    expect(line(frame(), "watching")).toBe(`◉ watching 12 files — last build: succeeded at ${clockTime(at)} in 2.31s`);
    expect(frame()).toContain("in 2.31s\n  q quit · r re-check · f force failed");
    const err = show(
      replay(
        [
          { event: "watch-error", message: "configs/runs/numbers.yaml:3:1: bad indentation" },
          { event: "watch-idle", files: 3, lastBuild: null },
        ],
        s,
      ),
      { watch: true },
    );
    expect(err.frame()).toContain(
      "error: configs/runs/numbers.yaml:3:1: bad indentation\n◉ watching 3 files — last build: none yet",
    );
  });

  it("after watch-stop the footer says watching stopped and shows no keys; a summary says where outputs are", () => {
    const at = "2025-03-01T10:42:07.000Z";
    const s = replay([
      start({ outputDir: "results/numbers/outputs" }),
      fresh("A"),
      end({ fresh: 1 }),
      { event: "watch-idle", files: 12, lastBuild: { ok: true, at, seconds: 2.31 } },
      { event: "watch-stop" },
    ]);
    const f = show(s, { watch: true }).frame();
    expect(f).toContain(
      `  outputs in results/numbers/outputs/\n◼ stopped watching — last build: succeeded at ${clockTime(at)} in 2.31s`,
    );
    expect(f).not.toContain("q quit");
    expect(f).not.toMatch(/[◉◎] watching/);
  });

  it("watch footer during the first build: what is watched, and no build yet", () => {
    const { frame } = show(replay([{ event: "watch-building", files: 4 }, start(), run("MakeNumbers")]), {
      watch: true,
    });
    expect(line(frame(), "watching")).toBe("◎ watching 4 files — last build: none yet");
  });

  it("watch footer after Ctrl-C during a build: interrupted, not the build before", () => {
    const at = "2025-03-01T10:42:07.000Z";
    const s = replay([
      start(),
      end({ fresh: 4 }),
      { event: "watch-idle", files: 4, lastBuild: { ok: true, at, seconds: 0.5 } },
      { event: "watch-change", paths: ["configs/pipelines/numbers/config.yaml"] },
      { event: "watch-building", files: 4 },
      start(),
      run("MakeNumbers"),
      [1500, cancelled("MakeNumbers", 1.5)],
      [1500, end({ ok: false, cancelled: 1, blocked: 2, fresh: 1, seconds: 1.5, error: "interrupted" })],
    ]);
    const { frame } = show(s, { watch: true });
    expect(line(frame(), "watching")).toBe(
      `◎ watching 4 files — last build: interrupted at ${clockTime(new Date(T0 + 1500).toISOString())} after 1.50s`,
    );
    expect(frame()).not.toContain("succeeded");
  });

  it("a stage superseded by an edit reads as a restart, not a failure", () => {
    const s = replay([
      start(),
      fresh("CountNotes"),
      run("MakeNumbers"),
      {
        event: "stage-end",
        stage: "MakeNumbers",
        status: "cancelled",
        seconds: 0.3,
        outputs: [],
        log: "l",
        superseded: true,
      },
      blocked("SumNumbers", "MakeNumbers"),
      blocked("CountNumbers", "MakeNumbers"),
      end({ ok: false, fresh: 1, cancelled: 1, superseded: 1, blocked: 2, seconds: 0.4 }),
    ]);
    const f = show(s, { watch: true }).frame();
    expect(line(f, "MakeNumbers ")).toBe(row("↻", "MakeNumbers", "0.30s", "superseded by an edit, restarting"));
    expect(line(f, "SumNumbers")).toBe(row("⊘", "SumNumbers", "", "not run: MakeNumbers was restarted"));
    expect(line(f, "numbers:")).toBe(
      "numbers: build superseded by an edit, restarting — 0 ran, 1 fresh, 2 not run, 1 restarted in 0.40s",
    );
    expect(f).not.toContain("FAILED");
    // Cancelled for another reason as well (Ctrl-C): that is still a failed build.
    const both = replay([start(), end({ ok: false, cancelled: 2, superseded: 1, seconds: 0.4, error: "interrupted" })]);
    expect(line(show(both).frame(), "numbers:")).toBe(
      "numbers: build interrupted — 0 ran, 0 fresh, 1 cancelled, 1 restarted in 0.40s",
    );
  });

  it("watch keys call the callbacks: q quits, r re-checks, f forces the failed stages", async () => {
    const calls: string[] = [];
    const r = show(replay([{ event: "watch-idle", files: 1, lastBuild: null }]), {
      watch: true,
      onQuit: () => calls.push("quit"),
      onRebuild: () => calls.push("rebuild"),
      onForceFailed: () => calls.push("force"),
      onInterrupt: () => calls.push("interrupt"),
    });
    await new Promise((res) => setTimeout(res, 50)); // useInput subscribes in an effect
    for (const k of ["r", "f", "x", "q", "\x03"]) r.stdin.write(k);
    expect(calls).toEqual(["rebuild", "force", "quit", "interrupt"]);
  });

  it("without watch, keys are not read", async () => {
    const calls: string[] = [];
    const r = show(replay([start()]), { onQuit: () => calls.push("quit") });
    await new Promise((res) => setTimeout(res, 50));
    r.stdin.write("q");
    expect(calls).toEqual([]);
  });

  it("a watch session prints each build's rows and summary in order, across rebuilds", () => {
    const s1 = replay([
      start(),
      run("B"),
      ok("B"),
      end({ succeeded: 1 }),
      { event: "watch-idle", files: 4, lastBuild: null },
      { event: "watch-change", paths: ["configs/pipelines/numbers/config.yaml"] },
    ]);
    const r = show(s1, { watch: true });
    const s2 = replay([start(), run("B", ["config changed: B.n 1 → 2"])], s1);
    r.rerender(<BuildView state={s2} root={root} watch clock={() => T0 + 1500} />);
    const f = stripVTControlCharacters(r.lastFrame() ?? "");
    const order = [
      "✓ B",
      "numbers: build succeeded",
      "» changed: configs/pipelines/numbers/config.yaml",
      "building numbers",
      "config changed: B.n 1 → 2",
      "◎ watching 4 files",
    ].map((t) => f.indexOf(t));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});
