// Where a run's build state lives: `.cache/runs/<run>/` (records, hash cache, lock, no-op stamp, Slurm job).
// A file of its own so the no-op shortcut can find it without loading the project.
import { join } from "node:path";

export function runCacheDir(root: string, run: string): string {
  return join(root, ".cache", "runs", run);
}
