// ceci's Jinja2 templates (ceci 2.3+, `ceci pipeline.yml -t field=ecdfs`): a ceci pipeline file is rendered
// as a Jinja2 template before it is parsed as YAML, with the `-t`/`--template-parameters` values (always
// strings). As in ceci (ceci/pipeline/templates.py): Jinja2's default syntax and whitespace rules, undefined
// variables are errors (StrictUndefined), and a parameter the template does not take is an error. Only the
// pipeline file is a template; its stage config file is not (ceci renders the pipeline file only).
//
// The renderer is @huggingface/jinja, which renders TXPipe's DP1 templates byte for byte as jinja2 does
// (test/config/render-template.test.ts compares the two on this project's fixtures). Two adjustments make it
// behave as ceci's jinja2 where it would not by itself:
// - StrictUndefined: reading an undefined variable throws, except under `is defined` / `is undefined` /
//   `is none` and the `default` filter (where Jinja2 allows it too);
// - printing: `{{ }}` and `~` turn values into text as Python's str() does (True, None, ['a', 1]), not as
//   JavaScript does (true, "", ["a",1]).
// What it lacks (`{% raw %}`, `%` string formatting, comparing strings with `<`) is an error naming the file,
// never a silently different text.
import { readFileSync } from "node:fs";
import * as jinja from "@huggingface/jinja";
import { fromCwd, LbgError } from "./lbg-error.ts";
import { undeclaredVariables } from "./template-variables.ts";
import { YamlFile } from "./yaml-file.ts";

// The library's .d.ts files import each other without file extensions, which NodeNext resolution does not
// follow: its types are declared here, for the parts lbg uses.
/** A runtime value (StringValue, ArrayValue, ...). */
interface Value {
  type: string;
  value: unknown;
  toString(): string;
}
/** A node of the syntax tree. */
type Node = { type: string } & Record<string, unknown>;
interface Environment {
  set(name: string, value: unknown): unknown;
}
interface Program {
  body: Node[];
}
interface InterpreterInstance {
  run(program: Program): Value;
  evaluate(node: Node | undefined, env: Environment): Value;
}
const { Environment, Interpreter, parse, tokenize } = jinja as unknown as {
  Environment: new () => Environment;
  Interpreter: new (env?: Environment) => InterpreterInstance;
  parse(tokens: unknown): Program;
  tokenize(source: string, options: object): unknown;
};

/** Parses `-t` values: `key=value` each (the value may contain `=`), as ceci splits them. */
export function parseTemplateParams(args: readonly string[]): Map<string, string> {
  const params = new Map<string, string>();
  for (const a of args) {
    const eq = a.indexOf("=");
    if (eq <= 0)
      throw new LbgError(
        `-t ${a}: expected key=value`,
        { file: "-t" },
        "template parameters are key=value pairs, e.g. -t field=ecdfs",
      );
    const key = a.slice(0, eq);
    const value = a.slice(eq + 1);
    const before = params.get(key);
    if (before !== undefined && before !== value)
      throw new LbgError(`-t: template parameter '${key}' is given twice: ${key}=${before} and ${a}`, { file: "-t" });
    params.set(key, value);
  }
  return params;
}

