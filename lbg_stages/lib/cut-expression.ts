// A safe parser and vectorised evaluator for selection cuts such as `g - r > 1.5 * (r - i) + 0.8`.
// No eval/Function: the text is tokenised and parsed by recursive descent into a small tree, and only the
// variables the caller names (magnitudes u g r i z y) may appear. Grammar:
//   cut     := sum (cmp sum)+            cmp := < | <= | > | >= | == | !=   (chains: 22 < i < 25)
//   sum     := product (("+" | "-") product)*
//   product := unary (("*" | "/") unary)*
//   unary   := ("-" | "+") unary | number | name | "(" sum ")"
// Errors are thrown as CutSyntaxError with the column (1-based) where the text stopped making sense.

export class CutSyntaxError extends Error {}

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

const TOKEN = /\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|==|!=|[<>+\-*/()]))/y;

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
    const col = m.index + m[0].length - (m[1] ?? m[2] ?? m[3]).length + 1;
    if (m[1] !== undefined) tokens.push({ type: "num", text: m[1], col });
    else if (m[2] !== undefined) tokens.push({ type: "name", text: m[2], col });
    else tokens.push({ type: "op", text: m[3], col });
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
  const tokens = tokenize(text);
  let p = 0;
  const used = new Set<string>();
  const peek = () => tokens[p];
  const fail = (t: Token, what: string): never => {
    throw new CutSyntaxError(`${what}, found '${t.text}' at column ${t.col}`);
  };

  const unary = (): Node => {
    const t = peek();
    if (t.type === "op" && (t.text === "-" || t.text === "+")) {
      p++;
      const arg = unary();
      return t.text === "-" ? { kind: "neg", arg } : arg;
    }
    if (t.type === "num") {
      p++;
      return { kind: "num", value: Number(t.text) };
    }
    if (t.type === "name") {
      if (!allowed.includes(t.text)) {
        throw new CutSyntaxError(`unknown name '${t.text}' at column ${t.col} (allowed: ${allowed.join(" ")})`);
      }
      p++;
      used.add(t.text);
      return { kind: "var", name: t.text };
    }
    if (t.type === "op" && t.text === "(") {
      p++;
      const inner = sum();
      if (peek().text !== ")" || peek().type !== "op") fail(peek(), "expected ')'");
      p++;
      return inner;
    }
    return fail(t, "expected a number, a band name or '('");
  };
  const product = (): Node => {
    let left = unary();
    while (peek().type === "op" && (peek().text === "*" || peek().text === "/")) {
      const op = tokens[p++].text as "*" | "/";
      left = { kind: "bin", op, left, right: unary() };
    }
    return left;
  };
  const sum = (): Node => {
    let left = product();
    while (peek().type === "op" && (peek().text === "+" || peek().text === "-")) {
      const op = tokens[p++].text as "+" | "-";
      left = { kind: "bin", op, left, right: product() };
    }
    return left;
  };

  const operands: Node[] = [sum()];
  const comparisons: Cmp[] = [];
  while (peek().type === "op" && ["<", "<=", ">", ">=", "==", "!="].includes(peek().text)) {
    comparisons.push(tokens[p++].text as Cmp);
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
        const a = values[c];
        const b = values[c + 1];
        for (let i = 0; i < n; i++) if (mask[i] && !compare(op, a[i], b[i])) mask[i] = 0;
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
      for (let i = 0; i < n; i++) out[i] = -a[i];
      return out;
    }
    case "bin": {
      const a = evalNode(node.left, columns, n);
      const b = evalNode(node.right, columns, n);
      if (node.op === "+") for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
      else if (node.op === "-") for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
      else if (node.op === "*") for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
      else for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
      return out;
    }
  }
}
