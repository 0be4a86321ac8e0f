// `none` / `None` as an input path means "no file" (TXPipe's stages test `get_input(tag) == "none"`): the
// stage is told the word as written, as ceci does (not made absolute, hashed or checked), lbg status and
// describe say "no file", and it makes no edge in the graph.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PY } from "../helpers/debian-python.ts";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

const env = { LBG_PYTHON: PY };
const PIPE = "maybe/pipeline.yml";

// PyMaybe reads `numbers` and an optional `weights`; the second instance aliases weights to the tag `none`,
// which the inputs give as the path `none` (TXPipe's lensfit pipeline does exactly this).
const pipeline = `modules: lbgtest_values
python_paths: [pylib]
stages:
  - name: PyMaybe
  - name: PyMaybeAliased
    classname: PyMaybe
    aliases: {weights: none, maybe: maybe2}
  - name: PyMaybeWeighted
    classname: PyMaybe
    aliases: {weights: real_weights, maybe: maybe3}
inputs:
  numbers: data/numbers.txt
  weights: None
  none: none
  real_weights: data/numbers.txt
config: maybe/config.yml
output_dir: maybe/out
log_dir: maybe/logs
resume: True
`;

describe("inputs given as none", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  beforeAll(() => {
    p = new TempProject(["mini", "mixed"]);
    p.write(PIPE, pipeline);
    p.write("maybe/config.yml", "global: {}\n");
    // A file that happens to be called "none" is not what the word means: it is never read or hashed.
    p.write("none", "not an input\n");
  });
  afterAll(() => p.remove());

  it("the stage gets the word as written; nothing is hashed or checked", () => {
    const r = p.build(PIPE, [], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(p.read("maybe/logs/PyMaybe.out")).toMatch(/ --weights=None --config=/);
    expect(p.read("maybe/logs/PyMaybeAliased.out")).toMatch(/ --weights=none --name=PyMaybeAliased --config=/);
    expect(p.read("maybe/out/maybe.txt")).toBe("weights: 'None'\n");
    expect(p.read("maybe/out/maybe2.txt")).toBe("weights: 'none'\n");
    expect(p.read("maybe/out/maybe3.txt")).toMatch(/^weights: '\/\S+\/data\/numbers\.txt'\n1\n/);
    p.write("none", "edited\n");
    expect(p.build(PIPE, [], env).ran).toEqual([]);
  });

  it("status says no file; dag draws no edge for it; describe names it", () => {
    const s = p.lbg(["status", PIPE], { env });
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/^fresh +PyMaybe +weights: no file$/m);
    expect(s.stdout).toMatch(/^fresh +PyMaybeAliased +weights: no file$/m);
    expect(s.stdout).toMatch(/^fresh +PyMaybeWeighted$/m);
    const j = JSON.parse(p.lbg(["status", PIPE, "--json"], { env }).stdout);
    expect(j.stages.find((x: { stage: string }) => x.stage === "PyMaybe").noFile).toEqual(["weights"]);
    const d = p.lbg(["dag", PIPE], { env }).stdout;
    expect(d).toContain('"input:numbers" -> "PyMaybe" [label="numbers"]');
    expect(d).toContain('"input:real_weights" -> "PyMaybeWeighted" [label="real_weights"]');
    expect(d).not.toMatch(/input:(weights|none)/);
    const desc = p.lbg(["describe", "PyMaybe", "--pipeline", PIPE], { env });
    expect(desc.code, desc.stderr).toBe(0);
    expect(desc.stdout).toContain(
      `In ${PIPE}:\n  PyMaybe\n    numbers ← data/numbers.txt (input numbers)\n    weights ← None (no file)\n  PyMaybeAliased\n    numbers ← data/numbers.txt (input numbers)\n    weights ← none (no file)\n`,
    );
  });

  it("a real file where there was none is a change, and back", () => {
    p.write(PIPE, pipeline.replace("  weights: None\n", "  weights: data/numbers.txt\n"));
    const r = p.build(PIPE, [], env);
    expect(r.reasons.PyMaybe).toEqual(["input path changed: weights no file → data/numbers.txt"]);
    p.write(PIPE, pipeline);
    expect(p.build(PIPE, [], env).reasons.PyMaybe).toEqual(["input path changed: weights data/numbers.txt → no file"]);
  });
});
