// `lbg clean [<run>] [--cache] [--dry-run]`: removes only what lbg made for a run: outputs it recorded, its
// in-progress files and logs, and the run's records (with --cache, the run's whole .cache folder). It never
// follows a symlink out of the run's output and log folders: a symlink is removed as a link, and a path whose
// real location is outside those folders is skipped.
import { existsSync, lstatSync, readdirSync, realpathSync, rmSync, rmdirSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { RecordStore, recordsFile } from "../store/record-store.ts";
import { RunLock } from "../store/run-lock.ts";
import { loadProject } from "../project/load-project.ts";
import { runCacheDir } from "../project/run-cache-dir.ts";
import type { RunRef } from "../project/run-ref.ts";
import { previousPath } from "../scheduler/finish-stage.ts";
import { findRunFile } from "../config/load-run.ts";
import { getHasher } from "../fs/hash-file.ts";
import { LbgError } from "../errors/lbg-error.ts";

function inside(dir: string, p: string): boolean {
  const rel = relative(dir, p);
  return rel !== "" && !rel.startsWith("..") && !rel.split(sep).includes("..") && !resolve(dir, rel).startsWith("..");
}

/** `p` lies inside one of `dirs`, both as written and after resolving symlinks in its parent folders. */
function safe(p: string, dirs: string[]): boolean {
  return dirs.some((d) => {
    if (!inside(d, p)) return false;
    try {
      const realDir = realpathSync(d);
      const realParent = realpathSync(dirname(p));
      return realParent === realDir || inside(realDir, realParent);
    } catch {
      return false;
    }
  });
}

/**
 * `lbg clean` with no run removes what lbg made for every run: on a terminal it asks first; elsewhere (a
 * script, CI) it needs `--all` (or `-y`), so that a forgotten run name never empties every run unasked.
 * Returns whether to go on.
 */
async function confirmAll(runs: string[], err: (s: string) => void): Promise<boolean> {
  const shown = `${runs.length} run${runs.length === 1 ? "" : "s"}: ${runs.slice(0, 8).join(", ")}${runs.length > 8 ? ", …" : ""}`;
  if (!process.stdin.isTTY || !process.stderr.isTTY)
    throw new LbgError(
      `lbg clean with no run removes what lbg made for every run (${shown})`,
      { file: "clean" },
      "name the run to clean, or add --all (or -y) to clean every run",
    );
  // Not `await import(…)`: the bundle takes Node's modules through require (src/bin/lbg.mjs), and a dynamic
  // import of one gives a namespace without its named exports.
  const { createInterface } = process.getBuiltinModule("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Remove the outputs, logs and records of every run (${shown})? [y/N] `);
    if (/^y(es)?$/i.test(answer.trim())) return true;
    err("lbg clean: nothing removed\n");
    return false;
  } finally {
    rl.close();
  }
}

export async function cleanCommand(
  root: string,
  ref: RunRef | undefined,
  flags: { cache?: boolean; dryRun?: boolean; all?: boolean },
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const runsDir = join(root, ".cache", "runs");
  if (ref && !ref.ceciFile) findRunFile(root, ref.name);
  const refs: RunRef[] = ref
    ? [ref]
    : existsSync(runsDir)
      ? readdirSync(runsDir).map((name) => ({ root, name, overrides: [] }))
      : [];
  if (
    !ref &&
    !flags.dryRun &&
    !flags.all &&
    refs.length > 0 &&
    !(await confirmAll(
      refs.map((r) => r.name),
      err,
    ))
  )
    return 1;
  let count = 0;
  for (const r of refs) count += await cleanRun(r, flags, out, err);
  if (!ref && flags.cache) {
    for (const d of ["stages", "bundles"]) {
      const p = join(root, ".cache", d);
      if (existsSync(p)) {
        out(`${flags.dryRun ? "would remove" : "removed"} ${relative(root, p)}/\n`);
        if (!flags.dryRun) rmSync(p, { recursive: true, force: true });
      }
    }
  }
  out(`lbg clean: ${flags.dryRun ? "would remove" : "removed"} ${count} file${count === 1 ? "" : "s"}\n`);
  return 0;
}

async function cleanRun(
  ref: RunRef,
  flags: { cache?: boolean; dryRun?: boolean },
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const { root, name: run } = ref;
  const cacheDir = runCacheDir(root, run);
  const lock = flags.dryRun
    ? undefined
    : await RunLock.acquire(join(cacheDir, "lock"), run, false, { noWaitFlag: true });
  try {
    const records = RecordStore.open(cacheDir, await getHasher());
    const targets = new Set<string>();
    let dirs: string[] = [];
    try {
      const p = await loadProject(ref, { warn: () => {} });
      dirs = [p.run.outputDir, p.run.logDir];
      for (const node of p.graph.nodes.values()) {
        for (const o of node.outputs) {
          // In-progress files, and outputs a Python stage's failed run left set aside (finish-stage.ts).
          for (const t of [o.inprogress, previousPath(o.path)]) if (lstatExists(t)) targets.add(t);
        }
        targets.add(join(p.run.logDir, `${node.name}.out`));
      }
      targets.add(join(p.run.logDir, "pre_script.out"));
      targets.add(join(p.run.logDir, "post_script.out"));
    } catch (e) {
      err(`warning: run '${run}' does not load (${(e as Error).message}); cleaning only its recorded outputs\n`);
    }
    // Every output any record of the run named, also those the run no longer makes (a renamed output).
    for (const path of records.everMade()) targets.add(join(root, path));
    if (dirs.length === 0) dirs = [...targets].map((t) => dirname(t));
    let count = 0;
    for (const t of [...targets].sort()) {
      if (!lstatExists(t)) continue;
      if (!safe(t, dirs)) {
        err(`warning: not removing ${relative(root, t)}: it is outside the run's output and log folders\n`);
        continue;
      }
      count++;
      out(`${flags.dryRun ? "would remove" : "removed"} ${relative(root, t)}\n`);
      if (!flags.dryRun) rmSync(t, { recursive: !lstatSync(t).isSymbolicLink(), force: true });
    }
    if (!flags.dryRun) {
      // Without --cache the stat cache stays: it describes files, not what lbg made.
      rmSync(flags.cache ? cacheDir : recordsFile(cacheDir), { recursive: true, force: true });
      rmSync(records.madeFile, { force: true });
      for (const d of dirs) removeEmptyDirs(d, root);
    } else if (flags.cache && existsSync(cacheDir)) out(`would remove ${relative(root, cacheDir)}/\n`);
    return count;
  } finally {
    lock?.release();
  }
}

function lstatExists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Removes `dir` and then its parents while they are empty, stopping at the project root. */
function removeEmptyDirs(dir: string, root: string): void {
  for (let d = dir; inside(root, d); d = dirname(d)) {
    try {
      if (!lstatSync(d).isDirectory() || readdirSync(d).length > 0) return;
      rmdirSync(d);
    } catch {
      return;
    }
  }
}
