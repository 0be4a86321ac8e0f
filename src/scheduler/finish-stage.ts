// What happens after a stage's process succeeded: its `inprogress_` outputs are checked and renamed into
// place (the previous ones set aside), hashed, its inputs re-checked (a stage must not be recorded fresh for
// inputs it did not see), and only then is its record appended. If any of that fails — a full disk under
// .cache makes the append fail — the new outputs are removed and the previous ones put back.
import { existsSync, lstatSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import type { StageEndReason } from "../events/build-event.ts";
import { type Fingerprint, NO_FILE_HASH } from "../fingerprint/fingerprint.ts";
import { errorReason } from "../fs/error-reason.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import type { StageNode } from "../graph/build-graph.ts";
import type { RecordStore } from "../store/record-store.ts";
import type { RecordProvenance, StageRecord } from "../store/stage-record.ts";
import { mayBeDirectory } from "../stages/stage-meta.ts";

export type FinishResult = { ok: true; warnings: string[] } | { ok: false; error: string; reason: StageEndReason };

/** rmSync(path, { recursive, force }), but a path that does not exist — the usual case, several times per
 *  stage — costs one lstat instead of an exception. */
function remove(path: string): void {
  let there = true;
  try {
    there = !!lstatSync(path, { throwIfNoEntry: false });
  } catch {
    /* cannot tell (a folder lbg may not read): rmSync says what is wrong */
  }
  if (there) rmSync(path, { recursive: true, force: true });
}

export function removeInprogress(node: StageNode): void {
  for (const o of node.outputs) remove(o.inprogress);
}

// Previous outputs are set aside (`.lbg-previous-<name>`) while new ones are put in place, dropped once the
// stage is recorded and put back when it fails. Python ceci stages rename their own `inprogress_` files
// (ceci's finalize), so theirs are set aside before they run, so that an old output is never taken for a new one.
export function previousPath(path: string): string {
  return join(dirname(path), `.lbg-previous-${basename(path)}`);
}

export function setAsidePrevious(node: StageNode): void {
  for (const o of node.outputs) {
    remove(previousPath(o.path));
    if (existsSync(o.path)) renameSync(o.path, previousPath(o.path));
  }
}

export function restorePrevious(node: StageNode): void {
  for (const o of node.outputs) {
    if (!existsSync(previousPath(o.path))) continue;
    rmSync(o.path, { recursive: true, force: true });
    renameSync(previousPath(o.path), o.path);
  }
}

export function dropPrevious(node: StageNode): void {
  for (const o of node.outputs) remove(previousPath(o.path));
}

export function finishStage(
  root: string,
  node: StageNode,
  fp: Fingerprint,
  fpHash: string,
  startedAt: number,
  hashes: StatCache,
  records: RecordStore,
  made?: RecordProvenance,
  /** Further record fields: what the run cost (`resources`) and how much work it did (`work`, for the ETA). */
  extra: Pick<StageRecord, "resources" | "work"> = {},
): FinishResult {
  const selfRenaming = node.meta.kind === "python";
  for (const o of node.outputs) {
    const produced = selfRenaming ? o.path : o.inprogress;
    if (!existsSync(produced)) {
      const path = relative(root, produced);
      return {
        ok: false,
        error: `stage did not write its output '${o.tag}' (expected ${path})`,
        reason: { kind: "missing-output", tag: o.tag, path },
      };
    }
    const st = statSync(produced);
    // A FIFO, socket or device is no output: a stage reading it would block, or read nothing reproducible.
    const isDir = st.isDirectory();
    const want = mayBeDirectory(o.type);
    if (!st.isFile() && !isDir)
      return {
        ok: false,
        error: `output '${o.tag}' is not a regular file or a directory (a FIFO, socket or device)`,
        reason: { kind: "wrong-output-kind", tag: o.tag, expected: want === "yes" ? "directory" : "file" },
      };
    if (want !== "either" && isDir !== (want === "yes")) {
      const expected = want === "yes" ? "directory" : "file";
      return {
        ok: false,
        error: `output '${o.tag}' should be a ${expected} but the stage wrote a ${isDir ? "directory" : "file"}`,
        reason: { kind: "wrong-output-kind", tag: o.tag, expected },
      };
    }
  }
  // From here until the record is written, a failure takes the new outputs away again and puts the previous
  // ones back (a Python stage's were set aside before it ran): a stage reported failed leaves no new output.
  const placed = new Set(selfRenaming ? node.outputs : []);
  let recording = false;
  try {
    if (!selfRenaming) {
      setAsidePrevious(node);
      for (const o of node.outputs) {
        renameSync(o.inprogress, o.path);
        placed.add(o);
      }
    }
    const outputs: Record<string, { path: string; hash: string }> = {};
    for (const o of node.outputs) {
      hashes.invalidate(o.path);
      outputs[o.tag] = { path: relative(root, o.path), hash: hashes.hash(o.path)!.hash };
    }
    const changed: string[] = [];
    // Each input as the fingerprint took it: its file is the wired one, or for a Python stage whose config
    // names the input, that file (input-named-by-config.ts).
    for (const i of node.inputs) {
      const taken = fp.inputs[i.alias];
      if (!taken || taken.hash === NO_FILE_HASH) continue;
      const path = resolve(root, taken.path);
      hashes.invalidate(path);
      if (hashes.hash(path)?.hash !== taken.hash) changed.push(i.alias);
    }
    if (changed.length > 0) {
      dropPrevious(node);
      return {
        ok: true,
        warnings: [
          `input${changed.length > 1 ? "s" : ""} ${changed.join(", ")} changed while stage '${node.name}' ran: its outputs are kept but it is not recorded as fresh`,
        ],
      };
    }
    recording = true;
    try {
      records.append({
        v: 1,
        stage: node.name,
        fingerprint: fp,
        fingerprintHash: fpHash,
        outputs,
        finishedAt: new Date().toISOString(),
        seconds: (Date.now() - startedAt) / 1000,
        ...(made ? { made } : {}),
        ...extra,
      });
    } catch (e) {
      throw new Error(`could not record the stage in ${relative(root, records.file)}: ${errorReason(e)}`);
    }
  } catch (e) {
    for (const o of placed) rmSync(o.path, { recursive: true, force: true });
    restorePrevious(node);
    hashes.invalidate();
    const msg = (e as Error).message;
    return {
      ok: false,
      error: recording ? `${msg}; its outputs were not kept` : `could not put outputs in place: ${msg}`,
      reason: { kind: "io-error" },
    };
  }
  dropPrevious(node);
  return { ok: true, warnings: [] };
}
