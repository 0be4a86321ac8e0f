// A stage file that fails to load is cached as failed (a no-op does not retry it), but the failure is keyed on
// everything the bundle read or looked for: fixing a helper, writing a helper that did not exist yet or
// installing a missing package is seen by the next build (issue 13, item 1).
import { mkdirSync, rmSync, symlinkSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO, TempProject } from "../helpers/temp-project.ts";

describe("a stage-load failure is forgotten once it is fixed", () => {
  let p: TempProject;
  afterEach(() => p?.remove());

  it("a syntax error in an imported helper, then fixed", () => {
    p = new TempProject("mini");
    expect(p.build("numbers").code).toBe(0);
    const helper = p.read("lbg_stages/lib/parse-lines.ts");
    p.write("lbg_stages/lib/parse-lines.ts", `${helper}export const broken = ;\n`);
    const broken = p.lbg(["build", "numbers"]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/parse-lines\.ts:4:23: Unexpected ";"/);
    // Cached: a second build gives the same answer without bundling again.
    expect(p.lbg(["build", "numbers"]).stderr).toBe(broken.stderr);
    p.write("lbg_stages/lib/parse-lines.ts", helper);
    const fixed = p.build("numbers");
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stderr).toBe("");
  });

  it("an import of a helper that does not exist yet, then written", () => {
    p = new TempProject("mini");
    p.write(
      "lbg_stages/sum_numbers.ts",
      p.read("lbg_stages/sum_numbers.ts").replace("./lib/parse-lines.ts", "./lib/more/numbers.ts"),
    );
    for (let i = 0; i < 2; i++) {
      const r = p.lbg(["build", "numbers"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/sum_numbers\.ts:3:\d+: Could not resolve "\.\/lib\/more\/numbers\.ts"/);
    }
    p.write("lbg_stages/lib/more/numbers.ts", p.read("lbg_stages/lib/parse-lines.ts"));
    const r = p.build("numbers");
    expect(r.code, r.stderr).toBe(0);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("45\n");
  });

  it("an npm package that is not installed, then installed", () => {
    p = new TempProject("mini");
    // A node_modules of the project's own, so that a package can be added to it.
    rmSync(p.path("node_modules"));
    mkdirSync(p.path("node_modules"));
    for (const e of readdirSync(join(REPO, "node_modules")))
      symlinkSync(join(REPO, "node_modules", e), p.path("node_modules", e));
    p.write(
      "lbg_stages/count_lines.ts",
      `import { pad } from "lbg-test-pad";\nconsole.log(pad);\n${p.read("lbg_stages/count_lines.ts")}`,
    );
    const r1 = p.lbg(["build", "numbers"]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/count_lines\.ts: failed to load: .*Cannot find package 'lbg-test-pad'/);
    mkdirSync(p.path("node_modules/lbg-test-pad"));
    writeFileSync(
      p.path("node_modules/lbg-test-pad/package.json"),
      '{"name":"lbg-test-pad","version":"1.0.0","type":"module","main":"index.js"}\n',
    );
    writeFileSync(p.path("node_modules/lbg-test-pad/index.js"), "export const pad = 1;\n");
    const r2 = p.build("numbers");
    expect(r2.code, r2.stderr).toBe(0);
  });
});
