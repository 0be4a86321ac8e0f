// `lbg watch` keeps warm workers between builds: one that died while idle, or one that was told to stop,
// must never be handed the next stage — the stage runs on a fresh worker and the session goes on.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";
import { isAlive, loggedPid, waitUntil } from "../helpers/processes.ts";
import { stopAndRemoveAfterEach, Watcher } from "./watcher.ts";

const CONFIG = "configs/pipelines/numbers/config.yaml";

describe("lbg watch and its workers", () => {
  let p: TempProject;
  let w: Watcher | undefined;
  stopAndRemoveAfterEach(() => ({ p, w }));

  it("a worker killed while idle is not reused: the next edit builds on a fresh one", async () => {
    p = new TempProject(["mini", "mini-pids"]);
    w = new Watcher(p);
    await w.until((e) => e.event === "watch-idle");
    // The workers the stages ran in (an idle watch holds no lock that would list them).
    const workers = [...new Set([loggedPid(p, "MakeNumbers"), loggedPid(p, "CountNotes")])];
    expect(workers.every(isAlive)).toBe(true);
    for (const pid of workers) process.kill(pid, "SIGKILL");
    await waitUntil(() => workers.every((pid) => !isAlive(pid)), "the workers to die");
    writeFileSync(p.path(CONFIG), p.read(CONFIG).replace("n: 10", "n: 11"));
    const ev = await w.until((e) => e.event === "watch-idle", 2);
    expect(ev.filter((e) => e.event === "build-end").at(-1)).toMatchObject({ ok: true, succeeded: 3 });
    expect(p.read("results/numbers/outputs/total.txt")).toBe("55\n");
    expect(w.child.exitCode).toBe(null);
  }, 60_000);

  it("a stage that finishes just as an edit cancels it counts as cancelled, and its worker is not reused", async () => {
    p = new TempProject(["mini", "mini-pids"]);
    p.write(CONFIG, p.read(CONFIG).replace("n: 10", "n: 10\n  sleep: 20\n  finish_on_sigterm: true"));
    w = new Watcher(p);
    await w.until((e) => e.event === "stage-start" && e.stage === "MakeNumbers");
    await waitUntil(
      () =>
        p.exists("results/numbers/logs/MakeNumbers.out") &&
        /^pid \d+$/m.test(p.read("results/numbers/logs/MakeNumbers.out")),
      "MakeNumbers to log its pid",
    );
    const first = loggedPid(p, "MakeNumbers");
    // The edit cancels MakeNumbers (SIGTERM); it catches the signal and ends normally, so its "done" arrives
    // after lbg asked it to stop.
    writeFileSync(p.path(CONFIG), p.read(CONFIG).replace("n: 10", "n: 4").replace("sleep: 20", "sleep: 0"));
    const ev = await w.until((e) => e.event === "watch-idle");
    expect(ev.filter((e) => e.event === "stage-end" && e.stage === "MakeNumbers").map((e) => e.status)).toEqual([
      "cancelled",
      "succeeded",
    ]);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("6\n");
    expect(loggedPid(p, "MakeNumbers")).not.toBe(first);
    await waitUntil(() => !isAlive(first), `the cancelled stage's worker ${first} to be gone`);
  }, 60_000);
});
