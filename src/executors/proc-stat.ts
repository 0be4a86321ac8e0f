// /proc/<pid>/stat (Linux), read by the resource measurements from outside (proc-sampler.ts) and inside
// (self-usage.ts) a stage's process.
import { readFileSync } from "node:fs";

/** USER_HZ: the unit of /proc/<pid>/stat times, 100 on every Linux architecture lbg runs on. */
export const TICKS_PER_SECOND = 100;

/** The fields after the command name, from field 3 (state) on: [1] is the parent, [11]–[14] utime, stime,
 *  cutime, cstime. Undefined when the process is gone or there is no /proc. */
export function procStatFields(pid: number | "self"): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}
