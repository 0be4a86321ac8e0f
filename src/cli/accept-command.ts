// `lbg accept <run> [stage...]`: record the current outputs of stale stages as fresh without running them
// (like `dvc commit` or Snakemake's `--touch`) — for when you know an edit (a comment, a refactor) does not
// change results. Stages are taken in dependency order, so accepting a stage makes its dependants compare
// against the outputs as they are now.
import { statSync } from "node:fs";
import { join, relative } from "node:path";
import { LbgError, fromCwd } from "../errors/lbg-error.ts";
import { suggest } from "../errors/did-you-mean.ts";
import { planStage } from "../plan/plan-stage.ts";
import { RecordStore } from "../store/record-store.ts";
import { RunLock } from "../store/run-lock.ts";
import { recordProvenance } from "../scheduler/record-provenance.ts";
import { loadProject } from "../project/load-project.ts";
import type { StageGraph } from "../graph/build-graph.ts";
import { mayBeDirectory } from "../stages/stage-meta.ts";
import type { RunRef } from "../project/run-ref.ts";

export async function acceptCommand(
  ref: RunRef,
  stages: string[],
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const { root, name: runName } = ref;
  const p = await loadProject(ref, { warn: (w) => err(`warning: ${w.format(fromCwd)}\n`) });
  for (const s of stages)
    if (!p.graph.nodes.has(s))
      throw new LbgError(
        `no stage '${s}' in run '${runName}'`,
        { file: "accept" },
        suggest(s, p.graph.order, "stages"),
      );
  const lock = await RunLock.acquire(join(p.cacheDir, "lock"), runName, false, { noWaitFlag: true });
  try {
    const records = RecordStore.open(p.cacheDir, p.hashes.h);
    let accepted = 0;
    const stale = new Set<string>();
    for (const name of p.graph.order) {
      const named = stages.includes(name);
      if (stages.length && !named && !upstreamOfNamed(p.graph, name, stages)) continue;
      const node = p.graph.nodes.get(name)!;
      const plan = planStage(root, node, records.get(name), p.hashes);
      if (plan.state !== "fresh") stale.add(name);
      if (stages.length && !named) continue; // an upstream stage: only looked at, for the note below
      if (plan.state === "fresh") {
        // Said only when the stage was named: `lbg accept <run>` alone passes fresh stages by silently.
        if (named) {
          const up = staleUpstream(p.graph, name, stale);
          err(
            `${name} is already fresh: nothing to record${up.length ? ` (its upstream ${up.join(", ")} ${up.length > 1 ? "are" : "is"} stale: accept ${up.length > 1 ? "them" : "it"} by name, or build)` : ""}\n`,
          );
        }
        continue;
      }
      if (plan.state === "missing-input") {
        err(`skipped ${name}: input ${plan.missing[0]!.tag} is missing\n`);
        continue;
      }
      const outputs: Record<string, { path: string; hash: string }> = {};
      const missing = node.outputs.find((o) => !p.hashes.hash(o.path));
      if (missing) {
        err(`skipped ${name}: output ${relative(root, missing.path)} does not exist (build it instead)\n`);
        continue;
      }
      const special = node.outputs.find((o) => {
        const st = statSync(o.path);
        return !st.isFile() && !st.isDirectory();
      });
      if (special) {
        err(
          `skipped ${name}: output ${relative(root, special.path)} is not a regular file or a directory (build it instead)\n`,
        );
        continue;
      }
      // What the build itself would refuse (finish-stage.ts): a directory where a file belongs, or the reverse.
      const wrongKind = node.outputs.find((o) => {
        const want = mayBeDirectory(o.type);
        return want !== "either" && (p.hashes.hash(o.path)!.kind === "directory") !== (want === "yes");
      });
      if (wrongKind) {
        const isDir = p.hashes.hash(wrongKind.path)!.kind === "directory";
        err(
          `skipped ${name}: output ${relative(root, wrongKind.path)} is a ${isDir ? "directory" : "file"}, but its type ${wrongKind.type} is a ${isDir ? "file" : "directory"} (build it instead)\n`,
        );
        continue;
      }
      for (const o of node.outputs)
        outputs[o.tag] = { path: relative(root, o.path), hash: p.hashes.hash(o.path)!.hash };
      records.append({
        v: 1,
        stage: name,
        fingerprint: plan.fingerprint,
        fingerprintHash: plan.hash,
        outputs,
        finishedAt: new Date().toISOString(),
        seconds: records.get(name)?.seconds ?? 0,
        made: recordProvenance(root, runName, node, {
          reasons: plan.reasons,
          startedAt: Date.now(),
          accepted: true,
        }),
      });
      out(`accepted ${name}  (was: ${plan.reasons.join("; ")})\n`);
      accepted++;
      stale.delete(name);
    }
    out(`lbg accept: ${accepted} stage${accepted === 1 ? "" : "s"} recorded as fresh\n`);
    await p.hashes.settle();
    const saveProblem = p.hashes.save();
    if (saveProblem) err(`warning: ${saveProblem}\n`);
    return 0;
  } finally {
    lock.release();
  }
}

/** The stages `name` reads from, directly or not. */
function upstream(graph: StageGraph, name: string, acc = new Set<string>()): Set<string> {
  for (const i of graph.nodes.get(name)!.inputs) {
    if (i.producer && !acc.has(i.producer)) {
      acc.add(i.producer);
      upstream(graph, i.producer, acc);
    }
  }
  return acc;
}

function upstreamOfNamed(graph: StageGraph, name: string, named: string[]): boolean {
  return named.some((n) => upstream(graph, n).has(name));
}

/** Stale stages upstream of `name`, in build order. */
function staleUpstream(graph: StageGraph, name: string, stale: Set<string>): string[] {
  const up = upstream(graph, name);
  return graph.order.filter((s) => up.has(s) && stale.has(s));
}
