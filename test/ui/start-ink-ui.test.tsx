// startInkUi as the CLI uses it: an event sink over a real Ink render (to a fake terminal stream), whose
// close() leaves the final screen — finished rows and the summary — written out.
import { EventEmitter } from "node:events";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { end, fresh, ok, run, start } from "./events.ts";

// Ink draws live frames only outside CI (it reads CI once, when loaded), and the live frame is what this
// test looks at: load it as a user's terminal would.
process.env.CI = "false";
const { startInkUi } = await import("../../src/ui/start-ink-ui.tsx");

class FakeTerminal extends EventEmitter {
  columns = 100;
  rows = 30;
  isTTY = true;
  written = "";
  write(s: string) {
    this.written += s;
    return true;
  }
}

describe("startInkUi", () => {
  it("renders the events it is sent and leaves the final screen on close", async () => {
    const term = new FakeTerminal();
    const ui = startInkUi({ root: "/nonexistent", stdout: term as unknown as NodeJS.WriteStream });
    ui.emit(start());
    ui.emit(fresh("CountNotes"));
    ui.emit(run("MakeNumbers", ["config changed: MakeNumbers.n 10 → 12"]));
    await new Promise((r) => setTimeout(r, 100));
    expect(stripVTControlCharacters(term.written)).toContain(
      "building numbers (numbers)  1 fresh · 3 to run · 4 total",
    );
    ui.emit(ok("MakeNumbers", 2.05));
    ui.emit(end({ succeeded: 1, fresh: 1, seconds: 2.3 }));
    await ui.close();
    await ui.close(); // idempotent
    const out = stripVTControlCharacters(term.written);
    expect(out).toMatch(/^✓ MakeNumbers +2\.05s  config changed: MakeNumbers\.n 10 → 12$/m);
    expect(out.trimEnd().endsWith("numbers: build succeeded — 1 ran, 1 fresh in 2.30s")).toBe(true);
  });
});
