// A run's output_dir and log_dir must be folders lbg may fill and `lbg clean` may empty: not the file
// system root, not a folder that contains the project (outputs and logs would land among, or replace,
// the project's own files and those of everything around it), and not inside lbg's `.cache` (an output
// name override could then overwrite records or locks). The project root itself stays allowed: it is
// ceci's default (`output_dir: .`). Symlinks are followed when the folder exists already. The folder, or
// the first part of its path that exists, must be a folder (not a file, a broken link or a link loop): lbg
// would fail to create it only once the build has started.
import { lstatSync, realpathSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { LbgError, type SourcePos } from "../errors/lbg-error.ts";
import { hasControlChars } from "../fs/has-control-chars.ts";
import type { RunModel } from "../config/run-model.ts";

function contains(dir: string, p: string): boolean {
  return p === dir || p.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/** Why `dir` is no place for a run's files, or undefined when it is fine. */
function problem(root: string, dir: string): string | undefined {
  if (dirname(dir) === dir) return "is the file system root";
  if (dir !== root && contains(dir, root)) return "contains the project";
  if (contains(join(root, ".cache"), dir)) return "is inside lbg's .cache";
  return undefined;
}

function real(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined; // not made yet: the path as written is what lbg will create
  }
}

/** Why `dir` cannot be made (or used) as a folder, or undefined: the nearest existing part of it is a folder. */
export function notAFolder(root: string, dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    let isLink = false;
    try {
      isLink = lstatSync(d).isSymbolicLink();
    } catch {
      if (dirname(d) === d) return undefined;
      continue; // not there: made by lbg, if what is above it is a folder
    }
    const what = d === dir ? "" : ` (${relative(root, d).startsWith("..") ? d : relative(root, d)} is on its path)`;
    try {
      if (statSync(d).isDirectory()) return undefined;
      return `is a file, not a folder${what}`;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ELOOP") return `is a symlink loop${what}`;
      if (isLink) return `is a broken symbolic link${what}`;
      return undefined; // unreadable: the build says what it cannot do
    }
  }
}

export function checkRunFolders(run: RunModel): void {
  const realRoot = real(run.root) ?? run.root;
  for (const [key, dir] of [
    ["output_dir", run.outputDir],
    ["log_dir", run.logDir],
  ] as const) {
    const realDir = real(dir);
    const pos: SourcePos = run.folderPos?.[key] ?? { file: run.file };
    const rel = relative(run.root, dir);
    const shown = rel === "" ? "." : rel.startsWith("..") ? dir : rel;
    const blocked = hasControlChars(dir)
      ? `contains control characters (${JSON.stringify(shown)})`
      : notAFolder(run.root, dir);
    if (blocked)
      throw new LbgError(`${key} ${shown} ${blocked}`, pos, "point it at a folder (lbg creates it if it is missing)");
    const why =
      problem(run.root, dir) ?? (realDir !== undefined && realDir !== dir ? problem(realRoot, realDir) : undefined);
    if (!why) continue;
    const resolved = realDir !== undefined && realDir !== dir ? ` (a link to ${realDir})` : "";
    throw new LbgError(
      `${key} ${shown}${resolved} ${why}: lbg writes there and \`lbg clean\` removes what it wrote`,
      pos,
      `use a folder of its own, e.g. results/${run.name}/${key === "output_dir" ? "outputs" : "logs"}`,
    );
  }
}
