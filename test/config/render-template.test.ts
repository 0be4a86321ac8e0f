// ceci's Jinja2 templates: which variables a template takes (ceci's unused-parameter rule), strict undefined
// variables, positioned errors, and the rendered text compared with Python's jinja2 itself (ceci's renderer)
// on this project's fixture templates.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LbgError } from "../../src/errors/lbg-error.ts";
import { renderTemplate } from "../../src/config/render-template.ts";
import { parseTemplateParams } from "../../src/config/template-params.ts";
import { PY } from "../helpers/debian-python.ts";
import { REPO } from "../helpers/temp-project.ts";

const render = (text: string, params: Record<string, string> = {}) =>
  renderTemplate("pipe.yml", text, new Map(Object.entries(params)));

function error(text: string, params: Record<string, string> = {}): string {
  try {
    render(text, params);
  } catch (e) {
    if (e instanceof LbgError) return e.format();
    throw e;
  }
  throw new Error("rendered without an error");
}

describe("template variables (ceci refuses a parameter the template does not take)", () => {
  // Each case: the variables jinja2.meta.find_undeclared_variables reports (checked with jinja2 3.1).
  const cases: [string, string[]][] = [
    ["{{ a }}{% set a = 1 %}", ["a"]],
    ["{% set a = 1 %}{{ a }}", []],
    ["{% if c %}{% set a = 1 %}{% endif %}{{ a }}", ["a", "c"]],
    ['{% if f == "" %}{% set s = "" %}{% else %}{% set s = "_" ~ f %}{% endif %}{{ s }}', ["f"]],
    ["{% if f %}{% set s = 1 %}{% elif g %}{% set s = 2 %}{% else %}{% set s = 3 %}{% endif %}{{ s }}", ["f", "g"]],
    ["{% for i in xs %}{{ i }}{{ j }}{{ loop.index }}{% endfor %}{{ i }}", ["i", "j", "xs"]],
    ["{% macro m(p, q=r) %}{{ p }}{{ q }}{{ s }}{% endmacro %}{{ m(1) }}", ["r", "s"]],
    ["{% if false %}{{ hidden }}{% endif %}", ["hidden"]],
    ["{{ x is defined }}{{ y | default('d') }}", ["x", "y"]],
    ["{{ range(3) }}{{ namespace }}{{ true }}{{ none }}{{ True }}", []],
    ["{% set ns = namespace(a=1) %}{% set ns.a = b %}{{ ns.a }}", ["b"]],
    ["{% for k, v in d.items() %}{{ k }}{{ v.w }}{% endfor %}", ["d"]],
    ["{% set blk %}{{ inner }}{% endset %}{{ blk }}", ["inner"]],
    ["{% for i in range(2) %}{% set k = i %}{% endfor %}{{ k }}", ["k"]],
    ["{{ a.b }}{{ c[d] }}{{ e | replace(f, 'x') }}", ["a", "c", "d", "e", "f"]],
  ];
  for (const [text, vars] of cases)
    it(`${text} takes ${vars.join(", ") || "nothing"}`, () => {
      const all = ["a", "b", "c", "d", "e", "f", "g", "hidden", "i", "inner", "j", "k", "r", "s", "x", "xs", "y"];
      for (const name of all) {
        const msg = (() => {
          try {
            render(text, { [name]: "1" });
            return "";
          } catch (e) {
            return (e as Error).message;
          }
        })();
        // A variable the template takes is never refused as unused (it may still fail for other reasons).
        expect(/not used by/.test(msg), `${name}: ${msg}`).toBe(!vars.includes(name));
      }
    });
});

