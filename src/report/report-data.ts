// Everything `lbg report` shows, gathered from the run as it is now (graph, staleness) and from what the
// builds left (records with their provenance, the last build's outcomes, logs, the metrics history).
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { isProgressLine } from "../events/progress-line.ts";
import { tailLines } from "../fs/read-tail.ts";
import type { StageNode } from "../graph/build-graph.ts";
import { diffMetrics, type MetricChange } from "../metrics/diff-metrics.ts";
import type { FlatMetrics } from "../metrics/flatten-metrics.ts";
import { entryValues, MetricsHistory } from "../metrics/metrics-history.ts";
import { allValues, readRunMetrics } from "../metrics/read-metrics.ts";
import { predictRun } from "../plan/predict-run.ts";
import type { LoadedProject } from "../project/load-project.ts";
import { type StageProvenance, stageProvenance } from "../provenance/output-provenance.ts";
import { readLastBuild, type StageOutcome } from "../store/last-build.ts";
import { RecordStore } from "../store/record-store.ts";

/** Colour of a stage in the graph: up to date, out of date, failed (or cancelled) in the last build, never built. */
export type ReportState = "fresh" | "stale" | "failed" | "never-built";

export interface ReportOutput {
  tag: string;
  type: string;
  path: string;
  /** Content hash now (null: missing) and the hash lbg recorded (absent: no record). */
  hash: string | null;
  recorded?: string;
  /** `made`: the content lbg recorded; `changed` since; `missing`; `not-built` (no record). */
  state: "made" | "changed" | "missing" | "not-built";
  metrics?: true;
  /** A PNG output, as a data: URI (absent when missing or too large to embed). */
  image?: string;
  imageNote?: string;
}

export interface ReportStage {
  name: string;
  class: string;
  state: ReportState;
  /** Why it is stale now (empty when fresh). */
  reasons: string[];
  /** How it ended in the last build. */
  lastOutcome?: StageOutcome;
  /** The record of its last successful run, with provenance. */
  made?: StageProvenance;
  inputs: { tag: string; path: string; producer?: string }[];
  outputs: ReportOutput[];
  dependants: string[];
  log: { path: string; tail: string[] } | undefined;
}

export interface ReportData {
  run: string;
  pipelines: string[];
  generatedAt: string;
  lbgVersion: string;
  lastBuild?: { at: string; ok: boolean; seconds: number };
  stages: ReportStage[];
  runInputs: { tag: string; path: string; readBy: string[] }[];
  metrics: {
    values: FlatMetrics;
    /** Against the newest history entry that differs from now (absent: none recorded). */
    previousAt?: string;
    changes: MetricChange[];
    /** Metrics files that could not be read (not YAML, too large). */
    problems: string[];
    /** Declared metrics files with no content yet. */
    notBuilt: string[];
    declared: number;
  };
}

const LOG_LINES = 30;
const MAX_IMAGE_BYTES = 8 * 1024 * 1024;

/** The log's last lines, from its last 64 KiB only (a log may be gigabytes); progress lines
 *  (`lbg-progress: …`, the UI's bar) are left out, as under a failure in the build's output. */
function logTail(file: string): string[] {
  return tailLines(file, LOG_LINES, (l) => !isProgressLine(l)).map((l) =>
    l.length > 400 ? `${l.slice(0, 397)}...` : l,
  );
}

function image(path: string): { image?: string; imageNote?: string } {
  try {
    const size = statSync(path).size;
    if (size > MAX_IMAGE_BYTES) return { imageNote: `not embedded: ${(size / 1e6).toFixed(1)} MB` };
    return { image: `data:image/png;base64,${readFileSync(path).toString("base64")}` };
  } catch {
    return {};
  }
}

function outputsOf(p: LoadedProject, node: StageNode, recorded: Record<string, { hash: string }> | undefined) {
  const root = p.run.root;
  return node.outputs.map((o): ReportOutput => {
    const hash = p.hashes.hash(o.path)?.hash ?? null;
    const rec = recorded?.[o.tag]?.hash;
    const state = !rec ? "not-built" : hash === null ? "missing" : hash === rec ? "made" : "changed";
    const isPng = o.type === "png" && hash !== null && statSync(o.path).isFile();
    return {
      tag: o.alias,
      type: o.type,
      path: relative(root, o.path),
      hash,
      ...(rec ? { recorded: rec } : {}),
      state,
      ...(o.metrics ? { metrics: true as const } : {}),
      ...(isPng ? image(o.path) : {}),
    };
  });
}

export function gatherReport(p: LoadedProject, lbgVersion: string): ReportData {
  const { run, graph, hashes } = p;
  const root = run.root;
  const records = RecordStore.open(p.cacheDir, hashes.h);
  const last = readLastBuild(join(p.cacheDir, "last-build.json"));
  const forced = (_: string) => (run.resume === "restart" ? "resume: false (restart)" : undefined);
  const predicted = new Map(predictRun(root, graph, records, hashes, forced).map((s) => [s.stage, s]));
  const stages: ReportStage[] = [];
  const runInputs = new Map<string, ReportData["runInputs"][number]>();
  for (const name of graph.order) {
    const node = graph.nodes.get(name)!;
    const record = records.get(name);
    const outcome = last?.stages[name];
    const pred = predicted.get(name)!;
    const state: ReportState =
      outcome?.status === "failed" || outcome?.status === "cancelled"
        ? "failed"
        : !record
          ? "never-built"
          : pred.state === "fresh"
            ? "fresh"
            : "stale";
    for (const i of node.inputs) {
      if (i.producer) continue;
      const path = relative(root, i.path);
      const known = runInputs.get(path);
      if (known) known.readBy.push(name);
      else runInputs.set(path, { tag: i.alias, path, readBy: [name] });
    }
    const logFile = join(run.logDir, `${name}.out`);
    stages.push({
      name,
      class: `${node.meta.module}:${node.meta.name}`,
      state,
      reasons: pred.reasons,
      ...(outcome ? { lastOutcome: outcome } : {}),
      ...(record ? { made: stageProvenance({ run: run.name, record }) } : {}),
      inputs: node.inputs.map((i) => ({
        tag: i.alias,
        path: relative(root, i.path),
        ...(i.producer ? { producer: i.producer } : {}),
      })),
      outputs: outputsOf(p, node, record?.outputs),
      dependants: graph.dependants.get(name) ?? [],
      log: existsSync(logFile) ? { path: relative(root, logFile), tail: logTail(logFile) } : undefined,
    });
  }
  const files = readRunMetrics(root, graph, hashes);
  const history = new MetricsHistory(join(p.cacheDir, "metrics.jsonl"), (s) => hashes.h.h64ToString(s)).load();
  const prev = history.previousTo(files);
  const values = allValues(files);
  return {
    run: run.name,
    pipelines: run.pipelines.map((x) => x.name),
    generatedAt: new Date().toISOString(),
    lbgVersion,
    ...(last ? { lastBuild: { at: last.at, ok: last.ok, seconds: last.seconds } } : {}),
    stages,
    runInputs: [...runInputs.values()],
    metrics: {
      values,
      ...(prev ? { previousAt: prev.at } : {}),
      changes: diffMetrics(entryValues(prev), values, { all: true }),
      problems: files.filter((f) => f.error && f.hash).map((f) => `${f.tag} (${f.path}): ${f.error}`),
      notBuilt: files.filter((f) => !f.hash).map((f) => f.path),
      declared: files.length,
    },
  };
}
