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
      this.onEvent(path);
    });
    watcher.on("error", () => {
      /* a vanished folder: the next reload re-adds what exists */
    });
    this.groups.push({ kind, paths, watcher });
    return new Promise<void>((r) => watcher.once("ready", () => r()));
  }

  async close(): Promise<void> {
    await Promise.all(this.groups.map((g) => g.watcher.close()));
    this.groups = [];
  }
}
