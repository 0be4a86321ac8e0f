// pre_script / post_script: shell commands run from the project root before and after the stages. Like a
// stage, a script runs in a process group of its own and carries a stage token (executors/
// tagged-processes.ts): cancelling the build ends it with everything it started, and a reaper ends them if
// lbg dies while the script runs. What a script leaves running after it has ended (a server it started for
// the stages, say) is its own business, as in ceci.
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { killGroup } from "../process/kill-group.ts";
import { StageReaper } from "../executors/stage-reaper.ts";
import { killTagged, newStageToken, TOKEN_VAR } from "../executors/tagged-processes.ts";

export function runScript(command: string, cwd: string, log: string, signal: AbortSignal): Promise<boolean> {
  mkdirSync(dirname(log), { recursive: true });
  const fd = openSync(log, "w");
  const token = newStageToken();
  const reaper = new StageReaper();
  reaper.track(token);
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", command], {
      cwd,
      stdio: ["ignore", fd, fd],
      detached: true,
      env: { ...process.env, [TOKEN_VAR]: token },
    });
    if (child.pid) reaper.track(token, child.pid);
    const onAbort = () => {
      killGroup(child.pid, "SIGTERM");
      killTagged(token, "SIGTERM");
    };
    signal.addEventListener("abort", onAbort, { once: true });
    child.on("error", () => {
      reaper.untrack(token);
      reaper.close();
      resolve(false);
    });
    child.on("close", (code) => {
      signal.removeEventListener("abort", onAbort);
      closeSync(fd);
      reaper.untrack(token);
      reaper.close();
      resolve(code === 0);
    });
  });
}
