// Predicts a whole build without running anything (`lbg status`, `lbg build --dry-run`): each stage's own
// check on the files as they are now, plus "waits for upstream" when a producer would re-run first (its
// re-run may or may not change the outputs, so the dependant is reported stale but may be cut off).
import { relative } from "node:path";
import type { StatCache } from "../fs/stat-cache.ts";
import type { StageGraph } from "../graph/build-graph.ts";
import type { RecordStore } from "../store/record-store.ts";
import { planStage } from "./plan-stage.ts";

export interface PredictedStage {
  stage: string;
  state: "fresh" | "stale";
  reasons: string[];
}

export function predictRun(
  root: string,
  graph: StageGraph,
  records: RecordStore,
  hashes: StatCache,
  forced: (stage: string) => string | undefined,
): PredictedStage[] {
  const stale = new Set<string>();
  const out: PredictedStage[] = [];
  for (const name of graph.order) {
    const node = graph.nodes.get(name)!;
    const upstream = [...new Set(node.inputs.map((i) => i.producer).filter((p): p is string => !!p && stale.has(p)))];
    const plan = planStage(root, node, records.get(name), hashes, forced(name));
    let reasons: string[] = [];
    if (plan.state === "stale") reasons = plan.reasons;
    else if (plan.state === "missing-input") {
      const notYet = plan.missing.filter((m) => !node.inputs.some((i) => i.alias === m.tag && i.producer));
      reasons = notYet.map((m) => `input missing: ${m.tag} (${relative(root, m.path)})`);
    }
    if (upstream.length) reasons.push(`waits for upstream: ${upstream.join(", ")}`);
    if (plan.state !== "fresh" || upstream.length) stale.add(name);
    out.push({ stage: name, state: stale.has(name) ? "stale" : "fresh", reasons: stale.has(name) ? reasons : [] });
  }
  return out;
}
