// How a build's metrics-changed event is shown: plain lines (pipes, CI) and the terminal UI's printed history,
// old → new with the change, the first few only with the command that lists the rest.
import { stripVTControlCharacters } from "node:util";
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import type { BuildEvent } from "../../src/events/build-event.ts";
import { plainReporter } from "../../src/reporters/plain-reporter.ts";
import { BuildView } from "../../src/ui/build-view.tsx";
import { end, ok, replay, run, start, T0 } from "./events.ts";

const changed: BuildEvent = {
  event: "metrics-changed",
  since: "2026-05-02T10:41:07.120Z",
  changes: [
    { metric: "photoz_metrics.sigma_nmad", old: 0.04, new: 0.05, change: 0.01 },
    { metric: "photoz_metrics.label", old: "a", new: "b" },
    { metric: "photoz_metrics.extra", new: 3 },
  ],
};
const many: BuildEvent = {
  event: "metrics-changed",
  changes: Array.from({ length: 15 }, (_, i) => ({ metric: `m.v${i}`, new: i })),
};

const mounted: { unmount: () => void }[] = [];
afterEach(() => {
  for (const m of mounted.splice(0)) m.unmount();
});

describe("metrics-changed", () => {
  it("plain: a heading with the time of the build before, then old → new (change, relative change)", () => {
    let out = "";
    const r = plainReporter((s) => (out += s));
    for (const e of [start(), run("EvaluatePhotoz"), ok("EvaluatePhotoz"), changed, end()]) r(e);
    expect(out).toContain(
      [
        "metrics changed since the build of 2026-05-02 10:41:07 UTC:",
        "  photoz_metrics.sigma_nmad 0.04 → 0.05 (+0.01, +25.0%)",
        "  photoz_metrics.label a → b",
        "  photoz_metrics.extra 3 (new)",
        "",
      ].join("\n"),
    );
  });

  it("plain: the first recorded metrics, the first 12 only, and the command for the rest", () => {
    let out = "";
    const r = plainReporter((s) => (out += s));
    for (const e of [start(), many, end()]) r(e);
    expect(out).toContain("metrics (the first recorded for this run):\n  m.v0 0 (new)\n");
    expect(out).toContain("  m.v11 11 (new)\n  … and 3 more: lbg metrics numbers\n");
    expect(out).not.toContain("m.v12");
  });

  it("terminal UI: printed once above the summary line", () => {
    const state = replay([
      start(),
      [0, run("EvaluatePhotoz")],
      [1000, ok("EvaluatePhotoz")],
      [1000, changed],
      [1000, end()],
    ]);
    const r = render(<BuildView state={state} root="/" clock={() => T0 + 1500} />);
    mounted.push(r);
    const frame = stripVTControlCharacters(r.lastFrame() ?? "");
    expect(frame).toContain("metrics changed since the build of 2026-05-02 10:41:07 UTC:");
    expect(frame).toContain("  photoz_metrics.sigma_nmad 0.04 → 0.05 (+0.01, +25.0%)");
    const lines = frame.split("\n");
    expect(lines.findIndex((l) => l.includes("sigma_nmad"))).toBeLessThan(
      lines.findIndex((l) => l.startsWith("numbers: ")),
    );
  });
});
