// Python values as lbg carries them for ceci stages. A JS number cannot say whether Python has `2` or `2.0`,
// and JSON cannot hold nan or ±inf, so:
//   int          a JS number that is an integer, or a bigint (beyond 2^53, where a YAML reader gives one)
//   float        a JS number that is not an integer (also NaN, ±Infinity), or a PyFloat (integral: 2.0, -0.0)
//   str, bool, None, list, dict (string keys)   string, boolean, null, array, plain object
//   date, datetime  a YamlTimestamp (pyyaml-scalar.ts: a Date that knows which, with microseconds and zone)
//   anything else (a default such as `[float]`, a tuple, a numpy value, a dict with int keys)   a PyOpaque:
//                shown and fingerprinted by its repr, never written into a config file
// In JSON (the introspection answer, fingerprints) the values JSON lacks are tagged objects:
//   {"!!float": "<repr>"} for PyFloat and non-finite numbers, {"!!int": "<digits>"} for a bigint,
//   {"!!timestamp": "<YAML text>"} for a YamlTimestamp, {"!!python": "<repr>"} for PyOpaque, and a user
//   mapping with a single key starting with "!!" is wrapped as {"!!map": {...}} so the encoding stays one-to-one.

import { construct, YamlTimestamp } from "./pyyaml-scalar.ts";

/** A Python float JS numbers cannot mark as one: an integral value (2.0, -0.0, 1e+20). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A Python value lbg cannot represent; `source` is the config value it was converted from, if any. */
export class PyOpaque {
  constructor(
    readonly repr: string,
    readonly source?: unknown,
  ) {}
}

/** n as a Python float. */
export function pyFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

export function isPyFloat(v: unknown): v is number | PyFloat {
  return v instanceof PyFloat || (typeof v === "number" && !Number.isInteger(v));
}

export function isPyInt(v: unknown): v is number | bigint {
  return (typeof v === "number" && Number.isInteger(v)) || typeof v === "bigint";
}

/** The number inside a Python int or float. */
export function pyNumber(v: number | bigint | PyFloat): number {
  return v instanceof PyFloat ? v.value : Number(v);
}

/** The value with PyFloat replaced by plain numbers (what TypeScript stages get). */
export function plainValue(v: unknown): unknown {
  if (v instanceof PyFloat) return v.value;
  if (Array.isArray(v)) return v.some(needsPlain) ? v.map(plainValue) : v;
  if (isPlainObject(v) && Object.values(v).some(needsPlain))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainValue(x)]));
  return v;
}

function needsPlain(v: unknown): boolean {
  if (v instanceof PyFloat) return true;
  if (Array.isArray(v)) return v.some(needsPlain);
  return isPlainObject(v) && Object.values(v).some(needsPlain);
}

/** A YAML mapping or JSON object: a plain object (not a list, a Date, nor a PyFloat standing for 2.0). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Python's repr() of a float: the shortest digits that read back, fixed notation for exponents -4..15. */
export function pyFloatRepr(n: number): string {
  if (Number.isNaN(n)) return "nan";
  if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf";
  const sign = n < 0 || Object.is(n, -0) ? "-" : "";
  const [mant, e] = Math.abs(n).toExponential().split("e") as [string, string];
  const digits = mant.replace(".", "");
  const exp = Number(e);
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
    const int = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
    return `${sign}${int}.${digits.slice(exp + 1) || "0"}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/** Python's repr() of an int held in a JS number (exact digits, no exponent). */
function pyIntRepr(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

// Python's str.isprintable(): these categories are escaped by repr().
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's repr() of a str: quoted as Python chooses, with its escapes. */
export function pyStrRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === q) out += `\\${q}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch !== " " && NOT_PRINTABLE.test(ch))
      out +=
        c < 0x100
          ? `\\x${c.toString(16).padStart(2, "0")}`
          : c < 0x10000
            ? `\\u${c.toString(16).padStart(4, "0")}`
            : `\\U${c.toString(16).padStart(8, "0")}`;
    else out += ch;
  }
  return out + q;
}

