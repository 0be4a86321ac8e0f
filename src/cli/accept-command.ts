// `lbg accept <run> [stage...]`: record the current outputs of stale stages as fresh without running them
// (like `dvc commit` or Snakemake's `--touch`) — for when you know an edit (a comment, a refactor) does not
// change results. Stages are taken in dependency order, so accepting a stage makes its dependants compare
// against the outputs as they are now.
import { join, relative } from "node:path";
import { LbgError, fromCwd } from "../errors/lbg-error.ts";
import { planStage } from "../plan/plan-stage.ts";
import { RecordStore } from "../store/record-store.ts";
import { RunLock } from "../store/run-lock.ts";
import { recordProvenance } from "../scheduler/record-provenance.ts";
import { loadProject } from "../project/load-project.ts";
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
    if (!p.graph.nodes.has(s)) throw new LbgError(`no stage '${s}' in run '${runName}'`, { file: "accept" });
  const lock = await RunLock.acquire(join(p.cacheDir, "lock"), runName, false);
  try {
    const records = RecordStore.open(p.cacheDir, p.hashes.h);
    let accepted = 0;
    for (const name of p.graph.order) {
      if (stages.length && !stages.includes(name)) continue;
      const node = p.graph.nodes.get(name)!;
      const plan = planStage(root, node, records.get(name), p.hashes);
      if (plan.state === "fresh") continue;
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
