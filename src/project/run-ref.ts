// What a command's <run> argument names: an lbg run (`photoz_sim` → configs/runs/photoz_sim.yaml in the
// project found from the current directory) or a single-file ceci pipeline (`tests/test.yml`, relative to
// the current directory, which is then the root — as for ceci). Extra positional arguments are ceci's
// `key=value` overrides, which only ceci pipeline files take.
import { existsSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { LbgError } from "../errors/lbg-error.ts";
import { parseTemplateParams } from "../config/template-params.ts";
import { unreachable } from "../fs/unreachable.ts";
import { findRoot } from "./find-root.ts";
import type { Selection } from "../graph/select-stages.ts";

export interface RunRef {
  root: string;
  /** Run name: the lbg run, or a key made from the pipeline file's path (names .cache/runs/<name>). */
  name: string;
  /** For a ceci pipeline: its path as given. */
  ceciFile?: string;
  overrides: string[];
  /** For a ceci pipeline: its `-t key=value` template parameters, as given (checked by parseTemplateParams). */
  templateParams?: string[];
  /** The command line's build targets, `--until` and `--from` (src/graph/select-stages.ts). */
  select?: Selection;
}

export function isPipelineFileArg(arg: string): boolean {
  return /\.ya?ml$/.test(arg) || arg.includes("/");
}

/**
 * The run name (and `.cache/runs/<name>` folder) of a ceci pipeline file: its relative path made safe for a
 * file name, which alone is not one-to-one (`a/b_c.yml` and `a_b/c.yml` both read `a_b_c`), so a short hash
 * of the exact path follows: `ceci-a_b_c-1f2e3d4c`. Two files never share records or a lock.
 */
function ceciRunKey(rel: string): string {
  const readable = rel.replace(/\.ya?ml$/, "").replace(/[^A-Za-z0-9_.-]+/g, "_");
  // (node:crypto only here, not loaded by every start of lbg.)
  const { createHash } = process.getBuiltinModule("node:crypto");
  return `ceci-${readable}-${createHash("sha1").update(rel).digest("hex").slice(0, 8)}`;
}

/** `<project>/configs/runs/<name>.yaml` → the project and the run name; otherwise undefined. */
function runFileRef(abs: string): { root: string; name: string } | undefined {
  const m = /^(.*)\/configs\/runs\/([^/]+)\.ya?ml$/.exec(abs);
  if (!m || !existsSync(join(m[1]!, "configs", "pipelines"))) return undefined;
  return { root: m[1]! || "/", name: m[2]! };
}

export function resolveRunRef(
  arg: string,
  overrides: string[] = [],
  cwd = process.cwd(),
  templateParams: string[] = [],
): RunRef {
  if (isPipelineFileArg(arg)) {
    parseTemplateParams(templateParams); // a malformed -t fails before anything loads
    const abs = resolve(cwd, arg);
    // The path of an lbg run file (`configs/runs/numbers.yaml`, as a shell completes it) names that run.
    const run = runFileRef(abs);
    if (run) return resolveRunRef(run.name, overrides, run.root, templateParams);
    const broken = unreachable(abs);
    if (broken) throw new LbgError(`pipeline file ${arg} ${broken}`, { file: arg });
    if (!existsSync(abs) || statSync(abs).isDirectory()) {
      throw new LbgError(
        `no pipeline file ${arg}`,
        { file: arg },
        "give a run name (configs/runs/<run>.yaml) or the path of a ceci pipeline YAML file",
      );
    }
    const key = ceciRunKey(relative(cwd, abs));
    return { root: cwd, name: key, ceciFile: arg, overrides, templateParams };
  }
  if (templateParams.length > 0)
    throw new LbgError(
      `-t ${templateParams[0]}: template parameters apply to ceci pipeline files, not to run '${arg}'`,
      { file: "-t" },
      "ceci renders only its pipeline file as a Jinja2 template; lbg run files are not templates",
    );
  if (overrides.length > 0)
    throw new LbgError(
      `unexpected argument '${overrides[0]}'`,
      { file: "command line" },
      "key=value overrides apply to ceci pipeline files; use --set Stage.option=value for stage options",
    );
  return { root: findRoot(cwd), name: arg, overrides };
}
