// Decides, from the events themselves, whether a build is worth the terminal UI. Loading Ink and React
// costs ~0.3 s (docs/architecture.md §7) — more than a whole no-op build — so events are held back until the build
// shows it has work to do:
//
//   buffering ──(a stage or script really starts)──► loading ──(UI loaded: replay the buffer)──► ui
//       │                                               └──(load failed: replay to plain)──► plain
//       └──(build-end first, a dry run, or close())──► plain (replay the buffer to the plain reporter)
//
// Nothing is shown while buffering, but that only lasts while lbg checks fingerprints (milliseconds: a
// no-op build reads no file contents). This file must not import Ink or React, not even indirectly: the
// loader is passed in, so the dynamic import (a separate chunk of the bundle) happens only when needed.
import type { BuildEvent, EventSink } from "../events/build-event.ts";

export interface UiSink {
  emit: EventSink;
  /** Waits for the UI (if it was loaded) to draw its last frame and release the terminal. */
  close(): Promise<void>;
}

export interface LazyUiOptions {
  /** Loads and starts the UI (`startInkUi` through a dynamic import). */
  load: () => Promise<UiSink>;
  /** Where events go when the UI is not worth loading (the plain reporter). */
  fallback: EventSink;
  /** `LBG_TRACE_UI=1`: one line saying whether the UI was loaded, and how long that took. */
  trace?: (line: string) => void;
  /** Reports a UI that failed to load (the build goes on with plain output). */
  warn?: (line: string) => void;
}

/** Whether `lbg build` should consider the UI at all: a terminal, no machine-readable or plain output asked
 *  for, and not a CI log (Ink prints only final frames there, and CI logs read better as plain lines). */
export function wantsUi(o: {
  isTTY: boolean | undefined;
  json?: boolean;
  plain?: boolean;
  env: NodeJS.ProcessEnv;
}): boolean {
  const set = (k: string) => o.env[k] !== undefined && o.env[k] !== "" && o.env[k] !== "0" && o.env[k] !== "false";
  return !!o.isTTY && !o.json && !o.plain && !set("CI") && !set("CONTINUOUS_INTEGRATION") && o.env.TERM !== "dumb";
}

/** True for the events that mean real work starts (not a dry run's "would run"). */
function startsWork(e: BuildEvent): boolean {
  return (e.event === "stage-start" && !e.dryRun) || e.event === "script-start";
}

export function lazyUiSink(o: LazyUiOptions): UiSink {
  let mode: "buffering" | "loading" | "ui" | "plain" = "buffering";
  let buffer: BuildEvent[] = [];
  let ui: UiSink | undefined;
  let loading: Promise<void> | undefined;

  const toPlain = (why: string) => {
    mode = "plain";
    o.trace?.(`lbg: ui: not loaded (${why})`);
    for (const e of buffer) o.fallback(e);
    buffer = [];
  };

  const startLoading = () => {
    mode = "loading";
    const t0 = performance.now();
    loading = o.load().then(
      (loaded) => {
        ui = loaded;
        mode = "ui";
        o.trace?.(`lbg: ui: loaded in ${Math.round(performance.now() - t0)} ms`);
        for (const e of buffer) loaded.emit(e);
        buffer = [];
      },
      (err: unknown) => {
        o.warn?.(
          `lbg: warning: terminal UI unavailable (${(err as Error)?.message ?? String(err)}); printing plain lines\n`,
        );
        toPlain("failed to load");
      },
    );
  };

  return {
    emit(e) {
      switch (mode) {
        case "ui":
          ui!.emit(e);
          return;
        case "plain":
          o.fallback(e);
          return;
        case "loading":
          buffer.push(e);
          return;
        case "buffering":
          buffer.push(e);
          if (e.event === "build-start" && e.dryRun) toPlain("dry run");
          else if (e.event === "build-end") toPlain("nothing ran");
          else if (startsWork(e)) startLoading();
          return;
      }
    },
    async close() {
      if (mode === "buffering") toPlain("the build stopped early"); // an error before build-end: print what came
      await loading;
      await ui?.close();
    },
  };
}
