// The merged stage config file Python stages get as --config (what lbg-pipelines' merge script produced):
// `global:` plus one section per stage instance, holding the keys the user wrote (so undeclared keys such as
// `name:` still reach the stage, as with ceci) except output-name overrides, and the effective value of every
// declared option (so the stage sees exactly the values lbg fingerprinted, --set included), converted as ceci
// converts them. Written for PyYAML (py-yaml-dump.ts): 2.0 stays a float, `.nan` a nan, "yes" a string. A
// value no YAML can hold (an opaque Python default) is left out, and the stage takes its own default as with
// ceci. Rewritten only when its content changes.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { dumpPyYaml, pyYamlValue } from "../config/py-yaml-dump.ts";
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
  for (const node of graph.nodes.values()) {
    const section = doc[node.name] ?? {};
    doc[node.name] = section;
    // An effective value that cannot be written leaves the user's own (a null that means "the default").
    for (const [k, v] of Object.entries(node.config)) if (pyYamlValue(v) !== undefined) section[k] = v;
  }
  const text = dumpPyYaml(doc);
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
