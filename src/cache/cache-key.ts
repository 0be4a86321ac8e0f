// The run cache's key: what determines the *content* of a stage's outputs, and nothing about where they go.
//
// A stage's fingerprint (src/fingerprint/fingerprint.ts) also holds the input and output paths, because a
// record is about those very files. The cache is about contents, so that two runs that share a stage
// configuration (`photoz_sim` and `lbg_color_cuts_sim` both simulate the same catalog into their own
// output_dir) compute it once. The key is sha256 of the canonical JSON of:
//
//   { "v": 1, "fingerprintFormat": 1, "class": "<module>:<Class>", "instance": "<stage name>",
//     "code": { <the fingerprint's code map: source → content hash, package versions, container image> },
//     "config": { <the effective config> },
//     "inputs":  { "<class tag>": { "hash": "<content hash>", "suffix": ".hdf5" } },
//     "outputs": { "<class tag>": { "type": "hdf5", "suffix": ".hdf5" } },
//     "nprocess": 1, "threadsPerProcess": 1 }
//
// Why leaving the paths out is safe: lbg's stage contract (README, "Writing a stage") is that outputs are a
// function of the inputs' contents, the config and the code — byte-identical for identical ones, which early
// cutoff relies on already. What a stage legitimately reads from a path is its suffix (the catalog library
// picks HDF5 or parquet by it), so the suffixes of inputs and outputs are in the key. It also gets its
// instance name (`ctx.instance`, ceci's `--name`) and its MPI ranks and threads, so those are in it too.
// Inputs are keyed by the tag the class declares (what the stage is told), not the aliased tag that wires
// the graph. Different output folders, output names other than the suffix, aliases, and the run's name do
// not change what a correct stage writes. A stage that writes its own path or a time into its outputs breaks
// that contract; running it twice with one key then gives different outputs, which lbg reports
// (non-deterministic, see store-in-cache.ts) — give such a stage `cache: false`.
import { createHash } from "node:crypto";
import { extname } from "node:path";
import { canonicalJson } from "../fingerprint/canonical-json.ts";
import type { Fingerprint } from "../fingerprint/fingerprint.ts";
import type { StageNode } from "../graph/build-graph.ts";

export const CACHE_KEY_VERSION = 1;

/** The cache key of a stage about to run with `fp` (which holds the content hashes of its inputs). */
export function cacheKey(node: StageNode, fp: Fingerprint): string {
  const inputs: Record<string, { hash: string; suffix: string }> = {};
  for (const i of node.inputs) inputs[i.tag] = { hash: fp.inputs[i.alias]?.hash ?? "missing", suffix: extname(i.path) };
  const outputs: Record<string, { type: string; suffix: string }> = {};
  for (const o of node.outputs) outputs[o.tag] = { type: o.type, suffix: extname(o.path) };
  const key = {
    v: CACHE_KEY_VERSION,
    fingerprintFormat: fp.format,
    class: fp.class,
    instance: node.name,
    code: fp.code,
    config: fp.config,
    inputs,
    outputs,
    nprocess: node.entry.nprocess,
    threadsPerProcess: node.entry.threadsPerProcess,
  };
  return createHash("sha256").update(canonicalJson(key)).digest("hex");
}
