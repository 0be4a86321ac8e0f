// `lbg watch` holds the run's lock only while it builds: an idle watch lets a manual build through and builds
// again after it; a watch that is building is named as the holder, and `--wait` says whom it waits for and
// stops on Ctrl-C (issue 13, item 7).
import { describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";
import { waitUntil } from "../helpers/processes.ts";
import { stopAndRemoveAfterEach, Watcher } from "./watcher.ts";

const idle = (e: Record<string, any>) => e.event === "watch-idle";

/** stderr of a spawned lbg, as it arrives, and its exit code. */
function collect(child: ReturnType<TempProject["spawn"]>) {
  const o = { stderr: "", code: undefined as number | null | undefined };
  child.stderr!.on("data", (d: Buffer) => (o.stderr += d.toString()));
  const exited = new Promise<number | null>((r) =>
    child.on("exit", (c) => {
      o.code = c;
      r(c);
    }),
  );
  return { o, exited };
}

describe("lbg watch and the run lock", () => {
  let p: TempProject;
  let w: Watcher | undefined;
  stopAndRemoveAfterEach(() => ({ p, w }));

  it("an idle watch lets `lbg build` through, then builds again with its own config", async () => {
    p = new TempProject("mini");
    w = new Watcher(p);
    await w.until(idle);
    const manual = p.build("numbers", ["--set", "MakeNumbers.n=3"]);
    expect(manual.code, manual.stderr).toBe(0);
    expect(manual.ran).toContain("MakeNumbers");
    // The watch notices the other build and, once it has ended, puts the outputs back to its own config.
    await w.until(idle, 2, 30_000);
    const notices = w.events().filter((e) => e.event === "watch-notice");
    // Seen holding the lock, or — a build quicker than the watch's one-second look — by the records it added.
    expect(notices.map((e) => e.message)).toContainEqual(
      expect.stringMatching(
        /^run 'numbers' (is being built by pid \d+ on \S+ since \S+ \(lbg build\); watch builds again|was built by another lbg meanwhile; watch builds again)/,
      ),
    );
    expect(w.startedAfterIdle(1)).toContain("MakeNumbers");
    expect(p.read("results/numbers/outputs/total.txt")).toBe("45\n");
  }, 90_000);

  it("a build that ended between two of the idle watch's looks at the lock is noticed by its records", async () => {
    p = new TempProject("mini");
    w = new Watcher(p);
    await w.until(idle);
    // What such a build leaves: records appended, the lock gone again.
    p.write(".cache/runs/numbers/records.jsonl", `${p.read(".cache/runs/numbers/records.jsonl")}\n`);
    await w.until(idle, 2, 30_000);
    expect(w.events().map((e) => e.message)).toContainEqual(
      "run 'numbers' was built by another lbg meanwhile; watch builds again",
    );
  }, 90_000);

  it("while watch builds: a build is refused naming the watch; --wait says whom it waits for and stops on Ctrl-C", async () => {
    p = new TempProject("mini");
    w = new Watcher(p, ["--set", "MakeNumbers.sleep=30"]);
    await w.until((e) => e.event === "stage-start" && e.stage === "MakeNumbers");
    const refused = p.lbg(["build", "numbers"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toMatch(
      /^lbg: error: run 'numbers' is being built by pid \d+ on \S+ since \S+ \(lbg watch\) \(hint: that lbg watch builds the run after every edit: pass --wait to queue behind its build, or stop the watch \(q or Ctrl-C in its terminal, or kill \d+\)\)$/,
    );
    const waiting = p.spawn(["build", "numbers", "--wait", "--json"]);
    const { o, exited } = collect(waiting);
    await waitUntil(() => o.stderr.includes("waiting"), "the waiting line", 30_000);
    expect(o.stderr.trim()).toMatch(
      /^lbg: waiting for pid \d+ on \S+ since \S+ \(lbg watch\) to finish building run 'numbers' \(Ctrl-C to stop waiting\)$/,
    );
    waiting.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(w.child.exitCode).toBe(null); // the watch builds on
  }, 90_000);

  it("a second watch of the run is refused, naming the first (two would rebuild after each other for ever)", async () => {
    p = new TempProject("mini");
    w = new Watcher(p);
    await w.until(idle);
    const second = p.lbg(["watch", "numbers", "--json"], { timeout: 30_000 });
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toMatch(
      new RegExp(
        `^lbg: error: run 'numbers' is already watched by pid ${w.child.pid} on \\S+ since \\S+ \\(lbg watch\\) \\(hint: one lbg watch per run`,
      ),
    );
    expect(w.child.exitCode).toBe(null);
  }, 60_000);

  it("`lbg build --wait` behind another build says so once, then builds", async () => {
    p = new TempProject("mini");
    const first = p.spawn(["build", "numbers", "--json", "--set", "MakeNumbers.sleep=2"]);
    const firstDone = new Promise((r) => first.on("exit", r));
    await waitUntil(() => p.exists(".cache/runs/numbers/lock"), "the first build's lock");
    const second = p.spawn(["build", "numbers", "--wait", "--json"]);
    const { o, exited } = collect(second);
    expect(await exited).toBe(0);
    await firstDone;
    expect(o.stderr.trim().split("\n")).toHaveLength(1);
    expect(o.stderr).toMatch(
      /^lbg: waiting for pid \d+ on \S+ since \S+ \(lbg build\) to finish building run 'numbers'/,
    );
  }, 90_000);
});
