// `lbg list [stages|pipelines|runs]` and `lbg describe <Stage>`: what the project offers.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { LbgError, suggest } from "../config/lbg-error.ts";
import { listNames } from "../config/load-run.ts";
import { StatCache } from "../fs/stat-cache.ts";
import { loadRegistry, type StageRegistry } from "../stages/resolve-stages.ts";
import { pythonEnv } from "../stages/python-module-loader.ts";
import { loadSite } from "../config/load-site.ts";
import { optionRequired } from "../stages/effective-config.ts";

/** Stage modules: lbg_stages plus every module named by a pipeline of the project, and their python_paths. */
function projectModules(root: string): { modules: { name: string }[]; pythonPaths: string[] } {
  const names = new Set<string>(["lbg_stages"]);
  const paths = new Set<string>();
  for (const p of listNames(join(root, "configs", "pipelines"), "dir")) {
    for (const f of ["pipeline.yaml", "pipeline.yml"]) {
      const file = join(root, "configs", "pipelines", p, f);
      if (!existsSync(file)) continue;
      try {
        const doc = parseYaml(readFileSync(file, "utf8")) as { modules?: unknown; python_paths?: unknown } | null;
        const words = (v: unknown) => (typeof v === "string" ? v.split(/\s+/) : Array.isArray(v) ? v.map(String) : []);
        for (const w of words(doc?.modules)) if (w) names.add(w);
        for (const w of words(doc?.python_paths)) if (w) paths.add(w);
      } catch { /* a broken pipeline is reported by the commands that use it */ }
    }
  }
  return { modules: [...names].map((name) => ({ name })), pythonPaths: [...paths] };
}

async function projectRegistry(root: string): Promise<StageRegistry> {
  const hashes = await StatCache.open(join(root, ".cache", "hashes.json"));
  const { modules, pythonPaths } = projectModules(root);
  const site = loadSite(root, undefined, "", () => {});
  let reg: StageRegistry;
  try {
    reg = await loadRegistry(root, modules, hashes, pythonEnv(root, site.python, pythonPaths));
  } catch (e) {
    // Python modules that cannot be read must not hide the TypeScript stages: list those, and say why.
    if (!(e instanceof LbgError)) throw e;
    reg = await loadRegistry(root, modules, hashes);
    reg.brokenFiles.push(e.format());
  }
  hashes.save();
  return reg;
}

export async function listCommand(root: string, what: string, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (what === "runs") for (const r of listNames(join(root, "configs", "runs"), "file")) out(`${r}\n`);
  else if (what === "pipelines") for (const p of listNames(join(root, "configs", "pipelines"), "dir")) out(`${p}\n`);
  else if (what === "stages") {
    const reg = await projectRegistry(root);
    const classes = [...reg.classes.values()].sort((a, b) => a.name.localeCompare(b.name));
    const w = Math.max(0, ...classes.map((c) => c.name.length));
    for (const c of classes) out(`${c.name.padEnd(w)}  ${c.file}  ${c.doc.split("\n")[0] ?? ""}\n`.replace(/\s+\n$/, "\n"));
    for (const b of reg.brokenFiles) err(`warning: ${b}\n`);
  } else throw new LbgError(`lbg list ${what}: expected stages, pipelines or runs`, { file: "list" });
  return 0;
}

export async function describeCommand(root: string, name: string, out: (s: string) => void): Promise<number> {
  const reg = await projectRegistry(root);
  const c = reg.classes.get(name);
  if (!c) throw new LbgError(`unknown stage class '${name}'`, undefined, reg.brokenFiles[0] ? `a stage file failed to load: ${reg.brokenFiles[0]}` : suggest(name, [...reg.classes.keys()], "stage classes"));
  out(`${c.name}  (${c.module}, ${c.file})\n`);
  if (c.doc) out(`\n${c.doc.trim()}\n`);
  const tags = (t: Record<string, string>) => Object.entries(t).map(([k, v]) => `  ${k}: ${v}`).join("\n") || "  (none)";
  out(`\nInputs:\n${tags(c.inputs)}\nOutputs:\n${tags(c.outputs)}\nOptions:\n`);
  const opts = Object.entries(c.options);
  if (opts.length === 0) out("  (none)\n");
  for (const [k, o] of opts) {
    const dflt = optionRequired(o) ? "required" : o.default === undefined ? "optional" : `default ${JSON.stringify(o.default)}`;
    out(`  ${k} (${o.type}, ${dflt})${o.doc ? `: ${o.doc}` : ""}\n`);
  }
  return 0;
}
