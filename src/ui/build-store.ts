// Holds the UI state outside React so events can arrive from plain code (the build engine calls `dispatch`
// synchronously) and React reads it with useSyncExternalStore. Each event is stamped with its arrival time
// here, keeping the reducer pure.
import type { BuildEvent } from "../events/build-event.ts";
import { initialBuildState, type BuildState } from "./build-state.ts";
import { reduceBuildState } from "./reduce-build-state.ts";

export interface BuildStore {
  dispatch(e: BuildEvent): void;
  getState(): BuildState;
  subscribe(listener: () => void): () => void;
}

export function createBuildStore(clock: () => number = Date.now): BuildStore {
  let state = initialBuildState();
  const listeners = new Set<() => void>();
  return {
    dispatch(e) {
      state = reduceBuildState(state, e, clock());
      for (const l of listeners) l();
    },
    getState: () => state,
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}
