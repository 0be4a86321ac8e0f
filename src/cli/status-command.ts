// `lbg status <run>`: each stage fresh or stale with reasons; nothing is executed or written.
import { join, relative } from "node:path";
import { predictRun } from "../plan/predict-run.ts";
import { RecordStore } from "../store/record-store.ts";
import { loadProject } from "../project/load-project.ts";
import type { RunRef } from "../project/run-ref.ts";

export async function statusCommand(ref: RunRef, flags: { json?: boolean; site?: string; set?: string[] }, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const { root, name: runName } = ref;
  const p = await loadProject(ref, { site: flags.site, sets: flags.set, warn: (w) => err(`warning: ${w.format((f) => relative(process.cwd(), f) || f)}\n`) });
  const records = new RecordStore(join(p.cacheDir, "records.jsonl"), (s) => p.hashes.h.h64ToString(s)).load();
  if (records.damage) err(`warning: ${records.damage}\n`);
  const forced = (_: string) => (p.run.resume === "restart" ? "resume: false (restart)" : undefined);
  const stages = predictRun(root, p.graph, records, p.hashes, forced);
  if (flags.json) {
    out(`${JSON.stringify({ run: runName, stages })}\n`);
    return 0;
  }
  const width = Math.max(...stages.map((s) => s.stage.length), 5);
  for (const s of stages) out(`${s.state.padEnd(6)} ${s.stage.padEnd(width)}  ${s.reasons.join("; ")}\n`.replace(/\s+\n$/, "\n"));
  const stale = stages.filter((s) => s.state === "stale").length;
  out(`${runName}: ${stages.length - stale} fresh, ${stale} stale\n`);
  return 0;
}
