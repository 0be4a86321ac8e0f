// `lbg init [dir]`: a new project that builds at once and whose own test passes; never overwrites a file.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InitProject, runLbg } from "../helpers/init-project.ts";
import { REPO } from "../helpers/temp-project.ts";

describe("lbg init", () => {
  let p: InitProject;
  beforeAll(() => {
    p = new InitProject();
  });
  afterAll(() => p?.remove());

  it("writes a project that depends on this checkout by path and maps #lbg/sdk into it", () => {
    expect(p.init.stdout).toContain("created an lbg project in my-analysis");
    const pkg = JSON.parse(p.read("package.json"));
    expect(pkg.devDependencies.lbg).toBe(`file:${REPO}`);
    expect(pkg.imports["#lbg/sdk"]).toBe("lbg/src/sdk/index.ts");
    // The packages #lbg/catalog loads at run time, at lbg's own versions.
    const lbgPkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
    expect(pkg.dependencies.h5wasm).toBe(lbgPkg.dependencies.h5wasm);
    for (const f of ["configs/runs/example.yaml", "lbg_stages/make_numbers.ts", "test/example.test.mjs", ".gitignore"])
      expect(existsSync(p.path(f)), f).toBe(true);
  });

  it("builds the example run at once, then finds it fresh", () => {
    const r = p.lbg(["build", "example", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.events.filter((e) => e.event === "stage-start").map((e) => e.stage)).toEqual([
      "MakeNumbers",
      "SummarizeNumbers",
    ]);
    expect(p.read("results/example/outputs/summary.yml")).toMatch(/^count: 100$/m);
    const again = p.lbg(["build", "example", "--json"]);
    expect(again.events.filter((e) => e.event === "stage-fresh")).toHaveLength(2);
  });

  it("an edit of the SDK in the lbg checkout is part of the stages' code (bundled, not left to Node)", () => {
    const bundles = readFileSync(p.path(".cache", "stages", "lbg_stages__make_numbers.ts.json"), "utf8");
    expect(bundles).toContain("src/sdk/stage.ts");
  });

  it("the project's own test (npm test: node --test) passes", () => {
    const r = spawnSync(process.execPath, ["--test", "test/"], { cwd: p.dir, encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/# pass 2/);
  });

  it("its stages type-check with the project's tsconfig", () => {
    const r = spawnSync(process.execPath, [join(REPO, "node_modules", "typescript", "bin", "tsc"), "-p", "."], {
      cwd: p.dir,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.status, r.stdout).toBe(0);
  });
});

describe("lbg init refuses to clobber", () => {
  const parent = mkdtempSync(join(tmpdir(), "lbg-init-"));
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it("a folder that is not empty: exit 2, one line, nothing written", () => {
    const dir = join(parent, "busy");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "mine\n");
    const r = runLbg(["init", "busy", "--no-install"], parent);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/busy is not empty \(notes\.txt\).*--force/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(dir, "configs"))).toBe(false);
  });

  it("--force adds the missing files and keeps every existing one as it was", () => {
    const dir = join(parent, "half");
    mkdirSync(join(dir, "configs", "runs"), { recursive: true });
    writeFileSync(join(dir, "configs", "runs", "example.yaml"), "pipelines: [mine]\n");
    writeFileSync(join(dir, "README.md"), "my readme\n");
    const r = runLbg(["init", "half", "--force", "--no-install"], parent);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "configs", "runs", "example.yaml"), "utf8")).toBe("pipelines: [mine]\n");
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("my readme\n");
    expect(r.stderr).toContain("kept half/README.md");
    expect(existsSync(join(dir, "lbg_stages", "make_numbers.ts"))).toBe(true);
  });

  it("a path that is a file: exit 2", () => {
    writeFileSync(join(parent, "afile"), "x");
    const r = runLbg(["init", "afile", "--no-install"], parent);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("afile is not a folder");
  });

  it("a fresh git repository counts as empty", () => {
    const dir = join(parent, "repo");
    mkdirSync(join(dir, ".git"), { recursive: true });
    const r = runLbg(["init", "repo", "--no-install"], parent);
    expect(r.code, r.stderr).toBe(0);
  });
});
