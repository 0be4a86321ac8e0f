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
import {
  Environment,
  Interpreter,
  type Node,
  type Program,
  parse,
  StringValue,
  tokenize,
  type Value,
} from "./jinja.ts";
import { fromCwd, LbgError } from "../errors/lbg-error.ts";
import { pyStr } from "./python-str.ts";
import { templateSyntaxProblem } from "./template-syntax-error.ts";
import { undeclaredVariables } from "./template-variables.ts";

/** Whether a file needs rendering: template syntax, or parameters to check against it. */
function isTemplate(text: string, params: ReadonlyMap<string, string>): boolean {
  return params.size > 0 || /\{[{%#]/.test(text);
}

class UndefinedVariable extends Error {
  constructor(readonly variable: string) {
    super(`'${variable}' is undefined`);
  }
}

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
    const where = templateSyntaxProblem(text);
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
