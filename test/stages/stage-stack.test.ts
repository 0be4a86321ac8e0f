// Stack traces of stage code name the TypeScript files, project-relative (source maps in the stage bundles):
// in the stage's log, in the failed-stage tail and error line, for a throw at import and in a validate hook.
// Unit tests of the frame rewriting on hand-made stacks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stageLocation, stageStack } from "../../src/stages/stage-stack.ts";
import { TempProject } from "../helpers/temp-project.ts";

describe("stage stack traces", () => {
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject("mini");
  });
  afterAll(() => p?.remove());

  it("a stage that throws in a helper file: its log, the tail and the error line name lbg_stages/*.ts lines", () => {
    p.write(
      "lbg_stages/lib/parse-lines.ts",
      [
        "/** Parses one number per line. */",
        "export function parseLines(text: string): number[] {",
        "  const values = text.split('\\n').filter(Boolean).map(Number);",
        "  if (values.length === 7) throw new RangeError('seven is not allowed');",
        "  return values;",
        "}",
        "",
      ].join("\n"),
    );
    const r = p.lbg(["build", "numbers", "--plain", "--set", "MakeNumbers.n=7"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /FAILED\s+SumNumbers .*: RangeError: seven is not allowed \(at lbg_stages\/lib\/parse-lines\.ts:4\)$/m,
    );
    const log = p.read("results/numbers/logs/SumNumbers.out");
    expect(log).toMatch(/^ {4}at parseLines \(lbg_stages\/lib\/parse-lines\.ts:4:\d+\)$/m);
    expect(log).toMatch(/^ {4}at SumNumbers\.run \(lbg_stages\/sum_numbers\.ts:13:\d+\)$/m);
    // Nothing of the bundle, and none of lbg's own frames (the worker that called run).
    expect(log).not.toContain(".cache/bundles");
    expect(log).not.toContain("node_modules/.cache/lbg");
    expect(log).not.toContain("runStage");
    // The tail under FAILED shows the stage's frames.
    expect(r.stdout).toMatch(/\| {5}at SumNumbers\.run \(lbg_stages\/sum_numbers\.ts:13:\d+\)/);
  });

  it("a throw when the stage file loads names its line", () => {
    const src = p.read("lbg_stages/count_lines.ts");
    p.write("lbg_stages/count_lines.ts", `${src}\nif (Date.now() > 0) throw new Error("refusing to load");\n`);
    const r = p.lbg(["build", "numbers", "--plain"]);
    expect(r.code).toBe(2);
    const line = src.split("\n").length + 1;
    expect(r.stderr).toContain(`Error: refusing to load (at lbg_stages/count_lines.ts:${line})`);
    expect(r.stderr).not.toContain(".mjs");
    p.write("lbg_stages/count_lines.ts", src);
  });

  it("a validate hook that throws names its line", () => {
    const src = p.read("lbg_stages/make_numbers.ts");
    p.write(
      "lbg_stages/make_numbers.ts",
      src.replace(
        "  async run(",
        "  static validate(c: { n: number }) {\n    if (c.n === 3) throw new TypeError('three');\n    return [];\n  }\n\n  async run(",
      ),
    );
    const line = src.split("\n").findIndex((l) => l.startsWith("  async run(")) + 2;
    const r = p.lbg(["build", "numbers", "--plain", "--set", "MakeNumbers.n=3"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `TypeError: three (hint: raised by the validate hook of lbg_stages/make_numbers.ts:${line})`,
    );
    p.write("lbg_stages/make_numbers.ts", src);
  });
});

describe("stageStack", () => {
  const root = "/home/me/project";
  const err = (stack: string) => Object.assign(new Error("x"), { stack });

  it("makes stage frames project-relative and drops lbg's and Node's", () => {
    const e = err(
      [
        "Error: x",
        "    at f (file:///home/me/project/lbg_stages/lib/a.ts:3:9)",
        "    at file:///home/me/project/lbg_stages/b.ts:10:1",
        "    at read (/home/me/project/node_modules/h5wasm/dist/node/hdf5_hl.js:5:2)",
        "    at runStage (file:///home/me/lbg/node_modules/.cache/lbg/0123456789abcdef/worker.mjs:123:19)",
        "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
        "    at g (/elsewhere/lib.js:1:1)",
      ].join("\n"),
    );
    expect(stageStack(e, root)).toBe(
      [
        "Error: x",
        "    at f (lbg_stages/lib/a.ts:3:9)",
        "    at lbg_stages/b.ts:10:1",
        "    at read (node_modules/h5wasm/dist/node/hdf5_hl.js:5:2)",
        "    at g (/elsewhere/lib.js:1:1)",
      ].join("\n"),
    );
    expect(stageLocation(e, root)).toBe("lbg_stages/lib/a.ts:3");
  });

  it("names no location when no frame is the project's own code", () => {
    const e = err("Error: x\n    at read (/home/me/project/node_modules/h5wasm/x.js:5:2)\n    at node:fs:1:1");
    expect(stageLocation(e, root)).toBeUndefined();
    expect(stageStack("a string", root)).toBe("a string");
  });
});
