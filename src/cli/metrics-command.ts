// `lbg metrics <run> [--diff <other-run> | --previous] [--all] [--json]`: a run's metrics files, flattened
// (`photoz_metrics.sigma_nmad 0.0399524`), or how they differ from another run's or from the run's own metrics
// before the last build that changed them (the run's metrics history, src/metrics/metrics-history.ts), like
// `dvc metrics show` and `dvc metrics diff`. Runs nothing and takes no lock.
//
// --json shapes:
//   show:  { "run": "photoz_sim", "metrics": { "<name>": value, … },
//            "files": [{ "tag", "stage", "path", "hash": "<xxh64>" | null, "error"?: "not built yet" | …,
//                        "changedSinceBuilt"?: true }] }
//   diff:  { "run": "photoz_sim", "against": { "run": "<other run>" } | { "previous": "<ISO time>" | null },
//            "changes": [MetricChange] }   (src/metrics/diff-metrics.ts; only changed metrics unless --all)
import { join } from "node:path";
import { fromCwd, LbgError } from "../errors/lbg-error.ts";
import { diffMetrics } from "../metrics/diff-metrics.ts";
import type { FlatMetrics } from "../metrics/flatten-metrics.ts";
import { formatMetricChanges, formatMetricValues } from "../metrics/format-metrics.ts";
import { entryValues, MetricsHistory } from "../metrics/metrics-history.ts";
import { allValues, type MetricsFile, readRunMetrics } from "../metrics/read-metrics.ts";
import { type LoadedProject, loadProject } from "../project/load-project.ts";
import { resolveRunRef, type RunRef } from "../project/run-ref.ts";
import { RecordStore } from "../store/record-store.ts";

export interface MetricsFlags {
  diff?: string;
  previous?: boolean;
  all?: boolean;
  json?: boolean;
  templateParams?: string[];
}

/** The run's metrics files now, each marked when its content is not what lbg recorded for its stage. */
function metricsOf(p: LoadedProject): (MetricsFile & { changedSinceBuilt?: true })[] {
  const records = RecordStore.open(p.cacheDir, p.hashes.h);
  return readRunMetrics(p.run.root, p.graph, p.hashes).map((f) => {
    const rec = records.get(f.stage);
    const recorded = rec && Object.values(rec.outputs).find((o) => o.path === f.path)?.hash;
    return f.hash && recorded !== f.hash ? { ...f, changedSinceBuilt: true as const } : f;
  });
}

export async function metricsCommand(
  ref: RunRef,
  flags: MetricsFlags,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  if (flags.diff !== undefined && flags.previous)
    throw new LbgError("--diff and --previous: give one of them", { file: "metrics" });
  const warn = (w: LbgError) => err(`warning: ${w.format(fromCwd)}\n`);
  const p = await loadProject(ref, { warn });
  const files = metricsOf(p);
  const declared = files.length > 0;
  if (!declared && !flags.json)
    err(
      `lbg metrics: run ${ref.name} declares no metrics (a stage's static metrics, or metrics: [tag] on a pipeline entry)\n`,
    );
  for (const f of files) {
    if (f.error && !flags.json) err(`${f.tag}: ${f.error} (${f.path})\n`);
    else if (f.changedSinceBuilt && !flags.json)
      err(`warning: ${f.path} changed since lbg made it: these are its values now\n`);
  }
  const now = allValues(files);

  if (flags.diff === undefined && !flags.previous) {
    if (flags.json) {
      const shown = files.map(({ values: _, ...f }) => f);
      out(`${JSON.stringify({ run: ref.name, metrics: now, files: shown })}\n`);
    } else out(formatMetricValues(now));
    return 0;
  }

  let before: FlatMetrics = {};
  let against: { run: string } | { previous: string | null };
  let oldName: string;
  if (flags.previous) {
    const history = new MetricsHistory(join(p.cacheDir, "metrics.jsonl"), (s) => p.hashes.h.h64ToString(s)).load();
    const prev = history.previousTo(files);
    before = entryValues(prev);
    against = { previous: prev?.at ?? null };
    oldName = "previous";
    if (!prev && !flags.json) err(`lbg metrics: no earlier metrics recorded for run ${ref.name}\n`);
  } else {
    const otherRef = resolveRunRef(flags.diff!, [], undefined, flags.templateParams ?? []);
    const other = await loadProject(otherRef, { warn });
    const otherFiles = metricsOf(other);
    for (const f of otherFiles) if (f.error && !flags.json) err(`${otherRef.name}: ${f.tag}: ${f.error} (${f.path})\n`);
    before = allValues(otherFiles);
    against = { run: otherRef.name };
    oldName = otherRef.name;
  }
  const changes = diffMetrics(before, now, { all: flags.all });
  if (flags.json) {
    out(`${JSON.stringify({ run: ref.name, against, changes })}\n`);
    return 0;
  }
  if ("previous" in against && against.previous)
    out(
      `compared with the metrics after the build of ${against.previous.replace("T", " ").replace(/\.\d+Z$/, " UTC")}\n`,
    );
  if (changes.length === 0) out(`no metric differs (${Object.keys(now).length} compared)\n`);
  else out(formatMetricChanges(changes, oldName, flags.previous ? "now" : ref.name));
  return 0;
}
