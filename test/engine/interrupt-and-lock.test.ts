// Ctrl-C / SIGTERM / SIGHUP stop running stages (whole process groups) and exit 130 / 143 / 129; one build
// per run at a time, whoever breaks a dead lock, on whichever host.
import { execSync } from "node:child_process";
import { closeSync, existsSync, ftruncateSync, openSync, statSync, unlinkSync, utimesSync } from "node:fs";
import { hostname } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { getHasher, hashFileWith } from "../../src/fs/hash-file.ts";
import { isAlive } from "../helpers/processes.ts";
import { parseEvents, TempProject, waitForEvent } from "../helpers/temp-project.ts";

const LOCK = ".cache/runs/numbers/lock";

/** Resolves once `cond` holds (polled), or after `ms` either way. */
async function until(cond: () => boolean, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; !cond() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 25));
}

/** A child's JSON events, each with the time the test received it, its stderr and exit code. */
function timed(
  child: ReturnType<TempProject["spawn"]>,
): Promise<{ pid: number; code: number | null; stderr: string; events: { at: number; e: Record<string, any> }[] }> {
  const events: { at: number; e: Record<string, any> }[] = [];
  let buf = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split("\n");
    buf = lines.pop()!;
    for (const l of lines) if (l.startsWith("{")) events.push({ at: Date.now(), e: JSON.parse(l) });
  });
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ pid: child.pid!, code, stderr, events })));
}

function exited(child: ReturnType<TempProject["spawn"]>): Promise<{ code: number | null; stdout: string }> {
  let stdout = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout })));
}

/** Worker processes still running from this temp project. */
function workersOf(dir: string): string[] {
  const out = execSync("ps -eo pid,args", { encoding: "utf8" });
  const pids = out
    .split("\n")
    .filter((l) => l.includes("worker.mjs"))
    .map((l) => l.trim().split(/\s+/)[0]!);
  return pids.filter((pid) => {
    try {
      return execSync(`readlink /proc/${pid}/cwd`, { encoding: "utf8" }).trim() === dir;
    } catch {
      return false;
    }
  });
}

