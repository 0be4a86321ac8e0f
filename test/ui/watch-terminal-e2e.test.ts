// `lbg watch` in a real terminal (tmux): the live view with its footer, a rebuild after an edit, and the
// keys r (rebuild) and q (quit, exit code 0, no stage process left).
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noTmux, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";
import { Tmux } from "./tmux.ts";

describe("lbg watch in a terminal", () => {
  skipAllWhen(noTmux);
  let p: TempProject;
  let tmux: Tmux;
  beforeAll(() => {
    if (noTmux) return;
    p = new TempProject("mini");
    tmux = new Tmux();
  });
  afterAll(() => {
    tmux?.kill();
    p?.remove();
  });

  it("shows the watching footer, rebuilds after an edit, r rebuilds, q quits cleanly", async () => {
    const s = tmux.start(p.dir, `node ${p.path("src/bin/lbg.mjs")} watch numbers`);
    await tmux.waitFor(
      s,
      (t) => /watching \d+ files — last build: succeeded/.test(t) && t.includes("q quit · r rebuild · f force failed"),
    );
    writeFileSync(
      p.path("configs/pipelines/numbers/config.yaml"),
      p.read("configs/pipelines/numbers/config.yaml").replace("n: 10", "n: 12"),
    );
    const after = await tmux.waitFor(
      s,
      (t) =>
        t.includes("config changed: MakeNumbers.n 10 → 12") &&
        (t.match(/watching \d+ files/g) ?? []).length >= 1 &&
        /build succeeded — 3 ran, 1 fresh/.test(t),
    );
    expect(after).toContain("changed: configs/pipelines/numbers/config.yaml");
    tmux.sendKeys(s, "r");
    await tmux.waitFor(s, (t) => /build succeeded — 0 ran, 4 fresh|nothing to do/.test(t));
    tmux.sendKeys(s, "q");
    const end = await tmux.waitFor(s, (t) => /EXIT=\d+/.test(t));
    expect(end).toContain("EXIT=0");
    expect(p.exists(".cache/runs/numbers/lock")).toBe(false);
  }, 60_000);

  it("the footer says what is watched from the first build on, and after Ctrl-C in a build that it was interrupted", async () => {
    const q = new TempProject("mini");
    try {
      const cfg = "configs/pipelines/numbers/config.yaml";
      q.write(cfg, q.read(cfg).replace("n: 10", "n: 10\n  sleep: 2"));
      const s = tmux.start(q.dir, `node ${q.path("src/bin/lbg.mjs")} watch numbers`);
      await tmux.waitFor(
        s,
        (t) => t.includes("› making 10 numbers") && /◎ watching \d+ files — last build: none yet/.test(t),
      );
      await tmux.waitFor(s, (t) => /◉ watching \d+ files — last build: succeeded/.test(t));
      writeFileSync(q.path(cfg), q.read(cfg).replace("n: 10", "n: 12"));
      await tmux.waitFor(s, (t) => t.includes("› making 12 numbers"));
      tmux.sendKeys(s, "C-c");
      const end = await tmux.waitFor(s, (t) => /EXIT=\d+/.test(t));
      expect(end).toContain("EXIT=130");
      const footer = end
        .split("\n")
        .filter((l) => /watching \d+ files/.test(l))
        .at(-1);
      expect(footer).toMatch(/last build: interrupted at \d\d:\d\d:\d\d after /);
    } finally {
      q.remove();
    }
  }, 60_000);
});
