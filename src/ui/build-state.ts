// What the terminal UI knows about the build(s) it has seen, derived only from events (reduce-build-state.ts).
//
// A stage row moves through these states within one build:
//
//   (unseen: counted as "waiting") ──► running ──► succeeded | failed | cancelled | superseded
//          │                           (stage-start)     (stage-end; superseded: cancelled by an edit)
//          ├──► fresh      (stage-fresh)
//          ├──► blocked    (stage-blocked: an upstream stage failed or the build was interrupted)
//          ├──► pending    (stage-start of a dry run: it would run)
//          └──► failed     (stage-end without a start: a missing input)
//
// Rows that reach a final state are appended to `printed` and never change again: the view prints them once
// with Ink's <Static>, so scrollback keeps them and only the running rows are redrawn. `printed` only grows,
// across all the builds of an `lbg watch` session.
import type { BuildEnd, WatchLastBuild } from "../events/build-event.ts";

/** The footer's last build: watch-idle's, or — after Ctrl-C / `q`, when no watch-idle follows — the
 *  interrupted build's own, from its build-end (`interrupted` is known to the UI only). */
export type LastBuild = WatchLastBuild & { interrupted?: true };

export type RowState =
  | "pending"
  | "running"
  | "succeeded"
  | "failed"
  | "fresh"
  | "cancelled"
  | "superseded"
  | "blocked";

export interface StageRow {
  name: string;
  /** pre_script / post_script are shown as rows too, but have no estimates and are not stages. */
  kind: "stage" | "script";
  state: RowState;
  /** Why it runs (`config changed: SplitCatalog.seed 42 → 7`), or the script's command. */
  reasons: string[];
  /** Log file, relative to the project root. */
  log?: string;
  /** Epoch ms when it started (running rows: elapsed time and the ETA). */
  startedAt?: number;
  /** Final duration. */
  seconds?: number;
  error?: string;
  logTail?: string[];
  /** Blocked rows: why, in words (`MakeNumbers failed`, `interrupted`). */
  blockedBy?: string;
}

/** The line that ends a build. */
export interface Summary {
  run: string;
  end: BuildEnd;
  dryRun: boolean;
  wouldRun: number;
}

/** Something printed once, above the live area. `id` is its key (unique over the whole session). */
export type Printed =
  | { id: number; kind: "row"; row: StageRow; nameWidth: number }
  | { id: number; kind: "warning"; message: string }
  | { id: number; kind: "notice"; text: string }
  /** What a build changed in the run's metrics (metrics-changed). */
  | { id: number; kind: "metrics"; head: string; lines: string[]; more?: string }
  | ({ id: number; kind: "summary" } & Summary);

export interface CurrentBuild {
  run: string;
  pipelines: string[];
  /** Number of stages in the run. */
  total: number;
  jobs: number;
  dryRun: boolean;
  /** Stage → seconds of its last successful run. */
  estimates: Record<string, number>;
  startedAt: number;
}

export interface BuildState {
  /** The build in progress, or the last one (until the next build-start). */
  build?: CurrentBuild;
  /** Every stage reported in the current build, by name → its state (counts and "waiting" derive from it). */
  stages: Record<string, RowState>;
  /** Rows running now, in start order. */
  running: StageRow[];
  printed: Printed[];
  /** Next `Printed.id`. */
  nextId: number;
  /** Width of the stage-name column: at least 20, widened to the longest name known so far — from the
   *  estimates at build-start (every stage built before), then from each row — and never narrowed, so the
   *  rows printed once stay aligned. */
  nameWidth: number;
  /** The last build-end of the current build; undefined while building. */
  end?: BuildEnd;
  /** The finished build's summary, shown as the live area's last line until anything else is printed (then
   *  it joins `printed`, in order). Kept live so the final screen ends on it, with no blank live line under it. */
  liveSummary?: Summary;
  /** `lbg watch`: set by watch-building and watch-idle (the footer); `idle` is false while a build runs.
   *  An interrupted build sets `lastBuild` at its build-end (no watch-idle follows it). */
  watch?: { files: number; lastBuild: LastBuild | null; idle: boolean };
  /** `lbg watch`: the project does not load; shown until the next build starts. */
  watchError?: string;
}

export function initialBuildState(): BuildState {
  return { stages: {}, running: [], printed: [], nextId: 0, nameWidth: 20 };
}

/** Fresh / to run / total for the header, and done for the progress bar (done ≤ toRun). */
export interface BuildCounts {
  total: number;
  fresh: number;
  /** Stages that ran, run now or may still run: not fresh and not blocked. */
  toRun: number;
  /** Stages that finished running (succeeded, failed or cancelled). */
  done: number;
  running: number;
  failed: number;
  blocked: number;
  /** Not reported yet: they wait for their producers (and will run or turn out fresh). */
  waiting: number;
}

export function buildCounts(s: BuildState): BuildCounts {
  const total = s.build?.total ?? 0;
  const c = { fresh: 0, running: 0, done: 0, failed: 0, blocked: 0, pending: 0 };
  for (const st of Object.values(s.stages)) {
    if (st === "fresh") c.fresh++;
    else if (st === "running") c.running++;
    else if (st === "blocked") c.blocked++;
    else if (st === "pending") c.pending++;
    else {
      c.done++;
      if (st === "failed") c.failed++;
    }
  }
  const seen = Object.keys(s.stages).length;
  return {
    total,
    fresh: c.fresh,
    toRun: Math.max(0, total - c.fresh - c.blocked),
    done: c.done,
    running: c.running,
    failed: c.failed,
    blocked: c.blocked,
    waiting: Math.max(0, total - seen),
  };
}
