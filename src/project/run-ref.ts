// What a command's <run> argument names: an lbg run (`photoz_sim` → configs/runs/photoz_sim.yaml in the
// project found from the current directory) or a single-file ceci pipeline (`tests/test.yml`, relative to
// the current directory, which is then the root — as for ceci). Extra positional arguments are ceci's
// `key=value` overrides, which only ceci pipeline files take.
import { existsSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import { LbgError } from "../config/lbg-error.ts";
import { findRoot } from "./find-root.ts";

export interface RunRef {
  root: string;
  /** Run name: the lbg run, or a key made from the pipeline file's path (names .cache/runs/<name>). */
  name: string;
  /** For a ceci pipeline: its path as given. */
  ceciFile?: string;
  overrides: string[];
}

export function isPipelineFileArg(arg: string): boolean {
  return /\.ya?ml$/.test(arg) || arg.includes("/");
}

export function resolveRunRef(arg: string, overrides: string[] = [], cwd = process.cwd()): RunRef {
  if (isPipelineFileArg(arg)) {
    const abs = resolve(cwd, arg);
    if (!existsSync(abs) || statSync(abs).isDirectory()) {
      throw new LbgError(`no pipeline file ${arg}`, { file: arg }, "give a run name (configs/runs/<run>.yaml) or the path of a ceci pipeline YAML file");
    }
    const key = `ceci-${relative(cwd, abs).replace(/\.ya?ml$/, "").replace(/[^A-Za-z0-9_.-]+/g, "_")}`;
    return { root: cwd, name: key, ceciFile: arg, overrides };
  }
  if (overrides.length > 0) throw new LbgError(`unexpected argument '${overrides[0]}'`, { file: "command line" }, "key=value overrides apply to ceci pipeline files; use --set Stage.option=value for stage options");
  return { root: findRoot(cwd), name: arg, overrides };
}
