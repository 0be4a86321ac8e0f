// Ctrl-C / SIGTERM stop running stages (whole process groups) and exit 130 / 143; one build per run at a time.
import { execSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { parseEvents, TempProject, waitForEvent } from "../helpers/temp-project.ts";

function exited(child: ReturnType<TempProject["spawn"]>): Promise<{ code: number | null; stdout: string }> {
  let stdout = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout })));
}

/** Worker processes still running from this temp project. */
function workersOf(dir: string): string[] {
  const out = execSync("ps -eo pid,args", { encoding: "utf8" });
  const pids = out.split("\n").filter((l) => l.includes("worker.mjs")).map((l) => l.trim().split(/\s+/)[0]!);
  return pids.filter((pid) => {
    try {
      return execSync(`readlink /proc/${pid}/cwd`, { encoding: "utf8" }).trim() === dir;
    } catch {
      return false;
    }
  });
}

describe("interrupts and the run lock", () => {
  let p: TempProject;
  afterEach(() => p?.remove());

  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(`${signal} cancels the running stage, removes its in-progress file and exits ${code}`, async () => {
      p = new TempProject("mini");
      const child = p.spawn(["build", "numbers", "--json", "--set", "MakeNumbers.sleep=20"]);
      const done = exited(child);
      await waitForEvent(child, (e) => e.event === "stage-start" && e.stage === "MakeNumbers");
      await new Promise((r) => setTimeout(r, 300));
      child.kill(signal);
      const r = await done;
      expect(r.code).toBe(code);
      const events = parseEvents(r.stdout);
      expect(events).toContainEqual(expect.objectContaining({ event: "stage-end", stage: "MakeNumbers", status: "cancelled" }));
      expect(events.at(-1)).toMatchObject({ event: "build-end", ok: false });
      expect(p.exists("results/numbers/outputs/inprogress_numbers.txt")).toBe(false);
      expect(p.exists("results/numbers/outputs/numbers.txt")).toBe(false);
      await new Promise((r) => setTimeout(r, 500));
      expect(workersOf(p.dir)).toEqual([]);
      // Stages that finished before the interrupt stay recorded: the next build only runs the rest.
      const again = p.build("numbers");
      expect(again.code).toBe(0);
      expect(again.ran).toContain("MakeNumbers");
      const finished = events.filter((e) => e.event === "stage-end" && e.status === "succeeded").map((e) => e.stage);
      expect(again.ran.filter((s) => finished.includes(s))).toEqual([]);
    });
  }

  it("a second build of the same run names the holder and exits; --wait queues behind it", async () => {
    p = new TempProject("mini");
    const first = p.spawn(["build", "numbers", "--json", "--set", "MakeNumbers.sleep=3"]);
    const firstDone = exited(first);
    await waitForEvent(first, (e) => e.event === "stage-start");
    const second = p.lbg(["build", "numbers"]);
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toMatch(new RegExp(`^lbg: error: run 'numbers' is being built by pid ${first.pid} on \\S+ since \\S+ \\(hint: .*--wait`));
    const waited = p.lbg(["build", "numbers", "--wait", "--set", "MakeNumbers.sleep=3"]);
    expect(waited.code).toBe(0);
    expect((await firstDone).code).toBe(0);
    expect(waited.stdout).toContain("nothing to do");
  });

  it("a lock left by a dead process is broken automatically", () => {
    p = new TempProject("mini");
    p.write(".cache/runs/numbers/lock", JSON.stringify({ pid: 2 ** 22 + 17, host: execSync("hostname", { encoding: "utf8" }).trim(), since: "2026-01-01T00:00:00Z" }));
    const r = p.build("numbers");
    expect(r.code).toBe(0);
    expect(p.exists(".cache/runs/numbers/lock")).toBe(false);
  });
});
