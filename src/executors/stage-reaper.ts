// The watchdog of a build's stage processes. lbg kills its stages itself when it is interrupted, but an lbg
// killed with SIGKILL (or by the OOM killer, or crashing) cannot: its workers run in process groups of their
// own, and a busy stage would run on to its end — hours on a cluster node — writing in-progress files nobody
// will rename. So the first stage of a build starts a reaper: a small `/bin/sh` script, detached (a kill of
// lbg's process group does not reach it), reading lines from a pipe lbg holds the other end of:
//   T <token> <pgid>   a stage process (pgid 0: about to start) — told before it starts, so that no moment
//                      of its life is unguarded
//   E <token>          its process ended: its group id may be reused, so only the token is reaped
//   U <token>          forget it (a script that ended: what it left running is its own business)
// At end of file — at once when lbg dies, however it dies, or when lbg closes the pipe at the end of the
// build — the reaper sends SIGTERM to every process group and every process carrying a token still on its
// list (tagged-processes.ts; grep over /proc/*/environ, one pass for all tokens), SIGKILL after 3 s to
// whatever is left, and exits. A normal build has ended its stages by then; the reaper ends what they left
// running (a child a finished stage started detached), after lbg has exited.
//
// A shell script rather than a Node process: it starts in a millisecond and a few hundred KB (a Node start
// costs 40-300 ms of a loaded node's CPU and 40 MB), and it needs nothing but sh, awk, grep and sleep.
import { spawn, type ChildProcess } from "node:child_process";
import { TOKEN_VAR } from "./tagged-processes.ts";

// The first line is what `ps` shows of it. Tokens are [A-Za-z0-9.-] only (newStageToken), so they need no
// quoting as words.
const REAPER = `# lbg: reaper of the stage processes of lbg pid ${process.pid} (src/executors/stage-reaper.ts)
msgs=$(cat)
state=$(printf '%s\\n' "$msgs" | awk '$1=="T"{if($3>0)p[$2]=$3; else if(!($2 in p))p[$2]=0} $1=="E"{if($2 in p)p[$2]=0} $1=="U"{delete p[$2]} END{for(t in p)print t, p[t]}')
[ -n "$state" ] || exit 0
groups=$(printf '%s\\n' "$state" | awk '$2>0{print $2}')
pats=$(printf '%s\\n' "$state" | awk '{printf " -e ${TOKEN_VAR}=%s", $1}')
tagged() { grep -lsF $pats /proc/[0-9]*/environ 2>/dev/null | sed -n 's#^/proc/\\([0-9]*\\)/environ$#\\1#p' | grep -vx "$$"; }
signal() {
  n=0
  for g in $groups; do kill -$1 -$g 2>/dev/null && n=$((n+1)); done
  for p in $(tagged); do n=$((n+1)); kill -$1 -$p 2>/dev/null; kill -$1 $p 2>/dev/null; done
  echo $n
}
[ "$(signal TERM)" = 0 ] && exit 0
i=0
while [ $i -lt 30 ]; do
  sleep 0.1
  [ "$(signal 0)" = 0 ] && exit 0
  i=$((i+1))
done
signal KILL >/dev/null
`;

export class StageReaper {
  private child?: ChildProcess;
  private failed = false;

  private ensure(): ChildProcess | undefined {
    if (this.child || this.failed) return this.child;
    try {
      const child = spawn("/bin/sh", ["-c", REAPER], {
        detached: true,
        stdio: ["pipe", "ignore", "ignore"],
        // Not a stage: it must not carry a stage token, nor LBG_OWNER (orphan clean-up must never pick it).
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      });
      child.on("error", () => {
        this.failed = true; // lbg still kills its stages itself; only the kill -9 case is unguarded
      });
      child.stdin!.on("error", () => {
        this.failed = true;
      });
      child.unref();
      (child.stdin as unknown as { unref?: () => void }).unref?.();
      this.child = child;
    } catch {
      this.failed = true;
    }
    return this.child;
  }

  private send(line: string): void {
    const c = this.ensure();
    if (!c?.stdin?.writable) return;
    c.stdin.write(`${line}\n`);
  }

  /**
   * A stage process: if lbg dies, everything carrying `token` is killed, and its process group `pgid`. Called
   * with the token alone before the process is started, then again with its pid.
   */
  track(token: string, pgid?: number): void {
    this.send(`T ${token} ${pgid ?? 0}`);
  }

  /** Its process ended (its group id may be reused from now on); what carries its token is still reaped. */
  ended(token: string): void {
    if (this.child) this.send(`E ${token}`);
  }

  /** It ended, and what it left running is not the reaper's business. */
  untrack(token: string): void {
    if (this.child) this.send(`U ${token}`);
  }

  /** lbg is done: the reaper ends whatever is still on its list, then exits. */
  close(): void {
    const c = this.child;
    this.child = undefined;
    c?.stdin?.end();
  }
}
