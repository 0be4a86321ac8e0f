// Python values in lbg (src/config/py-value.ts, py-yaml-dump.ts, src/stages/ceci-cast.ts): reprs as Python
// writes them, YAML that PyYAML reads back as the same values, and ceci's conversions. Checked against
// Debian's python3 + PyYAML where they are, as pure logic otherwise.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { YamlFile } from "../../src/config/yaml-file.ts";
import { describe, expect, it } from "vitest";
import { dumpPyYaml } from "../../src/config/py-yaml-dump.ts";
import { fromTaggedJson, PyFloat, PyOpaque, pyFloatRepr, pyRepr, toTaggedJson } from "../../src/config/py-value.ts";
import { ceciCast } from "../../src/stages/ceci-cast.ts";
import { PY } from "../helpers/debian-python.ts";
import { noPython } from "../helpers/requirements.ts";

const python = (code: string, input: string) => spawnSync(PY, ["-c", code], { input, encoding: "utf8" });

const FLOATS = [
  0.1,
  0.5,
  1.5,
  -2.25,
  1 / 3,
  1e-4,
  1.5e-5,
  1e-5,
  123456.789,
  1e15,
  1e16,
  1.2345678901234568e16,
  1e21,
  5e-324,
  1.7976931348623157e308,
  -1e-300,
  2.5e-7,
  0.001,
  2 ** 53 + 2,
  1e22,
  123e18,
  0,
  -0,
  2,
  1e20,
];

