// ceci's `to` / `from` in a ceci pipeline file or as overrides: build, status and dag see only the stages
// downstream of `from` and upstream of `to` (stage names or file tags); inputs made by a left-out stage
// must exist from an earlier build. Also the dry run's summary line.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PY } from "../helpers/debian-python.ts";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

const env = { LBG_PYTHON: PY };
const FILE = "ceci/trim.yml";
// numbers → PyScale → scaled → PyScaleTwice → scaled_twice → PyConcat (+ numbers) → joined; numbers → PyTotal
const PIPELINE = `modules: lbgtest_stages
python_paths: pylib
stages:
  - name: PyScale
  - name: PyScaleTwice
    classname: PyScale
    aliases: {numbers: scaled, scaled: scaled_twice}
  - name: PyConcat
    aliases: {first: numbers, second: scaled_twice}
  - name: PyTotal
inputs:
  numbers: ./data/numbers.txt
config: ./ceci/config.yml
resume: True
output_dir: ./ceci/trim-out
log_dir: ./ceci/trim-logs
`;

describe("to and from", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  const states = (...args: string[]) => {
    const s = p.lbg(["status", FILE, ...args, "--json"], { env });
    expect(s.code, s.stderr).toBe(0);
    return Object.fromEntries(
      JSON.parse(s.stdout).stages.map((x: { stage: string; state: string }) => [x.stage, x.state]),
    );
  };
  beforeEach(() => {
    p = new TempProject(["mini", "mixed"]);
    p.write(FILE, PIPELINE);
  });
  afterEach(() => p?.remove());

  it("to=<stage> builds that stage and what it needs, nothing else", () => {
    const r = p.build(FILE, ["to=PyScaleTwice"], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.ran.sort()).toEqual(["PyScale", "PyScaleTwice"]);
    expect(states("to=PyScaleTwice")).toEqual({ PyScale: "fresh", PyScaleTwice: "fresh" });
    expect(states()).toEqual({ PyScale: "fresh", PyScaleTwice: "fresh", PyConcat: "stale", PyTotal: "stale" });
  });

  it("from=<tag> re-runs only the readers of that file and what follows, with resume=False", () => {
    expect(p.build(FILE, [], env).code).toBe(0);
    const r = p.build(FILE, ["from=scaled_twice", "resume=False"], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.ran).toEqual(["PyConcat"]);
    expect(new Set(Object.values(states()))).toEqual(new Set(["fresh"]));
  });

  it("a file made by a stage that from leaves out must exist: one line saying which stage makes it", () => {
    const r = p.lbg(["build", FILE, "from=PyScaleTwice"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^lbg: error: command line: input 'scaled' \(needed by PyScaleTwice\) does not exist: ceci\/trim-out\/scaled\.txt \(hint: stage PyScale makes it, and 'to'\/'from' leave that stage out: build it first\)$/,
    );
  });

  it("to: in the file takes a list of stages; dag shows only them", () => {
    p.write(FILE, `${PIPELINE}to: [PyScale, PyTotal]\n`);
    const d = p.lbg(["dag", FILE], { env });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toContain('"PyScale" [label=');
    expect(d.stdout).toContain('"PyTotal" [label=');
    expect(d.stdout).not.toContain('"PyConcat"');
    expect(d.stdout).not.toContain('"PyScaleTwice"');
  });

  it("a name that is neither a stage nor a tag is an error with a did-you-mean", () => {
    const r = p.lbg(["status", FILE, "to=PyScal"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "lbg: error: command line: to: 'PyScal' is neither a stage nor a file tag of this pipeline (hint: did you mean 'PyScale'?)",
    );
    p.write(FILE, `${PIPELINE}from: PyTotal\nto: PyConcat\n`);
    const e = p.lbg(["status", FILE], { env });
    expect(e.code).toBe(2);
    expect(e.stderr.trim()).toMatch(
      /^lbg: error: ceci\/trim\.yml:\d+:7: from: PyTotal and to: PyConcat select no stage/,
    );
  });

  it("a dry run's summary counts what would run", () => {
    const r = p.lbg(["build", FILE, "to=PyScaleTwice", "--dry-run"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\nlbg: dry run — 2 would run, 0 fresh in \S+\n$/);
    expect(r.stdout).not.toContain("nothing to do");
  });
});
