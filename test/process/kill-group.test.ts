// killGroup / terminateGroup: a stage's whole process group is signalled (what it started too), a group that
// is gone is no error, and no pid never turns into lbg's own group.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { killGroup, terminateGroup } from "../../src/process/kill-group.ts";
import { isAlive, waitUntil } from "../helpers/processes.ts";

/** A detached shell (its own group) that started a grandchild; resolves with both pids. */
async function group(trapTerm = false): Promise<{ leader: number; grandchild: number }> {
  const trap = trapTerm ? "trap '' TERM; " : "";
  const child = spawn("sh", ["-c", `${trap}sleep 60 & echo $!; wait`], {
    detached: true,
    stdio: ["ignore", "pipe", "ignore"],
  });
  const grandchild = await new Promise<number>((resolve) =>
    child.stdout.once("data", (d) => resolve(Number(String(d)))),
  );
  child.unref();
  return { leader: child.pid!, grandchild };
}

describe("killGroup", () => {
  it("signals the leader and what it started", async () => {
    const g = await group();
    expect(killGroup(g.leader, "SIGKILL")).toBe(true);
    await waitUntil(() => !isAlive(g.leader) && !isAlive(g.grandchild), "the group to die");
  });

  it("is false, and sends nothing, for a missing, zero or gone pid", async () => {
    expect(killGroup(undefined, "SIGTERM")).toBe(false);
    expect(killGroup(0, "SIGTERM")).toBe(false); // kill(-0) would be lbg's own group: this test still runs
    // A group whose only process ended and was reaped (a zombie would still name its group).
    const done = spawn("true", [], { detached: true, stdio: "ignore" });
    await new Promise((resolve) => done.once("exit", resolve));
    expect(killGroup(done.pid, "SIGKILL")).toBe(false);
  });

  it("terminateGroup follows SIGTERM with SIGKILL for a group that ignores it", async () => {
    const g = await group(true);
    terminateGroup(g.leader, 200);
    await new Promise((r) => setTimeout(r, 100));
    expect(isAlive(g.leader)).toBe(true); // SIGTERM is ignored
    await waitUntil(() => !isAlive(g.leader) && !isAlive(g.grandchild), "SIGKILL after the grace period");
  });
});
