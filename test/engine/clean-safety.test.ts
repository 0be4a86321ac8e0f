// `lbg clean` deletes only what lbg recorded as its own (plus in-progress files and logs of the run), and
// never follows a symlink out of the run's folders.
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync, lstatSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

describe("clean safety", () => {
  let p: TempProject;
  const outside = join(tmpdir(), `lbg-outside-${process.pid}`);
  afterEach(() => {
    p?.remove();
    rmSync(outside, { recursive: true, force: true });
  });

  it("a recorded output replaced by a symlink: the link goes, its target stays", () => {
    p = new TempProject("mini");
    expect(p.build("numbers").code).toBe(0);
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, "precious.txt"), "keep me\n");
    rmSync(p.path("results/numbers/outputs/total.txt"));
    symlinkSync(join(outside, "precious.txt"), p.path("results/numbers/outputs/total.txt"));
    const c = p.lbg(["clean", "numbers"]);
    expect(c.code).toBe(0);
    expect(existsSync(p.path("results/numbers/outputs/total.txt"))).toBe(false);
    expect(readFileSync(join(outside, "precious.txt"), "utf8")).toBe("keep me\n");
  });

  it("a symlinked folder inside outputs that leads outside is not entered", () => {
    p = new TempProject("mini");
    p.write(
      "configs/pipelines/numbers/config.yaml",
      p.read("configs/pipelines/numbers/config.yaml").replace("SumNumbers: {}", "SumNumbers:\n  total: sub/total.txt"),
    );
    expect(p.build("numbers").code).toBe(0);
    expect(p.read("results/numbers/outputs/sub/total.txt")).toBe("45\n");
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, "total.txt"), "not lbg's\n");
    rmSync(p.path("results/numbers/outputs/sub"), { recursive: true });
    symlinkSync(outside, p.path("results/numbers/outputs/sub"));
    const c = p.lbg(["clean", "numbers"]);
    expect(c.code).toBe(0);
    expect(c.stderr).toContain(
      "not removing results/numbers/outputs/sub/total.txt: it is outside the run's output and log folders",
    );
    expect(readFileSync(join(outside, "total.txt"), "utf8")).toBe("not lbg's\n");
    expect(lstatSync(p.path("results/numbers/outputs/sub")).isSymbolicLink()).toBe(true);
  });

  it("removes in-progress files and logs of the run, leaves other runs and unrecorded files alone", () => {
    p = new TempProject("mini");
    p.write("configs/runs/other.yaml", p.read("configs/runs/numbers.yaml"));
    expect(p.build("numbers").code).toBe(0);
    expect(p.build("other").code).toBe(0);
    p.write("results/numbers/outputs/inprogress_total.txt", "half");
    p.write("results/numbers/outputs/notes.md", "mine");
    const dry = p.lbg(["clean", "numbers", "--dry-run"]);
    expect(dry.stdout).toContain("would remove results/numbers/outputs/inprogress_total.txt");
    expect(dry.stdout).toContain("would remove results/numbers/logs/MakeNumbers.out");
    expect(dry.stdout).not.toContain("notes.md");
    expect(p.lbg(["clean", "numbers"]).code).toBe(0);
    expect(p.exists("results/numbers/outputs/inprogress_total.txt")).toBe(false);
    expect(p.read("results/numbers/outputs/notes.md")).toBe("mine");
    expect(p.read("results/other/outputs/total.txt")).toBe("45\n");
    expect(p.build("other").ran).toEqual([]);
  });
});
