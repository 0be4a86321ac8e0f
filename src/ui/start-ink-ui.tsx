// Entry point of the terminal UI: renders <BuildView> with Ink on stdout and returns an event sink. Loaded
// only through a dynamic import (lazy-ui-sink.ts), because Ink and React take ~0.3 s to load and a no-op
// build must not pay for them.
import { render } from "ink";
import { useSyncExternalStore } from "react";
import type { BuildEvent } from "../events/build-event.ts";
import { BuildView } from "./build-view.tsx";
import { createBuildStore, type BuildStore } from "./build-store.ts";
import type { WatchKeyHandlers } from "./use-watch-keys.ts";

export interface InkUiOptions extends WatchKeyHandlers {
  /** Project root (log paths in events are relative to it). */
  root: string;
  /** `lbg watch`: show the footer keys and read them from stdin. */
  watch?: boolean;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

export interface InkUi {
  emit: (e: BuildEvent) => void;
  /** Draws the final frame, leaves it on screen and releases the terminal. */
  close(): Promise<void>;
}

function LiveBuildView({ store, opts }: { store: BuildStore; opts: InkUiOptions }) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  return (
    <BuildView
      state={state}
      root={opts.root}
      watch={opts.watch}
      onQuit={opts.onQuit}
      onRebuild={opts.onRebuild}
      onForceFailed={opts.onForceFailed}
      onInterrupt={opts.onInterrupt}
    />
  );
}

export function startInkUi(opts: InkUiOptions): InkUi {
  const store = createBuildStore();
  const app = render(<LiveBuildView store={store} opts={opts} />, {
    stdout: opts.stdout ?? process.stdout,
    stdin: opts.stdin ?? process.stdin,
    // Without watch keys, stdin is never put in raw mode and Ctrl-C stays a signal (lbg's own handling);
    // with them, use-watch-keys.ts maps Ctrl-C itself. Either way Ink must not just unmount on Ctrl-C.
    exitOnCtrlC: false,
    // lbg never uses console.* while building (stages log to files from their own processes), so there is
    // nothing to intercept; patching would also fight test runners that replace the console.
    patchConsole: false,
  });
  let closed: Promise<void> | undefined;
  return {
    emit: (e) => store.dispatch(e),
    close() {
      closed ??= (async () => {
        // React commits store updates in a microtask: let the last events (build-end) render before the
        // final frame is taken, or the screen would end one update short.
        await new Promise((r) => setImmediate(r));
        app.unmount();
        await app.waitUntilExit();
      })();
      return closed;
    },
  };
}
