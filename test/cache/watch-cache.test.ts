// lbg watch and the run cache: undoing an edit restores the stages it had re-run, without running them.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";
import { stopAndRemoveAfterEach, Watcher } from "../watch/watcher.ts";
import { stageRuns } from "./cache-helpers.ts";

describe("lbg watch with the run cache", () => {
  let p: TempProject;
  let w: Watcher | undefined;
  stopAndRemoveAfterEach(() => ({ p, w }));

  it("an edit re-runs its stages; undoing it restores them with no stage process", async () => {
    p = new TempProject(["mini", "cache"]);
    w = new Watcher(p);
    await w.until((e) => e.event === "watch-idle");
    const cfg = p.read("configs/pipelines/numbers/config.yaml");
    writeFileSync(p.path("configs/pipelines/numbers/config.yaml"), cfg.replace("n: 10", "n: 3"));
    await w.until((e) => e.event === "watch-idle", 2);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("3\n");
    const runs = stageRuns(p).length;
    expect(runs).toBe(7);

    writeFileSync(p.path("configs/pipelines/numbers/config.yaml"), cfg);
    await w.until((e) => e.event === "watch-idle", 3);
    expect(w.startedAfterIdle(2).sort()).toEqual(["CountNumbers", "MakeNumbers", "SumNumbers"]);
    const last = w
      .events()
      .filter((e) => e.event === "build-end")
      .at(-1);
    expect(last).toMatchObject({ ok: true, succeeded: 3, restored: 3 });
    expect(stageRuns(p)).toHaveLength(runs);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("45\n");
  });
});
