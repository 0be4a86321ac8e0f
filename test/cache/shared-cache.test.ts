// A shared cache directory (the site file's cache_dir:) filled by several lbg processes at once — separate
// projects, as separate users would have — loses nothing and holds nothing half-written; a later project
// restores everything from it; its folders and files let a group share it.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEntry } from "../../src/cache/cache-entry.ts";
import { getHasher, hashFileWith } from "../../src/fs/hash-file.ts";
import { parseEvents, TempProject } from "../helpers/temp-project.ts";
import { cacheFiles, stageRuns } from "./cache-helpers.ts";

const N = 40;

/** A run of N independent MakeNumbers instances; `n(i)` numbers each (large enough that copies take time). */
function fanProject(shared: string, n: (i: number) => number): TempProject {
  const p = new TempProject(["mini", "cache"]);
  const names = Array.from({ length: N }, (_, i) => `M${i}`);
  p.write(
    "configs/pipelines/fan/pipeline.yaml",
    `modules: lbg_stages\nconfig: configs/pipelines/fan/config.yaml\nstages:\n${names
      .map((s) => `  - name: ${s}\n    classname: MakeNumbers\n    aliases: {numbers: ${s}_numbers}\n`)
      .join("")}`,
  );
  p.write("configs/pipelines/fan/config.yaml", names.map((s, i) => `${s}:\n  n: ${n(i)}\n`).join(""));
  p.write("configs/runs/fan.yaml", "pipelines: fan\ninputs: {}\n");
  p.write("configs/sites/local.yaml", `cache_dir: ${shared}\n`);
  return p;
}

function exited(child: ReturnType<TempProject["spawn"]>): Promise<{ code: number | null; stdout: string }> {
  let stdout = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.resume();
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout })));
}

describe("a shared cache_dir", () => {
  let top: string;
  let shared: string;
  const projects: TempProject[] = [];
  beforeAll(() => {
    top = mkdtempSync(join(tmpdir(), "lbg-shared-cache-"));
    shared = join(top, "group", "lbg-cache"); // made by the first lbg that uses it
  });
  afterAll(() => {
    for (const p of projects) p.remove();
    rmSync(top, { recursive: true, force: true });
  });

  it("three lbg processes filling it at once lose nothing, and a fourth project restores all of it", async () => {
    // a and b share 30 stage configurations; c shares all 40 with a. Distinct ones: 40 + 10.
    const a = fanProject(shared, (i) => 20_000 + i);
    const b = fanProject(shared, (i) => (i < 30 ? 20_000 + i : 50_000 + i));
    const c = fanProject(shared, (i) => 20_000 + i);
    projects.push(a, b, c);
    const runs = await Promise.all([a, b, c].map((p) => exited(p.spawn(["build", "fan", "--json", "-j", "2"]))));
    for (const r of runs) expect(r.code).toBe(0);
    // Nor did any of them ever read a half-written entry or object from the others.
    const warnings = runs.flatMap((r) => parseEvents(r.stdout).filter((e) => e.event === "warning"));
    expect(warnings).toEqual([]);

    // Every key has one whole, valid entry; every object it names is there with exactly its content.
    const h = await getHasher();
    const entries = cacheFiles(shared, "entries");
    expect(entries).toHaveLength(50);
    const objects = new Set(cacheFiles(shared, "objects").map((f) => basename(f)));
    for (const file of entries) {
      const e = parseEntry(readFileSync(file, "utf8"), basename(file), (s) => h.h64ToString(s));
      expect(e, file).toBeDefined();
      for (const o of Object.values(e!.outputs)) {
        if (o.kind !== "file") throw new Error("file outputs only here");
        expect(objects.has(`${o.hash}-${o.size}`)).toBe(true);
      }
    }
    for (const f of cacheFiles(shared, "objects")) {
      const [hash, size] = basename(f).split("-");
      expect(hashFileWith(h, f)).toBe(hash);
      expect(statSync(f).size).toBe(Number(size));
    }
    expect(readdirSync(join(shared, "tmp"))).toEqual([]); // nothing half-written left behind

    // What was computed at all: each distinct configuration at least once, shared ones not by every process.
    const ran = [a, b, c].reduce((s, p) => s + stageRuns(p).length, 0);
    expect(ran).toBeGreaterThanOrEqual(50);
    expect(ran).toBeLessThanOrEqual(3 * N);

    // Another user's project with a's configuration: everything restored, no stage process.
    const d = fanProject(shared, (i) => 20_000 + i);
    projects.push(d);
    const r = d.build("fan");
    expect(r.code).toBe(0);
    expect(r.end).toMatchObject({ succeeded: N, restored: N });
    expect(stageRuns(d)).toEqual([]);
    expect(d.read("results/fan/outputs/M7_numbers.txt")).toBe(a.read("results/fan/outputs/M7_numbers.txt"));

    // Group-shareable: folders setgid and group-writable, objects read-only, entries group-writable.
    for (const dir of [shared, join(shared, "objects"), join(shared, "entries"), join(shared, "tmp")])
      expect(statSync(dir).mode & 0o2775, dir).toBe(0o2775);
    expect(statSync(cacheFiles(shared, "objects")[0]!).mode & 0o777).toBe(0o444);
    expect(statSync(entries[0]!).mode & 0o777).toBe(0o664);
  }, 240_000);
});
