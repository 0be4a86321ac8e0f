// What happens after a stage's process succeeded: its `inprogress_` outputs are checked and renamed into
// place, hashed, its inputs re-checked (a stage must not be recorded fresh for inputs it did not see), and
// only then is its record appended.
import { existsSync, renameSync, rmSync, statSync } from "node:fs";
import { relative } from "node:path";
import type { Fingerprint } from "../fingerprint/fingerprint.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import type { StageNode } from "../graph/build-graph.ts";
import type { RecordStore } from "../store/record-store.ts";

export type FinishResult = { ok: true; warnings: string[] } | { ok: false; error: string };

export function removeInprogress(node: StageNode): void {
  for (const o of node.outputs) rmSync(o.inprogress, { recursive: true, force: true });
}

export function finishStage(root: string, node: StageNode, fp: Fingerprint, fpHash: string, startedAt: number, hashes: StatCache, records: RecordStore): FinishResult {
  for (const o of node.outputs) {
    if (!existsSync(o.inprogress)) {
      return { ok: false, error: `stage did not write its output '${o.tag}' (expected ${relative(root, o.inprogress)})` };
    }
    const isDir = statSync(o.inprogress).isDirectory();
    if (isDir !== (o.type === "directory")) {
      return { ok: false, error: `output '${o.tag}' should be a ${o.type === "directory" ? "directory" : "file"} but the stage wrote a ${isDir ? "directory" : "file"}` };
    }
  }
  for (const o of node.outputs) {
    if (o.type === "directory") rmSync(o.path, { recursive: true, force: true });
    renameSync(o.inprogress, o.path);
  }
  const outputs: Record<string, { path: string; hash: string }> = {};
  for (const o of node.outputs) {
    hashes.invalidate(o.path);
    outputs[o.tag] = { path: relative(root, o.path), hash: hashes.hash(o.path)!.hash };
  }
  const changed: string[] = [];
  for (const i of node.inputs) {
    hashes.invalidate(i.path);
    if (hashes.hash(i.path)?.hash !== fp.inputs[i.alias]?.hash) changed.push(i.alias);
  }
  if (changed.length > 0) {
    return { ok: true, warnings: [`input${changed.length > 1 ? "s" : ""} ${changed.join(", ")} changed while stage '${node.name}' ran: its outputs are kept but it is not recorded as fresh`] };
  }
  records.append({
    v: 1,
    stage: node.name,
    fingerprint: fp,
    fingerprintHash: fpHash,
    outputs,
    finishedAt: new Date().toISOString(),
    seconds: (Date.now() - startedAt) / 1000,
  });
  return { ok: true, warnings: [] };
}
