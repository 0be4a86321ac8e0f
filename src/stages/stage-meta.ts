// What lbg knows about a stage class without running it: declared tags, options and defining sources.
import type { OptionSpec } from "../sdk/stage.ts";

interface StageMetaBase {
  /** Registered class name (what `classname:` refers to). */
  name: string;
  /** Module it came from, as written in `modules:` (e.g. `lbg_stages`, `txpipe`). */
  module: string;
  /** Defining file: relative to the project root when inside it, else absolute. */
  file: string;
  doc: string;
  /**
   * Tag → file type. For TypeScript stages one of the SDK's FileType names; for Python stages the suffix the
   * class's ceci file type declares ("" = a bare tag: a directory or a suffix-less file).
   */
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  options: Record<string, OptionSpec>;
  /** Output tags the class declares as metrics (a TypeScript stage's `static metrics`; YAML outputs only). */
  metrics?: string[];
  /** Source files whose content defines the stage's code fingerprint (relative to the root when inside it). */
  sources: string[];
  /** Further code-fingerprint entries that are not files, e.g. `python-package:rail` → its installed version. */
  codeExtras?: Record<string, string>;
}

export interface TsStageMeta extends StageMetaBase {
  kind: "ts";
  /** Name under which the class is exported from its file (`default` or the class name). */
  exportName: string;
  /** Bundled JavaScript the workers import (absolute path, named by content hash). */
  bundle: string;
  /** The class has a static `validate` hook (src/stages/validate-stage-configs.ts calls it on load). */
  validates: boolean;
}

export interface PythonStageMeta extends StageMetaBase {
  kind: "python";
  /** The Python class name (ceci registers `name`, which may differ) and its module. */
  pyClass: string;
  pyModule: string;
  /** Top-level package: ceci runs `python3 -m <top> <Name>`; a namespace package runs `-m ceci <module>.<Class>`. */
  top: string;
  namespace: boolean;
  parallel: boolean;
}

export type StageMeta = TsStageMeta | PythonStageMeta;

/** Output file name for a tag of a given type, as ceci's make_name: `<tag>.<suffix>`, or the bare tag
 *  (directories, and Python types without a suffix). */
export function outputFileName(tag: string, type: string): string {
  return type === "directory" || type === "" ? tag : `${tag}.${type}`;
}

/** Where a stage writes output `name` (a path inside output_dir) until lbg renames it on success: ceci's
 *  `inprogress_` prefix on the file's own name. */
export function inprogressName(name: string): string {
  const slash = name.lastIndexOf("/");
  return `${name.slice(0, slash + 1)}inprogress_${name.slice(slash + 1)}`;
}

/** Whether an output of this type can be a metrics file: YAML (`yml`, a Python class's `yml`/`yaml`) or JSON. */
export function isMetricsType(type: string): boolean {
  return type === "yml" || type === "yaml" || type === "json";
}

/** Whether a file type names a directory (TS `directory`) or may be one (a Python suffix-less type). */
export function mayBeDirectory(type: string): "yes" | "no" | "either" {
  return type === "directory" ? "yes" : type === "" ? "either" : "no";
}
