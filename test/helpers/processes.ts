// Watching processes from tests: is a pid still running, wait for a condition, which pid a stage logged.
import { readFileSync } from "node:fs";
import type { TempProject } from "./temp-project.ts";

/** Whether a process is alive (a zombie, killed but not yet reaped, counts as dead). */
export function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Resolves once `pred` holds (polled); throws after `ms`. */
export async function waitUntil(pred: () => boolean, what: string, ms = 20_000): Promise<void> {
  const t = Date.now();
  while (!pred()) {
    if (Date.now() - t > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The pid a stage of test/fixtures/mini-pids logged (`pid N` in its log). */
export function loggedPid(p: TempProject, stage: string, run = "numbers"): number {
  const m = /^pid (\d+)$/m.exec(p.read(`results/${run}/logs/${stage}.out`));
  if (!m) throw new Error(`no pid in ${stage}'s log`);
  return Number(m[1]);
}
