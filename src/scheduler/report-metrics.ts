// After a build: what it did to the run's metrics (the answer to "what did my edit do?"). Compares the
// metrics files now with the newest entry of the run's metrics history, appends the new state when it
// differs, and says which values changed. A history that cannot be written is a warning, never a failure.
import { join, relative } from "node:path";
import { errorReason } from "../fs/error-reason.ts";
import type { EventSink } from "../events/build-event.ts";
import { diffMetrics } from "../metrics/diff-metrics.ts";
import { entryValues, MetricsHistory } from "../metrics/metrics-history.ts";
import { allValues, readRunMetrics } from "../metrics/read-metrics.ts";
import type { LoadedProject } from "../project/load-project.ts";

export function reportMetrics(p: LoadedProject, emit: EventSink): void {
  const hasMetrics = [...p.graph.nodes.values()].some((n) => n.outputs.some((o) => o.metrics));
  if (!hasMetrics) return;
  try {
    const files = readRunMetrics(p.run.root, p.graph, p.hashes);
    const history = new MetricsHistory(join(p.cacheDir, "metrics.jsonl"), (s) => p.hashes.h.h64ToString(s)).load();
    const { changed, before } = history.record(files, new Date().toISOString());
    if (!changed) return;
    const changes = diffMetrics(entryValues(before), allValues(files));
    if (changes.length > 0) emit({ event: "metrics-changed", changes, ...(before ? { since: before.at } : {}) });
  } catch (e) {
    emit({
      event: "warning",
      message: `could not update the metrics history in ${relative(p.run.root, p.cacheDir)}: ${errorReason(e)}`,
    });
  }
}
