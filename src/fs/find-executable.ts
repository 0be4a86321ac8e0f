// Where a command would be found: the path the shell would run for `python3` (first match on PATH), so that
// what lbg caches about an interpreter is keyed on the interpreter itself, not on the word naming it.
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";

/** Absolute path of `cmd` (a bare name is looked up on PATH, a path is resolved against `cwd`); undefined when
 *  PATH has no executable file of that name. `searched` receives the PATH folders looked in, in order. */
export function findExecutable(
  cmd: string,
  cwd: string,
  path = process.env.PATH ?? "",
  searched: string[] = [],
): string | undefined {
  if (cmd.includes("/")) return isAbsolute(cmd) ? cmd : resolve(cwd, cmd);
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    searched.push(dir);
    const p = join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}
