// The paths `lbg watch` listens to, on chokidar, in three kinds:
//
//   files        each path exactly (a folder among them — a `directory` input — with all it holds)
//   newStageIn   folders where only a NEW `*.ts` file directly inside counts: a stage file that may define a
//                class a pipeline names. Edits of stage files the run does not use, helpers in subfolders,
//                __pycache__ and other files there change nothing the run depends on.
//   anythingIn   folders watched whole — only after a failed load, when any file below may be the fix
//
// Each batch of newly added paths gets its own chokidar watcher, and `set` resolves only once that watcher
// is ready: chokidar's add() gives no signal, and an edit to a path not yet watched would be lost.
//
// A watched file or folder that is deleted is no longer watched by chokidar, even if it comes back. So it
// is taken out of its group and awaited instead: its nearest existing parent folder is watched (its direct
// entries only) until the path exists again — deeper as missing folders on the way are re-created — and
// then it is watched as before, and its return is reported as a change.
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { watch, type FSWatcher } from "chokidar";

export interface WatchTargets {
  files: Set<string>;
  newStageIn: Set<string>;
  anythingIn: Set<string>;
}

type Kind = keyof WatchTargets;

interface Group {
  kind: Kind;
  paths: Set<string>;
  watcher: FSWatcher;
}

export function emptyTargets(): WatchTargets {
  return { files: new Set(), newStageIn: new Set(), anythingIn: new Set() };
}

export class WatchedPaths {
  private groups: Group[] = [];
  private current = emptyTargets();
  /** Watched paths that were deleted → the watcher of the parent folder awaiting their return. */
  private awaiting = new Map<string, FSWatcher>();
  private closed = false;

  /** `onEvent`: a path that may have changed (its content still decides). */
  constructor(private readonly onEvent: (path: string) => void) {}

  /** What is watched now. */
  get targets(): WatchTargets {
    return this.current;
  }

  /** How many paths are watched (files and folders). */
  get size(): number {
    return this.current.files.size + this.current.newStageIn.size + this.current.anythingIn.size;
  }

  /** Watches exactly `t`; resolves once every path added is watched, so no edit after this is missed. */
  async set(t: WatchTargets): Promise<void> {
    const ready: Promise<void>[] = [];
    for (const [path, w] of this.awaiting) {
      if (t.files.has(path)) continue;
      this.awaiting.delete(path);
      void w.close();
    }
    for (const kind of ["files", "newStageIn", "anythingIn"] as const) {
      const wanted = t[kind];
      for (const g of this.groups.filter((x) => x.kind === kind)) {
        const gone = [...g.paths].filter((p) => !wanted.has(p));
        if (gone.length === 0) continue;
        for (const p of gone) g.paths.delete(p);
        if (g.paths.size === 0) void g.watcher.close();
        else g.watcher.unwatch(gone);
      }
      this.groups = this.groups.filter((g) => g.paths.size > 0);
      const have = new Set(this.groups.filter((g) => g.kind === kind).flatMap((g) => [...g.paths]));
      if (kind === "files") for (const path of this.awaiting.keys()) have.add(path);
      const added = [...wanted].filter((p) => !have.has(p));
      if (added.length > 0) ready.push(this.addGroup(kind, new Set(added)));
    }
    this.current = { files: new Set(t.files), newStageIn: new Set(t.newStageIn), anythingIn: new Set(t.anythingIn) };
    await Promise.all(ready);
  }

  private addGroup(kind: Kind, paths: Set<string>): Promise<void> {
    const shallow = kind === "newStageIn";
    const watcher = watch([...paths], {
      ignoreInitial: true,
      persistent: true,
      // A stage folder: its direct entries only, and of those only TypeScript files (no watcher per .pyc).
      ...(shallow ? { depth: 0, ignored: (p: string) => !paths.has(p) && !p.endsWith(".ts") } : {}),
    });
    watcher.on("all", (ev, path) => {
      if (shallow && !(ev === "add" && path.endsWith(".ts") && paths.has(dirname(path)))) return;
      if (kind === "files" && (ev === "unlink" || ev === "unlinkDir") && paths.has(path)) {
        paths.delete(path);
        watcher.unwatch(path);
        if (paths.size === 0) {
          this.groups = this.groups.filter((g) => g.watcher !== watcher);
          void watcher.close();
        }
        void this.await(path);
      }
      this.onEvent(path);
    });
    watcher.on("error", () => {
      /* a vanished folder: the next reload re-adds what exists */
    });
    this.groups.push({ kind, paths, watcher });
    return new Promise<void>((r) => watcher.once("ready", () => r()));
  }

  /** Watches the nearest existing parent of a deleted path until the path exists again (see the header). */
  private async await(path: string): Promise<void> {
    if (this.closed || this.awaiting.has(path)) return;
    const parent = nearestExisting(path);
    const watcher = watch(parent, { ignoreInitial: true, persistent: true, depth: 0 });
    this.awaiting.set(path, watcher);
    const check = () => {
      if (this.awaiting.get(path) !== watcher) return; // no longer wanted, or handled already
      if (existsSync(path)) {
        this.awaiting.delete(path);
        void watcher.close();
        void this.addGroup("files", new Set([path])).then(() => this.onEvent(path));
        return;
      }
      // Still missing: a folder on the way came back, or the parent went too — await from the nearest one.
      if (nearestExisting(path) !== parent) {
        this.awaiting.delete(path);
        void watcher.close();
        void this.await(path);
      }
    };
    watcher.on("all", (_ev, p) => {
      if (p === path || path.startsWith(`${p}/`)) check();
    });
    watcher.on("error", () => {
      /* the parent vanished too: the next reload re-adds what exists */
    });
    await new Promise<void>((r) => watcher.once("ready", () => r()));
    check(); // it may have come back before the watcher was ready
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([
      ...this.groups.map((g) => g.watcher.close()),
      ...[...this.awaiting.values()].map((w) => w.close()),
    ]);
    this.groups = [];
    this.awaiting.clear();
  }
}

/** The nearest folder above `path` that exists. */
function nearestExisting(path: string): string {
  let dir = dirname(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