/** Whether a file needs rendering: template syntax, or parameters to check against it. */
export function isTemplate(text: string, params: ReadonlyMap<string, string>): boolean {
  return params.size > 0 || /\{[{%#]/.test(text);
}

/** Python's repr() of a value, as Jinja2 prints one inside a list or dict. */
function pyRepr(v: Value): string {
  if (v.type === "StringValue") {
    const s = v.value as string;
    const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
    const body = s
      .replaceAll("\\", "\\\\")
      .replaceAll("\n", "\\n")
      .replaceAll("\r", "\\r")
      .replaceAll("\t", "\\t")
      .replaceAll(quote, `\\${quote}`);
    return `${quote}${body}${quote}`;
  }
  return pyStr(v);
}

/** Python's str() of a value: what Jinja2 prints for `{{ value }}`. */
function pyStr(v: Value): string {
  switch (v.type) {
    case "BooleanValue":
      return v.value ? "True" : "False";
    case "NullValue":
    case "UndefinedValue":
      return "None";
    case "TupleValue": {
      const items = (v.value as Value[]).map(pyRepr);
      return `(${items.join(", ")}${items.length === 1 ? "," : ""})`;
    }
    case "ArrayValue":
      return `[${(v.value as Value[]).map(pyRepr).join(", ")}]`;
    case "ObjectValue":
      return `{${[...(v.value as Map<string, Value>)].map(([k, x]) => `'${k}': ${pyRepr(x)}`).join(", ")}}`;
    default:
      return v.toString();
  }
}

class UndefinedVariable extends Error {
  constructor(readonly variable: string) {
    super(`'${variable}' is undefined`);
  }
}

// The library's value classes are not exported; its StringValue is taken from a rendered result.
const StringValue = new Interpreter().run(parse(tokenize("", {}))).constructor as new (s: string) => Value;

const EXPRESSIONS = new Set([
  "Identifier",
  "MemberExpression",
  "CallExpression",
  "FilterExpression",
  "TestExpression",
  "BinaryExpression",
  "UnaryExpression",
  "Ternary",
  "SelectExpression",
  "IntegerLiteral",
  "FloatLiteral",
  "ArrayLiteral",
  "TupleLiteral",
  "ObjectLiteral",
]);

/** The expressions printed by `{{ }}` (statements of a block that are expressions), and those read where an
 *  undefined value is allowed (operands of `is defined`, `is undefined`, `is none`, `| default`). */
function classify(program: { body: unknown }): { printed: Set<unknown>; lenient: Set<unknown> } {
  const printed = new Set<unknown>();
  const lenient = new Set<unknown>();
  const visit = (v: unknown, inBody: boolean): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x, inBody);
      return;
    }
    if (typeof v !== "object" || v === null) return;
    if (v instanceof Map) {
      for (const [k, x] of v) {
        visit(k, false);
        visit(x, false);
      }
      return;
    }
    const n = v as Node;
    if (inBody && EXPRESSIONS.has(n.type)) printed.add(n);
    if (n.type === "TestExpression" && ["defined", "undefined", "none"].includes((n.test as Node).value as string))
      lenient.add(n.operand);
    if (n.type === "FilterExpression") {
      const f = n.filter as Node;
      const name = f.type === "CallExpression" ? (f.callee as Node).value : f.value;
      if (name === "default") lenient.add(n.operand);
    }
    for (const [k, x] of Object.entries(n)) {
      if (k === "type") continue;
      visit(x, k === "body" || k === "alternate" || k === "defaultBlock");
    }
  };
  visit(program.body, true);
  return { printed, lenient };
}

class CeciInterpreter extends Interpreter {
  constructor(
    env: Environment,
    private readonly printed: Set<unknown>,
    private readonly lenient: Set<unknown>,
  ) {
    super(env);
  }

