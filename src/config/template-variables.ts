// The variables a Jinja2 template takes from its caller, as jinja2.meta.find_undeclared_variables finds them
// (ceci refuses a template parameter that is not among them: "These template parameters were specified but
// not used"). The rules of Jinja2's identifier tracking, checked against jinja2 3.1:
// - a name read before any `{% set %}` of it in its scope comes from the caller (`{{ a }}{% set a = 1 %}`);
// - a name set inside an `{% if %}` is declared after it only when every branch sets it (so TXPipe's
//   `{% if field == "" %}{% set suffix = "" %}{% else %}{% set suffix = "_" ~ field %}{% endif %}` takes
//   `field`, not `suffix`);
// - names set in a `{% for %}` body, a macro, a call block or a set block stay there;
// - a read counts wherever it is, even in a branch never taken (`{% if false %}{{ x }}{% endif %}` takes x);
// - Jinja2's globals (range, dict, namespace, ...) and the constants true/false/none are not variables.
// Walks the syntax tree of @huggingface/jinja (its node shapes: node_modules/@huggingface/jinja/dist/ast.d.ts).

/** A node of the parsed template: only `type` is common to all of them. */
type Node = { type: string } & Record<string, unknown>;

const GLOBALS = new Set([
  "range",
  "dict",
  "lipsum",
  "cycler",
  "joiner",
  "namespace",
  "true",
  "false",
  "none",
  "True",
  "False",
  "None",
]);

function isNode(v: unknown): v is Node {
  return typeof v === "object" && v !== null && typeof (v as { type?: unknown }).type === "string";
}

function nodes(v: unknown): Node[] {
  return Array.isArray(v) ? v.filter(isNode) : [];
}

/** Names an assignment target binds: `a`, `a, b`; `ns.x` binds nothing (it reads ns). */
function targetNames(target: unknown): string[] {
  if (!isNode(target)) return [];
  if (target.type === "Identifier") return [target.value as string];
  if (target.type === "TupleLiteral" || target.type === "ArrayLiteral") return nodes(target.value).flatMap(targetNames);
  return [];
}

export function undeclaredVariables(program: { body: unknown }): Set<string> {
  const found = new Set<string>();

  /** Reads in an expression, given the names declared at that point. */
  const expr = (n: unknown, declared: Set<string>): void => {
    if (!isNode(n)) return;
    switch (n.type) {
      case "Identifier": {
        const name = n.value as string;
        if (!declared.has(name) && !GLOBALS.has(name)) found.add(name);
        return;
      }
      case "MemberExpression":
        expr(n.object, declared);
        if (n.computed) expr(n.property, declared); // `a.b`: b is an attribute, not a variable
        return;
      case "FilterExpression":
        expr(n.operand, declared);
        if (isNode(n.filter) && n.filter.type === "CallExpression")
          for (const a of nodes(n.filter.args)) expr(a, declared);
        return;
      case "TestExpression":
        expr(n.operand, declared); // the test's name (`defined`) is not a variable
        return;
      case "KeywordArgumentExpression":
        expr(n.value, declared);
        return;
      case "ObjectLiteral":
        for (const [k, v] of n.value as Map<unknown, unknown>) {
          expr(k, declared);
          expr(v, declared);
        }
        return;
      default:
        for (const [k, v] of Object.entries(n)) {
          if (k === "type" || k === "operator") continue;
          if (Array.isArray(v)) for (const x of nodes(v)) expr(x, declared);
          else expr(v, declared);
        }
    }
  };

  /** Walks statements in order; returns the names they set (declared in the enclosing scope afterwards). */
  const block = (body: unknown, declared: Set<string>): Set<string> => {
    const scope = new Set(declared);
    const stored = new Set<string>();
    const store = (names: string[]) => {
      for (const x of names) {
        scope.add(x);
        stored.add(x);
      }
    };
    for (const s of nodes(body)) {
      switch (s.type) {
        case "Comment":
        case "Break":
        case "Continue":
          break;
        case "SetStatement":
        case "Set":
          if (s.value) expr(s.value, scope);
          else block(s.body, scope); // `{% set x %}...{% endset %}`: its body is a scope of its own
          if (isNode(s.assignee) && s.assignee.type === "MemberExpression") expr(s.assignee.object, scope);
          store(targetNames(s.assignee));
          break;
        case "If": {
          expr(s.test, scope);
          const a = block(s.body, scope);
          const b = block(s.alternate, scope);
          store([...a].filter((x) => b.has(x)));
          break;
        }
        case "For":
          expr(s.iterable, scope);
          block(s.body, new Set([...scope, ...targetNames(s.loopvar), "loop"]));
          block(s.defaultBlock, scope);
          break;
        case "Macro": {
          const params: string[] = [];
          for (const a of nodes(s.args)) {
            if (a.type === "KeywordArgumentExpression") {
              expr(a.value, scope);
              params.push(...targetNames(a.key));
            } else params.push(...targetNames(a));
          }
          store(targetNames(s.name));
          block(s.body, new Set([...scope, ...params, "varargs", "kwargs", "caller"]));
          break;
        }
        case "CallStatement":
          expr(s.call, scope);
          block(s.body, new Set([...scope, ...nodes(s.callerArgs).flatMap(targetNames)]));
          break;
        case "FilterStatement":
          if (isNode(s.filter) && s.filter.type === "CallExpression")
            for (const a of nodes(s.filter.args)) expr(a, scope);
          block(s.body, scope);
          break;
        default:
          expr(s, scope); // an expression printed with {{ }} (or template text, which reads nothing)
      }
    }
    return stored;
  };

  block(program.body, new Set());
  return found;
}
