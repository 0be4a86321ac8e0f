// `lbg why <file> [--deep] [--json]`: which stage made a file, from which code, config and inputs, and whether
// the file is still what lbg made (by content hash). Reads records only: nothing is loaded, locked or run.
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { LbgError } from "../errors/lbg-error.ts";
import { StatCache } from "../fs/stat-cache.ts";
import { findRoot } from "../project/find-root.ts";
import { runCacheDir } from "../project/run-cache-dir.ts";
import { explainOutput } from "../provenance/output-provenance.ts";
import { formatWhy } from "../provenance/format-why.ts";
import { RecordIndex } from "../provenance/record-index.ts";

/** The project root: the folder with configs/ (an lbg project), else the nearest one with .cache/runs (a ceci
 *  pipeline file's folder, where lbg keeps its state). */
export function stateRoot(cwd = process.cwd()): string {
  try {
    return findRoot(cwd);
  } catch (e) {
    for (let dir = resolve(cwd); ; dir = dirname(dir)) {
      if (existsSync(join(dir, ".cache", "runs"))) return dir;
      if (dirname(dir) === dir) throw e;
    }
  }
}

export async function whyCommand(
  file: string,
  flags: { deep?: boolean; json?: boolean },
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const root = stateRoot();
  const abs = resolve(file);
  const rel = relative(root, abs);
  if (rel.startsWith("..") || isAbsolute(rel))
    throw new LbgError(`${file} is outside the project (${root})`, { file: "why" });
  // The stat cache of the run that claims the file: its entries spare re-reading unchanged files. Used
  // read-only (never saved): `lbg why` leaves no state behind.
  const scratch = await StatCache.open(join(root, ".cache", "no-such-file"));
  const index = RecordIndex.load(root, (s) => scratch.h.h64ToString(s));
  for (const d of index.damage) err(`warning: ${d}\n`);
  const claim = index.byPath(rel)[0];
  const cache = claim ? await StatCache.open(join(runCacheDir(root, claim.run), "hashes.json")) : scratch;
  const hashNow = (p: string) => cache.hash(isAbsolute(p) ? p : join(root, p))?.hash ?? null;
  const answer = explainOutput(index, rel, hashNow, !!flags.deep);
  if (flags.json) out(`${JSON.stringify(answer)}\n`);
  else out(formatWhy(answer));
  return answer.state === "made" ? 0 : 1;
}
