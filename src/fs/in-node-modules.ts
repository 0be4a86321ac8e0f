// Whether a path is inside a node_modules folder (any of its components): files there change through npm,
// which rewrites package-lock.json, so the caches that key on project files leave them to that file.
export function inNodeModules(path: string): boolean {
  return path.split(/[\\/]/).includes("node_modules");
}
