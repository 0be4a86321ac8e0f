// pre_script / post_script: shell commands run from the project root before and after the stages.
import { spawn } from "node:child_process";
import { mkdirSync, openSync, closeSync } from "node:fs";
import { dirname } from "node:path";
import { killGroup } from "../process/kill-group.ts";

export function runScript(command: string, cwd: string, log: string, signal: AbortSignal): Promise<boolean> {
  mkdirSync(dirname(log), { recursive: true });
  const fd = openSync(log, "w");
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", command], { cwd, stdio: ["ignore", fd, fd], detached: true });
    const onAbort = () => killGroup(child.pid, "SIGTERM");
    signal.addEventListener("abort", onAbort, { once: true });
    child.on("error", () => resolve(false));
    child.on("close", (code) => {
      signal.removeEventListener("abort", onAbort);
      closeSync(fd);
      resolve(code === 0);
    });
  });
}