  override evaluate(node: Node | undefined, env: Environment): Value {
    if (node?.type === "BinaryExpression" && (node.operator as { value: string }).value === "~") {
      return new StringValue(
        `${pyStr(this.evaluate(node.left as Node, env))}${pyStr(this.evaluate(node.right as Node, env))}`,
      );
    }
    if (node?.type === "FilterExpression") {
      // `join` and `string` make text of values too (`[x, true] | join(",")` is "x,True" in Jinja2).
      const f = node.filter as Node;
      const name = f.type === "CallExpression" ? (f.callee as Node).value : f.value;
      if (name === "string") return new StringValue(pyStr(this.evaluate(node.operand as Node, env)));
      if (name === "join") {
        const list = this.evaluate(node.operand as Node, env);
        const args = f.type === "CallExpression" ? (f.args as Node[]) : [];
        if (
          Array.isArray(list.value) &&
          args.length <= 1 &&
          args.every((a) => a.type !== "KeywordArgumentExpression")
        ) {
          const sep = args[0] ? pyStr(this.evaluate(args[0], env)) : "";
          return new StringValue((list.value as Value[]).map(pyStr).join(sep));
        }
      }
    }
    const v = super.evaluate(node, env);
    if (v.type === "UndefinedValue" && node && !this.lenient.has(node)) {
      if (node.type === "Identifier") throw new UndefinedVariable(node.value as string);
      if (node.type === "MemberExpression") {
        const prop = node.property as Node;
        throw new UndefinedVariable(`${describeNode(node.object as Node)}.${String(prop.value)}`);
      }
    }
    return node && this.printed.has(node) ? new StringValue(pyStr(v)) : v;
  }
}

function describeNode(n: Node): string {
  if (n.type === "Identifier") return n.value as string;
  if (n.type === "MemberExpression") return `${describeNode(n.object as Node)}.${String((n.property as Node).value)}`;
  return "value";
}

/** Line (1-based) of the first `{{ }}` or `{% %}` tag of `text` that mentions `name`, if any. */
function lineOfUse(text: string, name: string): number | undefined {
  const word = new RegExp(`(^|[^\\w.'"])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?!\\w)`);
  for (const m of text.matchAll(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g)) {
    const withoutStrings = m[0].replace(/'[^']*'|"[^"]*"/g, "''");
    if (word.test(withoutStrings)) return text.slice(0, m.index).split("\n").length;
  }
  return undefined;
}

/** Jinja2 tags the library does not implement. */
const UNSUPPORTED = ["raw", "with", "include", "import", "from", "extends", "block", "autoescape", "trans"];

/** Where a template the library cannot parse goes wrong, found by reading its tags one at a time: the first
 *  `{{ }}` the parser rejects on its own, an unknown or stray block tag, a second `else`, a tag left open,
 *  or a block never closed (reported with its own words: the library says only "Cannot read properties of
 *  undefined" then). Its own errors carry no position. */
