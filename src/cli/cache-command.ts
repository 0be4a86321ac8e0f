// `lbg cache status` and `lbg cache gc`: the run cache of the project (or of a site's `cache_dir:`).
import { existsSync } from "node:fs";
import { LbgError, fromCwd } from "../errors/lbg-error.ts";
import { loadSite } from "../config/load-site.ts";
import { formatBytes, parseByteSize } from "../cache/byte-size.ts";
import { cacheDirFor } from "../cache/cache-dir.ts";
import { cacheStatus } from "../cache/cache-status.ts";
import { gcCache } from "../cache/gc-cache.ts";
import { getHasher } from "../fs/hash-file.ts";
import { shownPath } from "../fs/shown-path.ts";
import { localMinute } from "../events/event-words.ts";

type Print = (s: string) => void;

/** The cache directory of `--site` (default: the project's default site, `local`). */
function cacheDirOf(root: string, site: string | undefined, err: Print): string {
  const s = loadSite(root, site, "", (w) => err(`warning: ${w.format(fromCwd)}\n`), { file: "--site" });
  return cacheDirFor(root, s);
}

export async function cacheStatusCommand(
  root: string,
  flags: { site?: string; json?: boolean },
  out: Print,
  err: Print,
): Promise<number> {
  const dir = cacheDirOf(root, flags.site, err);
  const st = cacheStatus(root, dir, await getHasher());
  if (flags.json) {
    out(`${JSON.stringify(st)}\n`);
    return 0;
  }
  out(`run cache ${shownPath(root, dir)}${existsSync(dir) ? "" : " (empty: nothing stored yet)"}\n`);
  out(
    `  ${st.entries} entr${st.entries === 1 ? "y" : "ies"}, ${st.objects} object${st.objects === 1 ? "" : "s"}, ${formatBytes(st.bytes)}${st.damagedEntries ? ` (${st.damagedEntries} damaged entries: lbg cache gc removes them)` : ""}\n`,
  );
  if (st.lastBuilds.length === 0) out("  no build of this project has used it yet\n");
  else {
    const hits = st.lastBuilds.reduce((s, b) => s + b.hits, 0);
    const looked = hits + st.lastBuilds.reduce((s, b) => s + b.misses, 0);
    out(
      `  last ${st.lastBuilds.length} build${st.lastBuilds.length === 1 ? "" : "s"}: ${hits} of ${looked} stale stage${looked === 1 ? "" : "s"} restored${st.hitRate === null ? "" : ` (hit rate ${Math.round(st.hitRate * 100)} %)`}\n`,
    );
    for (const b of st.lastBuilds)
      out(
        `    ${localMinute(b.at)}  ${b.run}: ${b.hits} restored (${formatBytes(b.bytesRestored)}), ${b.misses} missed, ${b.stored} stored (${formatBytes(b.bytesStored)} new)\n`,
      );
  }
  for (const n of st.nondeterministic)
    out(
      `  not deterministic: ${n.stage} (${n.class}): ${n.tags.join(", ")} differed between runs with one key; first seen ${localMinute(n.at)} in run ${n.run}\n`,
    );
  return 0;
}

export async function cacheGcCommand(
  root: string,
  flags: { site?: string; maxSize?: string; keepDays?: string; dryRun?: boolean },
  out: Print,
  err: Print,
): Promise<number> {
  let maxBytes: number | undefined;
  if (flags.maxSize !== undefined) {
    maxBytes = parseByteSize(flags.maxSize);
    if (maxBytes === undefined)
      throw new LbgError(`--max-size ${flags.maxSize}: not a size`, { file: "--max-size" }, "e.g. 20G, 500M, 0");
  }
  let keepDays: number | undefined;
  if (flags.keepDays !== undefined) {
    keepDays = Number(flags.keepDays);
    if (!/^\d+(\.\d+)?$/.test(flags.keepDays.trim()) || !Number.isFinite(keepDays))
      throw new LbgError(`--keep-days ${flags.keepDays}: not a number of days`, { file: "--keep-days" }, "e.g. 30");
  }
  if (maxBytes === undefined && keepDays === undefined)
    err("lbg cache gc: no --max-size or --keep-days: only damaged entries and unneeded objects are removed\n");
  const dir = cacheDirOf(root, flags.site, err);
  if (!existsSync(dir)) {
    out(`lbg cache gc: ${shownPath(root, dir)} is empty\n`);
    return 0;
  }
  const r = gcCache(dir, await getHasher(), { maxBytes, keepDays, dryRun: flags.dryRun });
  const verb = flags.dryRun ? "would remove" : "removed";
  out(
    `lbg cache gc: ${verb} ${r.removedEntries} entr${r.removedEntries === 1 ? "y" : "ies"} and ${r.removedObjects} object${r.removedObjects === 1 ? "" : "s"} (${formatBytes(r.freedBytes)}); ${r.keptEntries} entr${r.keptEntries === 1 ? "y" : "ies"}, ${formatBytes(r.keptBytes)} ${flags.dryRun ? "would be " : ""}left in ${shownPath(root, dir)}\n`,
  );
  return 0;
}
