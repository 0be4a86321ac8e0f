// WatchSession in-process, with a fake executor that "runs" a stage by writing its outputs (or fails it on
// request): what the keys do, seen in the events.
import { writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { BuildEvent } from "../../src/events/build-event.ts";
import type { Executor, JobOutcome, StageJob } from "../../src/executors/stage-job.ts";
import { WatchSession } from "../../src/watch/watch-session.ts";
import { TempProject } from "../helpers/temp-project.ts";
import { waitUntil } from "../helpers/processes.ts";

class FakeExecutor implements Executor {
  readonly failing = new Set<string>();
  async run(job: StageJob): Promise<JobOutcome> {
    if (this.failing.has(job.instance))
      return { status: "failed", error: "asked to fail", reason: { kind: "exception" } };
    if (job.kind === "ts") for (const out of Object.values(job.outputs)) writeFileSync(out, `${job.instance}\n`);
    return { status: "succeeded" };
  }
  commandLine(job: StageJob): string {
    return `fake ${job.instance}`;
  }
  async close(): Promise<void> {}
}

describe("WatchSession keys", () => {
  let p: TempProject;
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
    p?.remove();
  });

  function start() {
    p = new TempProject("mini");
    // A real build first fills .cache/stages, so loading in this process never needs the introspection worker.
    expect(p.build("numbers").code).toBe(0);
    const events: BuildEvent[] = [];
    const executor = new FakeExecutor();
    const abort = new AbortController();
    const session = new WatchSession({
      ref: { root: p.dir, name: "numbers", overrides: [] },
      flags: {},
      emit: (e) => events.push(e),
      executor,
      signal: abort.signal,
      debounceMs: 20,
    });
    const running = session.run();
    stop = async () => {
      abort.abort();
      await running;
    };
    const idles = () => events.filter((e) => e.event === "watch-idle").length;
    /** Events after the k-th watch-idle, up to the next one. */
    const eventsAfter = (k: number) => {
      const segments: BuildEvent[][] = [[]];
      for (const e of events) {
        if (e.event === "watch-idle") segments.push([]);
        else segments.at(-1)!.push(e);
      }
      return segments[k] ?? [];
    };
    return { events, executor, session, idles, eventsAfter };
  }

  it("f with no failed stage forces nothing and says so", async () => {
    const { events, session, idles, eventsAfter } = start();
    await waitUntil(() => idles() === 1, "the first build");
    session.forceFailed();
    expect(events.at(-1)).toEqual({ event: "watch-notice", message: "no failed stages to force" });
    session.rebuild(); // r: the build that follows shows that f started none of its own
    await waitUntil(() => idles() === 2, "the rebuild");
    const next = eventsAfter(1);
    expect(next.filter((e) => e.event === "build-start")).toHaveLength(1);
    expect(next.filter((e) => e.event === "stage-start")).toEqual([]);
  });

  it("f after a failure forces exactly the failed stage", async () => {
    const { executor, session, idles, eventsAfter } = start();
    await waitUntil(() => idles() === 1, "the first build");
    executor.failing.add("SumNumbers");
    p.write(
      "configs/pipelines/numbers/config.yaml",
      p.read("configs/pipelines/numbers/config.yaml").replace("SumNumbers: {}", "SumNumbers:\n  fail: true"),
    );
    await waitUntil(() => idles() === 2, "the build after the edit");
    expect(eventsAfter(1)).toContainEqual(
      expect.objectContaining({ event: "stage-end", stage: "SumNumbers", status: "failed" }),
    );
    executor.failing.clear();
    session.forceFailed();
    await waitUntil(() => idles() === 3, "the forced build");
    const started = eventsAfter(2).filter((e) => e.event === "stage-start");
    expect(started).toEqual([expect.objectContaining({ stage: "SumNumbers", reasons: ["forced"] })]);
  });
});
