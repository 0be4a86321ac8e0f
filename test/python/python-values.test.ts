// How option values reach a Python ceci stage: converted as ceci converts them (cast_value), floats kept floats
// (2.0 is not 2), nan and ±inf carried through introspection, the fingerprint, the merged config file and
// `lbg describe`, and rejected only where ceci rejects them. What the stage saw is read back through the ceci
// stand-in's own parsing (test/fixtures/mixed/pylib/lbgtest_values writes repr() of each value), and the
// merged config file is read back with PyYAML.
import { spawnSync } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PY } from "../helpers/debian-python.ts";
import { noPython, skipAllWhen } from "../helpers/requirements.ts";
import { TempProject } from "../helpers/temp-project.ts";

const env = { LBG_PYTHON: PY };
const PIPE = "typed/pipeline.yml";
const CFG = "typed/config.yml";

const pipeline = `modules: lbgtest_values
python_paths: [pylib]
stages:
  - name: PyTyped
inputs: {}
config: ${CFG}
output_dir: typed/out
log_dir: typed/logs
resume: True
`;

const config = `global:
  sigma: 2
PyTyped:
  count: 7.9
  label: 2.0
  bands: riz
  flag: "no"
  edges: [0.0, 0.5, 1, 2.0]
  anything: [1, 2.0, "3", null, {a: .nan, b: -.inf}, "yes", "1_000", "1:30", "~", "2024-01-01", "1e3", "off"]
  mapping: [[x, 1.5], [y, 2.0]]
  extra_float: 2.0
  extra_list: [1.0, 2, -0.0, 1.0e+20, 0.1]
`;

// What ceci's rules give (ceci/config.py cast_value, PyYAML's loader), as the stage prints it.
const expected = `ra_cent: nan float
max_mag: inf float
min_mag: -inf float
zmax: 3.0 float
nbin: 5 int
sigma: 2.0 float
bands: ['r', 'i', 'z'] list
flag: True bool
count: 7 int
label: '2.0' str
edges: [0.0, 0.5, 1, 2.0] list
anything: [1, 2.0, '3', None, {'a': nan, 'b': -inf}, 'yes', '1_000', '1:30', '~', '2024-01-01', '1e3', 'off'] list
param: 1.0 float
pair: (1, 2) tuple
mapping: {'x': 1.5, 'y': 2.0} dict
word: 'none' str
extra_float: 2.0 float
extra_list: [1.0, 2, -0.0, 1e+20, 0.1] list
`;

