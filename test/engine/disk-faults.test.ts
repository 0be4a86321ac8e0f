// Permission denied and a full disk on the output and log folders, for real: a clear error, and nothing
// recorded as fresh. Permissions: as root (CI), lbg runs as `nobody` through setpriv (root ignores modes);
// otherwise modes alone do it. ENOSPC: a 16 KiB tmpfs mounted as output_dir, or as the run's .cache folder
// filled but for the one page the lock takes (needs root to mount, else skipped).
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { notRoot } from "../helpers/requirements.ts";
import { parseEvents, TempProject } from "../helpers/temp-project.ts";

const isRoot = !notRoot;
const NOBODY = 65534;

function lbgAs(p: TempProject, args: string[]) {
  const cmd = isRoot
    ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", process.execPath]
    : [process.execPath];
  const r = spawnSync(cmd[0]!, [...cmd.slice(1), p.path("src/bin/lbg.mjs"), ...args], {
    cwd: p.dir,
    encoding: "utf8",
    env: { ...process.env, HOME: "/tmp" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, events: parseEvents(r.stdout) };
}

/** Makes the project writable by the user lbg runs as, except `locked`, which nobody but root may write. */
function lockDown(p: TempProject, locked: string): void {
  mkdirSync(p.path(locked), { recursive: true });
  if (isRoot) {
    execFileSync("chown", ["-R", `${NOBODY}:${NOBODY}`, p.dir]);
    chownSync(p.path(locked), 0, 0);
  }
  chmodSync(p.dir, 0o755);
  chmodSync(p.path(locked), 0o555);
}

describe("disk faults", () => {
  let p: TempProject | undefined;
  afterEach(() => {
    if (p) {
      spawnSync("umount", [p.path("results/numbers/outputs")]);
      spawnSync("umount", [p.path(".cache/runs/numbers")]);
      for (const d of ["results/numbers/outputs", "results/numbers/logs", ".cache/runs"]) {
        try {
          chmodSync(p.path(d), 0o755);
        } catch {
          /* absent */
        }
      }
      p.remove();
      p = undefined;
    }
  });

  it("permission denied on the output folder: the stage fails with the reason, nothing is recorded", () => {
    p = new TempProject("mini");
    expect(p.build("numbers", ["--dry-run"]).code).toBe(0); // warms the stage cache as root
    lockDown(p, "results/numbers/outputs");
    const r = lbgAs(p, ["build", "numbers", "--json"]);
    expect(r.code).toBe(1);
    const failed = r.events.filter((e) => e.event === "stage-end" && e.status === "failed");
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]!.error).toMatch(/EACCES: permission denied/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.events.at(-1)).toMatchObject({ event: "build-end", ok: false, succeeded: 0 });
    chmodSync(p.path("results/numbers/outputs"), 0o777);
    const again = lbgAs(p, ["build", "numbers", "--json"]);
    expect(again.code).toBe(0);
    expect(again.events.filter((e) => e.event === "stage-start").length).toBe(4);
  });

  it("permission denied on the log folder: a clear error, nothing marked fresh", () => {
    p = new TempProject("mini");
    expect(p.build("numbers", ["--dry-run"]).code).toBe(0);
    lockDown(p, "results/numbers/logs");
    const r = lbgAs(p, ["build", "numbers", "--json"]);
    expect(r.code).toBe(1);
    const failed = r.events.filter((e) => e.event === "stage-end" && e.status === "failed");
    expect(failed[0]!.error).toMatch(/EACCES: permission denied, open '.*logs\/\w+\.out'/);
    expect(lbgAs(p, ["status", "numbers", "--json"]).stdout).not.toContain('"fresh"');
  });

  it("permission denied on .cache: one line naming the path, exit code 1", () => {
    p = new TempProject("mini");
    expect(p.build("numbers", ["--dry-run"]).code).toBe(0);
    lockDown(p, ".cache/runs");
    const r = lbgAs(p, ["build", "numbers"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^lbg: error: .*permission denied.*\.cache\/runs\/numbers/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("no space left on the output folder: the stage fails with ENOSPC and is not recorded", (ctx) => {
    if (notRoot) ctx.skip(notRoot);
    p = new TempProject("mini");
    mkdirSync(p.path("results/numbers/outputs"), { recursive: true });
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", p.path("results/numbers/outputs")]);
    const r = p.build("numbers", ["--set", "MakeNumbers.n=20000", "-k"]);
    expect(r.code).toBe(1);
    const end = r.events.find((e) => e.event === "stage-end" && e.stage === "MakeNumbers");
    expect(end).toMatchObject({ status: "failed", error: expect.stringMatching(/ENOSPC: no space left on device/) });
    expect(p.exists("results/numbers/outputs/numbers.txt")).toBe(false);
    expect(p.exists("results/numbers/outputs/inprogress_numbers.txt")).toBe(false);
    const ok = p.build("numbers");
    expect(ok.code).toBe(0);
    expect(ok.ran).toContain("MakeNumbers");
    expect(p.read("results/numbers/outputs/total.txt")).toBe("45\n");
  });

  it("no space left in .cache: the stage fails naming the records file, its new outputs go and the previous ones come back", (ctx) => {
    if (notRoot) ctx.skip(notRoot);
    p = new TempProject("mini");
    expect(p.build("numbers").code).toBe(0);
    const before = p.read("results/numbers/outputs/numbers.txt");
    // The full tmpfs hides the run's records: every stage is stale and runs, and none can be recorded.
    const cache = p.path(".cache/runs/numbers");
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", cache]);
    writeFileSync(`${cache}/fill`, Buffer.alloc(12 * 1024)); // leaves one 4 KiB page: the lock
    const r = p.build("numbers", ["--set", "MakeNumbers.n=3", "-k"]);
    expect(r.code).toBe(1);
    const end = r.events.find((e) => e.event === "stage-end" && e.stage === "MakeNumbers");
    expect(end).toMatchObject({
      status: "failed",
      error:
        "could not record the stage in .cache/runs/numbers/records.jsonl: no space left on device; its outputs were not kept",
      reason: { kind: "io-error" },
    });
    expect(r.events.filter((e) => e.event === "stage-end" && e.status === "succeeded")).toEqual([]);
    expect(r.events.at(-1)).toMatchObject({ event: "build-end", ok: false });
    expect(r.stderr).not.toMatch(/error/);
    // The previous outputs are back, nothing new or temporary is left anywhere.
    expect(p.read("results/numbers/outputs/numbers.txt")).toBe(before);
    expect(readdirSync(p.path("results/numbers/outputs")).sort()).toEqual([
      "notes_count.txt",
      "numbers.txt",
      "numbers_count.txt",
      "total.txt",
    ]);
    expect(readdirSync(cache).filter((f) => f !== "fill" && f !== "records.jsonl")).toEqual([]);
    execFileSync("umount", [cache]);
    // The records under the mount were never touched: the previous build is still fresh.
    expect(p.build("numbers").ran).toEqual([]);
    expect(p.build("numbers", ["--set", "MakeNumbers.n=3"]).ran.sort()).toEqual([
      "CountNumbers",
      "MakeNumbers",
      "SumNumbers",
    ]);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("3\n");
  });
});
