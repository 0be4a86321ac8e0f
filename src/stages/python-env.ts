// Which Python runs a run's Python stages, and the PYTHONPATH they get: what the stage loader
// (python-module-loader.ts) introspects with and the scheduler runs with.
import { resolve } from "node:path";
import { findExecutable } from "../fs/find-executable.ts";

export interface PythonEnv {
  /** Interpreter: LBG_PYTHON, else the site file's `python`, else `python3` from PATH (as ceci does). */
  python: string;
  /** Where that is (PATH looked up): what the cache is keyed on, so another venv or PATH re-introspects. */
  resolved: string;
  /** python_paths resolved against the project root. */
  paths: string[];
  /** The PATH folders looked in to find it (none when it was given as a path). */
  searched: string[];
}

export function pythonEnv(root: string, sitePython: string | undefined, pythonPaths: string[]): PythonEnv {
  const python = process.env.LBG_PYTHON || sitePython || "python3";
  const searched: string[] = [];
  return {
    python,
    resolved: findExecutable(python, root, process.env.PATH, searched) ?? python,
    paths: pythonPaths.map((p) => resolve(root, p)),
    searched,
  };
}

export function pythonPathEnv(env: PythonEnv): string {
  return [...env.paths, ...(process.env.PYTHONPATH ? [process.env.PYTHONPATH] : [])].join(":");
}
