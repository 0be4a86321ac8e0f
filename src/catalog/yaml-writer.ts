// A small YAML emitter for stage outputs (metrics, summaries). Output is a pure function of the value:
// keys in insertion order (the caller's order, so files read top-down the way they were designed), numbers
// rounded to a fixed number of significant digits, strings quoted only when YAML would misread them.
// Floats are written so that both YAML 1.2 readers and PyYAML (YAML 1.1) read them back as floats.
import { writeFileSync } from "node:fs";

export type YamlValue = null | boolean | number | bigint | string | YamlValue[] | { [key: string]: YamlValue };

export interface YamlOptions {
  /** Significant digits of non-integer numbers. Default 6. */
  digits?: number;
}

/** A number as YAML: integers exactly, floats to `digits` significant digits, ±.inf, .nan. */
export function formatYamlNumber(x: number, digits = 6): string {
  if (Number.isNaN(x)) return ".nan";
  if (!Number.isFinite(x)) return x > 0 ? ".inf" : "-.inf";
  if (Object.is(x, -0)) return "0";
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const rounded = Number(x.toPrecision(digits));
  let s = String(rounded);
  if (Number.isInteger(rounded) && !s.includes("e")) return `${s}.0`;
  const e = s.indexOf("e");
  if (e >= 0) {
    // PyYAML's float pattern needs a dot in the mantissa and a sign in the exponent: 1e-7 → 1.0e-07.
    let mantissa = s.slice(0, e);
    let exp = s.slice(e + 1);
    if (!mantissa.includes(".")) mantissa += ".0";
    const sign = exp.startsWith("-") ? "-" : "+";
    exp = exp.replace(/^[+-]/, "").padStart(2, "0");
    s = `${mantissa}e${sign}${exp}`;
  }
  return s;
}

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_ ./()<>=+*-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n|~)$/i;

function formatString(s: string): string {
  if (PLAIN.test(s) && !RESERVED.test(s) && !s.endsWith(" ") && !s.includes(": ") && !s.includes(" #")) return s;
  return JSON.stringify(s); // a JSON string is a valid double-quoted YAML scalar
}

/** The value on one line (scalar, empty collection, short list of scalars), or undefined for a block. */
function inline(v: YamlValue, digits: number): string | undefined {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return formatYamlNumber(v, digits);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return formatString(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    // Short lists of scalars stay on one line (bin edges, quantiles).
    if (v.some((x) => typeof x === "object" && x !== null)) return undefined;
    const items = v.map((x) => inline(x, digits)!);
    const text = `[${items.join(", ")}]`;
    return text.length <= 100 ? text : undefined;
  }
  return Object.keys(v).length === 0 ? "{}" : undefined;
}

/** Lines of a mapping or sequence that does not fit on one line, each prefixed by `indent`. */
function block(v: YamlValue, indent: string, digits: number): string[] {
  const lines: string[] = [];
  if (Array.isArray(v)) {
    for (const item of v) {
      const s = inline(item, digits);
      if (s !== undefined) lines.push(`${indent}- ${s}`);
      else {
        const sub = block(item, `${indent}  `, digits);
        lines.push(`${indent}- ${sub[0]!.trimStart()}`, ...sub.slice(1));
      }
    }
    return lines;
  }
  for (const [k, item] of Object.entries(v as Record<string, YamlValue>)) {
    const s = inline(item, digits);
    if (s !== undefined) lines.push(`${indent}${formatString(k)}: ${s}`);
    else lines.push(`${indent}${formatString(k)}:`, ...block(item, `${indent}  `, digits));
  }
  return lines;
}

/** The YAML text of a mapping, list or scalar, ending with a newline. */
export function formatYaml(value: YamlValue, options: YamlOptions = {}): string {
  const digits = options.digits ?? 6;
  const s = inline(value, digits);
  return `${s ?? block(value, "", digits).join("\n")}\n`;
}

export function writeYaml(path: string, value: YamlValue, options: YamlOptions = {}): void {
  writeFileSync(path, formatYaml(value, options));
}
