// `lbg build`'s shortcuts, tried before anything is loaded: the run's no-op stamp (format and trust model in
// src/store/noop-stamp.ts) is checked by stat() calls alone — and by hashing the few files whose stat changed
// but whose content the stamp knows: a touched file with its content unchanged changed nothing. When it
// holds and the stamped build left every stage fresh, the build's events are those of that build —
// build-start, its warnings, every stage fresh, build-end — and nothing else is loaded or read. When only
// stage input or output files changed, the build is incremental (incremental-build.ts): the previous plan is
// restored and only what the change can reach is checked. Anything else takes the normal path
// (build-command.ts), the full check.
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { existsSync } from "node:fs";
import type { EventSink } from "../events/build-event.ts";
import { runCacheDir } from "../project/run-cache-dir.ts";
import type { RunRef } from "../project/run-ref.ts";
import type { BuildFlags } from "../scheduler/build-once.ts";
import type { Seed } from "../fs/stat-cache.ts";
import {
  type Covered,
  checkNoopStamp,
  type NoopStamp,
  readNoopStamp,
  rekeyNoopStamp,
  rewriteNoopStamp,
  sameContent,
} from "../store/noop-stamp.ts";
import { recordsFile } from "../store/record-store.ts";
import { RunLock } from "../store/run-lock.ts";

export const stampFile = (ref: RunRef) => join(runCacheDir(ref.root, ref.name), "noop.json");

/** Everything besides files and environment that decides the build's outcome or its events. */
export function stampKey(ref: RunRef, flags: BuildFlags): string {
  return JSON.stringify({
    lbg: import.meta.url, // the bundle's folder is named after a hash of lbg's sources
    root: ref.root,
    run: ref.name,
    ceciFile: ref.ceciFile ?? null,
    overrides: ref.overrides,
    select: ref.select ?? null,
    templateParams: ref.templateParams ?? [],
    cwd: process.cwd(),
    site: flags.site ?? null,
    set: flags.set ?? [],
    resume: flags.resume ?? null,
    jobs: flags.jobs ?? null,
    launcher: flags.launcher ?? null,
    // The type check's mode decides whether a type error stops the build: a stamp of a build that did not
    // check (`--type-check off`) must not answer for one that does. (LBG_TYPE_CHECK is a stamped variable,
    // the site file's `type_check:` a covered file.)
    typeCheck: flags.typeCheck ?? null,
    cores: availableParallelism(),
  });
}

/** `LBG_TRACE_NOOP=1` says on stderr whether a shortcut was taken and why not (tests and debugging). */
export function trace(line: string): undefined {
  if (process.env.LBG_TRACE_NOOP) process.stderr.write(`lbg: noop: ${line}\n`);
  return undefined;
}

/** Dry runs, forced stages and Slurm builds always take the normal path (and never write a stamp). */
export function eligible(flags: BuildFlags): boolean {
  const slurm = flags.launcher === "slurm" || (flags.launcher === undefined && !!process.env.SLURM_JOB_ID);
  return !flags.dryRun && !flags.force && !slurm;
}

/** Answers the build from the stamp, or builds incrementally from it, and returns the exit code; undefined
 *  when the normal path must run. */
export async function tryNoopShortcut(ref: RunRef, flags: BuildFlags, emit: EventSink): Promise<number | undefined> {
  if (!eligible(flags)) return undefined;
  const key = stampKey(ref, flags);
  if (!existsSync(stampFile(ref))) return trace("no stamp");
  // Another build of the run may be under way: take the lock as any build does, then read and check the
  // stamp (once: its stat calls are most of the shortcut's cost). No heartbeat for a few stat calls; an
  // incremental build starts one.
  const cacheDir = runCacheDir(ref.root, ref.name);
  const lock = await RunLock.acquire(join(cacheDir, "lock"), ref.name, !!flags.wait, { heartbeat: false });
  let handedOver = false;
  try {
    const s = readNoopStamp(stampFile(ref), key);
    if (!s) return trace("no stamp for these arguments");
    const check = checkNoopStamp(s, process.env, recordsFile(cacheDir));
    if ("differs" in check) return trace(`stamp does not hold: ${check.differs}`);
    // Files whose stat changed but whose content the stamp knows: hashed, and unchanged ones dropped.
    const suspects = [...check.structural, ...check.suspects];
    const hashed = new Map<string, Seed>();
    const { same, read } = await unchangedContent(suspects, hashed);
    const moved = check.structural.find(([path]) => !same.has(path));
    if (moved) return trace(`stamp does not hold: ${moved[0]} changed`);
    const changed = check.changed.filter((path) => !same.has(path));
    // The new stats of the unchanged files: written now for a no-op, by the incremental build's stamp else.
    const rekeyed = rekeyNoopStamp(s, same);
    const touched =
      same.size > 0 ? ` (${same.size} file${same.size === 1 ? "" : "s"} touched, the content unchanged)` : "";
    if (changed.length === 0 && s.allFresh) {
      if (rekeyed) rewriteNoopStamp(stampFile(ref), s);
      trace(`stamp holds: every stage fresh${touched}`);
      replay(s, emit, read);
      return 0;
    }
    trace(
      changed.length > 0 ? `stamp does not hold: ${changed[0]} changed` : "stamp holds, but not every stage was fresh",
    );
    const { prepareIncremental } = await import("./incremental-build.ts");
    const prepared = await prepareIncremental(cacheDir, s, changed, { hashed, read });
    if (!prepared) return undefined;
    lock.beat();
    // Stages will run: the output folder's lock too, as every build that runs stages holds (build-locks.ts).
    handedOver = true;
    const { BuildLocks } = await import("../store/build-locks.ts");
    const locks = await BuildLocks.adopt(lock, {
      root: ref.root,
      run: ref.name,
      runLock: lock.file,
      outputDir: prepared.project.run.outputDir,
      wait: !!flags.wait,
    });
    const { buildLoaded } = await import("./build-loaded.ts");
    return await buildLoaded(ref, flags, emit, { ...prepared, lock: locks, slurm: false });
  } finally {
    if (!handedOver) lock.release();
  }
}

/** sameContent with lbg's content hash (its module and the hasher are loaded only when a file must be
 *  hashed: a no-op does not load them). */
async function unchangedContent(
  suspects: Covered[],
  hashed: Map<string, Seed>,
): Promise<{ same: Map<string, string | undefined>; read: number }> {
  if (suspects.length === 0) return { same: new Map(), read: 0 };
  const { getHasher, hashFileWith } = await import("../fs/hash-file.ts");
  const h = await getHasher();
  let read = 0;
  const same = sameContent(
    suspects,
    (path) => {
      // (As the stat cache says of every file whose contents a build reads.)
      if (process.env.LBG_TRACE_HASH) process.stderr.write(`lbg: hashed ${path}\n`);
      read++;
      return hashFileWith(h, path);
    },
    hashed,
  );
  return { same, read };
}

/** The events of the stamped build, which found every stage fresh; `hashed` files were read to tell so. */
function replay(s: NoopStamp, emit: EventSink, hashed: number): void {
  const t0 = Date.now();
  emit(s.start);
  for (const message of s.warnings) emit({ event: "warning", message });
  for (const stage of s.fresh) emit({ event: "stage-fresh", stage });
  emit({
    event: "build-end",
    ok: true,
    succeeded: 0,
    failed: 0,
    fresh: s.fresh.length,
    blocked: 0,
    cancelled: 0,
    seconds: (Date.now() - t0) / 1000,
    filesHashed: hashed,
    stagesChecked: 0,
  });
}
