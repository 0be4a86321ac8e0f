// `lbg watch <run>`: build, then re-build exactly the stale stages whenever something the run depends on
// changes — run, pipeline, stage-config and site files, the run's input files, the stage files the run uses
// with their local imports, and a new stage file in a stage folder (watched-paths.ts). Outputs, logs and
// .cache are never watched, so lbg never reacts to itself.
//
//   ┌──────────► building ──(build ends)──► idle ──(change with new content, r, f)──► building
//   │   (loading,     │                         ▲
//   │    then running) change: stages whose      │ dirty: one more build right away
//   │               fingerprint changed are ─────┘
//   │               cancelled; the session is marked dirty (never two builds at once)
//   └── config that does not load: error shown, still watching (idle)
//
// `building` covers loading the project too: an edit saved while the project loads must lead to one more
// build, so every change marks the session dirty whatever it is doing, and what "already seen" means for a
// watched file is its content from before the load read it (see setWatched).
//
// Each build reloads the whole project (config → classes → graph): with the caches that takes a few ms, and
// it means a config edit and a code edit are handled the same way.
//
// The run's lock is held only while building (from before the load to the end of the build), so an idle
// watch never stands in the way of a manual `lbg build`, `accept` or `clean` of the run. A build that finds
// the lock taken waits for it (a watch-notice says for whom; Ctrl-C or q ends the wait and the session) —
// except the first, which, as `lbg build` does, is refused unless `--wait` was given. While idle, the
// session looks at the lock every second: when another lbg built the run meanwhile, it builds again once
// that build has ended, so what it shows is never older than the files.
import { statSync } from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";
import { LbgError, fromCwd } from "../errors/lbg-error.ts";
import type { EventSink, WatchLastBuild } from "../events/build-event.ts";
import type { Executor } from "../executors/stage-job.ts";
import { getHasher, hashFileWith } from "../fs/hash-file.ts";
import { StatCache } from "../fs/stat-cache.ts";
import { computeFingerprint } from "../fingerprint/fingerprint.ts";
import { loadProject, type LoadedProject } from "../project/load-project.ts";
import type { RunRef } from "../project/run-ref.ts";
import { buildOnce, validateBuild, type BuildFlags } from "../scheduler/build-once.ts";
import type { BuildControl } from "../scheduler/run-build.ts";
import { BuildLocks } from "../store/build-locks.ts";
import { statKey } from "../store/noop-stamp.ts";
import { recordsFile } from "../store/record-store.ts";
import { describeHolder, liveLockHolder, LockWaitAborted } from "../store/run-lock.ts";
import { WatchedPaths, type WatchTargets } from "./watched-paths.ts";

/** File timestamps come from the kernel's coarse clock, up to a tick behind Date.now(). */
const CLOCK_SLACK_MS = 20;

export interface WatchOptions {
  ref: RunRef;
  flags: BuildFlags;
  emit: EventSink;
  executor: Executor;
  /** Quiet period after the last file event before acting. */
  debounceMs?: number;
  /** Aborted to stop watching (Ctrl-C, `q`). */
  signal: AbortSignal;
  /** The run's lock file, taken for each build (none: no locking, for tests that drive a session). */
  lockFile?: string;
  /** For the first build: wait for another lbg's build of the run instead of failing (`--wait`). */
  wait?: boolean;
}

/** How often an idle session looks whether another lbg builds the run. */
const FOREIGN_POLL_MS = 1_000;

export class WatchSession {
  private readonly watched = new WatchedPaths((path) => this.onFileEvent(path));
  /** Content hash of each watched regular file at the last build, to ignore saves that change nothing. */
  private contents = new Map<string, string>();
  private pending = new Set<string>();
  private debounce?: NodeJS.Timeout;
  private building = false;
  /** Something changed (or r / f was pressed) since the current or last build began: build again. */
  private dirty = false;
  private forceNext: string[] | undefined;
  private wake?: () => void;
  private control: BuildControl = {};
  private buildAbort?: AbortController;
  private lastFailed: string[] = [];
  private lastBuild: WatchLastBuild | null = null;
  /** The build's locks while a build holds them (the executor records its workers in the run's). */
  currentLock?: BuildLocks;
  private builds = 0;

