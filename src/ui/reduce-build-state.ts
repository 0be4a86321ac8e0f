// The UI's only way to learn anything: fold each event into the state. Pure — the time an event arrived is
// an argument (not Date.now()), so tests replay events with fixed clocks. The switch is exhaustive: a new
// BuildEvent kind fails to compile here until the UI decides how to show it.
import type { BuildEvent } from "../events/build-event.ts";
import { blockedWords, changedWords, restartAllWords } from "../events/event-words.ts";
import { metricsChangeLines } from "../events/metric-words.ts";
import type { BuildState, Printed, StageRow } from "./build-state.ts";

// Omit that keeps the union's variants apart.
type WithoutId<P> = P extends unknown ? Omit<P, "id"> : never;
type PrintedBody = WithoutId<Printed>;

/** Appends to the printed history — after the live summary of the previous build, if one is still shown. */
function print(s: BuildState, ...items: PrintedBody[]): BuildState {
  const all: PrintedBody[] = s.liveSummary ? [{ kind: "summary", ...s.liveSummary }, ...items] : items;
  if (all.length === 0) return s;
  const added = all.map((it, i) => ({ ...it, id: s.nextId + i }) as Printed);
  return { ...s, printed: [...s.printed, ...added], nextId: s.nextId + added.length, liveSummary: undefined };
}

function blockedWhy(s: BuildState, by: string): string {
  const st = s.stages[by];
  if (by !== "interrupt" && !st) return by;
  return blockedWords(by, st === "cancelled" || st === "superseded" ? st : "failed");
}

function widen(s: BuildState, name: string): BuildState {
  return name.length > s.nameWidth ? { ...s, nameWidth: name.length } : s;
}

/** Moves a row to its final state: out of `running`, into `printed`. */
function finish(s: BuildState, row: StageRow): BuildState {
  const w = widen(s, row.name);
  const next: BuildState = {
    ...w,
    running: w.running.filter((r) => r.name !== row.name),
    stages: row.kind === "stage" ? { ...w.stages, [row.name]: row.state } : w.stages,
  };
  return print(next, { kind: "row", row, nameWidth: next.nameWidth });
}

/** `at`: epoch ms when the event arrived. */
export function reduceBuildState(s: BuildState, e: BuildEvent, at: number): BuildState {
  switch (e.event) {
    case "build-start":
      // A new build (lbg watch runs many): per-build facts reset, printed lines stay.
      return {
        ...Object.keys(e.estimates ?? {}).reduce(widen, print(s)),
        build: {
          run: e.run,
          pipelines: e.pipelines,
          total: e.stages,
          jobs: Math.max(1, e.jobs),
          dryRun: e.dryRun,
          estimates: e.estimates ?? {},
          startedAt: at,
        },
        stages: {},
        running: [],
        end: undefined,
        watch: s.watch && { ...s.watch, idle: false },
        watchError: undefined,
      };
    case "warning":
      return print(s, { kind: "warning", message: e.message });
    case "restart-all":
      return print(s, { kind: "notice", text: restartAllWords(e.reason) });
    case "stage-fresh":
      return finish(s, { name: e.stage, kind: "stage", state: "fresh", reasons: [] });
    case "stage-start": {
      if (e.dryRun)
        return finish(s, { name: e.stage, kind: "stage", state: "pending", reasons: e.reasons, log: e.log });
      const row: StageRow = {
        name: e.stage,
        kind: "stage",
        state: "running",
        reasons: e.reasons,
        log: e.log,
        startedAt: at,
      };
      const w = widen(s, e.stage);
      return {
        ...w,
        running: [...w.running.filter((r) => r.name !== e.stage), row],
        stages: { ...w.stages, [e.stage]: "running" },
      };
    }
    case "stage-end": {
      const started = s.running.find((r) => r.name === e.stage);
      return finish(s, {
        name: e.stage,
        kind: "stage",
        state: e.superseded ? "superseded" : e.status,
        reasons: started?.reasons ?? [],
        log: e.log,
        startedAt: started?.startedAt,
        seconds: e.seconds,
        error: e.error,
        logTail: e.logTail,
      });
    }
    case "stage-blocked":
      return finish(s, { name: e.stage, kind: "stage", state: "blocked", reasons: [], blockedBy: blockedWhy(s, e.by) });
    case "script-start": {
      const row: StageRow = { name: e.which, kind: "script", state: "running", reasons: [e.command], startedAt: at };
      return { ...widen(s, e.which), running: [...s.running.filter((r) => r.name !== e.which), row] };
    }
    case "script-end": {
      const started = s.running.find((r) => r.name === e.which);
      return finish(s, {
        name: e.which,
        kind: "script",
        state: e.ok ? "succeeded" : "failed",
        reasons: started?.reasons ?? [],
        log: e.log,
        seconds: e.seconds,
        logTail: e.ok ? undefined : e.logTail,
        error: e.ok ? undefined : "exited with an error",
      });
    }
    case "metrics-changed":
      return print(s, { kind: "metrics", ...metricsChangeLines(e, s.build?.run) });
    case "build-end": {
      // Rows still running cannot be (a build-end follows every stage-end), but never leave a spinner behind.
      const wouldRun = Object.values(s.stages).filter((st) => st === "pending").length;
      // Interrupted, a watch session ends without a watch-idle: the footer must not keep the build before.
      const watch =
        s.watch && e.error === "interrupted"
          ? {
              ...s.watch,
              lastBuild: { ok: false, at: new Date(at).toISOString(), seconds: e.seconds, interrupted: true as const },
            }
          : s.watch;
      return {
        ...print(s),
        running: [],
        end: e,
        watch,
        liveSummary: { run: s.build?.run ?? "", end: e, dryRun: !!s.build?.dryRun, wouldRun },
      };
    }
    case "watch-idle":
      return { ...s, watch: { files: e.files, lastBuild: e.lastBuild, idle: true } };
    case "watch-building":
      return { ...s, watch: { files: e.files, lastBuild: s.watch?.lastBuild ?? null, idle: false } };
    case "watch-change":
      return print(s, { kind: "notice", text: changedWords(e.paths) });
    case "watch-error":
      return { ...s, watchError: e.message };
    case "watch-notice":
      return print(s, { kind: "notice", text: e.message });
    default: {
      const never: never = e;
      return never;
    }
  }
}
