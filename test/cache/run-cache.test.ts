// The run cache end to end through the real CLI (test/fixtures/mini with the cache fixture's stages, which
// note every run in stage-runs.log): what is restored instead of run, what is never restored, and that a
// damaged or edited cache never yields a wrong output.
import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { serializeEntry } from "../../src/cache/cache-entry.ts";
import { getHasher } from "../../src/fs/hash-file.ts";
import { TempProject } from "../helpers/temp-project.ts";
import { cacheEntries, cacheFiles, objectOf, stageRuns } from "./cache-helpers.ts";

const ALL = ["MakeNumbers", "SumNumbers", "CountNumbers", "CountNotes"];

function ends(r: { events: Record<string, any>[] }) {
  return r.events.filter((e) => e.event === "stage-end");
}
function restored(r: { events: Record<string, any>[] }): string[] {
  return ends(r)
    .filter((e) => e.restored)
    .map((e) => e.stage as string)
    .sort();
}

describe("run cache", () => {
  let p: TempProject;
  const cache = () => p.path(".cache", "run-cache");
  beforeEach(() => {
    p = new TempProject(["mini", "cache"]);
  });
  afterEach(() => p.remove());

  it("--set and back: the way back is restored from the cache, with no stage process started", () => {
    expect(p.build("numbers").code).toBe(0);
    expect(stageRuns(p)).toHaveLength(4);
    const changed = p.build("numbers", ["--set", "MakeNumbers.n=3"]);
    expect(changed.code).toBe(0);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("3\n");
    const runsBefore = stageRuns(p).length;

    const back = p.build("numbers");
    expect(back.code).toBe(0);
    expect(restored(back)).toEqual(["CountNumbers", "MakeNumbers", "SumNumbers"]);
    expect(stageRuns(p)).toHaveLength(runsBefore); // no stage process ran
    expect(back.end).toMatchObject({ ok: true, succeeded: 3, restored: 3, fresh: 1 });
    const start = back.events.find((e) => e.event === "stage-start" && e.stage === "MakeNumbers")!;
    expect(start.reasons).toEqual(["config changed: MakeNumbers.n 3 → 10"]);
    expect(start.restoredFrom).toMatchObject({ run: "numbers" });
    expect(start.command).toBeUndefined();
    const end = ends(back).find((e) => e.stage === "MakeNumbers")!;
    expect(end).toMatchObject({ status: "succeeded", restored: true, restoredFrom: { run: "numbers" } });
    expect(end.resources).toMatchObject({ measuredBy: "worker" }); // of the run that built it
    expect(p.read("results/numbers/outputs/total.txt")).toBe("45\n");
    expect(p.read("results/numbers/outputs/numbers_count.txt")).toBe("10\n");
    expect(p.read("results/numbers/logs/MakeNumbers.out")).toMatch(/^Restored from the run cache .* by run numbers/);

    // Restored stages are recorded like run ones: the next build is a no-op.
    const again = p.build("numbers");
    expect(again.ran).toEqual([]);
    expect(again.end).toMatchObject({ succeeded: 0, fresh: 4 });

    // Both ways are restored from now on; in plain words, once per stage.
    expect(restored(p.build("numbers", ["--set", "MakeNumbers.n=3"]))).toEqual([
      "CountNumbers",
      "MakeNumbers",
      "SumNumbers",
    ]);
    const plain = p.lbg(["build", "numbers", "--plain"]);
    expect(plain.stdout).toMatch(
      /^restored MakeNumbers {2}\(config changed: MakeNumbers\.n 3 → 10\) — restored from cache \(built \d{4}-\d\d-\d\d \d\d:\d\d by run numbers\)$/m,
    );
    expect(plain.stdout).not.toMatch(/^done {5}MakeNumbers/m);
    expect(plain.stdout).toMatch(/build succeeded — 0 ran, 3 restored, 1 fresh/);
    expect(stageRuns(p)).toHaveLength(runsBefore);
  });

  it("a second run sharing a stage configuration restores it instead of computing it again", () => {
    expect(p.build("numbers").code).toBe(0);
    const shared = p.build("numbers_again");
    expect(shared.code).toBe(0);
    expect(restored(shared)).toEqual([...ALL].sort());
    expect(stageRuns(p)).toHaveLength(4);
    expect(p.read("results/numbers_again/outputs/total.txt")).toBe("45\n");
    expect(shared.reasons.SumNumbers).toEqual(["never built"]);

    // Only what differs runs: CountNotes reads the same notes with the same code and config.
    const more = p.build("numbers_more");
    expect(more.code).toBe(0);
    expect(restored(more)).toEqual(["CountNotes"]);
    expect(
      stageRuns(p)
        .slice(4)
        .map((l) => l.split(" ")[0])
        .sort(),
    ).toEqual(["CountNumbers", "MakeNumbers", "SumNumbers"]);
    expect(p.read("results/numbers_more/outputs/total.txt")).toBe("66\n");

    const status = JSON.parse(p.lbg(["cache", "status", "--json"]).stdout);
    expect(status).toMatchObject({ entries: 7, damagedEntries: 0 });
    expect(status.lastBuilds.map((b: any) => [b.run, b.hits, b.misses])).toEqual([
      ["numbers", 0, 4],
      ["numbers_again", 4, 0],
      ["numbers_more", 1, 3],
    ]);
    expect(status.hitRate).toBeCloseTo(5 / 12);
    expect(p.lbg(["cache", "status"]).stdout).toMatch(/last 3 builds: 5 of 12 stale stages restored \(hit rate 42 %\)/);
  });

  it("a damaged cache object or entry is a miss: the stage runs and its output is right", () => {
    expect(p.build("numbers").code).toBe(0);
    const total = "results/numbers/outputs/total.txt";
    // Same size, other bytes: only hashing the restored copy can tell.
    const obj = objectOf(cache(), "SumNumbers", "total");
    chmodSync(obj, 0o644);
    writeFileSync(obj, "99\n");
    rmSync(p.path(total));
    const r1 = p.build("numbers");
    expect(r1.code).toBe(0);
    expect(restored(r1)).toEqual([]);
    expect(r1.events.some((e) => e.event === "warning" && /damaged .* the stage runs/.test(e.message))).toBe(true);
    expect(p.read(total)).toBe("45\n");
    expect(stageRuns(p).at(-1)).toMatch(/^SumNumbers /);

    // The run stored it again: the next loss is restored.
    rmSync(p.path(total));
    expect(restored(p.build("numbers"))).toEqual(["SumNumbers"]);
    expect(p.read(total)).toBe("45\n");

    // A damaged entry (garbage, or valid JSON under a wrong checksum) is a miss too.
    const entry = cacheEntries(cache()).find((e) => e.stage === "SumNumbers")!.path;
    for (const damage of ["garbage\n", readFileSync(entry, "utf8").replace('"total"', '"totals"')]) {
      writeFileSync(entry, damage);
      rmSync(p.path(total));
      const r = p.build("numbers");
      expect(r.code).toBe(0);
      expect(restored(r)).toEqual([]);
      expect(r.events.some((e) => e.event === "warning" && /unusable/.test(e.message))).toBe(true);
      expect(p.read(total)).toBe("45\n");
    }

    // A truncated object is a plain miss.
    const n = objectOf(cache(), "MakeNumbers", "numbers");
    chmodSync(n, 0o644);
    writeFileSync(n, "0\n");
    rmSync(p.path("results/numbers/outputs/numbers.txt"));
    const r3 = p.build("numbers");
    expect(restored(r3)).toEqual([]);
    expect(p.read("results/numbers/outputs/numbers.txt")).toContain("9\n");
  });

  it("an output edited in place after a restore never changes the cache (restores are copies)", () => {
    expect(p.build("numbers").code).toBe(0);
    const total = p.path("results/numbers/outputs/total.txt");
    rmSync(total);
    expect(restored(p.build("numbers"))).toEqual(["SumNumbers"]);
    const obj = objectOf(cache(), "SumNumbers", "total");
    expect(statSync(total).nlink).toBe(1);
    expect(statSync(total).ino).not.toBe(statSync(obj).ino);
    expect(statSync(obj).mode & 0o777).toBe(0o444);
    expect(statSync(total).mode & 0o200).toBe(0o200); // the user's copy is writable
    writeFileSync(total, "999\n"); // in place: same inode
    expect(readFileSync(obj, "utf8")).toBe("45\n");
    const r = p.build("numbers");
    expect(r.reasons.SumNumbers).toEqual(["output modified: results/numbers/outputs/total.txt"]);
    expect(restored(r)).toEqual(["SumNumbers"]);
    expect(readFileSync(total, "utf8")).toBe("45\n");
  });

  it("directory outputs are stored and restored whole; cache: false stages never are", () => {
    expect(p.build("extras").code).toBe(0);
    const stages = cacheEntries(cache()).map((e) => e.stage);
    expect(stages.sort()).toEqual(["MakeTable", "Stamp"]);
    rmSync(p.path("results/extras/outputs/table"), { recursive: true });
    rmSync(p.path("results/extras/outputs/uncached_numbers.txt"));
    const r = p.build("extras");
    expect(restored(r)).toEqual(["MakeTable"]);
    expect(stageRuns(p).at(-1)).toMatch(/^Uncached /);
    expect(p.read("results/extras/outputs/table/index.txt")).toBe("rows 4\n");
    expect(p.read("results/extras/outputs/table/parts/rows.csv")).toBe("0,0\n1,1\n2,4\n3,9\n");
    expect(p.build("extras").ran).toEqual([]);
  });

  it("cache: false holds in an incremental build (the restored plan keeps it)", () => {
    const env = { LBG_TRACE_NOOP: "1" };
    const traced = (r: { stderr: string }) => [...r.stderr.matchAll(/^lbg: noop: (.*)$/gm)].map((m) => m[1]!);
    expect(p.build("extras").code).toBe(0);
    // Builds until one answers from the no-op stamp (full checks write it once their files settle).
    let settled = false;
    for (let i = 0; i < 8 && !settled; i++)
      settled = traced(p.build("extras", [], env)).includes("stamp holds: every stage fresh");
    expect(settled).toBe(true);
    rmSync(p.path("results/extras/outputs/uncached_numbers.txt"));
    const r = p.build("extras", [], env);
    expect(traced(r).some((t) => t.startsWith("incremental: "))).toBe(true);
    expect(r.ran).toEqual(["Uncached"]);
    expect(
      cacheEntries(cache())
        .map((e) => e.stage)
        .sort(),
    ).toEqual(["MakeTable", "Stamp"]);
  });

  it("a stage that is not deterministic is reported once", () => {
    expect(p.build("extras").code).toBe(0);
    const warnings = (r: { events: Record<string, any>[] }) =>
      r.events.filter((e) => e.event === "warning" && /not deterministic/.test(e.message));
    const first = p.build("extras", ["--force", "Stamp"]);
    expect(warnings(first)).toHaveLength(1);
    expect(warnings(first)[0]!.message).toMatch(/^stage 'Stamp' is not deterministic: .* wrote a different stamp/);
    expect(warnings(p.build("extras", ["--force", "Stamp"]))).toHaveLength(0);
    // A forced stage runs (it is not restored) and its newest outputs are the entry's.
    expect(stageRuns(p).filter((l) => l.startsWith("Stamp "))).toHaveLength(3);
    const st = JSON.parse(p.lbg(["cache", "status", "--json"]).stdout);
    expect(st.nondeterministic).toEqual([expect.objectContaining({ stage: "Stamp", tags: ["stamp"], run: "extras" })]);
    expect(p.lbg(["cache", "status"]).stdout).toMatch(/not deterministic: Stamp \(lbg_stages:Stamp\): stamp/);
  });

  it("lbg clean leaves the cache (the next build restores); cache gc --max-size 0 empties it", () => {
    expect(p.build("numbers").code).toBe(0);
    expect(p.lbg(["clean", "numbers", "--cache"]).code).toBe(0);
    expect(p.exists("results/numbers/outputs/total.txt")).toBe(false);
    const r = p.build("numbers");
    expect(restored(r)).toEqual([...ALL].sort());
    expect(stageRuns(p)).toHaveLength(4);
    expect(p.lbg(["clean", "--all"]).code).toBe(0);
    expect(cacheEntries(cache())).toHaveLength(4);

    const dry = p.lbg(["cache", "gc", "--max-size", "0", "-n"]);
    expect(dry.stdout).toMatch(/would remove 4 entries and 4 objects/);
    expect(cacheEntries(cache())).toHaveLength(4);
    const gc = p.lbg(["cache", "gc", "--max-size", "0"]);
    expect(gc.code).toBe(0);
    expect(gc.stdout).toMatch(/removed 4 entries and 4 objects .*; 0 entries, 0 B left in \.cache\/run-cache/);
    expect(cacheFiles(cache(), "objects")).toEqual([]);
    rmSync(p.path("results"), { recursive: true, force: true });
    const after = p.build("numbers");
    expect(restored(after)).toEqual([]);
    expect(stageRuns(p)).toHaveLength(8);

    const bad = p.lbg(["cache", "gc", "--max-size", "lots"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-size lots: not a size/);
  });

  it("lbg accept stores nothing: a later restore gives what the stage made, not the accepted edit", () => {
    expect(p.build("numbers").code).toBe(0);
    const total = "results/numbers/outputs/total.txt";
    writeFileSync(p.path(total), "1000\n");
    expect(p.lbg(["accept", "numbers", "SumNumbers"]).code).toBe(0);
    expect(cacheEntries(cache())).toHaveLength(4);
    expect(cacheFiles(cache(), "objects")).toHaveLength(4);
    rmSync(p.path(total));
    expect(restored(p.build("numbers"))).toEqual(["SumNumbers"]);
    expect(p.read(total)).toBe("45\n");
  });

  it("a restored record carries the other fields the building run recorded (provenance), as they were", async () => {
    expect(p.build("numbers").code).toBe(0);
    const file = cacheEntries(cache()).find((e) => e.stage === "SumNumbers")!.path;
    const entry = JSON.parse(readFileSync(file, "utf8").slice(17));
    // The run's own provenance went into the entry.
    expect(entry.record.made).toMatchObject({ run: "numbers", reasons: ["never built"] });
    expect(entry.record.made.command).toMatch(/^\[lbg worker\] lbg_stages\/sum_numbers\.ts SumNumbers /);
    // Whatever else a record of a later lbg holds is carried too.
    const h = await getHasher();
    writeFileSync(
      file,
      serializeEntry({ ...entry, record: { ...entry.record, note: { by: "elsewhere" } } }, (s) => h.h64ToString(s)),
    );
    rmSync(p.path("results/numbers/outputs/total.txt"));
    expect(restored(p.build("numbers"))).toEqual(["SumNumbers"]);
    const last = p.read(".cache/runs/numbers/records.jsonl").trim().split("\n").at(-1)!;
    const rec = JSON.parse(last.slice(17));
    expect(rec).toMatchObject({ stage: "SumNumbers", note: { by: "elsewhere" }, restored: { run: "numbers" } });
    expect(rec.made).toEqual(entry.record.made);
  });

  it("--force and resume: False run stages even when the cache has them", () => {
    expect(p.build("numbers").code).toBe(0);
    const forced = p.build("numbers", ["--force=SumNumbers"]);
    expect(restored(forced)).toEqual([]);
    expect(stageRuns(p)).toHaveLength(5);
    const all = p.build("numbers", ["--no-resume"]);
    expect(restored(all)).toEqual([]);
    expect(stageRuns(p)).toHaveLength(9);
  });

  it("a cache_dir that cannot be used is one warning; the build runs as without a cache", () => {
    p.write("configs/sites/local.yaml", `cache_dir: ${p.path("not-a-dir")}\n`);
    writeFileSync(p.path("not-a-dir"), "a file\n");
    const r = p.build("numbers");
    expect(r.code).toBe(0);
    const w = r.events.filter((e) => e.event === "warning" && /run cache/.test(e.message));
    expect(w).toHaveLength(1);
    expect(w[0]!.message).toMatch(/cannot be used .*: stale stages run and nothing is stored/);
    expect(stageRuns(p)).toHaveLength(4);
  });
});
