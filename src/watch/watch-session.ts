// `lbg watch <run>`: build, then re-build exactly the stale stages whenever something the run depends on
// changes — run, pipeline, stage-config and site files, the run's input files, and the TypeScript stage files
// with their local imports. Outputs, logs and .cache are never watched, so lbg never reacts to itself.
//
//   ┌──────────► building ──(build ends)──► idle ──(change with new content, r, f)──► building
//   │               │                         ▲
//   │   change: stages whose fingerprint       │ queued: one more build right away
//   │   changed are cancelled; one more ───────┘
//   │   build is queued (never two at once)
//   └── config that does not load: error shown, still watching (idle)
//
// Each build reloads the whole project (config → classes → graph): with the caches that takes a few ms, and
// it means a config edit and a code edit are handled the same way.
import { statSync } from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";
import { watch, type FSWatcher } from "chokidar";
import { LbgError, fromCwd } from "../config/lbg-error.ts";
import type { EventSink } from "../events/build-event.ts";
import type { Executor } from "../executors/stage-job.ts";
import { getHasher, hashFileWith } from "../fs/hash-file.ts";
import { StatCache } from "../fs/stat-cache.ts";
import { planStage } from "../plan/plan-stage.ts";
import { loadProject, type LoadedProject } from "../project/load-project.ts";
import type { RunRef } from "../project/run-ref.ts";
import { buildOnce, validateBuild, type BuildFlags } from "../scheduler/build-once.ts";
import type { BuildControl } from "../scheduler/run-build.ts";
import { RecordStore } from "../store/record-store.ts";

export interface WatchOptions {
  ref: RunRef;
  flags: BuildFlags;
  emit: EventSink;
  executor: Executor;
  /** Quiet period after the last file event before acting. */
  debounceMs?: number;
  /** Aborted to stop watching (Ctrl-C, `q`). */
  signal: AbortSignal;
}

