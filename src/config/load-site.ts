// Site files: `configs/sites/<site>.yaml` with ceci's `launcher:` and `site:` sections. Default: local.
import { existsSync, readdirSync } from "node:fs";
import { unreachable } from "../fs/unreachable.ts";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { LbgError, type SourcePos } from "../errors/lbg-error.ts";
import { suggest } from "../errors/did-you-mean.ts";
import { expectRecord, expectString, type Warn, warnUnknownKeys } from "./check-value.ts";
import { isPlainObject } from "./py-value.ts";
import type { SiteModel } from "./run-model.ts";
import { YamlFile } from "./yaml-file.ts";
import { expandDeep, readingVars, type Vars } from "./expand-vars.ts";

export const SITE_KEYS = [
  "name",
  "max_threads",
  "max_processes",
  "mpi_command",
  "image",
  "volume",
  "python",
  "launcher",
  "qos",
  "time",
  "nodes",
  "account",
  "constraint",
  "partition",
  "cpu_type",
  "queue",
  "max_jobs",
  "walltime",
  "setup",
  "type_check",
  "cache_dir",
];

const TYPE_CHECK = ["error", "warn", "off"] as const;

/** Reads the `site:`/`launcher:` sections of a parsed mapping (a site file or an inline ceci pipeline). */
export function siteFromSections(
  file: YamlFile,
  obj: Record<string, unknown>,
  sitePath: (string | number)[],
  fallbackName: string,
  warn: Warn,
): SiteModel {
  const siteRaw = obj.site === undefined || obj.site === null ? {} : expectRecord(file, sitePath, obj.site, "'site'");
  warnUnknownKeys(file, sitePath, siteRaw, SITE_KEYS, "site", warn);
  const launcherRaw = obj.launcher === undefined || obj.launcher === null ? {} : obj.launcher;
  const launcherName =
    typeof launcherRaw === "string" ? launcherRaw : isPlainObject(launcherRaw) ? launcherRaw.name : undefined;
  const name =
    siteRaw.name === undefined ? fallbackName : expectString(file, [...sitePath, "name"], siteRaw.name, "site name");
  let maxThreads = availableParallelism();
  if (siteRaw.max_threads !== undefined && siteRaw.max_threads !== null) {
    const m = siteRaw.max_threads;
    if (typeof m !== "number" || !Number.isInteger(m) || m < 1)
      throw file.error(
        [...sitePath, "max_threads"],
        `site max_threads must be a positive integer, not ${JSON.stringify(m)}`,
      );
    maxThreads = m;
  }
  const srun = /^(nersc|cori|slurm)/.test(name) || siteRaw.launcher === "slurm";
  const python =
    siteRaw.python === undefined || siteRaw.python === null
      ? undefined
      : expectString(file, [...sitePath, "python"], siteRaw.python, "site python");
  const text = (key: "image" | "volume") => {
    const v = siteRaw[key];
    return v === undefined || v === null || v === ""
      ? undefined
      : expectString(file, [...sitePath, key], v, `site ${key}`);
  };
  const typeCheck = siteRaw.type_check;
  if (typeCheck !== undefined && typeCheck !== null && !TYPE_CHECK.includes(typeCheck as never))
    throw file.error(
      [...sitePath, "type_check"],
      `site type_check must be error, warn or off, not ${JSON.stringify(typeCheck)}`,
      suggest(String(typeCheck), [...TYPE_CHECK], "modes"),
    );
  const cacheDir =
    siteRaw.cache_dir === undefined || siteRaw.cache_dir === null || siteRaw.cache_dir === ""
      ? undefined
      : expectString(file, [...sitePath, "cache_dir"], siteRaw.cache_dir, "site cache_dir");
  return {
    name,
    image: text("image"),
    ...(cacheDir ? { cacheDir } : {}),
    volume: text("volume"),
    ...(typeCheck === undefined || typeCheck === null ? {} : { typeCheck: typeCheck as (typeof TYPE_CHECK)[number] }),
    launcher: srun ? "slurm" : "local",
    maxThreads,
    mpiCommand: typeof siteRaw.mpi_command === "string" ? siteRaw.mpi_command : srun ? "srun -u -n" : "mpirun -n",
    python,
    file: file.path,
    raw: { ...siteRaw, launcher_name: launcherName ?? "mini" },
  };
}

/** `where`: what named the site (the run file's `site:` key, or the `--site` flag), for the error; `vars`: where
 *  its `$VAR`s are looked up (the run's, so that the names looked up are the run's too). */
export function loadSite(
  root: string,
  siteName: string | undefined,
  runName: string,
  warn: Warn,
  where?: SourcePos,
  vars: Vars = readingVars(),
): SiteModel {
  const name = siteName ?? "local";
  const dir = join(root, "configs", "sites");
  // A site is a file of configs/sites, named without a path (`--site ../x` would read configs/x.yaml).
  if (name.includes("/") || name.includes("\\") || name.startsWith("."))
    throw new LbgError(
      `invalid site name '${name}'`,
      where,
      "a site is the name of a file in configs/sites/ without .yaml",
    );
  const candidates = [join(dir, `${name}.yaml`), join(dir, `${name}.yml`)];
  const file = candidates.find((f) => existsSync(f));
  for (const c of file ? [] : candidates) {
    const why = unreachable(c);
    if (why) throw new LbgError(`site file configs/sites/${c.slice(dir.length + 1)} ${why}`, where);
  }
  if (!file) {
    if (siteName === undefined || siteName === "local") {
      return { name: "local", launcher: "local", maxThreads: availableParallelism(), mpiCommand: "mpirun -n", raw: {} };
    }
    const known = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => /\.ya?ml$/.test(f))
          .map((f) => f.replace(/\.ya?ml$/, ""))
      : [];
    throw new LbgError(`unknown site '${name}': no configs/sites/${name}.yaml`, where, suggest(name, known, "sites"));
  }
  const yf = YamlFile.read(file, "site file");
  const obj = expectRecord(yf, [], yf.value ?? {}, "a site file");
  warnUnknownKeys(yf, [], obj, ["launcher", "site", "python", "slurm", "cache_dir"], "site file", warn);
  const expanded = expandDeep(obj, yf, [], runName, vars) as Record<string, unknown>;
  const site = siteFromSections(yf, expanded, ["site"], name, warn);
  // A site file may name the interpreter at its top level too (`python: /opt/env/bin/python3`).
  if (expanded.python !== undefined && expanded.python !== null) {
    const top = expectString(yf, ["python"], expanded.python, "'python'");
    if (site.python !== undefined && site.python !== top)
      throw yf.error(
        ["python"],
        `the site file names two interpreters: python: ${top} and site.python: ${site.python}`,
        "keep one of them",
      );
    site.python = top;
  }
  // The shared run cache may be named at the top level too (`cache_dir: /global/cfs/…/lbg-cache`).
  if (expanded.cache_dir !== undefined && expanded.cache_dir !== null && expanded.cache_dir !== "") {
    const top = expectString(yf, ["cache_dir"], expanded.cache_dir, "'cache_dir'");
    if (site.cacheDir !== undefined && site.cacheDir !== top)
      throw yf.error(
        ["cache_dir"],
        `the site file names two cache directories: cache_dir: ${top} and site.cache_dir: ${site.cacheDir}`,
        "keep one of them",
      );
    site.cacheDir = top;
  }
  return site;
}