  constructor(private readonly o: WatchOptions) {}

  /** Runs until the signal is aborted. */
  async run(): Promise<void> {
    const { signal } = this.o;
    signal.addEventListener("abort", () => {
      this.buildAbort?.abort();
      this.wake?.();
    });
    try {
      while (!signal.aborted) {
        this.dirty = false;
        await this.buildOnceWatching();
        if (signal.aborted) break;
        if (this.dirty) continue;
        // From the check above until `wake` is set nothing can run in between, so no trigger is lost.
        this.o.emit({ event: "watch-idle", files: this.watched.size, lastBuild: this.lastBuild });
        const poll = this.watchForeignBuilds();
        await new Promise<void>((r) => (this.wake = r));
        clearInterval(poll);
        this.wake = undefined;
      }
    } finally {
      clearTimeout(this.debounce);
      await this.watched.close();
      this.o.emit({ event: "watch-stop" });
    }
  }

  /** `r`: check every stage again now, as after an edit — only the stale ones run (a stage whose inputs,
   *  config and code are unchanged is not re-run: that would be `f` for failed ones, or `lbg build --force`). */
  rebuild(): void {
    this.o.emit({ event: "watch-notice", message: "r: checking every stage again (only stale stages run)" });
    this.trigger();
  }

  /** `f`: build again, forcing the stages that failed last time. With none, nothing happens (an empty
   *  force list would mean "force every stage"), and the user is told. */
  forceFailed(): void {
    if (this.lastFailed.length === 0) {
      this.o.emit({ event: "watch-notice", message: "no failed stages to force" });
      return;
    }
    this.forceNext = [...this.lastFailed];
    this.trigger();
  }

  private trigger(): void {
    this.dirty = true;
    this.wake?.();
  }

  private async buildOnceWatching(): Promise<void> {
    this.building = true;
    try {
      if (!(await this.takeLock())) return;
      await this.loadAndBuild();
    } finally {
      this.currentLock?.release();
      this.currentLock = undefined;
      this.building = false;
    }
  }

  /** Takes the run's lock for one build; false when the session was stopped while waiting for it. */
  private async takeLock(): Promise<boolean> {
    const { lockFile } = this.o;
    if (!lockFile) return true;
    const first = this.builds++ === 0;
    try {
      this.currentLock = await BuildLocks.acquire({
        root: this.o.ref.root,
        run: this.o.ref.name,
        runLock: lockFile,
        wait: !first || !!this.o.wait,
        signal: this.o.signal,
        onWait: (h) =>
          this.o.emit({
            event: "watch-notice",
            message: `waiting for ${describeHolder(h)} to finish building run '${h.run ?? this.o.ref.name}'`,
          }),
      });
      // Warm workers from earlier builds, for the orphan clean-up of a later lbg should this one die.
      const pids = (this.o.executor as { pids?: () => number[] }).pids?.();
      if (pids?.length) this.currentLock.setWorkers(pids);
      return true;
    } catch (e) {
      if (e instanceof LockWaitAborted) return false;
      throw e;
    }
  }

  /** While idle: notes another lbg's build of the run, and builds again once it has ended. */
  private watchForeignBuilds(): NodeJS.Timeout | undefined {
    const { lockFile } = this.o;
    if (!lockFile) return undefined;
    let seen: string | undefined;
    // A build quicker than the poll is never seen holding the lock; the records it appended still tell.
    const records = recordsFile(dirname(lockFile));
    let recordsNow = statKey(records);
    const poll = setInterval(() => {
      const h = liveLockHolder(lockFile);
      if (!h && !seen && statKey(records) !== recordsNow) {
        recordsNow = statKey(records);
        this.o.emit({
          event: "watch-notice",
          message: `run '${this.o.ref.name}' was built by another lbg meanwhile; watch builds again`,
        });
        this.trigger();
      } else if (h && !seen) {
        seen = describeHolder(h);
        this.o.emit({
          event: "watch-notice",
          message: `run '${this.o.ref.name}' is being built by ${seen}; watch builds again when it ends`,
        });
      } else if (!h && seen) {
        seen = undefined;
        this.trigger();
      }
    }, FOREIGN_POLL_MS);
    poll.unref();
    return poll;
  }

