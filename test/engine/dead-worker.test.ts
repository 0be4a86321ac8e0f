// `lbg build` with a warm worker that dies between two stages (killed from outside while idle): the next
// stage runs on a fresh worker instead of being sent to the dead one.
import { afterEach, describe, expect, it } from "vitest";
import { parseEvents, TempProject, waitForEvent } from "../helpers/temp-project.ts";
import { isAlive, loggedPid, waitUntil } from "../helpers/processes.ts";

describe("a dead warm worker", () => {
  let p: TempProject;
  afterEach(() => p?.remove());

  it("killed while idle between two stages: the build still runs every stage and succeeds", async () => {
    p = new TempProject(["mini", "mini-pids"]);
    // -j 2: CountNotes finishes at once and its worker waits idle while MakeNumbers sleeps; when MakeNumbers
    // ends, its two dependants take both idle workers — one of them the killed one, unless it left the pool.
    const child = p.spawn(["build", "numbers", "--json", "-j", "2", "--set", "MakeNumbers.sleep=3"]);
    let stdout = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    await waitForEvent(child, (e) => e.event === "stage-end" && e.stage === "CountNotes");
    const pid = loggedPid(p, "CountNotes");
    process.kill(pid, "SIGKILL");
    await waitUntil(() => !isAlive(pid), "the idle worker to die");
    const code = await exited;
    const events = parseEvents(stdout);
    expect(
      events
        .filter((e) => e.event === "stage-end")
        .map((e) => [e.stage, e.status])
        .sort(),
    ).toEqual([
      ["CountNotes", "succeeded"],
      ["CountNumbers", "succeeded"],
      ["MakeNumbers", "succeeded"],
      ["SumNumbers", "succeeded"],
    ]);
    expect(code).toBe(0);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("45\n");
  }, 60_000);
});