function syntaxProblem(text: string): { line?: number; message?: string } {
  const lineAt = (i: number) => text.slice(0, i).split("\n").length;
  const open: { word: string; at: number; elses: number }[] = [];
  const closers: Record<string, string> = {
    endif: "if",
    endfor: "for",
    endmacro: "macro",
    endcall: "call",
    endfilter: "filter",
    endset: "set",
    endgeneration: "generation",
  };
  const unclosed = /\{\{(?![\s\S]*?\}\})|\{%(?![\s\S]*?%\})/.exec(text);
  for (const m of text.matchAll(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g)) {
    if (unclosed && unclosed.index < m.index) break;
    const tag = m[0];
    const at = { line: lineAt(m.index) };
    if (tag.startsWith("{{")) {
      try {
        parse(tokenize(tag, {}));
      } catch {
        return at;
      }
      continue;
    }
    const word = /^\{%-?\s*(\w+)/.exec(tag)?.[1] ?? "";
    if (["if", "for", "macro", "call", "filter", "generation"].includes(word))
      open.push({ word, at: m.index, elses: 0 });
    else if (word === "set" && !/[^=!<>]=[^=]/.test(tag)) open.push({ word, at: m.index, elses: 0 });
    else if (closers[word]) {
      if (open.at(-1)?.word !== closers[word])
        return { ...at, message: `{% ${word} %} closes no {% ${closers[word]} %}` };
      open.pop();
    } else if (word === "else" || word === "elif") {
      const b = open.at(-1);
      if (!b || (b.word !== "if" && b.word !== "for")) return { ...at, message: `{% ${word} %} outside an {% if %}` };
      if (b.elses > 0) return { ...at, message: `{% ${word} %} after the {% else %} of its {% ${b.word} %}` };
      if (word === "else") b.elses++;
    } else if (UNSUPPORTED.includes(word))
      return { ...at, message: `Jinja2's {% ${word} %} is not supported by lbg's template renderer` };
    else if (!["set", "break", "continue"].includes(word)) return { ...at, message: `unknown tag {% ${word} %}` };
  }
  if (unclosed) return { line: lineAt(unclosed.index), message: `${unclosed[0]} is never closed` };
  const b = open.at(-1);
  if (b) return { line: lineAt(b.at), message: `{% ${b.word} %} is never closed (no {% end${b.word} %})` };
  return {};
}

/**
 * Renders the text of the ceci pipeline file `file` with template parameters, or throws an LbgError naming
 * the file and line (an undefined variable, a syntax error) or the `-t` flag (a parameter the file does not
 * take). Text without template syntax and no parameters comes back unchanged.
 */
export function renderTemplate(file: string, text: string, params: ReadonlyMap<string, string>): string {
  if (!isTemplate(text, params)) return text;
  let program: Program;
  try {
    program = parse(tokenize(text, {}));
  } catch (e) {
    const where = syntaxProblem(text);
    throw new LbgError(
      `template syntax error: ${where.message ?? (e as Error).message}`,
      { file, line: where.line },
      "ceci pipeline files are Jinja2 templates: check the {{ }} and {% %} tags",
    );
  }
  const takes = undeclaredVariables(program);
  const unused = [...params.keys()].filter((k) => !takes.has(k));
  if (unused.length > 0) {
    const list = takes.size ? `it takes ${[...takes].sort().join(", ")}` : "it takes no template parameters";
    const override = unused.find((k) => k.includes(".") || k === "resume" || k === "config");
    throw new LbgError(
      `-t ${unused.map((k) => `${k}=${params.get(k)}`).join(" ")}: not used by ${fromCwd(file)} (${list}); ceci refuses unused template parameters too`,
      { file: "-t" },
      override
        ? `'${override}=…' looks like an override: -t takes every key=value after it (as ceci's does), so put overrides before -t`
        : undefined,
    );
  }
  const env = new Environment();
  for (const [k, v] of [
    ["true", true],
    ["false", false],
    ["none", null],
    ["True", true],
    ["False", false],
    ["None", null],
  ] as const)
    env.set(k, v);
  env.set("range", (start: number, stop?: number, step = 1) => {
    const [a, b] = stop === undefined ? [0, start] : [start, stop];
    if (step === 0) throw new Error("range() arg 3 must not be zero");
    const out: number[] = [];
    for (let i = a; step > 0 ? i < b : i > b; i += step) out.push(i);
    return out;
  });
  for (const [k, v] of params) env.set(k, v);
  const { printed, lenient } = classify(program);
  try {
    return new CeciInterpreter(env, printed, lenient).run(program).value as string;
  } catch (e) {
    if (e instanceof UndefinedVariable) {
      const name = e.variable.split(".")[0]!;
      throw new LbgError(
        `template variable ${e.message}`,
        { file, line: lineOfUse(text, name) },
        e.variable.includes(".") ? undefined : `give it with -t ${e.variable}=<value>`,
      );
    }
    throw new LbgError(`template error: ${(e as Error).message}`, { file });
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a ceci pipeline file: renders it with its template parameters (`-t`), then parses the text as YAML.
 * Positions in later errors are lines of the rendered text, which are the file's own lines unless a template
 * tag adds or removes line breaks (a loop, `{%- -%}`).
 */
export function readCeciPipelineFile(path: string, templateParams: readonly string[]): YamlFile {
  let text: string;
  try {
    text = UTF8.decode(readFileSync(path));
  } catch {
    return YamlFile.read(path, "ceci pipeline file"); // says why it cannot be read, or where it is not UTF-8
  }
  return YamlFile.parse(path, renderTemplate(path, text, parseTemplateParams(templateParams)));
}
