// `lbg watch` keeps watching what it depends on through deletions and re-creations (issue 13, item 6), and
// a stage-load failure in a helper, once fixed, builds again (item 1).
import { mkdirSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";
import { stopAndRemoveAfterEach, Watcher } from "./watcher.ts";

const idle = (e: Record<string, any>) => e.event === "watch-idle";
const ended = (w: Watcher) =>
  w
    .events()
    .filter((e) => e.event === "build-end")
    .at(-1);

describe("lbg watch re-arms deleted paths", () => {
  let p: TempProject;
  let w: Watcher | undefined;
  stopAndRemoveAfterEach(() => ({ p, w }));

  it("an input deleted, then written again, then edited: each step is seen", async () => {
    p = new TempProject("mini");
    w = new Watcher(p);
    await w.until(idle);
    rmSync(p.path("data/notes.txt"));
    await w.until((e) => e.event === "watch-error");
    expect(w.events().find((e) => e.event === "watch-error")!.message).toMatch(/input 'notes'.*does not exist/);
    writeFileSync(p.path("data/notes.txt"), "a\nb\n");
    await w.until((e) => e.event === "build-end", 2);
    expect(ended(w)).toMatchObject({ ok: true });
    expect(p.read("results/numbers/outputs/notes_count.txt")).toBe("2\n");
    appendFileSync(p.path("data/notes.txt"), "c\nd\n");
    await w.until((e) => e.event === "build-end", 3);
    expect(p.read("results/numbers/outputs/notes_count.txt")).toBe("4\n");
  }, 90_000);

  it("the input's folder removed and made again, then the file written", async () => {
    p = new TempProject("mini");
    w = new Watcher(p);
    await w.until(idle);
    rmSync(p.path("data"), { recursive: true });
    await w.until((e) => e.event === "watch-error");
    mkdirSync(p.path("data"));
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(p.path("data/notes.txt"), "one\n");
    await w.until((e) => e.event === "build-end" && e.ok === true, 2);
    expect(p.read("results/numbers/outputs/notes_count.txt")).toBe("1\n");
    appendFileSync(p.path("data/notes.txt"), "two\n");
    await w.until((e) => e.event === "build-end" && e.ok === true, 3);
    expect(p.read("results/numbers/outputs/notes_count.txt")).toBe("2\n");
  }, 90_000);

  it("a stage config file deleted and restored (as by git checkout)", async () => {
    p = new TempProject("mini");
    const cfg = p.read("configs/pipelines/numbers/config.yaml");
    w = new Watcher(p);
    await w.until(idle);
    rmSync(p.path("configs/pipelines/numbers/config.yaml"));
    await w.until((e) => e.event === "watch-error");
    writeFileSync(p.path("configs/pipelines/numbers/config.yaml"), cfg.replace("n: 10", "n: 4"));
    await w.until((e) => e.event === "build-end", 2);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("6\n");
    writeFileSync(p.path("configs/pipelines/numbers/config.yaml"), cfg.replace("n: 10", "n: 5"));
    await w.until((e) => e.event === "build-end", 3);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("10\n");
  }, 90_000);

  it("a syntax error in an imported helper, fixed while watching, builds again", async () => {
    p = new TempProject("mini");
    const helper = p.read("lbg_stages/lib/parse-lines.ts");
    w = new Watcher(p);
    await w.until(idle);
    writeFileSync(p.path("lbg_stages/lib/parse-lines.ts"), `${helper}export const broken = ;\n`);
    await w.until((e) => e.event === "watch-error");
    expect(w.events().find((e) => e.event === "watch-error")!.message).toMatch(/parse-lines\.ts:4:23: Unexpected ";"/);
    writeFileSync(p.path("lbg_stages/lib/parse-lines.ts"), helper.replace("map(Number)", "map((x) => 2 * Number(x))"));
    await w.until((e) => e.event === "build-end", 2);
    expect(ended(w)).toMatchObject({ ok: true });
    expect(p.read("results/numbers/outputs/total.txt")).toBe("90\n");
  }, 90_000);
});
