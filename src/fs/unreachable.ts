// Why a path that cannot be opened is not there, for messages: a symlink loop or a broken link is not a
// missing file, and "does not exist" would send the user looking for the wrong thing.
import { lstatSync, readlinkSync, statSync } from "node:fs";

/** "is a symlink loop", "is a broken symbolic link (to x)", or undefined when `path` exists or is plain missing. */
export function unreachable(path: string): string | undefined {
  try {
    statSync(path);
    return undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ELOOP") return "is a symlink loop";
    try {
      if (lstatSync(path).isSymbolicLink()) return `is a broken symbolic link (to ${readlinkSync(path)})`;
    } catch {
      /* nothing there at all */
    }
    return undefined;
  }
}
