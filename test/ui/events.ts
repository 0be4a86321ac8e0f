// Builders for the events the UI tests replay, and a fold of events into UI state at given times.
import type { BuildEvent } from "../../src/events/build-event.ts";
import { initialBuildState, type BuildState } from "../../src/ui/build-state.ts";
import { reduceBuildState } from "../../src/ui/reduce-build-state.ts";

export const T0 = 1_700_000_000_000;

export const start = (over: Partial<Extract<BuildEvent, { event: "build-start" }>> = {}): BuildEvent => ({
  event: "build-start",
  run: "numbers",
  pipelines: ["numbers"],
  stages: 4,
  jobs: 2,
  resume: "resume",
  dryRun: false,
  estimates: {},
  ...over,
});
export const fresh = (stage: string): BuildEvent => ({ event: "stage-fresh", stage });
export const run = (
  stage: string,
  reasons: string[] = ["never built"],
  log = `results/numbers/logs/${stage}.out`,
): BuildEvent => ({ event: "stage-start", stage, reasons, log });
export const runEstimated = (stage: string, estimate: number): BuildEvent => ({
  event: "stage-start",
  stage,
  reasons: ["input changed: x"],
  log: `results/numbers/logs/${stage}.out`,
  estimate,
});
export const progress = (
  stage: string,
  done: number,
  total: number,
  seconds: number,
  estimate?: number,
): BuildEvent => ({
  event: "stage-progress",
  stage,
  done,
  total,
  seconds,
  ...(estimate === undefined ? {} : { estimate }),
});
export const ok = (stage: string, seconds = 1): BuildEvent => ({
  event: "stage-end",
  stage,
  status: "succeeded",
  seconds,
  outputs: [],
  log: `results/numbers/logs/${stage}.out`,
});
export const failed = (
  stage: string,
  seconds = 0.5,
  logTail = ["read 10 values", "Error: asked to fail"],
): BuildEvent => ({
  event: "stage-end",
  stage,
  status: "failed",
  seconds,
  outputs: [],
  log: `results/numbers/logs/${stage}.out`,
  error: "Error: asked to fail",
  logTail,
});
export const cancelled = (stage: string, seconds = 0.3): BuildEvent => ({
  event: "stage-end",
  stage,
  status: "cancelled",
  seconds,
  outputs: [],
  log: `results/numbers/logs/${stage}.out`,
});
export const blocked = (stage: string, by: string): BuildEvent => ({ event: "stage-blocked", stage, by });
export const end = (over: Partial<Extract<BuildEvent, { event: "build-end" }>> = {}): BuildEvent => ({
  event: "build-end",
  ok: true,
  succeeded: 0,
  failed: 0,
  fresh: 0,
  blocked: 0,
  cancelled: 0,
  seconds: 1.5,
  ...over,
});

/** Folds events into state; each is `[msAfterT0, event]` or an event (arriving at T0). */
export function replay(
  events: (BuildEvent | [number, BuildEvent])[],
  from: BuildState = initialBuildState(),
): BuildState {
  return events.reduce(
    (s, x) => (Array.isArray(x) ? reduceBuildState(s, x[1], T0 + x[0]) : reduceBuildState(s, x, T0)),
    from,
  );
}