  private async loadAndBuild(): Promise<void> {
    const t0 = Date.now();
    this.control = {};
    // Before loadProject reads them: what this build sees of the files watched already.
    const seen = await this.hashRegularFiles(this.watched.targets.files);
    let p: LoadedProject;
    const warnings: string[] = [];
    try {
      p = await loadProject(this.o.ref, {
        site: this.o.flags.site,
        sets: this.o.flags.set,
        warn: (w) => warnings.push(w.format(fromCwd)),
        // A type error of the edited stage file is shown like any broken edit, and watching goes on.
        // (The compiler's parsed files are kept between rebuilds: a re-check parses only the edited file.)
        typeCheck: { mode: this.o.flags.typeCheck, keepParsed: true },
      });
      validateBuild(p, this.o.flags);
    } catch (e) {
      if (!(e instanceof LbgError)) throw e;
      this.o.emit({ event: "watch-error", message: e.format((f) => relative(this.o.ref.root, f) || f) });
      await this.watchFallback(e);
      return;
    }
    await this.setWatched(p, seen, t0);
    // Another run building into the same output folder: wait for it (see build-locks.ts).
    try {
      await this.currentLock?.lockOutputDir(p.run.outputDir);
    } catch (e) {
      if (e instanceof LockWaitAborted) return;
      throw e;
    }
    // Stopped while loading: a build started now would only be interrupted at once, every stage "not run".
    if (this.o.signal.aborted) return;
    this.o.emit({ event: "watch-building", files: this.watched.size });
    // A failed stage the edit since removed from the run is not forced (--force would reject its name); if
    // none is left, nothing is forced — never the empty list, which forces all.
    const forceNext = this.forceNext?.filter((s) => p.graph.nodes.has(s));
    const flags = { ...this.o.flags, force: forceNext?.length ? forceNext : this.o.flags.force };
    this.forceNext = undefined;
    const abort = new AbortController();
    this.buildAbort = abort;
    if (this.o.signal.aborted) abort.abort();
    const failed: string[] = [];
    let seconds: number | undefined;
    const emit: EventSink = (e) => {
      if (e.event === "stage-end" && e.status === "failed") failed.push(e.stage);
      if (e.event === "build-end") seconds = e.seconds;
      this.o.emit(e);
    };
    try {
      const r = await buildOnce(p, flags, {
        executor: this.o.executor,
        emit,
        signal: abort.signal,
        warnings,
        control: this.control,
      });
      // As build-end says it: `ok` only for a build that ended without error (an interrupt is one).
      // An interrupted build ends the session (run() stops before the next watch-idle): the footer learns
      // of it from build-end (reduce-build-state.ts), so lastBuild need not.
      // The build's own time, as its summary line says it: one build, one time on the screen.
      this.lastBuild = { ok: r.code === 0, at: new Date().toISOString(), seconds: seconds ?? (Date.now() - t0) / 1000 };
      this.lastFailed = failed;
    } catch (e) {
      if (!(e instanceof LbgError)) throw e;
      this.o.emit({ event: "watch-error", message: e.format((f) => relative(this.o.ref.root, f) || f) });
    }
  }

