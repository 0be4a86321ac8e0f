// After a build: the no-op stamp for the next one (format and trust model in src/store/noop-stamp.ts) — which
// stages the build left fresh, and the stat at which each of their files had the content their records
// hold — and, after a full check, the project snapshot an incremental build restores instead of loading
// (src/project/project-snapshot.ts). Only for builds that the next identical command could shortcut: local,
// incremental (`resume`), not a dry run, not forced, no pre or post script.
import { dirname, join, resolve } from "node:path";
import { readFileSync } from "node:fs";
import { referencedVars } from "../config/expand-vars.ts";
import type { BuildEvent, EventSink } from "../events/build-event.ts";
import { hashFileWith } from "../fs/hash-file.ts";
import type { LoadedProject } from "../project/load-project.ts";
import { saveSnapshot } from "../project/project-snapshot.ts";
import type { RunRef } from "../project/run-ref.ts";
import { type BuildFlags, recordedSeconds, resumeMode } from "../scheduler/build-once.ts";
import { freshOrder } from "../scheduler/fresh-order.ts";
import {
  type Covered,
  dirKey,
  hashAtKey,
  type NoopStamp,
  removeNoopStamp,
  writeNoopStamp,
} from "../store/noop-stamp.ts";
import type { RecordStore } from "../store/record-store.ts";
import { eligible, stampFile, stampKey, trace } from "./noop-shortcut.ts";

/** Variables that change which Python runs or what it imports, whatever the configs say. */
const PYTHON_VARS = ["LBG_PYTHON", "PYTHONPATH", "PATH"];
/** Variables that change what a build checks before any stage runs (the type check's mode). */
const CHECK_VARS = ["LBG_TYPE_CHECK"];

/**
 * What the stamp needs of a build's events, folded as they pass: its first and last events, the stages it
 * left fresh (reported fresh or run with success, in the order reported), those of them that ran, the
 * warnings it gave, and whether nothing else happened (`pure`). The events themselves are not kept: a 10,000-stage build's would hold
 * every stage's command line, log path and reasons until the build ends.
 */
export interface EventSummary {
  start?: BuildEvent;
  end?: BuildEvent;
  fresh: string[];
  reportedFresh: Set<string>;
  ran: string[];
  warnings: string[];
  pure: boolean;
}

/** Passes a build's events on and folds them into its EventSummary. */
export function recorder(emit: EventSink): { emit: EventSink; events: EventSummary } {
  const summary: EventSummary = { fresh: [], reportedFresh: new Set(), ran: [], warnings: [], pure: true };
  let count = 0;
  return {
    events: summary,
    emit: (e) => {
      // The event before this one is neither the first nor the last: one of the build's own.
      if (count >= 2) between(summary, summary.end!);
      if (count === 0) summary.start = e;
      summary.end = e;
      count++;
      emit(e);
    },
  };
}

function between(s: EventSummary, e: BuildEvent): void {
  if (e.event === "stage-fresh") {
    s.fresh.push(e.stage);
    s.reportedFresh.add(e.stage);
  } else if (e.event === "stage-end" && e.status === "succeeded") {
    s.fresh.push(e.stage);
    s.ran.push(e.stage);
  } else if (e.event === "warning") s.warnings.push(e.message);
  else if (e.event !== "stage-start") s.pure = false;
}

export interface BuildRecord {
  warnings: string[];
  events: EventSummary;
  slurm: boolean;
  records: RecordStore;
}

