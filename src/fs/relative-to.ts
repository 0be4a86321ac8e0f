// `path.relative(root, p)` without its cost in the common case. relative() resolves both paths against the
// working directory on every call; planning a 1,000-stage run calls it thousands of times (~15 ms here).
import { relative, sep } from "node:path";

/** The path of `p` relative to `root`; both absolute. Fast when `p` is a normalized path under `root`. */
export function relativeTo(root: string, p: string): string {
  if (p.length > root.length + 1 && p.startsWith(root) && p[root.length] === sep && !p.includes(`${sep}.`))
    return p.slice(root.length + 1);
  return relative(root, p);
}
