// Looking into a project's run cache and its stage-runs.log (test/fixtures/cache) from tests.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TempProject } from "../helpers/temp-project.ts";

/** Stage runs noted by the fixture's stages (`<instance> <pid>` lines). */
export function stageRuns(p: TempProject): string[] {
  return p.exists("stage-runs.log") ? p.read("stage-runs.log").split("\n").filter(Boolean) : [];
}

/** Every file under `<dir>/<shard>/` of a cache folder, as full paths. */
export function cacheFiles(cacheDir: string, kind: "entries" | "objects"): string[] {
  const dir = join(cacheDir, kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((s) => readdirSync(join(dir, s)).map((f) => join(dir, s, f)));
}

/** The entries of a cache folder (checksum prefix dropped; not checked here). */
export function cacheEntries(cacheDir: string): { path: string; stage: string; outputs: Record<string, any> }[] {
  return cacheFiles(cacheDir, "entries").map((path) => ({
    path,
    ...(JSON.parse(readFileSync(path, "utf8").slice(17)) as { stage: string; outputs: Record<string, any> }),
  }));
}

/** The object holding a file output of a stage's entry (the first entry of that stage found). */
export function objectOf(cacheDir: string, stage: string, tag: string): string {
  const e = cacheEntries(cacheDir).find((x) => x.stage === stage);
  if (!e) throw new Error(`no cache entry for ${stage}`);
  const o = e.outputs[tag];
  return join(cacheDir, "objects", o.hash.slice(0, 2), `${o.hash}-${o.size}`);
}