/** Writes the stamp (and after a full check the snapshot) for the next build, or removes a stale stamp. */
export function recordPlan(
  ref: RunRef,
  flags: BuildFlags,
  p: LoadedProject,
  b: BuildRecord,
  previous?: { stamp: NoopStamp; unchanged: Set<string>; touched: Set<string> },
): void {
  const file = stampFile(ref);
  const { run, graph } = p;
  const { start } = b.events;
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
    const { fresh, reportedFresh, ran } = b.events;
    const allFresh = endedAllFresh(b.events, b.warnings, graph.nodes.size);
    // The stages the scheduler took as fresh without a check (run-build.ts): known unchanged, and every
    // producer ended fresh too (a producer that re-ran would have made it checked).
    const presumed = new Set<string>();
    if (previous) {
      for (const s of previous.unchanged) if (reportedFresh.has(s)) presumed.add(s);
      for (const [producer, ds] of graph.dependants)
        if (!reportedFresh.has(producer)) for (const d of ds) presumed.delete(d);
    }
    const files = previous ? updatedFileKeys(p, notAfter, previous, b.events) : fileKeys(p, notAfter);
    const kept = fresh.filter((s) => presumed.has(s) || upToDate(p, b.records, s));
    const structure = previous ? structuralOf(previous.stamp) : structural(p, new Set(files.map(([f]) => f)));
    const oldHashes = new Map((previous?.stamp.paths ?? []).map(([path, key, hash]) => [path, { key, hash }]));
    // A structural file's hash: this build's when it looked it up (the stamp is written only if it did not
    // change since before the build), else the previous stamp's for the same stat, else — for a config file,
    // which the loader read without the stat cache — its content now, at that stat (unchanged since before
    // the build, or no stamp is written): so a config saved unchanged is a no-op too.
    const configs = new Set(run.configFiles);
    const pathHash = (path: string, key: string) =>
      p.hashes.looked(path) === "file"
        ? p.hashes.lastHash(path)
        : oldHashes.get(path)?.key === key
          ? oldHashes.get(path)?.hash
          : configs.has(path)
            ? hashAtKey(path, key, (f) => hashFileWith(p.hashes.h, f))
            : undefined;
    // Every stage fresh now: the next identical build, if nothing changed, is a no-op reported as a full check
    // would report it — every stage fresh in the scheduler's order, estimates from the records as they are.
    const noop = allFresh && kept.length === graph.nodes.size;
    trace(
      writeNoopStamp(file, {
        key: stampKey(ref, flags),
        ...structure,
        pathHash,
        env: process.env,
        files,
        recordsFile: b.records.file,
        recordLines: b.records.lineCount,
        recordsAt: b.records.locations(),
        snapshot: previous ? () => previous.stamp.snapshot : () => saveSnapshot(p, p.hashes.h),
        // (When no stage ran, no record changed: the estimates build-start gave are the records' still.)
        start:
          noop && ran.length > 0
            ? { ...start, estimates: estimatesAfter(b.records, graph, ran, start, !!previous) }
            : start,
        warnings: b.warnings,
        fresh: noop ? noopOrder(graph, fresh, reportedFresh, previous?.stamp) : kept,
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

/** The order a no-op reports every stage fresh in: the scheduler's, which freshOrder repeats. When every
 *  stage was reported fresh, it was in that order; an incremental build's graph is the one its stamp was
 *  written for, so a previous no-op's order still holds. */
function noopOrder(
  graph: LoadedProject["graph"],
  fresh: string[],
  reportedFresh: Set<string>,
  previous: NoopStamp | undefined,
): string[] {
  if (reportedFresh.size === graph.nodes.size) return fresh;
  if (previous?.allFresh && previous.fresh.length === graph.nodes.size) return previous.fresh;
  return freshOrder(graph);
}

/** build-start's estimates for the next no-op, from the records after this build: those build-start gave
 *  with the seconds of the stages that ran now (an incremental build), else all read again. */
function estimatesAfter(
  records: RecordStore,
  graph: LoadedProject["graph"],
  ran: string[],
  start: Extract<BuildEvent, { event: "build-start" }>,
  incremental: boolean,
): Record<string, number> {
  if (!incremental || !start.estimates) return recordedSeconds(records, graph);
  const out = { ...start.estimates };
  for (const stage of ran) {
    const seconds = records.secondsOf(stage);
    if (seconds === undefined) delete out[stage];
    else out[stage] = seconds;
  }
  return out;
}

/** Every stage ended fresh or succeeded, and nothing else happened but the loading warnings (a no-op after
 *  the build can replay them). */
function endedAllFresh(b: EventSummary, warnings: string[], stages: number): boolean {
  const ok = b.end?.event === "build-end" && b.end.ok;
  // A warning the loading did not give (damaged records, a hash cache that cannot be saved) is said once.
  const sameWarnings = b.warnings.length === warnings.length && b.warnings.every((w, i) => w === warnings[i]);
  return b.pure && ok && sameWarnings && b.fresh.length === stages;
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

/** A full check's stage input and output files with their keys (see noop-stamp.ts) and hashes: the stat
 *  cache's for a file hashed in this build, "" for one not looked at or not known for certain. */
function fileKeys(p: LoadedProject, notAfter: number): Covered[] {
  const seen = new Set<string>();
  const out: Covered[] = [];
  for (const node of p.graph.nodes.values())
    for (const f of [...node.inputs, ...node.outputs]) {
      if (seen.has(f.path)) continue;
      seen.add(f.path);
      out.push(p.hashes.looked(f.path) === undefined ? [f.path, ""] : lookedKey(p, f.path, notAfter));
    }
  return out;
}

/**
 * An incremental build's: the previous stamp's, and this build's where it looked again. A file whose key
 * changed although it was not among the changes the build started from (whose users were all checked) nor an
 * output of a stage that re-ran (whose readers were) changed during the build, under stages perhaps taken as
 * unchanged: "", so that they are checked next time.
 */
function updatedFileKeys(
  p: LoadedProject,
  notAfter: number,
  previous: { stamp: NoopStamp; touched: Set<string> },
  b: EventSummary,
): Covered[] {
  const files = previous.stamp.files.slice();
  const rewritten = new Set<string>();
  for (const stage of b.ran) for (const o of p.graph.nodes.get(stage)!.outputs) rewritten.add(o.path);
  // The build looked at the files of the stages it checked: few, so they are found by one pass over the list.
  const looked = new Set<string>();
  for (const { path } of p.hashes.lookedUp()) looked.add(path);
  for (let i = 0; i < files.length && looked.size > 0; i++) {
    const path = files[i]![0];
    if (!looked.delete(path)) continue;
    const now = lookedKey(p, path, notAfter);
    const moved = now[1] !== files[i]![1] && !previous.touched.has(path) && !rewritten.has(path);
    files[i] = moved ? [path, ""] : now;
  }
  return files;
}

/** The key and hash of a file (or directory) this build looked up. The hash is what the stages that read
 *  the file saw, so also with a key not vouched for (""): a later build whose stat check finds it changed
 *  hashes it, and the same content changes nothing (noop-stamp.ts's sameContent). */
function lookedKey(p: LoadedProject, path: string, notAfter: number): Covered {
  if (p.hashes.looked(path) === "directory") return [path, dirKey(path, notAfter) ?? ""];
  const key = p.hashes.stampKey(path) ?? "";
  const hash = p.hashes.lastHash(path);
  return hash ? [path, key, hash] : [path, key];
}

/** A full check's covered paths (see noop-stamp.ts), and the environment variables the loading looked up or
 *  the config files' text names. */
function structural(p: LoadedProject, dataFiles: Set<string>): { paths: string[]; envNames: string[] } {
  const { run, graph } = p;
  const envNames = [...PYTHON_VARS, ...CHECK_VARS, ...(run.envVars ?? [])];
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
