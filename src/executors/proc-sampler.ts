// Measures a running process tree from outside, by sampling /proc (Linux): the stage's process and its
// descendants (found through /proc/<pid>/task/<tid>/children), every `periodMs` (sooner at first — 10, 20,
// 40 ms … — so that a short stage is seen at all). CPU is each process's
// user + system time plus that of the children it waited for (cutime/cstime), so a child reaped by a parent
// in the tree is counted once, by the parent; a process that is gone and whose parent is gone too is counted
// as last seen. What a process did after the last sample before it ended is not seen (at most one period of
// CPU). Peak memory is the largest sum of VmRSS over the tree at one sample. Reading a whole /proc on every
// sample would cost ~30 ms on a busy node; the tree walk reads a few files per process.
import { readdirSync, readFileSync } from "node:fs";
import { procStatFields, TICKS_PER_SECOND } from "./proc-stat.ts";

export interface TreeUsage {
  cpuSeconds: number;
  maxRssBytes: number;
  /** The same peak without the root process: what the processes it started added (a warm worker's stage
   *  measures the worker itself from inside). */
  maxChildRssBytes: number;
}

interface Seen {
  ticks: number;
  parent: number;
}

function readTicks(pid: number): { ticks: number; parent: number } | undefined {
  const f = procStatFields(pid);
  if (!f) return undefined;
  const n = (i: number) => Number(f[i]);
  return { parent: n(1), ticks: n(11) + n(12) + n(13) + n(14) };
}

function readRssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "latin1"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, "latin1").split(" "))
        if (c.trim()) out.push(Number(c));
    } catch {
      /* a thread that ended, or a kernel without CONFIG_PROC_CHILDREN: the root alone is measured */
    }
  }
  return out;
}

export class TreeSampler {
  private live = new Map<number, Seen>();
  private banked = 0;
  private cpuTicks = 0;
  private maxRss = 0;
  private maxChildRss = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly enabled = process.platform === "linux";
  private sampled = false;

  /**
   * `lazy`: for a warm worker, which measures its own process from inside — the sampler only adds what
   * processes the stage started, which do not exist before the stage begins. The first sample is taken after
   * 10 ms, and stop() takes one only if sampling had begun. A stage of a few milliseconds then costs no read
   * of /proc at all; each sample of a worker reads ~15 files (one per thread of the worker, for its children),
   * which at 1,000 short stages was 40% of lbg's own CPU time (5.7 s of it; 3.3 s without).
   */
  constructor(
    private readonly root: number,
    private readonly periodMs = 100,
    private readonly lazy = false,
  ) {
    if (!this.enabled) return;
    if (!lazy) this.sample();
    this.schedule(10);
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      this.sample();
      this.schedule(Math.min(this.periodMs, delay * 2));
    }, delay);
    this.timer.unref();
  }

  /** One sample now (also what the interval does). */
  sample(): void {
    this.sampled = true;
    const now = new Map<number, Seen>();
    let rss = 0;
    let rootRss = 0;
    const visit = (pid: number) => {
      if (now.has(pid)) return;
      const t = readTicks(pid);
      if (!t) return;
      now.set(pid, t);
      const r = readRssBytes(pid);
      if (pid === this.root) rootRss = r;
      rss += r;
      for (const c of childrenOf(pid)) visit(c);
    };
    visit(this.root);
    this.maxChildRss = Math.max(this.maxChildRss, rss - rootRss);
    // Gone since the last sample: counted as last seen unless its parent is still here (and will count it in
    // its cutime once it has waited for it).
    for (const [pid, s] of this.live) if (!now.has(pid) && !now.has(s.parent)) this.banked += s.ticks;
    this.live = now;
    let ticks = this.banked;
    for (const s of now.values()) ticks += s.ticks;
    this.cpuTicks = Math.max(this.cpuTicks, ticks);
    this.maxRss = Math.max(this.maxRss, rss);
  }

  /** Stops sampling (a last sample first, which finds whatever is still running) and returns the figures;
   *  undefined where /proc cannot be read. */
  stop(): TreeUsage | undefined {
    if (!this.enabled) return undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.lazy || this.sampled) this.sample();
    if (this.cpuTicks === 0 && this.maxRss === 0) return undefined;
    return {
      cpuSeconds: this.cpuTicks / TICKS_PER_SECOND,
      maxRssBytes: this.maxRss,
      maxChildRssBytes: this.maxChildRss,
    };
  }
}
