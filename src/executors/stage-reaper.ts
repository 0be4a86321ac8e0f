// The watchdog of a build's stage processes. lbg kills its stages itself when it is interrupted, but an lbg
// killed with SIGKILL (or by the OOM killer, or crashing) cannot: its workers run in process groups of their
// own, and a busy stage would run on to its end — hours on a cluster node — writing in-progress files nobody
// will rename. So the first stage of a build starts a reaper: a small Node process, detached (a kill of
// lbg's process group does not reach it), connected to lbg by an IPC channel. lbg tells it each stage
// process it starts (process group and stage token, tagged-processes.ts). When the channel closes — at
// once when lbg dies, however it dies — the reaper sends SIGTERM to every group and token on its list,
// SIGKILL after 3 s to whatever is left, and exits. A normal exit closes the channel too: by then lbg has
// ended its stages, and the reaper ends what they left running (a child a finished stage started detached):
// one pass over /proc for all of them, after lbg has exited, rather than one per stage while it builds.
//
// The reaper is plain CommonJS run with `node -e` (as the lock heartbeat is): nothing to find next to the
// bundle, nothing imported from lbg. Its /proc scan is taggedPids' (tagged-processes.ts), written out again.
import { spawn, type ChildProcess } from "node:child_process";
import { TOKEN_VAR } from "./tagged-processes.ts";

// The first line is what `ps` shows of it.
const REAPER = `// lbg: reaper of the stage processes of lbg pid ${process.pid} (src/executors/stage-reaper.ts)
const { readdirSync, readFileSync } = require("node:fs");
const tracked = new Map(); // token -> pgid (0 until the process is started)
process.on("message", (m) => {
  if (m && m.t === "track") tracked.set(m.token, m.pgid || tracked.get(m.token) || 0);
  else if (m && m.t === "untrack") tracked.delete(m.token);
  else if (m && m.t === "ended" && tracked.has(m.token)) tracked.set(m.token, 0); // its pid may be reused
});
// One pass over /proc for every token at once: reading each process's environment is the cost.
function tagged() {
  const out = [];
  let entries = [];
  try { entries = readdirSync("/proc"); } catch { return out; }
  const needles = [...tracked.keys()].map((t) => Buffer.from(${JSON.stringify(TOKEN_VAR)} + "=" + t + "\\0"));
  for (const e of entries) {
    if (!/^\\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const env = readFileSync("/proc/" + e + "/environ");
      if (needles.some((n) => env.indexOf(n) !== -1)) out.push(Number(e));
    } catch {}
  }
  return out;
}
function signal(sig) {
  let alive = 0;
  for (const pgid of tracked.values()) {
    if (pgid) try { process.kill(-pgid, sig); alive++; } catch {}
  }
  for (const pid of tagged()) {
    alive++;
    try { process.kill(-pid, sig); } catch {}
    try { process.kill(pid, sig); } catch {}
  }
  return alive;
}
process.on("disconnect", () => {
  if (signal("SIGTERM") === 0) process.exit(0);
  const end = Date.now() + ${3_000};
  const poll = setInterval(() => {
    if (signal(0) === 0) process.exit(0);
    if (Date.now() >= end) { signal("SIGKILL"); process.exit(0); }
  }, 100);
});
`;

export class StageReaper {
  private child?: ChildProcess;
  private failed = false;
  /** Tokens tracked and not yet untracked, as lbg sees it. */
  private tracked = new Set<string>();

  private ensure(): ChildProcess | undefined {
    if (this.child || this.failed) return this.child;
    try {
      const child = spawn(process.execPath, ["-e", REAPER], {
        detached: true,
        stdio: ["ignore", "ignore", "ignore", "ipc"],
        // Not a stage: it must not carry a stage token, nor LBG_OWNER (orphan clean-up must never pick it).
        env: { PATH: process.env.PATH ?? "" },
      });
      child.on("error", () => {
        this.failed = true; // lbg still kills its stages itself; only the kill -9 case is unguarded
      });
      child.unref();
      (child.channel as unknown as { unref?: () => void } | undefined)?.unref?.();
      this.child = child;
    } catch {
      this.failed = true;
    }
    return this.child;
  }

  private send(m: { t: "track"; token: string; pgid?: number } | { t: "untrack" | "ended"; token: string }): void {
    const c = this.ensure();
    if (!c?.connected) return;
    try {
      c.send(m, (err) => {
        if (err) this.failed = true;
      });
    } catch {
      this.failed = true;
    }
  }

  /**
   * A stage process: if lbg dies, everything carrying `token` is killed, and its process group `pgid`. Called
   * with the token alone before the process is started (so that no moment of its life is unguarded), then
   * again with its pid.
   */
  track(token: string, pgid?: number): void {
    this.tracked.add(token);
    this.send({ t: "track", token, pgid });
  }

  /** Its process ended (its group id may be reused from now on); what carries its token is still reaped. */
  ended(token: string): void {
    if (this.child) this.send({ t: "ended", token });
  }

  /** It ended, and lbg has killed what it left: nothing to do for it any more. */
  untrack(token: string): void {
    this.tracked.delete(token);
    if (this.child) this.send({ t: "untrack", token });
  }

  /** lbg is done: the reaper ends whatever is still tracked, then exits. With nothing tracked it is simply
   *  stopped (an untrack still on its way must not make it reap what a finished script left running). */
  close(): void {
    const c = this.child;
    this.child = undefined;
    if (!c) return;
    if (this.tracked.size === 0) c.kill("SIGKILL");
    else if (c.connected) c.disconnect();
  }
}
