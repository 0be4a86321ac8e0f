// What a run input path is, checked before the lock is taken and anything is hashed. Only regular files
// and directories can be inputs: opening a FIFO blocks until someone writes to it (lbg would hang, deaf to
// SIGTERM, since hashing is synchronous), and a socket or device has no content to fingerprint. An input
// lbg may not read is reported here, at its line in the run file, rather than as a bare EACCES later.
import { accessSync, constants, statSync, type Stats } from "node:fs";
import { relative } from "node:path";
import { LbgError, type SourcePos } from "../errors/lbg-error.ts";
import { unreachable } from "../fs/unreachable.ts";

function special(st: Stats): string | undefined {
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  return st.isFile() || st.isDirectory() ? undefined : "not a regular file";
}

/** "file" or "directory" for the input `alias` at `path` (read by stage `reader`), or a positioned LbgError;
 *  `missingHint` replaces the hint for a path that does not exist. */
export function runInputKind(
  path: string,
  alias: string,
  reader: string,
  pos: SourcePos,
  missingHint?: string,
): "file" | "directory" {
  const shown = relative(process.cwd(), path) || path;
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ELOOP")
      throw new LbgError(
        `input '${alias}' (needed by ${reader}) is a symlink loop: ${shown}`,
        pos,
        "point the link at the input file",
      );
    const broken = unreachable(path);
    if (broken)
      throw new LbgError(
        `input '${alias}' (needed by ${reader}) ${broken}: ${shown}`,
        pos,
        "point the link at the input file",
      );
    if ((e as NodeJS.ErrnoException).code === "EACCES") {
      throw new LbgError(
        `input '${alias}' (needed by ${reader}) cannot be reached: permission denied on a folder of ${shown}`,
        pos,
        "check the permissions of its folders",
      );
    }
    throw new LbgError(
      `input '${alias}' (needed by ${reader}) does not exist: ${shown}`,
      pos,
      missingHint ?? "fix the path under 'inputs:' (relative paths start at the project root)",
    );
  }
  const odd = special(st);
  if (odd)
    throw new LbgError(
      `input '${alias}' (needed by ${reader}) is ${odd}, not a file or a directory: ${shown}`,
      pos,
      "give the path of a regular file (or a directory)",
    );
  const kind = st.isDirectory() ? "directory" : "file";
  try {
    accessSync(path, kind === "directory" ? constants.R_OK | constants.X_OK : constants.R_OK);
  } catch {
    throw new LbgError(
      `input '${alias}' (needed by ${reader}) is not readable: permission denied: ${shown}`,
      pos,
      kind === "directory" ? "chmod u+rx the directory" : "chmod u+r the file",
    );
  }
  return kind;
}
