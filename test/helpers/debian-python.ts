// The Python the tests use: Debian's /usr/bin/python3 (with python3-yaml, python3-h5py), not whatever python3
// is first on PATH, so a developer's conda or venv cannot change what the tests see.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { hasCommand } from "./temp-project.ts";

export const PY = "/usr/bin/python3";

/** Whether PY exists and imports yaml (what the ceci stand-in needs). */
export const havePython = existsSync(PY) && spawnSync(PY, ["-c", "import yaml"]).status === 0;

/** Whether PY exists at all: tests that need a Python module install it, and skip only without Python. */
export const havePython3 = existsSync(PY);

/**
 * Makes PY import h5py, installing Debian's python3-h5py when it does not and this is root with apt-get (as
 * CI is; like ensureSlurmInstalled for Slurm). Returns undefined when h5py imports, else why it cannot.
 */
export function ensureH5py(): string | undefined {
  const imports = () => spawnSync(PY, ["-c", "import h5py"]).status === 0;
  if (!havePython3) return `${PY} not found`;
  if (imports()) return undefined;
  if (process.getuid?.() !== 0 || !hasCommand("apt-get"))
    return `${PY} cannot import h5py and this is not root with apt-get (apt-get install python3-h5py)`;
  const r = spawnSync(
    "sh",
    ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-h5py"],
    { encoding: "utf8", timeout: 600_000 },
  );
  if (r.status !== 0) return `apt-get install python3-h5py failed: ${(r.stderr ?? "").trim().split("\n").at(-1)}`;
  return imports() ? undefined : `${PY} still cannot import h5py after apt-get install python3-h5py`;
}
