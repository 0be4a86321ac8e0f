// After a build: the no-op stamp for the next one (format and trust model in src/store/noop-stamp.ts) — which
// stages the build left fresh, and the stat at which each of their files had the content their records
// hold — and, after a full check, the project snapshot an incremental build restores instead of loading
// (src/project/project-snapshot.ts). Only for builds that the next identical command could shortcut: local,
// incremental (`resume`), not a dry run, not forced, no pre or post script.
import { dirname, join, resolve } from "node:path";
import { readFileSync } from "node:fs";
import { referencedVars } from "../config/expand-vars.ts";
import type { BuildEvent, EventSink } from "../events/build-event.ts";
import type { LoadedProject } from "../project/load-project.ts";
import { saveSnapshot } from "../project/project-snapshot.ts";
import type { RunRef } from "../project/run-ref.ts";
import { type BuildFlags, resumeMode } from "../scheduler/build-once.ts";
import { freshOrder } from "../scheduler/fresh-order.ts";
import { dirKey, type NoopStamp, removeNoopStamp, writeNoopStamp } from "../store/noop-stamp.ts";
import type { RecordStore } from "../store/record-store.ts";
import { eligible, stampFile, stampKey, trace } from "./noop-shortcut.ts";

/** Variables that change which Python runs or what it imports, whatever the configs say. */
const PYTHON_VARS = ["LBG_PYTHON", "PYTHONPATH", "PATH"];

/** Collects a build's events, to tell afterwards which stages it left fresh and whether it was a pure no-op. */
export function recorder(emit: EventSink): { emit: EventSink; events: BuildEvent[] } {
  const events: BuildEvent[] = [];
  return { events, emit: (e) => (events.push(e), emit(e)) };
}

export interface BuildRecord {
  warnings: string[];
  events: BuildEvent[];
  slurm: boolean;
  records: RecordStore;
}

/** Writes the stamp (and after a full check the snapshot) for the next build, or removes a stale stamp. */
export function recordPlan(
  ref: RunRef,
  flags: BuildFlags,
  p: LoadedProject,
  b: BuildRecord,
  previous?: { stamp: NoopStamp; unchanged: Set<string> },
): void {
  const file = stampFile(ref);
  const { run, graph } = p;
  const start = b.events[0];
  if (
    !eligible(flags) ||
    b.slurm ||
    run.preScript.trim() ||
    run.postScript.trim() ||
    resumeMode(run, flags) !== "resume" ||
    !b.records.clean ||
    start?.event !== "build-start"
  )
    return; // a stamp written before for these arguments still holds, or no longer matches the records
  try {
    // Only files left alone since before this process started: the plan read them at some moment during
    // the build, and a file changed after that moment must not be vouched for by a stat taken now.
    // (Process start from uptime: the global `performance` would load perf_hooks for this one number.)
    const notAfter = Date.now() - process.uptime() * 1000 - 1;
    const snapshot = previous ? previous.stamp.snapshot : saveSnapshot(p, p.hashes.h, readSnapshotId(file));
    const { fresh, reportedFresh, allFresh } = endedFresh(b.events, b.warnings, graph.nodes.size);
    // The stages the scheduler took as fresh without a check (run-build.ts): known unchanged, and every
    // producer ended fresh too (a producer that re-ran would have made it checked).
    const presumed = new Set(
      [...(previous?.unchanged ?? [])].filter(
        (s) =>
          reportedFresh.has(s) && graph.nodes.get(s)!.inputs.every((i) => !i.producer || reportedFresh.has(i.producer)),
      ),
    );
    const files = fileKeys(p, notAfter, previous?.stamp, presumed);
    const kept = fresh.filter((s) => presumed.has(s) || upToDate(p, b.records, s));
    const structure = previous ? structuralOf(previous.stamp) : structural(p, new Set(files.keys()));
    // Every stage fresh now: the next identical build, if nothing changed, is a no-op reported as a full check
    // would report it — every stage fresh in the scheduler's order, estimates from the records as they are.
    const noop = allFresh && kept.length === graph.nodes.size;
    trace(
      writeNoopStamp(file, {
        key: stampKey(ref, flags),
        ...structure,
        env: process.env,
        files,
        recordsFile: b.records.file,
        recordLines: b.records.lineCount,
        snapshot,
        start: noop ? { ...start, estimates: estimates(p, b.records) } : start,
        warnings: b.warnings,
        fresh: noop ? freshOrder(graph) : kept,
        allFresh: noop,
        notAfter,
      })
        ? "stamp written"
        : "no stamp written: a file it covers changed during the build, or too recently to be trusted",
    );
  } catch (e) {
    removeNoopStamp(file);
    trace(`no stamp written: ${(e as Error).message}`); // an optimisation only: a read-only .cache costs time, nothing else
  }
}

