// How long a stage should take, for the ETA: its last successful run's time, scaled by how much more (or less)
// work this run has. The model is linear — time ∝ work — with work measured, in this order, by:
//   1. the `total` the stage reports through progress (ctx.progress or the `lbg-progress:` line), against the
//      total of its last run (StageRecord.work.progressTotal): `n_objects` 20,000 → 300,000 predicts 15×;
//   2. the bytes of its input files, against those of its last run (StageRecord.work.inputBytes);
//   3. neither known (no inputs, no progress reported, or never recorded): the last run's time as it was.
// When the last run reported progress, the time before its first report (StageRecord.work.progressStart:
// loading code, building lookup tables — whatever it did before it could count) is taken as fixed and only
// the rest is scaled: t = t₀ + (t_last − t₀) × work/work_last. A stage whose cost grows faster than its work
// (a sort, a tree search in a larger training set) is underestimated by this; its own progress reports take
// over as soon as they come (src/ui/estimate-remaining.ts).
import { statSync } from "node:fs";
import { join } from "node:path";
import { listFilesRecursive } from "../fs/hash-file.ts";
import type { StageNode } from "../graph/build-graph.ts";
import type { StageRecord, StageWork } from "../store/stage-record.ts";

/** Bytes of the stage's input files (a directory input counts the files in it); 0 when none can be read. */
export function inputBytes(node: StageNode): number {
  let bytes = 0;
  for (const i of node.inputs) {
    try {
      const st = statSync(i.path);
      if (st.isFile()) bytes += st.size;
      else if (st.isDirectory()) for (const f of listFilesRecursive(i.path)) bytes += statSync(join(i.path, f)).size;
    } catch {
      /* missing or unreadable: the stage fails on it, not the estimate */
    }
  }
  return bytes;
}

/** Seconds this run of the stage should take, or undefined when it never succeeded before. */
export function predictSeconds(record: StageRecord | undefined, now: Partial<StageWork>): number | undefined {
  const seconds = positive(record?.seconds);
  if (seconds === undefined) return undefined;
  const last = record?.work;
  const fixed = Math.min(positive(last?.progressStart) ?? 0, seconds);
  const scaled = (ratio: number) => round(fixed + (seconds - fixed) * ratio);
  const [total, lastTotal] = [positive(now.progressTotal), positive(last?.progressTotal)];
  if (total && lastTotal) return scaled(total / lastTotal);
  const [bytes, lastBytes] = [positive(now.inputBytes), positive(last?.inputBytes)];
  if (bytes && lastBytes) return scaled(bytes / lastBytes);
  return seconds;
}

/** Milliseconds are plenty for an estimate (and keep `--json` lines short). */
function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** A positive finite number, or undefined (records are checksummed, not trusted to hold numbers). */
function positive(x: unknown): number | undefined {
  return typeof x === "number" && Number.isFinite(x) && x > 0 ? x : undefined;
}
