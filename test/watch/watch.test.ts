// `lbg watch` end to end with real file edits: only affected stages re-run, touches do nothing, a broken
// edit is shown and survived, and an edit under a running stage cancels and restarts it.
import { appendFileSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";
import { isAlive, waitUntil } from "../helpers/processes.ts";
import { stopAndRemoveAfterEach, Watcher } from "./watcher.ts";

describe("lbg watch", () => {
  let p: TempProject;
  let w: Watcher | undefined;
  stopAndRemoveAfterEach(() => ({ p, w }));

  it("re-runs only what an edit affects; a touch does nothing; a broken YAML is shown and survived", async () => {
    p = new TempProject("mini");
    w = new Watcher(p);
    await w.until((e) => e.event === "watch-idle");
    expect(w.startedAfterIdle(0).sort()).toEqual(["CountNotes", "CountNumbers", "MakeNumbers", "SumNumbers"]);

    // A stage option: that stage and its dependants.
    writeFileSync(
      p.path("configs/pipelines/numbers/config.yaml"),
      p.read("configs/pipelines/numbers/config.yaml").replace("n: 10", "n: 11"),
    );
    await w.until((e) => e.event === "watch-idle", 2);
    expect(w.startedAfterIdle(1).sort()).toEqual(["CountNumbers", "MakeNumbers", "SumNumbers"]);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("55\n");

    // A stage's code: that stage only.
    appendFileSync(p.path("lbg_stages/sum_numbers.ts"), "\n// edited\n");
    await w.until((e) => e.event === "watch-idle", 3);
    expect(w.startedAfterIdle(2)).toEqual(["SumNumbers"]);

    // A touch, and a save of identical content: no build at all.
    const later = new Date(Date.now() + 3000);
    utimesSync(p.path("data/notes.txt"), later, later);
    writeFileSync(p.path("lbg_stages/count_lines.ts"), readFileSync(p.path("lbg_stages/count_lines.ts")));
    await new Promise((r) => setTimeout(r, 800));
    expect(w.idleCount()).toBe(3);
    expect(w.events().filter((e) => e.event === "watch-change")).toHaveLength(2);

    // Broken YAML: error event, process alive; the fix rebuilds.
    const cfg = p.read("configs/pipelines/numbers/config.yaml");
    writeFileSync(p.path("configs/pipelines/numbers/config.yaml"), `${cfg}broken: [\n`);
    await w.until((e) => e.event === "watch-error");
    expect(w.events().find((e) => e.event === "watch-error")!.message).toMatch(
      /config\.yaml:\d+:\d+: YAML syntax error/,
    );
    expect(w.child.exitCode).toBe(null);
    writeFileSync(p.path("configs/pipelines/numbers/config.yaml"), cfg.replace("n: 11", "n: 12"));
    await w.until((e) => e.event === "build-end", 4);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("66\n");

    // A stage file that throws at import: shown, still watching.
    const src = p.read("lbg_stages/count_lines.ts");
    writeFileSync(p.path("lbg_stages/count_lines.ts"), `throw new Error("half-typed");\n${src}`);
    await w.until((e) => e.event === "watch-error", 2);
    expect(w.events().filter((e) => e.event === "watch-error")[1]!.message).toMatch(/half-typed/);
    writeFileSync(p.path("lbg_stages/count_lines.ts"), src);
    await w.until((e) => e.event === "build-end", 5);
    expect(
      w
        .events()
        .filter((e) => e.event === "build-end")
        .at(-1),
    ).toMatchObject({ ok: true });

    w.child.kill("SIGINT");
    expect(await w.exited).toBe(130);
  }, 90_000);

  it("an edit while a stage runs cancels that stage and restarts it with the new config", async () => {
    p = new TempProject("mini");
    p.write(
      "configs/pipelines/numbers/config.yaml",
      p.read("configs/pipelines/numbers/config.yaml").replace("n: 10", "n: 10\n  sleep: 3"),
    );
    w = new Watcher(p);
    await w.until((e) => e.event === "stage-start" && e.stage === "MakeNumbers");
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(
      p.path("configs/pipelines/numbers/config.yaml"),
      p.read("configs/pipelines/numbers/config.yaml").replace("n: 10", "n: 4").replace("sleep: 3", "sleep: 0"),
    );
    await w.until((e) => e.event === "stage-end" && e.stage === "MakeNumbers" && e.status === "succeeded");
    await w.until((e) => e.event === "watch-idle");
    const ev = w.events();
    const ends = ev.filter((e) => e.event === "stage-end" && e.stage === "MakeNumbers").map((e) => e.status);
    expect(ends).toEqual(["cancelled", "succeeded"]);
    // Said as a restart: the stage-end and the build-end of the superseded build say so (cancelled stays).
    expect(ev.find((e) => e.event === "stage-end" && e.stage === "MakeNumbers")).toMatchObject({
      status: "cancelled",
      superseded: true,
      reason: { kind: "cancelled", by: "edit" },
    });
    const builds = ev.filter((e) => e.event === "build-end");
    expect(builds).toHaveLength(2); // queued, never overlapping
    expect(builds[0]).toMatchObject({ ok: false, cancelled: 1, superseded: 1 });
    expect(p.read("results/numbers/outputs/total.txt")).toBe("6\n");
  }, 60_000);

  it("Ctrl-C during a build leaves no stage process behind", async () => {
    p = new TempProject("mini");
    w = new Watcher(p, ["--set", "MakeNumbers.sleep=20"]);
    await w.until((e) => e.event === "stage-start" && e.stage === "MakeNumbers");
    await new Promise((r) => setTimeout(r, 300));
    const workers: number[] = JSON.parse(p.read(".cache/runs/numbers/lock")).workers;
    w.child.kill("SIGINT");
    expect(await w.exited).toBe(130);
    await new Promise((r) => setTimeout(r, 300));
    for (const pid of workers) expect(isAlive(pid), `worker ${pid}`).toBe(false);
    expect(p.exists(".cache/runs/numbers/lock")).toBe(false);
  }, 60_000);

  it("Ctrl-C while the project loads starts no build", async () => {
    p = new TempProject(["mini", "slow-load"]);
    w = new Watcher(p);
    await waitUntil(() => p.exists("introspecting"), "the load to introspect the stages");
    w.child.kill("SIGINT");
    expect(await w.exited).toBe(130);
    expect(w.events().filter((e) => e.event === "build-start")).toEqual([]);
  }, 60_000);

  it("an edit saved while watch loads the project always leads to one more build (first load and later ones)", async () => {
    p = new TempProject(["mini", "slow-load"]);
    const cfg = "configs/pipelines/numbers/config.yaml";
    w = new Watcher(p);
    // The first load has read the config and is introspecting the stages when the edit lands.
    await waitUntil(() => p.exists("introspecting"), "the first load to introspect the stages");
    writeFileSync(p.path(cfg), p.read(cfg).replace("n: 10", "n: 11"));
    await w.until((e) => e.event === "watch-idle");
    expect(w.events().filter((e) => e.event === "build-start")).toHaveLength(2);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("55\n");
    // A later load: a code edit makes it introspect again, and the config is saved meanwhile.
    rmSync(p.path("introspecting"));
    appendFileSync(p.path("lbg_stages/lib/parse-lines.ts"), "\n// edited\n");
    await waitUntil(() => p.exists("introspecting"), "the second load to introspect");
    writeFileSync(p.path(cfg), p.read(cfg).replace("n: 11", "n: 12"));
    await waitUntil(() => p.read("results/numbers/outputs/total.txt") === "66\n", "a build with n: 12");
    expect(w.events().filter((e) => e.event === "build-start")).toHaveLength(4);
    await w.until((e) => e.event === "build-end", 4);
    expect(
      w
        .events()
        .filter((e) => e.event === "build-end")
        .every((e) => e.ok),
    ).toBe(true);
  }, 90_000);

  it("watches exactly what the run uses: an unused stage file, __pycache__, outputs, logs and .cache change nothing", async () => {
    p = new TempProject("mini");
    const stage = (name: string) =>
      `import { Stage } from "../src/sdk/index.ts";\nexport default class ${name} extends Stage {\n  static outputs = { ${name.toLowerCase()}: "txt" } as const;\n  run() {}\n}\n`;
    p.write("lbg_stages/unused_stage.ts", stage("Unused"));
    w = new Watcher(p);
    await w.until((e) => e.event === "watch-idle");
    appendFileSync(p.path("lbg_stages/unused_stage.ts"), "// edited\n");
    p.write("lbg_stages/__pycache__/helper.cpython-311.pyc", "bytecode");
    p.write("lbg_stages/NOTES.md", "not a stage");
    p.write("lbg_stages/lib/unused-helper.ts", "export const x = 1;\n");
    p.write("results/numbers/outputs/extra.txt", "x");
    p.write("results/numbers/logs/extra.out", "x");
    p.write(".cache/extra.json", "{}");
    await new Promise((r) => setTimeout(r, 800));
    expect(w.events().filter((e) => e.event === "watch-change")).toEqual([]);
    // A new stage file in the stage folder is noticed (it may be the class a pipeline names).
    p.write("lbg_stages/new_stage.ts", stage("Brand"));
    await w.until((e) => e.event === "watch-idle", 2);
    expect(
      w
        .events()
        .filter((e) => e.event === "watch-change")
        .map((e) => e.paths),
    ).toEqual([["lbg_stages/new_stage.ts"]]);
    expect(w.startedAfterIdle(1)).toEqual([]);
  }, 60_000);
});