export class WatchSession {
  private watcher?: FSWatcher;
  private watched = new Set<string>();
  /** Content hash of each watched regular file at the last build, to ignore saves that change nothing. */
  private contents = new Map<string, string>();
  private pending = new Set<string>();
  private debounce?: NodeJS.Timeout;
  private building = false;
  private queued = false;
  private forceNext: string[] | undefined;
  private wake?: () => void;
  private control: BuildControl = {};
  private buildAbort?: AbortController;
  private lastFailed: string[] = [];
  private lastBuild: { ok: boolean; at: string; seconds: number } | null = null;

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
        this.queued = false;
        await this.buildOnceWatching();
        if (signal.aborted) break;
        if (!this.queued) {
          this.o.emit({ event: "watch-idle", files: this.watched.size, lastBuild: this.lastBuild });
          await new Promise<void>((r) => (this.wake = r));
          this.wake = undefined;
        }
      }
    } finally {
      clearTimeout(this.debounce);
      await this.watcher?.close();
    }
  }

  /** `r`: build again now. */
  rebuild(): void {
    this.trigger();
  }

  /** `f`: build again, forcing the stages that failed last time. */
  forceFailed(): void {
    this.forceNext = [...this.lastFailed];
    this.trigger();
  }

  private trigger(): void {
    if (this.building) this.queued = true;
    else this.wake?.();
  }

  private async buildOnceWatching(): Promise<void> {
    const t0 = Date.now();
    let p: LoadedProject;
    const warnings: string[] = [];
    try {
      p = await loadProject(this.o.ref, { site: this.o.flags.site, sets: this.o.flags.set, warn: (w) => warnings.push(w.format(fromCwd)) });
      validateBuild(p, this.o.flags);
    } catch (e) {
      if (!(e instanceof LbgError)) throw e;
      this.o.emit({ event: "watch-error", message: e.format((f) => relative(this.o.ref.root, f) || f) });
      await this.watchFallback(e);
      return;
    }
    await this.setWatched(p);
    const flags = { ...this.o.flags, force: this.forceNext ?? this.o.flags.force };
    this.forceNext = undefined;
    this.control = {};
    this.buildAbort = new AbortController();
    if (this.o.signal.aborted) this.buildAbort.abort();
    this.building = true;
    const failed: string[] = [];
    const emit: EventSink = (e) => {
      if (e.event === "stage-end" && e.status === "failed") failed.push(e.stage);
      this.o.emit(e);
    };
    try {
      const r = await buildOnce(p, flags, { executor: this.o.executor, emit, signal: this.buildAbort.signal, warnings, control: this.control });
      this.lastBuild = { ok: r.summary.ok, at: new Date().toISOString(), seconds: (Date.now() - t0) / 1000 };
      this.lastFailed = failed;
    } catch (e) {
      if (!(e instanceof LbgError)) throw e;
      this.o.emit({ event: "watch-error", message: e.format((f) => relative(this.o.ref.root, f) || f) });
    } finally {
      this.building = false;
    }
  }

  /** Everything the run depends on: config files, run inputs, stage sources, and stage folders (new files). */
  private async setWatched(p: LoadedProject): Promise<void> {
    const files = new Set<string>(p.run.configFiles);
    for (const node of p.graph.nodes.values()) {
      for (const i of node.inputs) if (!i.producer) files.add(i.path);
      for (const src of node.meta.sources) files.add(isAbsolute(src) ? src : join(p.run.root, src));
      // A TS stage folder is watched too, so a new stage file can fix a missing class (Python: its sources).
      if (node.meta.kind === "ts") files.add(dirname(join(p.run.root, node.meta.file)));
    }
    await this.replaceWatched(files);
    const h = await getHasher();
    this.contents.clear();
    for (const f of files) {
      try {
        if (statSync(f).isFile()) this.contents.set(f, hashFileWith(h, f));
      } catch { /* vanished: the next event brings it back */ }
    }
  }

  /** After a failed load: keep what was watched, plus the file the error names and the config folders. */
  private async watchFallback(e: LbgError): Promise<void> {
    this.contents.clear(); // any edit may be the fix: compare against nothing until the project loads again
    const files = new Set(this.watched);
    if (e.pos?.file && e.pos.file.startsWith("/")) files.add(e.pos.file);
    for (const d of ["configs", "lbg_stages"]) files.add(join(this.o.ref.root, d));
    await this.replaceWatched(files);
  }

  private async replaceWatched(files: Set<string>): Promise<void> {
    if (!this.watcher) {
      // The first set of paths: wait until chokidar watches them all, so no edit after the first build is lost.
      const w = watch([...files], { ignoreInitial: true, persistent: true });
      w.on("all", (_ev, path) => this.onFileEvent(path));
      w.on("error", () => { /* a vanished folder: the next reload re-adds what exists */ });
      await new Promise<void>((r) => w.once("ready", () => r()));
      this.watcher = w;
    } else {
      const gone = [...this.watched].filter((f) => !files.has(f));
      const added = [...files].filter((f) => !this.watched.has(f));
      if (gone.length) this.watcher.unwatch(gone);
      if (added.length) this.watcher.add(added);
    }
    this.watched = files;
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
    if (this.building) {
      this.queued = true;
      await this.cancelChangedStages();
    } else this.wake?.();
  }

  /** A running stage whose fingerprint the change altered is cancelled now; the queued build restarts it. */
  private async cancelChangedStages(): Promise<void> {
    const running = this.control.running?.();
    if (!running || running.size === 0) return;
    try {
      const p = await loadProject(this.o.ref, { site: this.o.flags.site, sets: this.o.flags.set, warn: () => {} });
      const hashes = await StatCache.open(join(p.cacheDir, "hashes.json"));
      const records = new RecordStore(join(p.cacheDir, "records.jsonl"), (s) => hashes.h.h64ToString(s));
      for (const [stage, hash] of running) {
        const node = p.graph.nodes.get(stage);
        const plan = node ? planStage(p.run.root, node, records.get(stage), hashes) : undefined;
        if (!plan || plan.state === "missing-input" || plan.hash !== hash) this.control.cancel?.(stage);
      }
    } catch {
      // The project no longer loads: let the running stages finish; the queued build reports the error.
    }
  }
}
