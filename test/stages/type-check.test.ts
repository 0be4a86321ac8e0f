// The type check of stage files, end to end through the real CLI (issue 16 item 4): a type error in a stage
// file the run uses stops `lbg build` before any stage runs, naming file:line (exit 2); `--type-check warn`,
// the site file's `type_check:` and LBG_TYPE_CHECK choose a warning instead; answers are cached by content
// (a second build loads no compiler; an edit re-checks only the stage files that import the edited file);
// stage files the run does not use are not checked; `lbg watch` shows the type error of an edited stage and
// builds again once it is fixed. The test rig turns the check off by default: these tests turn it on.
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "../helpers/temp-project.ts";
import { stopAndRemoveAfterEach, Watcher } from "../watch/watcher.ts";

const ON = { LBG_TYPE_CHECK: "", LBG_TRACE_TYPES: "1" };
/** What the check said it did (LBG_TRACE_TYPES): [stage files checked, answered from the cache]. */
const traced = (stderr: string): [number, number] | undefined => {
  const m = /lbg: types: (\d+) stage files? checked, (\d+) from the cache/.exec(stderr);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
};

// The bug of the issue: a string where the SDK says a number, which built "successfully" and wrote NaN.
const SUM = "lbg_stages/sum_numbers.ts";
const withTypeError = (src: string) =>
  src.replace(
    "const values = parseLines(",
    'const scale: number = ctx.config.fail ? "2" : 1;\n    const values = parseLines(',
  );