describe("interrupts and the run lock", () => {
  let p: TempProject;
  afterEach(() => p?.remove());

  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const) {
    it(`${signal} cancels the running stage, removes its in-progress file and exits ${code}`, async () => {
      p = new TempProject("mini");
      const child = p.spawn(["build", "numbers", "--json", "--set", "MakeNumbers.sleep=20"]);
      const done = exited(child);
      await waitForEvent(child, (e) => e.event === "stage-start" && e.stage === "MakeNumbers");
      await until(() => existsSync(p.path("results/numbers/outputs/inprogress_numbers.txt")));
      expect(p.exists("results/numbers/outputs/inprogress_numbers.txt"), "the stage writes it before it sleeps").toBe(
        true,
      );
      child.kill(signal);
      const r = await done;
      expect(r.code).toBe(code);
      const events = parseEvents(r.stdout);
      expect(events).toContainEqual(
        expect.objectContaining({
          event: "stage-end",
          stage: "MakeNumbers",
          status: "cancelled",
          reason: { kind: "cancelled", by: "interrupt" },
        }),
      );
      expect(events.at(-1)).toMatchObject({ event: "build-end", ok: false });
      expect(p.exists("results/numbers/outputs/inprogress_numbers.txt")).toBe(false);
      expect(p.exists("results/numbers/outputs/numbers.txt")).toBe(false);
      await new Promise((r) => setTimeout(r, 500));
      expect(workersOf(p.dir)).toEqual([]);
      // Stages that finished before the interrupt stay recorded: the next build only runs the rest.
      const again = p.build("numbers");
      expect(again.code).toBe(0);
      expect(again.ran).toContain("MakeNumbers");
      const finished = events.filter((e) => e.event === "stage-end" && e.status === "succeeded").map((e) => e.stage);
      expect(again.ran.filter((s) => finished.includes(s))).toEqual([]);
    });
  }

  it("SIGINT also kills what a stage started itself (its whole process group)", async () => {
    p = new TempProject("mini");
    p.write(
      "lbg_stages/shell_sleep.ts",
      `import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { Stage, type StageContext } from "../src/sdk/index.ts";
export default class ShellSleep extends Stage {
  static outputs = { slept: "txt" } as const;
  async run(ctx: StageContext) {
    const child = spawn("sh", ["-c", "sleep 60"], { stdio: "ignore" });
    writeFileSync("shell.pid", String(child.pid));
    await new Promise((r) => child.on("exit", r));
    writeFileSync(ctx.outputs.slept!, "woke\\n");
  }
}
`,
    );
    p.write(
      "configs/pipelines/numbers/pipeline.yaml",
      `${p.read("configs/pipelines/numbers/pipeline.yaml")}  - name: ShellSleep\n`,
    );
    const child = p.spawn(["build", "numbers", "--json"]);
    const done = exited(child);
    await until(() => existsSync(p.path("shell.pid")));
    const pid = Number(p.read("shell.pid"));
    expect(isAlive(pid)).toBe(true);
    child.kill("SIGINT");
    expect((await done).code).toBe(130);
    await until(() => !isAlive(pid), 3_000);
    expect(isAlive(pid)).toBe(false);
    expect(p.exists("results/numbers/outputs/slept.txt")).toBe(false);
  });

  it("a second build of the same run names the holder and exits; --wait queues behind it", async () => {
    p = new TempProject("mini");
    const first = p.spawn(["build", "numbers", "--json", "--set", "MakeNumbers.sleep=3"]);
    const firstDone = exited(first);
    await waitForEvent(first, (e) => e.event === "stage-start");
    const second = p.lbg(["build", "numbers"]);
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toMatch(
      new RegExp(
        `^lbg: error: run 'numbers' is being built by pid ${first.pid} on \\S+ since \\S+ \\(lbg build\\) \\(hint: .*--wait`,
      ),
    );
    const waited = p.lbg(["build", "numbers", "--wait", "--set", "MakeNumbers.sleep=3"]);
    expect(waited.code).toBe(0);
    expect((await firstDone).code).toBe(0);
    expect(waited.stdout).toContain("nothing to do");
  });

  it("clean and accept during a build are refused with a hint they can follow (they have no --wait)", async () => {
    p = new TempProject("mini");
    const first = p.spawn(["build", "numbers", "--json", "--set", "MakeNumbers.sleep=3"]);
    const firstDone = exited(first);
    await waitForEvent(first, (e) => e.event === "stage-start");
    for (const cmd of ["clean", "accept"]) {
      const r = p.lbg([cmd, "numbers"]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toMatch(
        /^lbg: error: run 'numbers' is being built by .* \(hint: run this again once that build has ended\)$/,
      );
      expect(p.lbg([cmd, "--help"]).stdout).not.toContain("--wait");
    }
    expect((await firstDone).code).toBe(0);
  });

  it("a lock left by a dead process is broken automatically", () => {
    p = new TempProject("mini");
    p.write(
      ".cache/runs/numbers/lock",
      JSON.stringify({
        pid: 2 ** 22 + 17,
        host: execSync("hostname", { encoding: "utf8" }).trim(),
        since: "2026-01-01T00:00:00Z",
      }),
    );
    const r = p.build("numbers");
    expect(r.code).toBe(0);
    expect(p.exists(".cache/runs/numbers/lock")).toBe(false);
  });

  it("several builds breaking one dead lock at once: one builds at a time, the others name the holder", async () => {
    p = new TempProject("mini");
    expect(p.build("numbers", ["-n"]).code).toBe(0); // bundles the stages, so that the builds start together
    // Checking a dead holder's many (long gone) workers takes each breaker a while: they all overlap.
    const workers = Array.from({ length: 20_000 }, (_, i) => 2 ** 22 + 1000 + i);
    p.write(LOCK, JSON.stringify({ pid: 2 ** 22 + 17, host: hostname(), since: "2026-01-01T00:00:00Z", workers }));
    const runs = await Promise.all(
      Array.from({ length: 5 }, () => timed(p.spawn(["build", "numbers", "--json", "--set", "MakeNumbers.sleep=1"]))),
    );
    const built = runs.filter((r) => r.events.some((x) => x.e.event === "build-start"));
    const refused = runs.filter((r) => !built.includes(r));
    expect(built.length).toBeGreaterThanOrEqual(1);
    for (const r of built) expect(r.code, r.stderr).toBe(0);
    const windows = built
      .map((r) => [
        r.events.find((x) => x.e.event === "build-start")!.at,
        r.events.find((x) => x.e.event === "build-end")!.at,
      ])
      .sort((a, b) => a[0]! - b[0]!);
    for (let i = 1; i < windows.length; i++) expect(windows[i]![0]!).toBeGreaterThanOrEqual(windows[i - 1]![1]!);
    for (const r of refused) {
      expect(r.code, r.stderr).toBe(1);
      const m = /^lbg: error: run 'numbers' is being built by pid (\d+) on /.exec(r.stderr.trim());
      expect(m, r.stderr).not.toBeNull();
      expect(built.map((b) => b.pid)).toContain(Number(m![1]));
    }
    expect(existsSync(p.path(LOCK))).toBe(false);
    expect(p.build("numbers", ["--set", "MakeNumbers.sleep=1"]).ran).toEqual([]);
  }, 60_000);

  it("a lock held on another host: a recent heartbeat is respected, one older than 60 s is broken", () => {
    p = new TempProject("mini");
    p.write(LOCK, JSON.stringify({ pid: 1, host: "lbg-test-other-host", since: "2026-01-01T00:00:00Z" }));
    const recent = new Date(Date.now() - 50_000);
    utimesSync(p.path(LOCK), recent, recent);
    const refused = p.lbg(["build", "numbers"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toMatch(
      /^lbg: error: run 'numbers' is being built by pid 1 on lbg-test-other-host since 2026-01-01T00:00:00Z/,
    );
    expect(existsSync(p.path(LOCK))).toBe(true);
    const old = new Date(Date.now() - 61_000);
    utimesSync(p.path(LOCK), old, old);
    const r = p.build("numbers");
    expect(r.code).toBe(0);
    expect(r.ran.length).toBe(4);
    expect(existsSync(p.path(LOCK))).toBe(false);
  });

  it("the heartbeat goes on while lbg hashes a huge input on its main thread", async () => {
    p = new TempProject("mini");
    // Size a sparse input so that hashing it takes ~14 s here: longer than two heartbeats, with room for the
    // probe to have run faster than the build's hash (another test file busy on the other core).
    const probe = p.path("probe.bin");
    const fd = openSync(probe, "w");
    ftruncateSync(fd, 512 * 2 ** 20);
    closeSync(fd);
    const h = await getHasher();
    const t0 = Date.now();
    hashFileWith(h, probe);
    const bytesPerMs = (512 * 2 ** 20) / Math.max(1, Date.now() - t0);
    unlinkSync(probe);
    const big = openSync(p.path("data/big.txt"), "w");
    ftruncateSync(big, Math.min(Math.round(bytesPerMs * 14_000), 2 ** 40));
    closeSync(big);
    p.write(
      "lbg_stages/peek.ts",
      `import { statSync, writeFileSync } from "node:fs";
import { Stage, type StageContext } from "../src/sdk/index.ts";
export default class Peek extends Stage {
  static inputs = { big: "txt" } as const;
  static outputs = { peeked: "txt" } as const;
  run(ctx: StageContext) { writeFileSync(ctx.outputs.peeked!, \`\${statSync(ctx.inputs.big!).size}\\n\`); }
}
`,
    );
    p.write(
      "configs/pipelines/numbers/pipeline.yaml",
      `${p.read("configs/pipelines/numbers/pipeline.yaml")}  - name: Peek\n`,
    );
    p.write(
      "configs/runs/numbers.yaml",
      p
        .read("configs/runs/numbers.yaml")
        .replace("  notes: data/notes.txt", "  notes: data/notes.txt\n  big: data/big.txt"),
    );
    const child = p.spawn(["build", "numbers", "--json"]);
    const done = timed(child);
    let held = 0;
    let oldest = 0;
    let first: number | undefined;
    const poll = setInterval(() => {
      try {
        const age = Date.now() - statSync(p.path(LOCK)).mtimeMs;
        first ??= Date.now();
        held = Date.now() - first;
        oldest = Math.max(oldest, age);
      } catch {
        /* not taken yet, or released */
      }
    }, 100);
    const r = await done;
    clearInterval(poll);
    expect(r.code, r.stderr).toBe(0);
    expect(held, "the build held its lock long enough for the check to mean something").toBeGreaterThan(8_000);
    expect(oldest).toBeLessThan(7_500);
  }, 150_000);
});