describe("Python values", () => {
  it("pyFloatRepr writes what Python's repr writes", () => {
    expect(FLOATS.map(pyFloatRepr).slice(0, 4)).toEqual(["0.1", "0.5", "1.5", "-2.25"]);
    expect(pyFloatRepr(1e16)).toBe("1e+16");
    expect(pyFloatRepr(1e-5)).toBe("1e-05");
    expect(pyFloatRepr(-0)).toBe("-0.0");
    expect(pyFloatRepr(2)).toBe("2.0");
    expect([NaN, Infinity, -Infinity].map(pyFloatRepr)).toEqual(["nan", "inf", "-inf"]);
  });

  it("...checked against python3 itself", (ctx) => {
    if (noPython) ctx.skip(noPython);
    const r = python(
      "import sys; print('\\n'.join(repr(float(x)) for x in sys.stdin.read().split()))",
      FLOATS.map((f) => (Object.is(f, -0) ? "-0.0" : f.toPrecision(17))).join("\n"),
    );
    expect(r.stdout.trim().split("\n")).toEqual(FLOATS.map(pyFloatRepr));
  });

  it("tagged JSON holds nan, inf, 2.0 and opaque values, and stays one-to-one", () => {
    const v = {
      a: NaN,
      b: [Infinity, -Infinity, new PyFloat(2), 0.5, 3],
      c: new PyOpaque("(1, 2)"),
      d: { "!!float": "x" },
    };
    const json = JSON.stringify(toTaggedJson(v));
    expect(json).toBe(
      '{"a":{"!!float":"nan"},"b":[{"!!float":"inf"},{"!!float":"-inf"},{"!!float":"2.0"},0.5,3],"c":{"!!python":"(1, 2)"},"d":{"!!map":{"!!float":"x"}}}',
    );
    const back = fromTaggedJson(JSON.parse(json)) as Record<string, unknown>;
    expect(pyRepr(back.a)).toBe("nan");
    expect(pyRepr(back.b)).toBe("[inf, -inf, 2.0, 0.5, 3]");
    expect(back.c).toBeInstanceOf(PyOpaque);
    expect(back.d).toEqual({ "!!float": "x" });
    // An int beyond 2^53, as a YAML reader that keeps it exact gives it (a bigint): exact through JSON and YAML.
    const big = 12345678901234567890n;
    expect(fromTaggedJson(JSON.parse(JSON.stringify(toTaggedJson({ big }))))).toEqual({ big });
    expect(dumpPyYaml({ s: { big } })).toBe("s:\n  big: 12345678901234567890\n");
    expect(pyRepr(ceciCast("float", big).ok && (ceciCast("float", big) as { value: unknown }).value)).toBe(
      "1.2345678901234567e+19",
    );
  });

  it("ceci's cast_value: lax conversions accepted, the rest refused with ceci's message", () => {
    const ok = (t: string, v: unknown) => {
      const r = ceciCast(t, v);
      if (!r.ok) throw new Error(r.error);
      return pyRepr(r.value);
    };
    expect(ok("list", "ugrizy")).toBe("['u', 'g', 'r', 'i', 'z', 'y']");
    expect(ok("float", 2)).toBe("2.0");
    expect(ok("float", " 1_000.5 ")).toBe("1000.5");
    expect(ok("float", "-Infinity")).toBe("-inf");
    expect(ok("int", 7.9)).toBe("7");
    expect(ok("int", -7.9)).toBe("-7");
    expect(ok("int", true)).toBe("True");
    expect(ok("int", " +12 ")).toBe("12");
    expect(ok("bool", "no")).toBe("True");
    expect(ok("bool", "")).toBe("False");
    expect(ok("bool", 0)).toBe("False");
    expect(ok("bool", NaN)).toBe("True");
    expect(ok("str", new PyFloat(2))).toBe("'2.0'");
    expect(ok("str", [1, "a", null, true])).toBe("\"[1, 'a', None, True]\"");
    expect(ok("list", { a: 1, b: 2 })).toBe("['a', 'b']");
    expect(ok("dict", [["a", 1], "bc"])).toBe("{'a': 1, 'b': 'c'}");
    expect(ok("dict", [[1, 2]])).toBe("{1: 2}");
    expect(ok("int", null)).toBe("None");
    expect(ok("any", [1])).toBe("[1]");
    const no = (t: string, v: unknown) => {
      const r = ceciCast(t, v);
      return r.ok ? "accepted" : r.error;
    };
    expect(no("int", "1.5")).toBe("Value of type <class 'str'>, when <class 'int'> was expected.");
    expect(no("int", NaN)).toBe("Value of type <class 'float'>, when <class 'int'> was expected.");
    expect(no("int", -Infinity)).toBe("OverflowError: cannot convert float infinity to integer");
    expect(no("float", "1e")).toBe("Value of type <class 'str'>, when <class 'float'> was expected.");
    expect(no("float", [1])).toBe("Value of type <class 'list'>, when <class 'float'> was expected.");
    expect(no("list", new PyFloat(5))).toBe("Value of type <class 'float'>, when <class 'list'> was expected.");
    expect(no("dict", "ab")).toBe("Value of type <class 'str'>, when <class 'dict'> was expected.");
    expect(no("dict", [[[1], 2]])).toBe("Value of type <class 'list'>, when <class 'dict'> was expected.");
  });

  it("YAML files read from the parse cache keep 2.0, nan and inf as Python has them", () => {
    const dir = mkdtempSync(join(tmpdir(), "lbg-yaml-"));
    try {
      const file = join(dir, "c.yml");
      writeFileSync(file, "S:\n  a: 2.0\n  b: [1, 1.0, .nan, -.inf]\n  c: 0.5\n  d: {'!!float': x}\n");
      const cache = join(dir, "cache");
      const first = YamlFile.read(file, "config", cache);
      expect(readdirSync(cache)).toHaveLength(1);
      const second = YamlFile.read(file, "config", cache);
      for (const yf of [first, second]) {
        expect(pyRepr(yf.pyValue)).toBe("{'S': {'a': 2.0, 'b': [1, 1.0, nan, -inf], 'c': 0.5, 'd': {'!!float': 'x'}}}");
        expect(yf.value).toEqual({ S: { a: 2, b: [1, 1, NaN, -Infinity], c: 0.5, d: { "!!float": "x" } } });
      }
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("the YAML for Python keeps floats floats and strings strings", () => {
    const text = dumpPyYaml({
      s: { a: new PyFloat(2), b: [1, 2.5, NaN, -Infinity, new PyFloat(1e20)], c: "yes", d: "plain text", e: "" },
    });
    expect(text).toBe('s:\n  a: 2.0\n  b: [1, 2.5, .nan, -.inf, 1.0e+20]\n  c: "yes"\n  d: plain text\n  e: ""\n');
    expect(dumpPyYaml({ s: { o: new PyOpaque("[<class 'float'>]") }, t: {} })).toBe("s: {}\nt: {}\n");
  });

  it("PyYAML reads the YAML back as the same values (floats, ints, tricky strings)", (ctx) => {
    if (noPython) ctx.skip(noPython);
    const strings = [
      "yes",
      "No",
      "ON",
      "off",
      "true",
      "False",
      "null",
      "Null",
      "~",
      "",
      " ",
      "a ",
      " a",
      "1",
      "1.0",
      "1e3",
      "1_000",
      "0x1F",
      "0o17",
      "017",
      "1:30",
      "1:30.5",
      "2024-01-01",
      "2001-12-14t21:59:43.10-05:00",
      ".inf",
      ".NaN",
      "-.inf",
      "nan",
      "inf",
      "<<",
      "=",
      "!tag",
      "&a",
      "*a",
      "- x",
      "? x",
      "a: b",
      "a #b",
      "#c",
      "[x]",
      "{x}",
      "a,b",
      "'q'",
      '"dq"',
      "back\\slash",
      "tab\tx",
      "new\nline",
      "nel\u0085x",
      "ls\u2028x",
      "é ü 日本",
      "emoji 🙂",
      "del\u007f",
      "c1\u0090",
      "%x",
      "@x",
      "`x",
      "|x",
      ">x",
      "y",
      "n",
      "/abs/path",
      "rel/path.txt",
      "a.b.c",
      "_x",
      "-",
      "+1",
      ".5",
      "1.",
      "x:y",
    ];
    const values = {
      s: Object.fromEntries(strings.map((s, i) => [`k${i}`, s])),
      n: { ints: [0, -1, 2 ** 53], floats: FLOATS.map((f) => (Number.isInteger(f) ? new PyFloat(f) : f)) },
    };
    const r = python(
      "import sys, yaml, json; d = yaml.safe_load(sys.stdin); print(json.dumps(d['s'])); print(' '.join(repr(x) for x in d['n']['ints'] + d['n']['floats']))",
      dumpPyYaml(values),
    );
    expect(r.stderr).toBe("");
    const [s, n] = r.stdout.trim().split("\n");
    expect(JSON.parse(s!)).toEqual(values.s);
    expect(n).toBe([0, -1, 2 ** 53].map(String).concat(FLOATS.map(pyFloatRepr)).join(" "));
  });
});