  /**
   * Everything the run depends on: config files, run inputs, stage sources, and stage folders (new files).
   * `seen`: hashes taken before the load of the files watched then — an edit after them is still a change.
   * A file watched for the first time has no such hash: if it changed after `since` (the load began), the
   * load may have read it before the edit, so one more build is due.
   */
  private async setWatched(p: LoadedProject, seen: Map<string, string>, since: number): Promise<void> {
    const files = new Set<string>(p.run.configFiles);
    const newStageIn = new Set<string>();
    for (const node of p.graph.nodes.values()) {
      for (const i of node.inputs) if (!i.producer && !i.noFile) files.add(i.path);
      for (const src of node.meta.sources) files.add(isAbsolute(src) ? src : join(p.run.root, src));
      // A TS stage folder, for a new stage file only (it may be the class a pipeline names).
      if (node.meta.kind === "ts") newStageIn.add(dirname(join(p.run.root, node.meta.file)));
    }
    await this.watched.set({ files, newStageIn, anythingIn: new Set() });
    const h = await getHasher();
    this.contents.clear();
    const writtenWhileLoading: string[] = [];
    for (const f of files) {
      const before = seen.get(f);
      if (before !== undefined) {
        this.contents.set(f, before);
        continue;
      }
      try {
        const st = statSync(f);
        if (!st.isFile()) continue;
        this.contents.set(f, hashFileWith(h, f));
        // ctime, not mtime: every write sets it, and nothing can set it to the past or the future.
        if (st.ctimeMs >= since - CLOCK_SLACK_MS) writtenWhileLoading.push(f);
      } catch {
        /* vanished: the next event brings it back */
      }
    }
    if (writtenWhileLoading.length > 0) {
      this.o.emit({ event: "watch-change", paths: writtenWhileLoading.map((f) => relative(this.o.ref.root, f) || f) });
      this.trigger();
    }
  }

  /** Content hashes of the regular files among `paths` (others are left out). */
  private async hashRegularFiles(paths: Iterable<string>): Promise<Map<string, string>> {
    const h = await getHasher();
    const out = new Map<string, string>();
    for (const f of paths) {
      try {
        if (statSync(f).isFile()) out.set(f, hashFileWith(h, f));
      } catch {
        /* vanished */
      }
    }
    return out;
  }

  /** After a failed load: keep what was watched, plus the file the error names and the config and stage
   *  folders whole (any file in them may be the fix). */
  private async watchFallback(e: LbgError): Promise<void> {
    this.contents.clear(); // any edit may be the fix: compare against nothing until the project loads again
    const was = this.watched.targets;
    const t: WatchTargets = {
      files: new Set(was.files),
      newStageIn: new Set(was.newStageIn),
      anythingIn: new Set(was.anythingIn),
    };
    if (e.pos?.file?.startsWith("/")) t.files.add(e.pos.file);
    for (const d of ["configs", "lbg_stages"]) t.anythingIn.add(join(this.o.ref.root, d));
    await this.watched.set(t);
  }

  private onFileEvent(path: string): void {
    this.pending.add(path);
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.onChanges(), this.o.debounceMs ?? 80);
  }

  private async onChanges(): Promise<void> {
    const paths = [...this.pending];
    this.pending.clear();
    const h = await getHasher();
    const real = paths.filter((p) => {
      const before = this.contents.get(p);
      if (before === undefined) return true; // a directory event, a new or a removed file
      try {
        return hashFileWith(h, p) !== before; // a touch or a save of identical content changes nothing
      } catch {
        return true;
      }
    });
    if (real.length === 0) return;
    this.o.emit({ event: "watch-change", paths: real.map((p) => relative(this.o.ref.root, p) || p) });
    this.trigger();
    if (this.building) await this.cancelChangedStages();
  }

  /** A running stage whose fingerprint the change altered is cancelled now; the queued build restarts it. */
  private async cancelChangedStages(): Promise<void> {
    // The build of now: by the time the project has loaded below, a new build may have started, whose
    // stages already run with the edit and must not be cancelled.
    const control = this.control;
    const running = control.running?.();
    if (!running || running.size === 0) return;
    try {
      const p = await loadProject(this.o.ref, { site: this.o.flags.site, sets: this.o.flags.set, warn: () => {} });
      const hashes = await StatCache.open(join(p.cacheDir, "hashes.json"));
      for (const [stage, hash] of running) {
        // Only the fingerprint matters: the stage runs because it was stale, whatever its record says.
        const node = p.graph.nodes.get(stage);
        const fp = node ? computeFingerprint(p.run.root, node, hashes) : undefined;
        if (!fp?.ok || fp.hash !== hash) control.cancel?.(stage, true);
      }
    } catch {
      // The project no longer loads: let the running stages finish; the queued build reports the error.
    }
  }
}
