// What each build did with the run cache, kept per project for `lbg cache status` ("hit rate of the last
// builds"). On disk: `.cache/run-cache-builds.jsonl`, one JSON object a line, appended at the end of every
// build that looked anything up or stored anything:
//   {"at":"2026-05-02T10:41:07.120Z","run":"photoz_sim","cache":"/abs/.cache/run-cache","hits":6,"misses":0,
//    "stored":0,"bytesRestored":81234,"bytesStored":0}
// A line that does not parse (a torn tail) is skipped. Kept to the last 200 builds.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeAtomic } from "../fs/write-atomic.ts";
import type { CacheCounts } from "./run-cache.ts";

export interface CacheBuild extends CacheCounts {
  at: string;
  run: string;
  cache: string;
}

const KEEP = 200;

export function historyFile(root: string): string {
  return join(root, ".cache", "run-cache-builds.jsonl");
}

export function readCacheHistory(root: string): CacheBuild[] {
  const file = historyFile(root);
  if (!existsSync(file)) return [];
  const out: CacheBuild[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line) continue;
    try {
      const b = JSON.parse(line) as CacheBuild;
      if (b && typeof b.hits === "number" && typeof b.misses === "number" && typeof b.cache === "string") out.push(b);
    } catch {
      /* torn or foreign line */
    }
  }
  return out;
}

/** Appends one build (never throws: returns why it could not, for a warning). */
export function appendCacheBuild(root: string, b: CacheBuild): string | undefined {
  const file = historyFile(root);
  try {
    mkdirSync(dirname(file), { recursive: true });
    // A torn last line (kill -9 mid-append) must not swallow this one.
    const text = existsSync(file) ? readFileSync(file, "utf8") : "";
    const sep = text && !text.endsWith("\n") ? "\n" : "";
    const lines = text.split("\n").filter(Boolean).length;
    if (lines >= 2 * KEEP) {
      const kept = readCacheHistory(root).slice(-(KEEP - 1));
      writeAtomic(file, [...kept, b].map((x) => `${JSON.stringify(x)}\n`).join(""));
    } else appendFileSync(file, `${sep}${JSON.stringify(b)}\n`);
    return undefined;
  } catch (e) {
    return `could not note the run cache's use in ${file}: ${(e as Error).message}`;
  }
}
