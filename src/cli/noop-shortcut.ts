// `lbg build`'s shortcut for a build with nothing to do: when the no-op stamp of the run (format and trust
// model in src/store/noop-stamp.ts) still holds, the build's events are those of the last full check —
// build-start, its warnings, every stage fresh, build-end — and nothing else is loaded or read. Otherwise
// the normal path runs, and a build that again found every stage fresh leaves a new stamp for the next one.
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { existsSync, readFileSync } from "node:fs";
import { referencedVars } from "../config/expand-vars.ts";
import type { BuildEvent, EventSink } from "../events/build-event.ts";
import type { LoadedProject } from "../project/load-project.ts";
import { runCacheDir } from "../project/run-cache-dir.ts";
import type { RunRef } from "../project/run-ref.ts";
import type { BuildFlags } from "../scheduler/build-once.ts";
import { noopStampDiffers, readNoopStamp, writeNoopStamp } from "../store/noop-stamp.ts";
import { recordsFile } from "../store/record-store.ts";
import { RunLock } from "../store/run-lock.ts";

/** Variables that change which Python runs or what it imports, whatever the configs say. */
const PYTHON_VARS = ["LBG_PYTHON", "PYTHONPATH", "PATH"];

const stampFile = (ref: RunRef) => join(runCacheDir(ref.root, ref.name), "noop.json");

/** Everything besides files and environment that decides the build's outcome or its events. */
function stampKey(ref: RunRef, flags: BuildFlags): string {
  return JSON.stringify({
    lbg: import.meta.url, // the bundle's folder is named after a hash of lbg's sources
    root: ref.root,
    run: ref.name,
    ceciFile: ref.ceciFile ?? null,
    overrides: ref.overrides,
    templateParams: ref.templateParams ?? [],
    cwd: process.cwd(),
    site: flags.site ?? null,
    set: flags.set ?? [],
    resume: flags.resume ?? null,
    jobs: flags.jobs ?? null,
    launcher: flags.launcher ?? null,
    cores: availableParallelism(),
  });
}

/** `LBG_TRACE_NOOP=1` says on stderr whether the shortcut was taken and why not (tests and debugging). */
function trace(line: string): undefined {
  if (process.env.LBG_TRACE_NOOP) process.stderr.write(`lbg: noop: ${line}\n`);
  return undefined;
}

/** Dry runs, forced stages and Slurm builds always take the normal path (and never write a stamp). */
function eligible(flags: BuildFlags): boolean {
  const slurm = flags.launcher === "slurm" || (flags.launcher === undefined && !!process.env.SLURM_JOB_ID);
  return !flags.dryRun && !flags.force && !slurm;
}

/** Reports the build from the stamp and returns 0, or returns undefined when the normal path must run. */
export async function tryNoopShortcut(ref: RunRef, flags: BuildFlags, emit: EventSink): Promise<number | undefined> {
  if (!eligible(flags)) return undefined;
  const key = stampKey(ref, flags);
  if (!existsSync(stampFile(ref))) return trace("no stamp");
  // Another build of the run may be under way: take the lock as any build does, then read and check the
  // stamp (once: its stat calls are most of the shortcut's cost).
  // Held for a few stat calls only: no heartbeat thread to start.
  const lock = await RunLock.acquire(join(runCacheDir(ref.root, ref.name), "lock"), ref.name, !!flags.wait, {
    heartbeat: false,
  });
  try {
    const s = readNoopStamp(stampFile(ref), key);
    if (!s) return trace("no stamp for these arguments");
    const differs = noopStampDiffers(s, process.env);
    if (differs) return trace(`stamp does not hold: ${differs}`);
    trace("stamp holds: every stage fresh");
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
      filesHashed: 0,
    });
    return 0;
  } finally {
    lock.release();
  }
}

/** Collects a normal build's events, to tell afterwards whether it was a pure no-op worth a stamp. */
export function noopRecorder(emit: EventSink): { emit: EventSink; events: BuildEvent[] } {
  const events: BuildEvent[] = [];
  return {
    events,
    emit: (e) => {
      events.push(e);
      emit(e);
    },
  };
}

/** After a normal build: writes the stamp when every stage was found fresh and nothing else happened. */
export function recordNoop(
  ref: RunRef,
  flags: BuildFlags,
  p: LoadedProject,
  warnings: string[],
  events: BuildEvent[],
  slurm: boolean,
): void {
  const { run, graph } = p;
  if (!eligible(flags) || slurm || run.preScript.trim() || run.postScript.trim()) return;
  const start = events[0];
  const end = events.at(-1);
  if (start?.event !== "build-start" || end?.event !== "build-end" || !end.ok || end.fresh !== graph.nodes.size) return;
  const fresh: string[] = [];
  const seen: string[] = [];
  for (const e of events.slice(1, -1)) {
    if (e.event === "stage-fresh") fresh.push(e.stage);
    else if (e.event === "warning") seen.push(e.message);
    else return; // restart-all, a script, a stage that ran: not a no-op
  }
  if (seen.length !== warnings.length || seen.some((w, i) => w !== warnings[i])) return; // e.g. damaged records: say it once
  const envNames = [...PYTHON_VARS];
  for (const f of run.configFiles) envNames.push(...referencedVars(readFileSync(f, "utf8")));
  const paths = [recordsFile(p.cacheDir), join(run.root, "configs", "sites"), ...(run.probed ?? [])];
  for (const f of run.configFiles) paths.push(f, dirname(f));
  // Where each module could be a folder of TypeScript stages (a new .ts file there, or the folder appearing
  // where a Python module of that name was found, changes which classes exist).
  for (const m of p.modules) {
    const dir = join(run.root, ...m.name.split("."));
    paths.push(dir, join(dir, "__init__.py"));
  }
  // The Python interpreter, and the PATH folders looked in before it: a python3 put in an earlier one would
  // be the one to run.
  if ([...graph.nodes.values()].some((n) => n.meta.kind === "python"))
    paths.push(p.python.resolved, ...p.python.searched);
  const deep: string[] = [];
  for (const { path, kind } of p.hashes.looked()) {
    paths.push(path);
    if (kind === "directory") deep.push(path);
  }
  for (const node of graph.nodes.values()) {
    if (node.meta.kind === "ts") paths.push(dirname(resolve(run.root, node.meta.file)));
    else paths.push(run.mergedConfigFile);
  }
  try {
    // Only files left alone since before this process started: the plan read them at some moment during
    // the build, and a file changed after that moment must not be vouched for by a stat taken now.
    const notAfter = performance.timeOrigin;
    trace(
      writeNoopStamp(stampFile(ref), {
        key: stampKey(ref, flags),
        envNames,
        env: process.env,
        paths,
        deep,
        start,
        warnings,
        fresh,
        notAfter,
      })
        ? "stamp written"
        : "no stamp written: a file it covers changed during the build, or too recently to be trusted",
    );
  } catch (e) {
    trace(`no stamp written: ${(e as Error).message}`); // an optimisation only: a read-only .cache costs time, nothing else
  }
}
