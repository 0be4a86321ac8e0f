// The Python the tests use: Debian's /usr/bin/python3 (with python3-yaml, python3-h5py), not whatever python3
// is first on PATH, so a developer's conda or venv cannot change what the tests see. Whether it is there,
// and with which modules, is in requirements.ts.
import { chmodSync, existsSync, readFileSync } from "node:fs";
import type { TempProject } from "./temp-project.ts";

export const PY = "/usr/bin/python3";

/** Runs PY through a wrapper in project `p` that notes every Python start: the path to give as LBG_PYTHON,
 *  and how many times Python has started so far. */
export function countedPython(p: TempProject): { path: string; starts: () => number } {
  const log = p.path("python-starts.log");
  p.write("pywrap.sh", `#!/bin/sh\necho "$*" >> ${log}\nexec ${PY} "$@"\n`);
  chmodSync(p.path("pywrap.sh"), 0o755);
  return {
    path: p.path("pywrap.sh"),
    starts: () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean).length : 0),
  };
}
