// The one walk of a directory that both its content hash (listFilesRecursive, src/fs/hash-file.ts) and the
// no-op stamp's key of it (dirKey, src/store/noop-stamp.ts) take: were they two walks, a file one of them
// reaches and the other does not (inside a symlinked folder, say) could change the hash while the stamp
// still vouched for the directory. Kept apart from hash-file.ts so that a no-op does not load the hasher.
import { readdirSync, realpathSync, statSync, type Stats } from "node:fs";
import { join } from "node:path";

/** "dir": a folder, or a link to one, that is walked; "file": a regular file or a link to one; "skipped":
 *  anything else (a broken link, a link looping on itself or back into a folder being walked, a fifo). */
export type TreeEntryKind = "dir" | "file" | "skipped";

/**
 * Calls `visit` with the relative (`/`-separated) path and kind of every entry below `dir`, in the order the
 * folders list them, each folder before what is inside it. Symbolic links are followed, as a stage reading
 * the folder follows them, unless a link points back into a folder being walked (a loop). Throws when a
 * folder cannot be read.
 */
export function walkTree(dir: string, visit: (rel: string, kind: TreeEntryKind) => void): void {
  walk(dir, "", [{ path: dir }], visit);
}

/** A folder being walked; its real path is resolved only when a link to a folder is met (most trees have
 *  none, and resolving costs a system call per folder). */
interface Walking {
  path: string;
  real?: string;
}

function walk(dir: string, prefix: string, walking: Walking[], visit: (rel: string, kind: TreeEntryKind) => void) {
  for (const e of readdirSync(prefix ? join(dir, prefix) : dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    const kind: TreeEntryKind = e.isDirectory()
      ? "dir"
      : e.isFile()
        ? "file"
        : e.isSymbolicLink()
          ? linkKind(join(dir, rel), walking)
          : "skipped";
    visit(rel, kind);
    if (kind === "dir") {
      walking.push({ path: join(dir, rel) });
      walk(dir, rel, walking, visit);
      walking.pop();
    }
  }
}

function linkKind(path: string, walking: Walking[]): TreeEntryKind {
  const target = statOrUndefined(path);
  if (target?.isFile()) return "file";
  if (!target?.isDirectory()) return "skipped";
  const real = realpathSync(path);
  for (const w of walking) {
    w.real ??= realpathSync(w.path);
    if (w.real === real) return "skipped";
  }
  return "dir";
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined; // a broken link, or a loop
  }
}
