// The Python the Python-stage tests use: Debian's /usr/bin/python3 (with python3-yaml), not whatever python3
// is first on PATH, so a developer's conda or venv cannot change what the tests see.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const PY = "/usr/bin/python3";

/** Whether PY exists and imports yaml (what the ceci stand-in needs). */
export const havePython = existsSync(PY) && spawnSync(PY, ["-c", "import yaml"]).status === 0;
