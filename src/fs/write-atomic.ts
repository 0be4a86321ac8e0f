// Whole-file writes of lbg's own state (hash cache, records rewrite, lock, stamps, cache entries): a temp
// file next to the target, then rename, so a reader or a kill at any moment sees the old or the new file.
// When the write fails (a full disk, a read-only folder) the temp file is removed before the error goes on:
// a disk that is full must not also fill up with `*.tmp` leftovers.
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
    // Errors of write() carry no path; the caller's message needs one.
    const err = e as NodeJS.ErrnoException;
    if (!err.path) err.path = path;
    throw err;
  }
}
