// The lazy UI sink: Ink is loaded only when a stage really starts; a no-op build, a dry run or an early
// error never load it and print plain lines; events are replayed in order to whichever sink wins.
import { describe, expect, it } from "vitest";
import type { BuildEvent } from "../../src/events/build-event.ts";
import { lazyUiSink, wantsUi, type UiSink } from "../../src/ui/lazy-ui-sink.ts";
import { end, fresh, ok, run, start } from "./events.ts";

function rig(opts: { failLoad?: boolean } = {}) {
  const plain: BuildEvent[] = [];
  const ui: BuildEvent[] = [];
  const trace: string[] = [];
  let loads = 0;
  let closed = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const sink = lazyUiSink({
    load: async (): Promise<UiSink> => {
      loads++;
      await gate;
      if (opts.failLoad) throw new Error("no ink");
      return { emit: (e) => ui.push(e), close: async () => void closed++ };
    },
    fallback: (e) => plain.push(e),
    trace: (l) => trace.push(l),
    warn: (l) => trace.push(l),
  });
  return { sink, plain, ui, trace, release, loads: () => loads, closed: () => closed };
}

describe("lazyUiSink", () => {
  it("a no-op build never loads the UI: the buffered events go to the plain reporter at build-end", async () => {
    const r = rig();
    const events = [start(), fresh("A"), fresh("B"), end({ fresh: 2 })];
    for (const e of events) r.sink.emit(e);
    expect(r.plain).toEqual(events);
    await r.sink.close();
    expect(r.loads()).toBe(0);
    expect(r.trace).toEqual(["lbg: ui: not loaded (nothing ran)"]);
  });

  it("the first stage-start loads the UI; everything before and during loading is replayed to it in order", async () => {
    const r = rig();
    const events = [start(), fresh("A"), run("B"), ok("B"), end({ succeeded: 1, fresh: 1 })];
    for (const e of events.slice(0, 4)) r.sink.emit(e);
    expect(r.loads()).toBe(1);
    expect(r.ui).toEqual([]);
    r.release();
    await new Promise((res) => setImmediate(res));
    expect(r.ui).toEqual(events.slice(0, 4));
    r.sink.emit(events[4]!);
    expect(r.ui).toEqual(events);
    await r.sink.close();
    expect(r.closed()).toBe(1);
    expect(r.plain).toEqual([]);
    expect(r.trace[0]).toMatch(/^lbg: ui: loaded in \d+ ms$/);
  });

  it("close() while the UI is still loading waits for it, replays, then closes it", async () => {
    const r = rig();
    r.sink.emit(start());
    r.sink.emit(run("B"));
    r.sink.emit(ok("B"));
    r.sink.emit(end());
    const closing = r.sink.close();
    r.release();
    await closing;
    expect(r.ui).toHaveLength(4);
    expect(r.closed()).toBe(1);
  });

  it("a dry run stays plain (nothing runs), without waiting for build-end", () => {
    const r = rig();
    r.sink.emit(start({ dryRun: true }));
    r.sink.emit({ event: "stage-start", stage: "A", reasons: ["never built"], log: "l", dryRun: true });
    expect(r.plain).toHaveLength(2);
    expect(r.loads()).toBe(0);
  });

  it("an error before build-end: close() prints what was buffered", async () => {
    const r = rig();
    r.sink.emit(start());
    await r.sink.close();
    expect(r.plain).toEqual([start()]);
  });

  it("a UI that fails to load falls back to plain lines with a warning; nothing is lost", async () => {
    const r = rig({ failLoad: true });
    r.sink.emit(start());
    r.sink.emit(run("B"));
    r.release();
    await new Promise((res) => setImmediate(res));
    r.sink.emit(ok("B"));
    await r.sink.close();
    expect(r.plain).toEqual([start(), run("B"), ok("B")]);
    expect(r.trace.join("")).toContain("terminal UI unavailable (no ink)");
  });
});

describe("wantsUi", () => {
  const env = { TERM: "xterm-256color" };
  it("only in a terminal, without --json or --plain, outside CI and dumb terminals", () => {
    expect(wantsUi({ isTTY: true, env })).toBe(true);
    expect(wantsUi({ isTTY: false, env })).toBe(false);
    expect(wantsUi({ isTTY: undefined, env })).toBe(false);
    expect(wantsUi({ isTTY: true, json: true, env })).toBe(false);
    expect(wantsUi({ isTTY: true, plain: true, env })).toBe(false);
    expect(wantsUi({ isTTY: true, env: { ...env, CI: "true" } })).toBe(false);
    expect(wantsUi({ isTTY: true, env: { ...env, CI: "false" } })).toBe(true);
    expect(wantsUi({ isTTY: true, env: { TERM: "dumb" } })).toBe(false);
  });
});
