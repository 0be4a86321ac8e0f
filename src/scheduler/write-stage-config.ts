// The merged stage config file Python stages get as --config (what lbg-pipelines' merge script produced):
// `global:` plus one section per stage instance, holding the keys the user wrote (so undeclared keys such as
// `name:` still reach the stage, as with ceci) except output-name overrides, and the effective value of every declared option (so the stage
// sees exactly the values lbg fingerprinted, --set included). Rewritten only when its content changes.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { stringify } from "yaml";
import type { RunModel } from "../config/run-model.ts";
import type { StageGraph } from "../graph/build-graph.ts";

export function writeStageConfig(run: RunModel, graph: StageGraph, file: string): void {
  const doc: Record<string, Record<string, unknown>> = {};
  doc.global = Object.fromEntries([...run.stageConfig.global].map(([k, v]) => [k, v.value]));
  for (const [section, values] of run.stageConfig.sections) {
    // An output-name override (a key equal to an output tag) is already in the --<tag>=<path> flag; in the
    // file, ceci's stage would take it over the flag and write outside output_dir.
    const outputs = graph.nodes.get(section)?.meta.outputs ?? {};
    doc[section] = Object.fromEntries(
      [...values].filter(([k]) => !Object.hasOwn(outputs, k)).map(([k, v]) => [k, v.value]),
    );
  }
  for (const node of graph.nodes.values()) doc[node.name] = { ...(doc[node.name] ?? {}), ...node.config };
  const text = stringify(doc, { sortMapEntries: false, lineWidth: 0 });
  let old: string | undefined;
  try {
    old = readFileSync(file, "utf8");
  } catch {
    /* first time */
  }
  if (old === text) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
