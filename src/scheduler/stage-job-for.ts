// The executor's job for a stage: a TypeScript stage for the workers, or a Python stage's command line.
// Used to run a stage, and by a dry run to show what would run.
import type { RunModel } from "../config/run-model.ts";
import type { StageJob } from "../executors/stage-job.ts";
import type { StageNode } from "../graph/build-graph.ts";
import type { PythonEnv } from "../stages/python-module-loader.ts";
import { pythonStageJob } from "./python-command.ts";

export function stageJobFor(
  node: StageNode,
  log: string,
  o: { run: RunModel; python?: { env: PythonEnv; configFile: string } },
): StageJob {
  const { meta, entry } = node;
  if (meta.kind === "python") {
    if (!o.python) throw new Error(`stage ${node.name} is a Python stage but no Python environment was set up`);
    return pythonStageJob(node, meta, {
      python: o.python.env,
      configFile: o.python.configFile,
      mpiCommand: o.run.site.mpiCommand,
      siteName: o.run.site.name,
      log,
      cwd: o.run.root,
    });
  }
  return {
    kind: "ts",
    instance: node.name,
    className: meta.name,
    bundle: meta.bundle,
    exportName: meta.exportName,
    source: meta.file,
    inputs: Object.fromEntries(node.inputs.map((i) => [i.tag, i.path])),
    outputs: Object.fromEntries(node.outputs.map((x) => [x.tag, x.inprogress])),
    finalOutputs: Object.fromEntries(node.outputs.map((x) => [x.tag, x.path])),
    config: node.config,
    nprocess: entry.nprocess,
    threadsPerProcess: entry.threadsPerProcess,
    nodes: entry.nodes,
    log,
    cwd: o.run.root,
  };
}
