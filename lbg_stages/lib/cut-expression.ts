// A safe parser and vectorised evaluator for selection cuts such as `g - r > 1.5 * (r - i) + 0.8`.
// No eval/Function: the text is tokenised and parsed by recursive descent into a small tree, and only the
// variables the caller names (magnitudes u g r i z y) may appear. Grammar:
//   cut     := sum (cmp sum)+            cmp := < | <= | > | >= | == | !=   (chains: 22 < i < 25)
//   sum     := product (("+" | "-") product)*
//   product := unary (("*" | "/") unary)*
//   unary   := ("-" | "+") unary | number | name | "(" sum ")"
// Errors are thrown as CutSyntaxError with the column (1-based) where the text stopped making sense.
// Limits keep hostile or broken config from costing more than an error: a cut is at most MAX_CUT_LENGTH
// characters and nests at most MAX_DEPTH parentheses or signs (recursive descent would otherwise overflow
// the stack), numbers must be finite (1e999 is Infinity, which compares like no magnitude should), and
// errors quote at most a short piece of the text.

export class CutSyntaxError extends Error {}

export const MAX_CUT_LENGTH = 1000;
export const MAX_DEPTH = 50;

/** `text`, or its first `max` characters and how long it was: for quoting config values in errors. */
export function shorten(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

type Node =
  | { kind: "num"; value: number }
  | { kind: "var"; name: string }
  | { kind: "neg"; arg: Node }
  | { kind: "bin"; op: "+" | "-" | "*" | "/"; left: Node; right: Node };

type Cmp = "<" | "<=" | ">" | ">=" | "==" | "!=";

interface Token {
  type: "num" | "name" | "op" | "end";
  text: string;
  col: number;
}

const TOKEN =
  /\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|==|!=|[<>+\-*/()]))/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) {
      const col = pos + (text.slice(pos).length - text.slice(pos).trimStart().length) + 1;
      throw new CutSyntaxError(`unexpected character '${text[col - 1]}' at column ${col}`);
    }
    const col = m.index + m[0].length - (m[1] ?? m[2] ?? m[3] ?? "").length + 1;
    if (m[1] !== undefined) tokens.push({ type: "num", text: m[1], col });
    else if (m[2] !== undefined) tokens.push({ type: "name", text: m[2], col });
    else tokens.push({ type: "op", text: m[3] ?? "", col });
    pos = TOKEN.lastIndex;
  }
  tokens.push({ type: "end", text: "end of text", col: text.length + 1 });
  return tokens;
}

/** A parsed cut: evaluate it on columns to get a 0/1 mask. */
export interface Cut {
  readonly text: string;
  readonly variables: readonly string[];
  evaluate(columns: Record<string, ArrayLike<number>>, n: number): Uint8Array;
}

export function parseCut(text: string, allowed: readonly string[]): Cut {
  if (text.length > MAX_CUT_LENGTH)
    throw new CutSyntaxError(`cut is ${text.length} characters long, more than ${MAX_CUT_LENGTH}`);
  const tokens = tokenize(text);
  let p = 0;
  let depth = 0;
  const used = new Set<string>();
  // The token list always ends with an `end` token, and parsing never moves past it.
  const peek = () => tokens[p]!;
  const fail = (t: Token, what: string): never => {
    throw new CutSyntaxError(`${what}, found '${shorten(t.text, 20)}' at column ${t.col}`);
  };
  const deeper = (t: Token) => {
    if (++depth > MAX_DEPTH) throw new CutSyntaxError(`nested more than ${MAX_DEPTH} levels deep at column ${t.col}`);
  };

  const unary = (): Node => {
    const t = peek();
    if (t.type === "op" && (t.text === "-" || t.text === "+")) {
      p++;
      deeper(t);
      const arg = unary();
      depth--;
      return t.text === "-" ? { kind: "neg", arg } : arg;
    }
    if (t.type === "num") {
      p++;
      const value = Number(t.text);
      if (!Number.isFinite(value))
        throw new CutSyntaxError(`number '${shorten(t.text, 20)}' at column ${t.col} is too large`);
      return { kind: "num", value };
    }
    if (t.type === "name") {
      if (!allowed.includes(t.text)) {
        throw new CutSyntaxError(
          `unknown name '${shorten(t.text, 20)}' at column ${t.col} (allowed: ${allowed.join(" ")})`,
        );
      }
      p++;
      used.add(t.text);
      return { kind: "var", name: t.text };
    }
    if (t.type === "op" && t.text === "(") {
      p++;
      deeper(t);
      const inner = sum();
      if (peek().text !== ")" || peek().type !== "op") fail(peek(), "expected ')'");
      p++;
      depth--;
      return inner;
    }
    return fail(t, "expected a number, a band name or '('");
  };
  const product = (): Node => {
    let left = unary();
    while (peek().type === "op" && (peek().text === "*" || peek().text === "/")) {
      const op = tokens[p++]!.text as "*" | "/";
      left = { kind: "bin", op, left, right: unary() };
    }
    return left;
  };
  const sum = (): Node => {
    let left = product();
    while (peek().type === "op" && (peek().text === "+" || peek().text === "-")) {
      const op = tokens[p++]!.text as "+" | "-";
      left = { kind: "bin", op, left, right: product() };
    }
    return left;
  };

  const operands: Node[] = [sum()];
  const comparisons: Cmp[] = [];
  while (peek().type === "op" && ["<", "<=", ">", ">=", "==", "!="].includes(peek().text)) {
    comparisons.push(tokens[p++]!.text as Cmp);
    operands.push(sum());
  }
  if (comparisons.length === 0) fail(peek(), "expected a comparison (<, <=, >, >=, ==, !=)");
  if (peek().type !== "end") fail(peek(), "expected an operator or the end of the cut");

  return {
    text,
    variables: [...used],
    evaluate(columns, n) {
      const values = operands.map((node) => evalNode(node, columns, n));
      const mask = new Uint8Array(n).fill(1);
      comparisons.forEach((op, c) => {
        const a = values[c]!;
        const b = values[c + 1]!;
        for (let i = 0; i < n; i++) if (mask[i] && !compare(op, a[i]!, b[i]!)) mask[i] = 0;
      });
      return mask;
    },
  };
}

function compare(op: Cmp, a: number, b: number): boolean {
  switch (op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "==":
      return a === b;
    case "!=":
      return a !== b;
  }
}

/** Evaluates a subtree for all n rows at once (columns of length ≥ n). */
function evalNode(node: Node, columns: Record<string, ArrayLike<number>>, n: number): ArrayLike<number> {
  if (node.kind === "var") {
    const col = columns[node.name];
    if (!col) throw new Error(`cut needs column '${node.name}'`);
    return col;
  }
  const out = new Float64Array(n);
  switch (node.kind) {
    case "num":
      return out.fill(node.value);
    case "neg": {
      const a = evalNode(node.arg, columns, n);
      for (let i = 0; i < n; i++) out[i] = -a[i]!;
      return out;
    }
    case "bin": {
      const a = evalNode(node.left, columns, n);
      const b = evalNode(node.right, columns, n);
      if (node.op === "+") for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
      else if (node.op === "-") for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
      else if (node.op === "*") for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
      else for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
      return out;
    }
  }
}
