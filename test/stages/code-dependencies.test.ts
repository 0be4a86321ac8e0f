// What a TypeScript stage's code depends on besides the files it bundles, end to end through the real CLI:
// the tsconfig.json (and what it extends) whose `paths` decide which file an import names — the stage cache
// (src/stages/resolution-files.ts) and the no-op stamp must both see a change there — and the files a stage
// imports with `import type` only, which esbuild drops from the bundle but the type check reads
// (src/stages/program-dependencies.ts): a type error there stops the next build, stamp or not.
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";

const SUM = "lbg_stages/sum_numbers.ts";
const STAMP = ".cache/runs/numbers/noop.json";
const traced = (stderr: string) => /^lbg: noop: (.*)$/m.exec(stderr)?.[1] ?? "";

/** Builds until a no-op stamp is written (a file written within a timestamp tick is not vouched for), then
 *  checks that the next build takes it. */
function settle(p: TempProject, env: NodeJS.ProcessEnv): void {
  let r = p.build("numbers", [], env);
  for (let i = 0; i < 5 && !/stamp (written|holds)/.test(r.stderr); i++) r = p.build("numbers", [], env);
  expect(r.stderr).toMatch(/stamp (written|holds)/);
  expect(traced(p.build("numbers", [], env).stderr)).toBe("stamp holds: every stage fresh");
}

describe("tsconfig.json paths decide what a stage imports", () => {
  let p: TempProject;
  const env = { LBG_TRACE_NOOP: "1" };
  const paths = (to: string) =>
    JSON.stringify({ compilerOptions: { baseUrl: ".", paths: { "@lib/*": [`lbg_stages/${to}/*`] } } });
  beforeAll(() => {
    p = new TempProject("mini");
    const lib = p.read("lbg_stages/lib/parse-lines.ts");
    p.write("lbg_stages/lib2/parse-lines.ts", lib.replace("map(Number)", "map((s) => 2 * Number(s))"));
    p.write("tsconfig.json", paths("lib"));
    p.write(SUM, p.read(SUM).replace('"./lib/parse-lines.ts"', '"@lib/parse-lines.ts"'));
    const r = p.build("numbers", [], env);
    expect(r.code, r.stderr).toBe(0);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("45\n");
  });
  afterAll(() => p?.remove());

  it("a paths change makes the stage stale, with a no-op stamp and without", () => {
    settle(p, env);
    p.write("tsconfig.json", paths("lib2"));
    const r = p.build("numbers", [], env);
    expect(traced(r.stderr)).toBe(`stamp does not hold: ${p.path("tsconfig.json")} changed`);
    expect(r.ran).toEqual(["SumNumbers"]);
    expect(r.reasons.SumNumbers!.join(" ")).toMatch(/lbg_stages\/lib2\/parse-lines\.ts \(new import\)/);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("90\n");

    // The full check (no stamp) sees it too.
    rmSync(p.path(STAMP), { force: true });
    p.write("tsconfig.json", paths("lib"));
    const back = p.build("numbers", [], env);
    expect(traced(back.stderr)).toBe("no stamp");
    expect(back.ran).toEqual(["SumNumbers"]);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("45\n");
  });

  it("so do the tsconfig it extends and a nearer tsconfig.json that appears", () => {
    p.write("tsconfig.base.json", paths("lib"));
    p.write("tsconfig.json", JSON.stringify({ extends: "./tsconfig.base", compilerOptions: {} }));
    expect(p.build("numbers", [], env).ran).toEqual([]); // the same mapping: the same code
    settle(p, env);
    p.write("tsconfig.base.json", `// now lib2\n${paths("lib2")}`);
    const r = p.build("numbers", [], env);
    expect(traced(r.stderr)).toBe(`stamp does not hold: ${p.path("tsconfig.base.json")} changed`);
    expect(r.ran).toEqual(["SumNumbers"]);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("90\n");

    // lbg_stages/tsconfig.json is nearer to the stage file than the project's: esbuild takes it instead.
    settle(p, env);
    p.write(
      "lbg_stages/tsconfig.json",
      JSON.stringify({ compilerOptions: { baseUrl: ".", paths: { "@lib/*": ["lib/*"] } } }),
    );
    const nearer = p.build("numbers", [], env);
    expect(traced(nearer.stderr)).toMatch(/^stamp does not hold: /);
    expect(nearer.ran).toEqual(["SumNumbers"]);
    expect(p.read("results/numbers/outputs/total.txt")).toBe("45\n");
  });
});

describe("a file a stage imports with `import type` only is type-checked", () => {
  let p: TempProject;
  const ON = { LBG_TYPE_CHECK: "", LBG_TRACE_NOOP: "1" };
  const TYPES = "lbg_stages/lib/types.ts";
  let sum: string;
  beforeAll(() => {
    p = new TempProject("mini");
    p.write(TYPES, "export type Total = number;\n");
    sum = p
      .read(SUM)
      .replace(
        'import { parseLines } from "./lib/parse-lines.ts";',
        'import { parseLines } from "./lib/parse-lines.ts";\nimport type { Total } from "./lib/types.ts";',
      )
      .replace(
        "writeFileSync(ctx.outputs.total, `${values.reduce((a, b) => a + b, 0)}\\n`);",
        "const total: Total = values.reduce((a, b) => a + b, 0);\n    writeFileSync(ctx.outputs.total, `${total}\\n`);",
      );
    expect(sum).toContain("const total: Total");
    p.write(SUM, sum);
    const r = p.build("numbers", [], ON);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(() => p?.remove());

  const typeError =
    /^lbg: error: lbg_stages\/sum_numbers\.ts:17:\d+: type error TS2322: Type 'number' is not assignable to type 'string'/m;

  it("a type error it causes stops the next build (exit 2), with a no-op stamp and without", () => {
    settle(p, ON);
    p.write(TYPES, "export type Total = string;\n");
    const r = p.lbg(["build", "numbers"], { env: ON });
    expect(traced(r.stderr)).toBe(`stamp does not hold: ${p.path(TYPES)} changed`);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(typeError);

    p.write(TYPES, "export type Total = number;\n");
    expect(p.lbg(["build", "numbers"], { env: ON }).code).toBe(0);
    rmSync(p.path(STAMP), { force: true });
    p.write(TYPES, "export type Total = string;\n");
    const full = p.lbg(["build", "numbers"], { env: ON });
    expect(traced(full.stderr)).toBe("no stamp");
    expect(full.code, full.stderr).toBe(2);
    expect(full.stderr).toMatch(typeError);
    p.write(TYPES, "export type Total = number;\n");
  });

  it("a stamp written with the type check off does not answer a build that checks", () => {
    p.write(TYPES, "export type Total = string;\n");
    settle(p, { ...ON, LBG_TYPE_CHECK: "off" });
    const r = p.lbg(["build", "numbers"], { env: ON });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(typeError);
    p.write(TYPES, "export type Total = number;\n");
  });

  it("an import type of a file that does not exist yet is checked again once it is written", () => {
    p.write(SUM, sum.replace('"./lib/types.ts"', '"./lib/later.ts"'));
    const missing = p.lbg(["build", "numbers"], { env: ON });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/type error TS2307: Cannot find module '\.\/lib\/later\.ts'/);
    p.write("lbg_stages/lib/later.ts", "export type Total = number;\n");
    const written = p.lbg(["build", "numbers"], { env: ON });
    expect(written.code, written.stderr).toBe(0);
  });
});