/** Python's repr() of a value. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (v instanceof PyOpaque) return v.repr;
  if (v instanceof YamlTimestamp) return v.pythonRepr();
  if (typeof v === "number") return Number.isInteger(v) ? pyIntRepr(v) : pyFloatRepr(v);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return pyStrRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  if (typeof v === "object")
    return `{${Object.entries(v)
      .map(([k, x]) => `${pyStrRepr(k)}: ${pyRepr(x)}`)
      .join(", ")}}`;
  return String(v);
}

/** Python's str() of a value. */
export function pyStr(v: unknown): string {
  if (v instanceof YamlTimestamp) return v.pythonStr();
  return typeof v === "string" ? v : pyRepr(v);
}

/** Python's truth value (bool(v)). */
export function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (v === true) return true;
  if (v instanceof PyFloat) return v.value !== 0;
  if (typeof v === "number") return v !== 0; // NaN is true, as in Python
  if (typeof v === "bigint") return v !== 0n;
  if (typeof v === "string" || Array.isArray(v)) return v.length > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** The name of the value's Python type, as `type(v).__name__` gives it. */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "boolean") return "bool";
  if (isPyInt(v)) return "int";
  if (isPyFloat(v)) return "float";
  if (typeof v === "string") return "str";
  if (Array.isArray(v)) return "list";
  if (isPlainObject(v)) return "dict";
  if (v instanceof YamlTimestamp) return v.pythonType === "date" ? "date" : "datetime";
  return "object";
}

const TAGS = ["!!float", "!!int", "!!timestamp", "!!python", "!!map"];

/** The value as JSON can hold it (see the head of this file). */
export function toTaggedJson(v: unknown): unknown {
  if (v instanceof PyFloat) return { "!!float": pyFloatRepr(v.value) };
  if (v instanceof PyOpaque) return { "!!python": v.repr };
  if (typeof v === "number") return Number.isFinite(v) ? v : { "!!float": pyFloatRepr(v) };
  if (typeof v === "bigint") return { "!!int": v.toString() };
  if (v instanceof YamlTimestamp) return { "!!timestamp": v.yamlText() };
  if (Array.isArray(v)) return v.map(toTaggedJson);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toTaggedJson(x);
    const keys = Object.keys(out);
    return keys.length === 1 && keys[0]!.startsWith("!!") ? { "!!map": out } : out;
  }
  return v;
}

/** Reads a float's repr back: `nan`, `inf`, `-inf`, `2.0`, `1e+20`. */
function parseFloatRepr(s: string): number {
  if (/^[+-]?nan$/i.test(s)) return Number.NaN;
  if (/^[+-]?inf(inity)?$/i.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  return Number(s);
}

/** The inverse of toTaggedJson. */
export function fromTaggedJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromTaggedJson);
  if (typeof v !== "object" || v === null) return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && TAGS.includes(keys[0]!)) {
    const [k] = keys as [string];
    const x = o[k];
    if (k === "!!float" && typeof x === "string") {
      const n = parseFloatRepr(x);
      return Number.isFinite(n) ? pyFloat(n) : n;
    }
    if (k === "!!int" && typeof x === "string" && /^-?\d+$/.test(x)) return BigInt(x);
    if (k === "!!timestamp" && typeof x === "string") {
      try {
        return construct("timestamp", x);
      } catch {
        /* not one of lbg's own: left as the mapping it is */
      }
    }
    if (k === "!!python" && typeof x === "string") return new PyOpaque(x);
    if (k === "!!map" && typeof x === "object" && x !== null)
      return Object.fromEntries(Object.entries(x).map(([kk, xx]) => [kk, fromTaggedJson(xx)]));
  }
  return Object.fromEntries(keys.map((k) => [k, fromTaggedJson(o[k])]));
}

/** A config value for messages: JSON, except that floats, None and opaque values read as in Python. */
export function showValue(v: unknown): string {
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (v instanceof PyOpaque) return v.repr;
  if (typeof v === "number") return Number.isInteger(v) ? pyIntRepr(v) : pyFloatRepr(v);
  if (typeof v === "bigint") return v.toString();
  if (v instanceof YamlTimestamp) return v.yamlText();
  if (v === undefined) return "(unset)";
  if (Array.isArray(v)) return `[${v.map(showValue).join(", ")}]`;
  if (typeof v === "object" && v !== null)
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${showValue(x)}`)
      .join(", ")}}`;
  return JSON.stringify(v);
}
