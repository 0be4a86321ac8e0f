// The executor's job for a stage: a TypeScript stage for the workers, or a Python stage's command line.
// Used to run a stage, and by a dry run to show what would run.
import type { StageJob } from "../executors/stage-job.ts";
import type { StageNode } from "../graph/build-graph.ts";
import type { PythonEnv } from "../stages/python-module-loader.ts";
import { pythonStageJob } from "./python-command.ts";

export interface JobSetting {
  root: string;
  mpiCommand: string;
  /** The site's name: which container tool wraps a stage with an image (container-command.ts). */
  siteName: string;
  /** For Python stages: the interpreter and the merged stage config file passed as --config. */
  python?: { env: PythonEnv; configFile: string };
}

export function stageJobFor(node: StageNode, log: string, s: JobSetting): StageJob {
  const { meta, entry } = node;
  if (meta.kind === "python") {
    if (!s.python) throw new Error(`stage ${node.name} is a Python stage but no Python environment was set up`);
    return pythonStageJob(node, meta, {
      python: s.python.env,
      configFile: s.python.configFile,
      mpiCommand: s.mpiCommand,
      siteName: s.siteName,
      log,
      cwd: s.root,
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
    cwd: s.root,
  };
}
