// Every process lbg starts for a stage (a warm worker, a Python stage's command, an srun) gets its own token
// in the environment, `LBG_STAGE_TOKEN=<token>`, and everything it starts inherits it: also a child started
// with `detached: true` (a new session and process group, so killing the stage's group misses it) or a
// daemon that double-forked away from its parent. Finding the token in /proc/<pid>/environ finds them all.
// /proc/<pid>/environ is the environment a process was started with, so the token cannot be changed later
// by the process itself; what escapes is a child started with an environment that leaves the token out
// (`env -i`, `spawn(..., { env: {} })`), and anything on a system without /proc (README, Guarantees).
import { readdirSync, readFileSync } from "node:fs";
import { killGroup } from "../process/kill-group.ts";

export const TOKEN_VAR = "LBG_STAGE_TOKEN";

let counter = 0;
const prefix = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;

/** A token no other stage process of any lbg on this host has: `<pid>-<random>.<n>.` — letters, digits, `.`
 *  and `-` only, and ending in `.` so that no token is the beginning of another (`.1.` is not in `.12.`). */
export function newStageToken(): string {
  return `${prefix}.${++counter}.`;
}

/** Pids of the processes started with `LBG_STAGE_TOKEN=<token>` (own user only: others' are unreadable). */
export function taggedPids(token: string): number[] {
  const needle = Buffer.from(`${TOKEN_VAR}=${token}\0`);
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return []; // no /proc: the process group is all lbg can reach
  }
  const out: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${e}/environ`).indexOf(needle) !== -1) out.push(Number(e));
    } catch {
      /* gone, or another user's */
    }
  }
  return out;
}

/** Signals every process carrying the token, and the process group each leads (a detached child's own). */
export function killTagged(token: string, signal: NodeJS.Signals): void {
  for (const pid of taggedPids(token)) {
    killGroup(pid, signal); // nothing when it leads no group
    try {
      process.kill(pid, signal);
    } catch {
      /* gone */
    }
  }
}