describe("option values of Python stages", () => {
  skipAllWhen(noPython);
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject(["mini", "mixed"]);
    p.write(PIPE, pipeline);
    p.write(CFG, config);
  });
  afterEach(() => p.remove());

  const mergedConfig = () => {
    const log = p.read("typed/logs/PyTyped.out");
    return /--config=(\S+)/.exec(log)![1]!;
  };

  it("the stage gets each value converted as ceci converts it, with floats, nan and inf intact", () => {
    const r = p.build(PIPE, [], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(p.read("typed/out/typed.txt")).toBe(expected);
    // Undeclared keys reach the stage (ceci passes them on): no warning unless one looks like a slip.
    expect(r.stdout + r.stderr).not.toContain("warning");
    // The merged file as PyYAML reads it: what lbg fingerprinted, in Python's own types.
    const text = p.read(mergedConfig().replace(`${p.dir}/`, ""));
    expect(text).toContain("  ra_cent: .nan\n  max_mag: .inf\n  min_mag: -.inf\n  zmax: 3.0\n");
    const read = spawnSync(
      PY,
      [
        "-c",
        "import sys, yaml; d = yaml.safe_load(open(sys.argv[1]))['PyTyped']; print(repr(d['sigma']), repr(d['edges']), repr(d['extra_list']), repr(d['anything'][5:]))",
        mergedConfig(),
      ],
      { encoding: "utf8" },
    );
    expect(read.stdout.trim()).toBe(
      "2.0 [0.0, 0.5, 1, 2.0] [1.0, 2, -0.0, 1e+20, 0.1] ['yes', '1_000', '1:30', '~', '2024-01-01', '1e3', 'off']",
    );
  });

  it("nan and inf defaults keep the stage fresh: the fingerprint survives its JSON record", () => {
    expect(p.build(PIPE, [], env).code).toBe(0);
    const s = p.lbg(["status", PIPE, "--json"], { env });
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout).stages).toEqual([{ stage: "PyTyped", state: "fresh", reasons: [] }]);
    // An int written where a float is declared is the same value to the stage: still fresh.
    p.write(CFG, config.replace("sigma: 2\n", "sigma: 2.0\n"));
    expect(JSON.parse(p.lbg(["status", PIPE, "--json"], { env }).stdout).stages[0].state).toBe("fresh");
    // In a list nothing is converted, so 1 → 1.0 is a change.
    p.write(CFG, config.replace("[0.0, 0.5, 1, 2.0]", "[0.0, 0.5, 1.0, 2.0]"));
    const r = p.build(PIPE, [], env);
    expect(r.reasons.PyTyped).toEqual(["config changed: PyTyped.edges [0.0, 0.5, 1, 2.0] → [0.0, 0.5, 1.0, 2.0]"]);
  });

  it("warnings only for likely slips: a near miss of a declared option or stage; other sections once per file", () => {
    p.write(CFG, `${config}  sigmaa: 3\nPyTyppd:\n  a: 1\nOtherStage:\n  b: 2\nThirdStage: {}\n`);
    const r = p.lbg(["status", PIPE], { env });
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split("\n").filter((l) => l.startsWith("warning"));
    expect(warnings).toEqual([
      `warning: ${CFG}:14:1: config section 'PyTyppd' matches no stage of run '${/run '([^']+)'/.exec(r.stderr)![1]}' (hint: did you mean 'PyTyped'?)`,
      expect.stringMatching(
        new RegExp(
          `^warning: ${CFG}: 2 config sections match no stage of run '[^']+' and are not used: OtherStage, ThirdStage$`,
        ),
      ),
      `warning: ${CFG}:13:3: unknown option 'sigmaa' for stage 'PyTyped' (class PyTyped): the class does not declare it (ceci passes it on as it is) (hint: did you mean 'sigma'?)`,
    ]);
  });

  it("ints beyond 2^53, dates and zoned datetimes, YAML 1.1 numbers: the stage gets PyYAML's values exactly", () => {
    p.write(
      CFG,
      config.replace("  label: 2.0\n", "  label: 2020-01-02\n") +
        "  extra_big: 12345678901234567890\n  extra_neg_big: -98765432109876543210\n  extra_date: 2001-12-14\n" +
        "  extra_when: 2001-12-14 21:59:43.10 -5\n  extra_naive: 2001-12-14 21:59:43.000001\n" +
        "  extra_sexa: 1:20\n  extra_octal: 017\n  extra_exp: 1e-5\n",
    );
    const r = p.build(PIPE, [], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const seen = p.read("typed/out/typed.txt");
    expect(seen).toContain("label: '2020-01-02' str\n"); // ceci's str(date)
    expect(seen).toContain(
      [
        "extra_big: 12345678901234567890 int",
        "extra_date: datetime.date(2001, 12, 14) date",
        "extra_exp: '1e-5' str",
        "extra_float: 2.0 float",
        "extra_list: [1.0, 2, -0.0, 1e+20, 0.1] list",
        "extra_naive: datetime.datetime(2001, 12, 14, 21, 59, 43, 1) datetime",
        "extra_neg_big: -98765432109876543210 int",
        "extra_octal: 15 int",
        "extra_sexa: 80 int",
        "extra_when: datetime.datetime(2001, 12, 14, 21, 59, 43, 100000, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=68400))) datetime",
      ].join("\n"),
    );
    // Still fresh: the values (dates included) survive the YAML cache and the fingerprint's JSON record.
    expect(JSON.parse(p.lbg(["status", PIPE, "--json"], { env }).stdout).stages[0].state).toBe("fresh");
    // Another date is another config.
    p.write(CFG, p.read(CFG).replace("extra_date: 2001-12-14", "extra_date: 2001-12-15"));
    const s = JSON.parse(p.lbg(["status", PIPE, "--json"], { env }).stdout).stages[0];
    expect(s.reasons).toEqual(["config changed: PyTyped.extra_date 2001-12-14 → 2001-12-15"]);
    // ceci hands the stage the undeclared keys of global: too, so they are part of its config.
    expect(p.build(PIPE, [], env).code).toBe(0);
    p.write(CFG, p.read(CFG).replace("global:\n", "global:\n  extra_glob: 1\n"));
    const g = p.build(PIPE, [], env);
    expect(g.reasons.PyTyped).toEqual(["config changed: PyTyped.extra_glob (unset) → 1"]);
    expect(p.read("typed/out/typed.txt")).toContain("extra_glob: 1 int\n");
  });

  it("--set values are converted the same way", () => {
    const r = p.build(PIPE, ["--set", "PyTyped.sigma=3", "--set", "PyTyped.edges=[1, 2.0, .nan]"], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(p.read("typed/out/typed.txt")).toContain("sigma: 3.0 float\n");
    expect(p.read("typed/out/typed.txt")).toContain("edges: [1, 2.0, nan] list\n");
  });

  it("lbg describe shows nan, inf and Python-only defaults as Python writes them", () => {
    const d = p.lbg(["describe", "PyTyped", "--pipeline", PIPE], { env });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toContain("ra_cent (float, default nan)");
    expect(d.stdout).toContain("max_mag (float, default inf)");
    expect(d.stdout).toContain("min_mag (float, default -inf)");
    expect(d.stdout).toContain("param (float, default 1.0): a float given as 1");
    expect(d.stdout).toContain("pair (list, default (1, 2))");
    expect(d.stdout).toContain("edges (list, default [<class 'float'>])");
  });

  it("options declared through a shared StageConfig (RAIL's SHARED_PARAMS) read as ceci reads them", () => {
    p.write(PIPE, pipeline.replace("  - name: PyTyped\n", "  - name: PyShared\n"));
    p.write(CFG, "PyShared:\n  zmin: 1\n");
    const d = p.lbg(["describe", "PyShared", "--pipeline", PIPE], { env });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toContain("  zmin (float, default 0.0): min z\n  nzbins (int, default 301): n bins\n");
    // A function's repr without its address, which changes every run (the fingerprint must not).
    expect(d.stdout).toContain("  marg_rules (dict, default {'flag': nan, 'f': <function PyShared.<lambda>>})\n");
    const r = p.build(PIPE, [], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(p.read("typed/out/shared.txt")).toBe("zmin: 1.0\nnzbins: 301\n");
  });

  it("a class lbg cannot describe is an error naming it, at its definition", () => {
    p.write(
      "pylib/odd_stages.py",
      "from ceci import PipelineStage, TextFile\n\n\nclass Odd(dict):\n    def items(self):\n        raise RuntimeError('no items')\n\n\nclass OddStage(PipelineStage):\n    inputs = []\n    outputs = [('o', TextFile)]\n    config_options = Odd(a=1)\n\n    def run(self):\n        pass\n",
    );
    p.write(PIPE, pipeline.replace("modules: lbgtest_values", "modules: odd_stages").replace("PyTyped", "OddStage"));
    const r = p.lbg(["dag", PIPE], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "lbg: error: typed/pipeline.yml:1:10: Python module 'odd_stages' failed to import: pylib/odd_stages.py:9: class odd_stages.OddStage: RuntimeError: no items (hint: check the module name, python_paths and the interpreter (LBG_PYTHON))",
    );
  });

  it("an interpreter that prints megabytes and no answer: one short line, the whole output in a file", () => {
    p.write("pylib/noisy_mod.py", 'import os, sys\nsys.stdout.write("x" * 3000000)\nsys.stdout.flush()\nos._exit(0)\n');
    p.write(PIPE, pipeline.replace("modules: lbgtest_values", "modules: noisy_mod"));
    const r = p.lbg(["dag", PIPE], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.length).toBeLessThan(700);
    expect(r.stderr).toMatch(
      /^lbg: error: typed\/pipeline\.yml:1:\d+: reading Python module noisy_mod failed: x{300}… \(2999700 more characters in \.cache\/python\/introspection-failure\.log\)/,
    );
    expect(p.read(".cache/python/introspection-failure.log")).toContain("x".repeat(3000000));
  });

  for (const [value, message] of [
    [
      "count: abc",
      `must be an int: ceci's int("abc") fails (Value of type <class 'str'>, when <class 'int'> was expected.)`,
    ],
    ["count: .inf", "must be an int: ceci's int(inf) fails (OverflowError: cannot convert float infinity to integer)"],
    [
      "sigma: [1]",
      "must be a float: ceci's float([1]) fails (Value of type <class 'list'>, when <class 'float'> was expected.)",
    ],
    [
      "bands: 5",
      "must be a list: ceci's list(5) fails (Value of type <class 'int'>, when <class 'list'> was expected.)",
    ],
    [
      "mapping: abc",
      `must be a dict: ceci's dict("abc") fails (Value of type <class 'str'>, when <class 'dict'> was expected.)`,
    ],
  ] as const) {
    it(`what ceci rejects is an error at the value: ${value}`, () => {
      const key = value.split(":")[0]!;
      p.write(CFG, `${config.replace(new RegExp(`\\n  ${key}: .*`), "")}  ${value}\n`);
      const line = p.read(CFG).split("\n").length - 1;
      const r = p.lbg(["build", PIPE], { env });
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(
        `lbg: error: ${CFG}:${line}:${key.length + 5}: option '${key}' of stage 'PyTyped' ${message}`,
      );
      // The stand-in (as ceci) refuses the same value when the stage starts.
      const s = spawnSync(PY, ["-m", "lbgtest_values", "PyTyped", `--config=${CFG}`, "--typed=t.txt"], {
        cwd: p.dir,
        env: { ...process.env, PYTHONPATH: p.path("pylib") },
        encoding: "utf8",
      });
      expect(s.status).not.toBe(0);
      expect(s.stderr).toContain(
        `Error configuring PyTyped: ${message.replace(/^.*fails \((\w+Error: )?/, "").slice(0, -1)}`,
      );
    });
  }
});
