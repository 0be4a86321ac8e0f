// `lbg list [stages|pipelines|runs]` and `lbg describe <Stage> [--pipeline FILE]`: what the project offers.
import { join } from "node:path";
import { LbgError } from "../errors/lbg-error.ts";
import { suggest } from "../errors/did-you-mean.ts";
import { isRunName, listNames, RUN_NAME_HINT } from "../config/load-run.ts";
import { StatCache } from "../fs/stat-cache.ts";
import { loadRegistry, type StageRegistry } from "../stages/resolve-stages.ts";
import { pythonEnv } from "../stages/python-module-loader.ts";
import { findRoot } from "../project/find-root.ts";
import { pipelineStageModules, projectStageModules, type StageModules } from "../project/stage-modules.ts";
import { optionRequired } from "../stages/effective-config.ts";

async function registryOf(where: StageModules): Promise<StageRegistry> {
  const { root, modules, pythonPaths, sitePython } = where;
  const hashes = await StatCache.open(join(root, ".cache", "hashes.json"));
  // Lenient: a Python module that cannot be read must not hide the other modules' stages; it is said why.
  const reg = await loadRegistry(root, modules, hashes, pythonEnv(root, sitePython, pythonPaths), true);
  hashes.save();
  return reg;
}

export async function listCommand(
  root: string,
  what: string,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  if (what === "runs") {
    // The rule `lbg build` applies (isRunName): a file whose name is no run name is not listed as a run.
    for (const r of listNames(join(root, "configs", "runs"), "file")) {
      if (isRunName(r)) out(`${r}\n`);
      else
        err(
          `warning: configs/runs/${r}.yaml is not a run lbg can build: '${r}' is not a run name (${RUN_NAME_HINT})\n`,
        );
    }
  } else if (what === "pipelines") for (const p of listNames(join(root, "configs", "pipelines"), "dir")) out(`${p}\n`);
  else if (what === "stages") {
    const reg = await registryOf(projectStageModules(root));
    const classes = [...reg.classes.values()].sort((a, b) => a.name.localeCompare(b.name));
    const w = Math.max(0, ...classes.map((c) => c.name.length));
    for (const c of classes)
      out(`${c.name.padEnd(w)}  ${c.file}  ${c.doc.split("\n")[0] ?? ""}\n`.replace(/\s+\n$/, "\n"));
    for (const b of reg.brokenFiles) err(`warning: ${b}\n`);
  } else throw new LbgError(`lbg list ${what}: expected stages, pipelines or runs`, { file: "list" });
  return 0;
}

/** `lbg describe <Stage> [--pipeline FILE]`: the class as the project's modules (or that file's) define it. */
export async function describeCommand(
  name: string,
  opts: { pipeline?: string; templateParams?: string[] },
  out: (s: string) => void,
): Promise<number> {
  if (!opts.pipeline && opts.templateParams?.length)
    throw new LbgError("-t: template parameters go with --pipeline <ceci pipeline file>", { file: "-t" });
  const reg = await registryOf(
    opts.pipeline
      ? pipelineStageModules(process.cwd(), opts.pipeline, opts.templateParams)
      : projectStageModules(findRoot()),
  );
  const c = reg.classes.get(name);
  if (!c)
    throw new LbgError(
      `unknown stage class '${name}'`,
      opts.pipeline ? { file: opts.pipeline } : undefined,
      reg.brokenFiles[0]
        ? `a stage file failed to load: ${reg.brokenFiles[0]}`
        : suggest(name, [...reg.classes.keys()], "stage classes"),
    );
  out(
    c.kind === "python"
      ? `${c.name}  (Python class ${c.pyModule}.${c.pyClass}, ${c.file})\n`
      : `${c.name}  (${c.module}, ${c.file})\n`,
  );
  if (c.doc) out(`\n${c.doc.trim()}\n`);
  if (c.kind === "python")
    out(`\nParallel: ${c.parallel ? "yes (nprocess > 1 runs it under MPI with --mpi)" : "no (nprocess must be 1)"}\n`);
  // A TypeScript class's `static metrics` outputs are marked: `lbg metrics` reads them.
  const metrics = new Set(c.metrics ?? []);
  const tags = (t: Record<string, string>) =>
    Object.entries(t)
      .map(([k, v]) => `  ${k}: ${v}${metrics.has(k) ? " (metrics)" : ""}`)
      .join("\n") || "  (none)";
  out(`\nInputs:\n${tags(c.inputs)}\nOutputs:\n${tags(c.outputs)}\nOptions:\n`);
  const options = Object.entries(c.options);
  if (options.length === 0) out("  (none)\n");
  for (const [k, o] of options) {
    const dflt = optionRequired(o)
      ? "required"
      : o.default === undefined
        ? "optional"
        : `default ${JSON.stringify(o.default)}`;
    out(`  ${k} (${o.type}, ${dflt})${o.doc ? `: ${o.doc}` : ""}\n`);
  }
  return 0;
}
