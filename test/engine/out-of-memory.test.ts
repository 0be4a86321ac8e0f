// A TypeScript stage that exhausts Node's heap dies with V8's own message on its worker's stderr and a
// SIGABRT; lbg must say "out of memory" (not just "killed by SIGABRT"), keep V8's words in the stage's log,
// and record nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

describe("a stage that runs out of memory", () => {
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject("mini-oom");
  });
  afterAll(() => p.remove());

  it("is reported as out of memory, with V8's message in its log, and nothing recorded", () => {
    // A small heap for lbg and its workers (they inherit NODE_OPTIONS), so the stage hits the limit quickly.
    const r = p.build("hog", [], { NODE_OPTIONS: "--max-old-space-size=96" });
    expect(r.code).toBe(1);
    const end = r.events.find((e) => e.event === "stage-end" && e.stage === "HogMemory");
    expect(end, r.stdout + r.stderr).toMatchObject({ status: "failed", reason: { kind: "out-of-memory" } });
    expect(end!.error).toMatch(/^out of memory: the stage exceeded Node's heap limit/);
    expect(p.read("results/hog/logs/HogMemory.out")).toMatch(/heap out of memory|Reached heap limit/);
    expect(p.exists("results/hog/outputs/hog.txt")).toBe(false);
    expect(p.build("hog", ["-n"]).ran).toEqual(["HogMemory"]);
  }, 120_000);
});
