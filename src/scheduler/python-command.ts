// The command line of a Python ceci stage, exactly as ceci builds it (README, "Python ceci stages"; ceci's
// generate_command + the local site wrapper): `python3 -m <top package> <Name> --<in tag>=<path> ...
// [--name=<instance>] --config=<file> --<out tag>=<path> ...`, flags with the class's *unaliased* tags,
// `OMP_NUM_THREADS=<threads>`, python_paths on PYTHONPATH, and for nprocess > 1 `<mpi_command> <n> ... --mpi`.
// A stage with a container image runs in it, wrapped as ceci's sites wrap it (container-command.ts).
import { showCommand } from "../executors/command-line.ts";
import type { CommandStageJob } from "../executors/stage-job.ts";
import type { StageNode } from "../graph/build-graph.ts";
import { pythonPathEnv, type PythonEnv } from "../stages/python-module-loader.ts";
import type { PythonStageMeta } from "../stages/stage-meta.ts";
import { containerJob } from "./container-command.ts";

export function pythonStageJob(
  node: StageNode,
  meta: PythonStageMeta,
  o: { python: PythonEnv; configFile: string; mpiCommand: string; log: string; cwd: string; siteName: string },
): CommandStageJob {
  const { entry } = node;
  const spec = meta.namespace ? ["ceci", `${meta.pyModule}.${meta.pyClass}`] : [meta.top, meta.name];
  const argv = [o.python.python, "-m", ...spec];
  for (const tag of Object.keys(meta.inputs)) {
    const i = node.inputs.find((x) => x.tag === tag);
    if (i) argv.push(`--${tag}=${i.path}`);
  }
  if (entry.name !== meta.name) argv.push(`--name=${entry.name}`);
  argv.push(`--config=${o.configFile}`);
  for (const out of node.outputs) argv.push(`--${out.tag}=${out.path}`);
  const mpi = entry.nprocess > 1 ? [...o.mpiCommand.split(/\s+/).filter(Boolean), String(entry.nprocess)] : [];
  const env: Record<string, string> = { OMP_NUM_THREADS: String(entry.threadsPerProcess) };
  if (o.python.paths.length) env.PYTHONPATH = pythonPathEnv(o.python);
  const job: CommandStageJob = {
    kind: "command",
    instance: entry.name,
    argv: [...mpi, ...argv, ...(mpi.length ? ["--mpi"] : [])],
    env,
    nprocess: entry.nprocess,
    threadsPerProcess: entry.threadsPerProcess,
    nodes: entry.nodes,
    log: o.log,
    cwd: o.cwd,
    mpiLauncherArgs: mpi.length,
  };
  if (entry.container) return containerJob(job, entry.container, { siteName: o.siteName, pythonPaths: o.python.paths });
  job.header = `Command is: ${showCommand(job)}`;
  return job;
}
