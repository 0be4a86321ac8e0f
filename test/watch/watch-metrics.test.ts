// `lbg watch` says after each rebuild what it did to the run's metrics (old → new), and nothing when a rebuild
// leaves them as they were.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";
import { stopAndRemoveAfterEach, Watcher } from "./watcher.ts";

describe("lbg watch and metrics", () => {
  let p: TempProject | undefined;
  let w: Watcher | undefined;
  stopAndRemoveAfterEach(() => ({ p, w }));

  it("each rebuild that changes a metric reports it; one that does not, does not", async () => {
    p = new TempProject(["mini", "experiments"]);
    w = new Watcher(p);
    await w.until((e) => e.event === "watch-idle", 1, 60_000);
    const config = "configs/pipelines/numbers/config.yaml";
    writeFileSync(p.path(config), p.read(config).replace("n: 10", "n: 12"));
    await w.until((e) => e.event === "watch-idle", 2, 60_000);
    const changes = w.events().filter((e) => e.event === "metrics-changed");
    expect(changes).toHaveLength(2); // the first build's, then this rebuild's
    expect(changes[1]!.changes).toContainEqual({ metric: "summary.count", old: 10, new: 12, change: 2 });
    // SumNumbers' code changes, its output does not: no metric moves, nothing is said.
    writeFileSync(p.path("lbg_stages/sum_numbers.ts"), `${p.read("lbg_stages/sum_numbers.ts")}\n// edited\n`);
    await w.until((e) => e.event === "watch-idle", 3, 60_000);
    expect(w.startedAfterIdle(2)).toEqual(["SumNumbers"]);
    expect(w.events().filter((e) => e.event === "metrics-changed")).toHaveLength(2);
  });
});
