// The plain reporter's lines for what lbg watch adds: a stage superseded by an edit (a restart, not a
// failure), an interrupted last build, notices — and nothing for watch-building.
import { describe, expect, it } from "vitest";
import type { BuildEvent } from "../../src/events/build-event.ts";
import { plainReporter } from "../../src/reporters/plain-reporter.ts";
import { blocked, end, run, start } from "../ui/events.ts";

function lines(events: BuildEvent[]): string[] {
  let out = "";
  const r = plainReporter((s) => (out += s));
  for (const e of events) r(e);
  return out.trimEnd().split("\n");
}

describe("plainReporter", () => {
  it("a stage superseded by an edit: restart line, its dependants say so, and the build is not called FAILED", () => {
    expect(
      lines([
        { event: "watch-building", files: 4 },
        start(),
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
        end({ ok: false, fresh: 1, cancelled: 1, superseded: 1, blocked: 1, seconds: 0.4 }),
      ]).slice(2),
    ).toEqual([
      "restart  MakeNumbers  0.30s  (superseded by an edit)",
      "blocked  SumNumbers  (not run: MakeNumbers was restarted)",
      "lbg: build superseded by an edit, restarting — 0 ran, 1 fresh, 1 not run, 1 restarted in 0.40s",
    ]);
  });

  it("a cancelled stage's dependants say it was cancelled; a failure is still FAILED", () => {
    expect(
      lines([
        start(),
        run("A"),
        { event: "stage-end", stage: "A", status: "cancelled", seconds: 0.3, outputs: [], log: "l" },
        blocked("B", "A"),
        end({ ok: false, cancelled: 1, blocked: 1, error: "interrupted" }),
      ]).slice(2),
    ).toEqual([
      "cancel   A  0.30s",
      "blocked  B  (not run: A was cancelled)",
      "lbg: build FAILED: interrupted — 0 ran, 0 fresh, 1 not run, 1 cancelled in 1.50s",
    ]);
  });

  it("watch lines: idle after a failed build, a notice", () => {
    expect(
      lines([
        {
          event: "watch-idle",
          files: 3,
          lastBuild: { ok: false, at: "2025-03-01T10:42:07.000Z", seconds: 1 },
        },
        { event: "watch-notice", message: "no failed stages to force" },
      ]),
    ).toEqual(["lbg watch: watching 3 files — last build FAILED at 10:42:07", "lbg watch: no failed stages to force"]);
  });
});
