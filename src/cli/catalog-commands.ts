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
import { showValue } from "../config/py-value.ts";
import { NO_FILE_PATHS } from "../config/run-model.ts";
import type { StageMeta } from "../stages/stage-meta.ts";

/** Where each instance of class `c` in the --pipeline file gets its inputs: a stage, a file, or no file
 *  (`none`, which the stage is told as it is). */
function instanceInputs(c: StageMeta, where: StageModules, reg: StageRegistry): string {
  const pipe = where.pipeline;
  const mine = pipe?.stages.filter((s) => s.classname === c.name) ?? [];
  if (!pipe || mine.length === 0) return "";
  const producer = (tag: string) =>
    pipe.stages.find((s) => {
      const outputs = reg.classes.get(s.classname)?.outputs ?? {};
      return Object.keys(outputs).some((t) => (s.aliases[t] ?? t) === tag);
    })?.name;
  let text = `\nIn ${pipe.file}:\n`;
  for (const s of mine) {
    text += `  ${s.name}\n`;
    for (const tag of Object.keys(c.inputs)) {
      const alias = s.aliases[tag] ?? tag;
      const given = pipe.inputs[alias];
      const from =
        typeof given === "string" && NO_FILE_PATHS.includes(given)
          ? `${given} (no file)`
          : Object.hasOwn(pipe.inputs, alias)
            ? `${given === null ? "null" : String(given)} (input ${alias})`
            : producer(alias)
              ? `${alias} (from ${producer(alias)})`
              : `${alias} (nothing provides it)`;
      text += `    ${tag} ← ${from}\n`;
    }
  }
  return text;
}
import { firstSentence, outputWidth, wrapShort } from "./wrap-text.ts";

const LIST_KINDS = ["runs", "pipelines", "stages"] as const;

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
  // `lbg list stage` reads as well as `lbg list stages`: either is accepted.
  const kind = LIST_KINDS.find((k) => what === k || what === k.slice(0, -1));
  if (kind === "runs") {
    // The rule `lbg build` applies (isRunName): a file whose name is no run name is not listed as a run.
    for (const r of listNames(join(root, "configs", "runs"), "file")) {
      if (isRunName(r)) out(`${r}\n`);
      else
        err(
          `warning: configs/runs/${r}.yaml is not a run lbg can build: '${r}' is not a run name (${RUN_NAME_HINT})\n`,
        );
    }
  } else if (kind === "pipelines") for (const p of listNames(join(root, "configs", "pipelines"), "dir")) out(`${p}\n`);
  else if (kind === "stages") {
    const reg = await registryOf(projectStageModules(root));
    const classes = [...reg.classes.values()].sort((a, b) => a.name.localeCompare(b.name));
    const w = Math.max(0, ...classes.map((c) => c.name.length));
    const width = outputWidth();
    // The class and its file on one line, the first sentence of its doc wrapped under it, three lines at
    // most (`lbg describe` has the rest): no line runs past the terminal, however long a doc is.
    for (const c of classes) {
      out(`${c.name.padEnd(w)}  ${c.file}\n`);
      for (const l of wrapShort(firstSentence(c.doc), width, "    ", 3)) out(`${l}\n`);
    }
    for (const b of reg.brokenFiles) err(`warning: ${b}\n`);
  } else
    throw new LbgError(
      `lbg list ${what}: expected stages, pipelines or runs`,
      { file: "list" },
      suggest(what, [...LIST_KINDS], "lists"),
    );
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
  const where = opts.pipeline
    ? pipelineStageModules(process.cwd(), opts.pipeline, opts.templateParams)
    : projectStageModules(findRoot());
  const reg = await registryOf(where);
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
        : `default ${c.kind === "python" ? showValue(o.default) : JSON.stringify(o.default)}`; // Python: nan, 2.0
    out(`  ${k} (${o.type}, ${dflt})${o.doc ? `: ${o.doc}` : ""}\n`);
  }
  out(instanceInputs(c, where, reg));
  return 0;
}
