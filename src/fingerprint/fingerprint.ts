// A stage instance's fingerprint: everything that can change its outputs (docs/architecture.md §4). Stored whole in
// the stage's record so that staleness reasons can name the field that changed.
//
// Not in it, on purpose: where or how the stage ran (local or Slurm, -j), log paths, timings.
import { isAbsolute, join, resolve } from "node:path";
import { relativeTo } from "../fs/relative-to.ts";
import type { StatCache } from "../fs/stat-cache.ts";
import type { StageNode } from "../graph/build-graph.ts";
import { toTaggedJson } from "../config/py-value.ts";
import { inputNamedByConfig } from "../stages/input-named-by-config.ts";
import { canonicalJson } from "./canonical-json.ts";

export const FINGERPRINT_FORMAT = 1;

/** The "hash" of an input that is no file (`none`). */
export const NO_FILE_HASH = "no file";

export interface Fingerprint {
  /** Bumped when the meaning of any field changes; a record of another format is stale. */
  format: number;
  /** `<module>:<class name>`. */
  class: string;
  /**
   * Code fingerprint: source file (relative to the project root, absolute when outside it) → xxh64 of its
   * content; for Python stages also `python-package:<top>` → the installed version of the stage's package,
   * and for a stage in a container `container:image` → the image name, `container:volume` → the volume.
   */
  code: Record<string, string>;
  /** Effective config of every declared option, and for a Python stage every other key of `global:` and of its
   *  section (ceci hands them on), canonical JSON order when hashed, in tagged JSON
   *  (src/config/py-value.ts): nan, ±inf, Python's 2.0 and opaque Python values survive the record's JSON. */
  config: Record<string, unknown>;
  /** Input by aliased tag (the name that wires the graph) → its path (relative to the root) and content hash
   *  (for a Python stage whose config has a key named like the input's tag, the file that key names: ceci reads it);
   *  an input given as `none` (no file) has that word as path and NO_FILE_HASH as hash. */
  inputs: Record<string, { path: string; hash: string }>;
  /** Output by class tag → its final path relative to the root. */
  outputs: Record<string, string>;
}

export type FingerprintResult =
  | { ok: true; fingerprint: Fingerprint; hash: string }
  | { ok: false; missing: { tag: string; path: string }[] };

/** Computes the fingerprint from current file contents (through the stat cache). */
export function computeFingerprint(root: string, node: StageNode, hashes: StatCache): FingerprintResult {
  const code: Record<string, string> = {};
  for (const src of node.meta.sources)
    code[src] = hashes.hash(isAbsolute(src) ? src : join(root, src))?.hash ?? "missing";
  Object.assign(code, node.meta.codeExtras);
  // A container's image is the code that runs (and a volume can lay other code over it: `${PWD}:/opt/txpipe`).
  const container = node.entry.container;
  if (container) {
    code["container:image"] = container.image;
    if (container.volume) code["container:volume"] = container.volume;
  }
  const inputs: Fingerprint["inputs"] = {};
  const missing: { tag: string; path: string }[] = [];
  for (const i of node.inputs) {
    // A Python stage reads the file its config names for the input, if any (inputNamedByConfig).
    const named = node.meta.kind === "python" ? inputNamedByConfig(node.config, i.tag) : undefined;
    const path = named === undefined ? i.path : resolve(root, named);
    if (i.noFile && path === i.path) {
      inputs[i.alias] = { path: i.path, hash: NO_FILE_HASH };
      continue;
    }
    const h = hashes.hash(path);
    if (!h) missing.push({ tag: i.alias, path });
    else inputs[i.alias] = { path: relativeTo(root, path), hash: h.hash };
  }
  if (missing.length > 0) return { ok: false, missing };
  const outputs: Fingerprint["outputs"] = {};
  for (const o of node.outputs) outputs[o.tag] = relativeTo(root, o.path);
  const fingerprint: Fingerprint = {
    format: FINGERPRINT_FORMAT,
    class: `${node.meta.module}:${node.meta.name}`,
    code,
    config: toTaggedJson(node.config) as Record<string, unknown>,
    inputs,
    outputs,
  };
  // The hash is needed only to record a stage that runs: a fresh stage is recognised by comparing the
  // fingerprint with its record's (sameFingerprint), which spares 1,000 serialisations on a no-op.
  let hash: string | undefined;
  return {
    ok: true,
    fingerprint,
    get hash() {
      hash ??= hashes.h.h64ToString(canonicalJson(fingerprint));
      return hash;
    },
  };
}

/** Deep equality of two JSON values, whatever their key order (what equal canonical JSON would say). */
export function sameFingerprint(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  // for-in and counting rather than Object.keys().filter(): this runs for every stage of every no-op build.
  const ra = a as Record<string, unknown>,
    rb = b as Record<string, unknown>;
  let na = 0;
  for (const k in ra) {
    if (ra[k] === undefined) continue;
    na++;
    if (!sameFingerprint(ra[k], rb[k])) return false;
  }
  let nb = 0;
  for (const k in rb) if (rb[k] !== undefined) nb++;
  return na === nb;
}
