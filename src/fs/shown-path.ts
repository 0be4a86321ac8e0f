// How a path is shown in a message: relative to the project root when inside it, else absolute (a shared
// cache directory elsewhere reads better as /global/cfs/… than as ../../../../global/cfs/…).
import { relative, sep } from "node:path";

export function shownPath(root: string, p: string): string {
  const r = relative(root, p);
  return r === "" || r === ".." || r.startsWith(`..${sep}`) ? p : r;
}