/** The snapshot id the current stamp names (a full check that finds the same project need not rewrite it). */
function readSnapshotId(file: string): string | null {
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as NoopStamp).snapshot ?? null;
  } catch {
    return null;
  }
}

/** Stages that ended fresh or succeeded, in the order reported; `allFresh`: every stage ended so, and nothing
 *  else happened but the loading warnings (a no-op after it can replay them). */
function endedFresh(
  events: BuildEvent[],
  warnings: string[],
  stages: number,
): { fresh: string[]; reportedFresh: Set<string>; allFresh: boolean } {
  const fresh: string[] = [];
  const reportedFresh = new Set<string>();
  const seen: string[] = [];
  let pure = true;
  for (const e of events.slice(1, -1)) {
    if (e.event === "stage-fresh") {
      fresh.push(e.stage);
      reportedFresh.add(e.stage);
    } else if (e.event === "stage-end" && e.status === "succeeded") fresh.push(e.stage);
    else if (e.event === "warning") seen.push(e.message);
    else if (e.event !== "stage-start") pure = false;
  }
  const end = events.at(-1);
  const ok = end?.event === "build-end" && end.ok;
  // A warning the loading did not give (damaged records, a hash cache that cannot be saved) is said once.
  const sameWarnings = seen.length === warnings.length && seen.every((w, i) => w === warnings[i]);
  return { fresh, reportedFresh, allFresh: pure && ok && sameWarnings && fresh.length === stages };
}

/** build-start's estimates as the next build will compute them (build-once.ts's announce). */
function estimates(p: LoadedProject, records: RecordStore): Record<string, number> {
  return Object.fromEntries(
    records
      .all()
      .filter((r) => p.graph.nodes.has(r.stage))
      .map((r) => [r.stage, r.seconds]),
  );
}

/** Whether a stage checked or run in this build is recorded with the contents its files had when last
 *  looked at (the stamped keys are the stats of those contents). */
function upToDate(p: LoadedProject, records: RecordStore, stage: string): boolean {
  const node = p.graph.nodes.get(stage)!;
  const rec = records.get(stage);
  if (!rec) return false;
  for (const i of node.inputs) if (p.hashes.lastHash(i.path) !== rec.fingerprint.inputs[i.alias]?.hash) return false;
  for (const o of node.outputs) if (p.hashes.lastHash(o.path) !== rec.outputs[o.tag]?.hash) return false;
  return true;
}

/** Every stage input and output file with its key (see noop-stamp.ts): the stat cache's for a file hashed
 *  in this build, the previous stamp's for one not looked at, "" when it changed under a stage taken as
 *  unchanged or is not known for certain. */
function fileKeys(
  p: LoadedProject,
  notAfter: number,
  previous: NoopStamp | undefined,
  presumed: Set<string>,
): Map<string, string> {
  const old = new Map(previous?.files);
  const users = new Map<string, string[]>();
  for (const node of p.graph.nodes.values())
    for (const f of [...node.inputs, ...node.outputs]) {
      const u = users.get(f.path);
      if (u) u.push(node.name);
      else users.set(f.path, [node.name]);
    }
  const keys = new Map<string, string>();
  for (const [path, stages] of users) {
    const kind = p.hashes.looked(path);
    const was = old.get(path);
    let key: string;
    if (kind === undefined) key = was ?? "";
    else {
      key = (kind === "directory" ? dirKey(path, notAfter) : p.hashes.stampKey(path)) ?? "";
      if (was !== undefined && key !== was && stages.some((s) => presumed.has(s))) key = "";
    }
    keys.set(path, key);
  }
  return keys;
}

/** A full check's covered paths (see noop-stamp.ts), and the environment variables the configs name. */
function structural(p: LoadedProject, dataFiles: Set<string>): { paths: string[]; envNames: string[] } {
  const { run, graph } = p;
  const envNames = [...PYTHON_VARS];
  for (const f of run.configFiles) envNames.push(...referencedVars(readFileSync(f, "utf8")));
  const paths = [join(run.root, "configs", "sites"), ...(run.probed ?? [])];
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
  for (const { path } of p.hashes.lookedUp()) if (!dataFiles.has(path)) paths.push(path);
  for (const node of graph.nodes.values()) {
    if (node.meta.kind === "ts") paths.push(dirname(resolve(run.root, node.meta.file)));
    else paths.push(run.mergedConfigFile);
  }
  return { paths, envNames };
}

/** An incremental build covers what the full check it started from covered. */
function structuralOf(s: NoopStamp): { paths: string[]; envNames: string[] } {
  return { paths: s.paths.map(([p]) => p), envNames: Object.keys(s.env) };
}
