// Which run cache a run uses: its site's `cache_dir:` (a path relative to the project root, or absolute — a
// shared folder several users and hosts fill together), else the project's own `.cache/run-cache`.
import { join, resolve } from "node:path";

export function cacheDirFor(root: string, site: { cacheDir?: string }): string {
  return site.cacheDir ? resolve(root, site.cacheDir) : join(root, ".cache", "run-cache");
}
