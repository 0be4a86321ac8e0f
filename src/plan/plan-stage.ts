// Decides whether one stage instance is fresh, with reasons when it is not (docs/architecture.md §4). The check is
// the staleness rule itself, so `lbg status`, `--dry-run` and the build all explain the same way.
import { relative } from "node:path";
import { computeFingerprint, sameFingerprint, type Fingerprint } from "../fingerprint/fingerprint.ts";
import { explainChange } from "../fingerprint/explain-change.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import type { StageNode } from "../graph/build-graph.ts";
import type { StageRecord } from "../store/stage-record.ts";

export type StagePlan =
  | { state: "fresh"; fingerprint: Fingerprint; hash: string }
  | { state: "stale"; reasons: string[]; fingerprint: Fingerprint; hash: string }
  | { state: "missing-input"; missing: { tag: string; path: string }[] };

/** A stage that must run, with why and the fingerprint its record will carry. */
export type StalePlan = Extract<StagePlan, { state: "stale" }>;

/** `forced` is the reason to re-run regardless (--force, resume: restart), or undefined. */
export function planStage(
  root: string,
  node: StageNode,
  record: StageRecord | undefined,
  hashes: StatCache,
  forced?: string,
): StagePlan {
  const fp = computeFingerprint(root, node, hashes);
  if (!fp.ok) return { state: "missing-input", missing: fp.missing };
  const stale = (reasons: string[]): StagePlan => ({
    state: "stale",
    reasons,
    fingerprint: fp.fingerprint,
    hash: fp.hash,
  });
  if (forced) return stale([forced]);
  if (!record) return stale(["never built"]);
  if (!sameFingerprint(record.fingerprint, fp.fingerprint))
    return stale(explainChange(node.name, record.fingerprint, fp.fingerprint));
  const reasons: string[] = [];
  for (const o of node.outputs) {
    const h = hashes.hash(o.path);
    const rec = record.outputs[o.tag];
    if (!h) reasons.push(`output missing: ${relative(root, o.path)}`);
    else if (!rec || rec.hash !== h.hash) reasons.push(`output modified: ${relative(root, o.path)}`);
  }
  return reasons.length
    ? stale(reasons)
    : {
        state: "fresh",
        fingerprint: fp.fingerprint,
        get hash() {
          return fp.hash;
        },
      };
}
