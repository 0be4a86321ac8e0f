// After a build: what it did to the run's metrics (the answer to "what did my edit do?"). Compares the
// metrics files now with the newest entry of the run's metrics history, appends the new state when it
// differs, and says which values changed. A history that cannot be written is a warning, never a failure.
import { join, relative } from "node:path";
import { errorReason } from "../fs/error-reason.ts";
import type { EventSink } from "../events/build-event.ts";
import { diffMetrics } from "../metrics/diff-metrics.ts";
import { entryValues, MetricsHistory } from "../metrics/metrics-history.ts";
import { stagesWithMetrics } from "../graph/graph-facts.ts";
import type { LoadedProject } from "../project/load-project.ts";

/** What reports the metrics at the end of a build, or undefined for a run without metrics files. Loaded before
 *  the build because reading metrics needs the YAML library (a quarter of lbg's code), which a build of a run
 *  without metrics — and every incremental build of one — would otherwise load for nothing. */
export async function metricsReporter(p: LoadedProject): Promise<((emit: EventSink) => void) | undefined> {
  if (stagesWithMetrics(p.graph).length === 0) return undefined;
  const { allValues, readRunMetrics } = await import("../metrics/read-metrics.ts");
  return (emit) => {
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
  };
}