describe("type check of the stage files a run uses", () => {
  let p: TempProject;
  let sum: string;
  beforeAll(() => {
    p = new TempProject("mini");
    sum = p.read(SUM);
  });
  afterAll(() => p?.remove());

  it("a type error stops the build before any stage runs, naming file, line and column", () => {
    p.write(SUM, withTypeError(sum));
    const r = p.lbg(["build", "numbers"], { env: ON });
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.split("\n").filter((l) => l && !l.startsWith("lbg: types:"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^lbg: error: lbg_stages\/sum_numbers\.ts:13:11: type error TS2322: Type 'string \| number' is not assignable to type 'number'\..* \(hint: fix it, or run anyway with --type-check warn/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(p.exists("results/numbers/logs/MakeNumbers.out"), "no stage ran").toBe(false);
  }, 120_000);

  it("answered from the cache while the stage files are unchanged: no compiler is loaded", () => {
    const r = p.lbg(["build", "numbers"], { env: ON });
    expect(r.code).toBe(2);
    expect(traced(r.stderr)).toEqual([0, 3]);
  });

  it("--type-check warn, the site file and LBG_TYPE_CHECK make it a warning; the flag beats the site file", () => {
    const warn = p.lbg(["build", "numbers", "--json", "--type-check", "warn"], { env: ON });
    expect(warn.code, warn.stderr).toBe(0);
    const warnings = warn.events.filter((e) => e.event === "warning").map((e) => e.message);
    expect(warnings).toContainEqual(
      expect.stringMatching(/^lbg_stages\/sum_numbers\.ts:13:11: type error TS2322: Type 'string \| number'/),
    );
    expect(p.read("results/numbers/outputs/total.txt")).toBe("45\n");

    p.write("configs/sites/local.yaml", "site:\n  name: local\n  type_check: warn\n");
    expect(p.lbg(["build", "numbers", "--force", "SumNumbers"], { env: ON }).code).toBe(0);
    expect(p.lbg(["build", "numbers", "--type-check", "error"], { env: ON }).code).toBe(2);
    p.write("configs/sites/local.yaml", "site:\n  name: local\n  type_check: strict\n");
    const bad = p.lbg(["build", "numbers"], { env: ON });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(
      /^lbg: error: configs\/sites\/local\.yaml:3:\d+: site type_check must be error, warn or off, not "strict"/,
    );
    p.write("configs/sites/local.yaml", "site:\n  name: local\n");

    expect(p.lbg(["build", "numbers", "--force", "SumNumbers"], { env: { ...ON, LBG_TYPE_CHECK: "warn" } }).code).toBe(
      0,
    );
    const off = p.lbg(["build", "numbers", "--force", "SumNumbers"], { env: { ...ON, LBG_TYPE_CHECK: "off" } });
    expect(off.code).toBe(0);
    expect(traced(off.stderr), "off: nothing checked").toBe(undefined);
    const typo = p.lbg(["build", "numbers"], { env: { ...ON, LBG_TYPE_CHECK: "warning" } });
    expect(typo.code).toBe(2);
    expect(typo.stderr.trim()).toBe('lbg: error: LBG_TYPE_CHECK "warning": expected error, warn or off');
    const flag = p.lbg(["build", "numbers", "--type-check", "warning"], { env: ON });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--type-check warning: expected error, warn or off/);
  }, 240_000);

  it("an edit re-checks only the stage files that use the edited file; the project's tsconfig.json counts", () => {
    p.write(SUM, `import { existsSync } from "node:fs";\n${sum}`);
    const r = p.lbg(["build", "numbers", "--json"], { env: ON });
    expect(r.code, r.stderr).toBe(0);
    expect(traced(r.stderr)).toEqual([1, 2]);
    expect(r.events.filter((e) => e.event === "warning")).toEqual([]);
    // A helper file: the stage files importing it (SumNumbers), not the others.
    p.write("lbg_stages/lib/parse-lines.ts", `${p.read("lbg_stages/lib/parse-lines.ts")}\n// edited\n`);
    expect(traced(p.lbg(["build", "numbers"], { env: ON }).stderr)).toEqual([1, 2]);
    // The project's own options (here noUnusedLocals) are what the check uses: every stage file again. An
    // unused import cannot change a result: a warning, whatever the mode.
    p.write(
      "tsconfig.json",
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          allowImportingTsExtensions: true,
          noEmit: true,
          strict: true,
          noUnusedLocals: true,
          skipLibCheck: true,
          types: ["node"],
        },
      }),
    );
    const unused = p.lbg(["build", "numbers", "--json"], { env: ON });
    expect(unused.code, unused.stderr).toBe(0);
    expect(traced(unused.stderr)).toEqual([3, 0]);
    expect(unused.events.filter((e) => e.event === "warning").map((e) => e.message)).toEqual([
      expect.stringMatching(/^lbg_stages\/sum_numbers\.ts:1:1: type warning TS6133: 'existsSync' is declared/),
    ]);
    p.write(SUM, sum);
  }, 240_000);

  it("stage files the run does not use are not checked", () => {
    // A broken stage in the same folder, used by another run only.
    p.write(
      "lbg_stages/broken_stage.ts",
      [
        'import { Stage } from "#lbg/sdk";',
        "export default class BrokenStage extends Stage {",
        '  static doc = "never used by the numbers run";',
        "  run() { const n: number = 'x'; return n; }",
        "}",
        "",
      ].join("\n"),
    );
    const r = p.lbg(["build", "numbers"], { env: ON });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/broken_stage/);
    expect(traced(r.stderr)![0] + traced(r.stderr)![1]).toBe(3);
  }, 120_000);
});

describe("lbg watch shows the type error of an edited stage", () => {
  let p: TempProject;
  let w: Watcher | undefined;
  stopAndRemoveAfterEach(() => ({ p, w }));

  it("the edit's type error is a watch-error naming file:line; still watching; the fix builds", async () => {
    p = new TempProject("mini");
    w = new Watcher(p, [], "numbers", ON);
    await w.until((e) => e.event === "watch-idle", 1, 120_000);
    const sum = p.read(SUM);
    writeFileSync(p.path(SUM), withTypeError(sum));
    await w.until((e) => e.event === "watch-error", 1, 120_000);
    expect(w.events().find((e) => e.event === "watch-error")!.message).toMatch(
      /lbg_stages\/sum_numbers\.ts:13:11: type error TS2322: Type 'string \| number' is not assignable to type 'number'/,
    );
    expect(w.startedAfterIdle(1), "no stage ran").toEqual([]);
    expect(w.child.exitCode).toBe(null);
    writeFileSync(p.path(SUM), sum.replace("reduce((a, b) => a + b, 0)", "reduce((a, b) => a + b, 1)"));
    await w.until((e) => e.event === "build-end", 2, 120_000);
    expect(
      w
        .events()
        .filter((e) => e.event === "build-end")
        .at(-1),
    ).toMatchObject({ ok: true });
    expect(p.read("results/numbers/outputs/total.txt")).toBe("46\n");
  }, 300_000);
});