describe("rendering", () => {
  it("renders TXPipe's field-suffix pattern: a variable set in both branches of an if", () => {
    const t =
      '{% if field == "" %}\n  {% set s = "" %}\n{% else %}\n  {% set s = "_" ~ field %}\n{% endif %}\nout: o{{ s }}\n';
    expect(render(t, { field: "north" })).toBe("\n  \n\nout: o_north");
    expect(render(t, { field: "" })).toBe("\n  \n\nout: o");
  });

  it("text without template syntax and no parameters is left as it is", () => {
    expect(render("a: 1\n")).toBe("a: 1\n");
  });

  it("prints values as Python's str() does", () => {
    expect(
      render("{{ x == 'a' }} {{ none }} {{ [x, 1] }} {{ {'k': x} }} {{ x ~ true }} {{ [x, false] | join('/') }}", {
        x: "a",
      }),
    ).toBe("True None ['a', 1] {'k': 'a'} aTrue a/False");
  });

  it("quotes strings inside lists and dicts as Python's repr() does, keys too", () => {
    // What Python prints for str({"it's": "a\x01"}) and str(["a\x01", "é"]).
    expect(render(`{{ {"it's": x} }} {{ [x, "é"] }}`, { x: "a\u0001" })).toBe(`{"it's": 'a\\x01'} ['a\\x01', 'é']`);
  });

  it("an undefined variable is an error naming it and the line that uses it (ceci's StrictUndefined)", () => {
    expect(error("a: 1\nb: {{ field }}\n")).toBe(
      "pipe.yml:2: template variable 'field' is undefined (hint: give it with -t field=<value>)",
    );
    expect(error('a: 1\n\n{% if field == "" %}x{% endif %}\n')).toMatch(/^pipe\.yml:3: template variable 'field'/);
    expect(error("{% for i in items %}{% endfor %}")).toMatch(/'items' is undefined/);
    expect(error("{{ x.missing }}", { x: "s" })).toMatch(/^pipe\.yml:1: template variable 'x\.missing' is undefined/);
  });

  it("is defined, is undefined and | default accept an undefined variable, as in Jinja2", () => {
    expect(
      render("{% if x is defined %}{{ x }}{% else %}none{% endif %} {{ y | default('d') }} {{ z is undefined }}"),
    ).toBe("none d True");
  });

  it("a parameter the template does not take is an error naming the flag, with ceci's rule", () => {
    expect(error("out: {{ field }}", { field: "a", fields: "b" })).toBe(
      "-t fields=b: not used by pipe.yml (it takes field); ceci refuses unused template parameters too",
    );
    expect(error("out: {{ field }}", { field: "a", resume: "True" })).toMatch(
      /hint: 'resume=…' looks like an override: -t takes every key=value after it/,
    );
    expect(error("out: x\n", { field: "a" })).toMatch(/it takes no template parameters/);
  });

  it("syntax errors name the line of the tag at fault", () => {
    expect(error("a: 1\nb: {{ x }\nc: 2\n", { x: "1" })).toMatch(
      /^pipe\.yml:2: template syntax error: \{\{ is never closed/,
    );
    expect(error("a: 1\n{% if x %}\nb: 2\n", { x: "1" })).toMatch(
      /^pipe\.yml:2: template syntax error: \{% if %\} is never closed \(no \{% endif %\}\)/,
    );
    expect(error("a\n\n{% endfor %}")).toMatch(
      /^pipe\.yml:3: template syntax error: \{% endfor %\} closes no \{% for %\}/,
    );
    expect(error("a\n{{ x | }}", { x: "1" })).toMatch(/^pipe\.yml:2: template syntax error/);
    expect(error("{% raw %}{{ x }}{% endraw %}")).toMatch(/^pipe\.yml:1: .*Jinja2's \{% raw %\} is not supported/);
  });

  it("-t values: key=value, the value may hold '=', a key given twice with two values is an error", () => {
    expect([...parseTemplateParams(["a=1", "b=x=y", "c=", "a=1"])]).toEqual([
      ["a", "1"],
      ["b", "x=y"],
      ["c", ""],
    ]);
    // As ceci's split("=", 1): no comma lists, `-t a=1,b=2` gives a the value "1,b=2".
    expect([...parseTemplateParams(["a=1,b=2"])]).toEqual([["a", "1,b=2"]]);
    expect(() => parseTemplateParams(["field"])).toThrow(/-t field: expected key=value/);
    expect(() => parseTemplateParams(["=x"])).toThrow(/expected key=value/);
    expect(() => parseTemplateParams(["a=1", "a=2"])).toThrow(/'a' is given twice: a=1 and a=2/);
  });
});

// ceci's renderer: jinja2 with StrictUndefined over the whole text, after checking the parameters against
// jinja2.meta.find_undeclared_variables (this script does the same with jinja2's own API).
const JINJA2 = `
import sys, json, jinja2, jinja2.meta
env = jinja2.Environment(undefined=jinja2.StrictUndefined)
text = open(sys.argv[1]).read()
params = json.loads(sys.argv[2])
taken = jinja2.meta.find_undeclared_variables(env.parse(text))
unused = sorted(k for k in params if k not in taken)
if unused:
    print("UNUSED " + " ".join(unused), end="")
else:
    try:
        print(env.from_string(text).render(params), end="")
    except jinja2.exceptions.UndefinedError as e:
        print("UNDEFINED " + str(e), end="")
`;

const hasJinja2 = spawnSync(PY, ["-c", "import jinja2"]).status === 0;

describe("the same text as Python's jinja2 (ceci's renderer)", () => {
  const dir = join(REPO, "test", "fixtures", "templates");
  const runs: [string, Record<string, string>][] = [
    ["field-suffix.yml", { field: "north" }],
    ["field-suffix.yml", { field: "" }],
    ["field-suffix.yml", {}],
    ["field-suffix.yml", { field: "n", other: "x" }],
    ["loops.yml", { nbins: "3", survey: "lsst-y1" }],
    ["loops.yml", { nbins: "1", survey: "des", extra: "x", modules: "a b" }],
    ["loops.yml", { nbins: "2" }],
    ["printing.yml", { survey: "lsst-y1" }],
  ];
  it("covers every fixture template", () => {
    expect(new Set(runs.map((r) => r[0]))).toEqual(new Set(readdirSync(dir)));
  });
  for (const [file, params] of runs)
    it(`${file} ${JSON.stringify(params)}`, (ctx) => {
      if (!hasJinja2)
        return ctx.skip(`${PY} cannot import jinja2 (Debian's python3-jinja2; npm run setup:optional installs it)`);
      const path = join(dir, file);
      const py = spawnSync(PY, ["-c", JINJA2, path, JSON.stringify(params)], { encoding: "utf8" });
      expect(py.status, py.stderr).toBe(0);
      let ours: string;
      try {
        ours = renderTemplate(path, readFileSync(path, "utf8"), new Map(Object.entries(params)));
      } catch (e) {
        const m = (e as Error).message;
        const head = m.slice(3, m.indexOf(": not used by"));
        ours = m.includes("not used by")
          ? `UNUSED ${Object.keys(params)
              .filter((k) => head.split(" ").some((kv) => kv.startsWith(`${k}=`)))
              .sort()
              .join(" ")}`
          : m.startsWith("template variable ")
            ? `UNDEFINED ${m.replace("template variable ", "")}`
            : `ERROR ${m}`;
      }
      expect(ours).toBe(py.stdout);
    });
});
