// The project root is the nearest folder, from the current directory up, that has a `configs/` folder.
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { LbgError } from "../errors/lbg-error.ts";

export function findRoot(start = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    const c = join(dir, "configs");
    if (existsSync(c) && statSync(c).isDirectory()) return dir;
    const up = dirname(dir);
    if (up === dir)
      throw new LbgError(
        "not inside an lbg project: no configs/ folder here or above",
        undefined,
        "cd into the project (the folder with configs/, lbg_stages/ and package.json)",
      );
    dir = up;
  }
}
