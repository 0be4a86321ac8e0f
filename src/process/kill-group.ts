// The one way lbg signals a stage: its whole process group. Every stage process (a warm worker, a Python
// stage, srun, a pre/post script) is spawned `detached`, so it leads a group of its own that holds it and
// whatever it started; signalling the group reaches those too, and never lbg itself.

/** How long a group has to end after SIGTERM before it gets SIGKILL. */
export const KILL_GRACE_MS = 3_000;

/** Sends `signal` to the process group led by `pid`. A group that is already gone is not an error; returns
 *  whether the signal was delivered. A missing or non-positive pid sends nothing (`kill(-0)` would signal
 *  lbg's own group). */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (pid === undefined || !(pid > 0)) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // gone already, or (EPERM) no longer ours
  }
}

/** SIGTERM now, SIGKILL after the grace period unless the caller clears the returned timer first (when the
 *  process exited). The timer does not keep lbg alive. */
export function terminateGroup(pid: number | undefined, graceMs = KILL_GRACE_MS): NodeJS.Timeout {
  killGroup(pid, "SIGTERM");
  const timer = setTimeout(() => killGroup(pid, "SIGKILL"), graceMs);
  timer.unref();
  return timer;
}
