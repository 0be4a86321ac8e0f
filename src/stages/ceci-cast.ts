// ceci's conversion of an option value to its declared type (ceci/config.py, cast_value), which every Python
// stage applies to its config when it starts: None stays None; a value that already is an instance of the
// type stays as it is (a bool is an int); otherwise `dtype(value)`, and a TypeError or ValueError of that
// becomes ceci's "Value of type <class 'str'>, when <class 'int'> was expected." So `list("ugrizy")` is a list
// of letters, an int where a float is declared becomes a float, `bool("no")` is True, and list elements are
// never converted. Types ceci knows only as other classes (numpy types, user classes) are not converted here:
// the stage does that itself, from the value as written.
import {
  isPlainObject,
  isPyFloat,
  isPyInt,
  PyFloat,
  PyOpaque,
  pyFloat,
  pyNumber,
  pyRepr,
  pyStr,
  pyTruthy,
  pyTypeName,
} from "../config/py-value.ts";

export type CastResult = { ok: true; value: unknown } | { ok: false; error: string };

/** The Python types lbg converts to; anything else is left to the stage. */
const CAST_TYPES = ["int", "float", "str", "bool", "list", "tuple", "dict"];

function rejected(v: unknown, type: string): CastResult {
  return { ok: false, error: `Value of type <class '${pyTypeName(v)}'>, when <class '${type}'> was expected.` };
}

// What Python's int() and float() accept in a string (surrounding whitespace aside): digits may be grouped
// with single underscores.
const DIGITS = String.raw`\d(?:_?\d)*`;
const INT_TEXT = new RegExp(`^[+-]?${DIGITS}$`);
const FLOAT_TEXT = new RegExp(`^[+-]?(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`);
const SPECIAL_FLOAT = /^([+-]?)(inf|infinity|nan)$/i;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function toInt(v: unknown): CastResult {
  if (typeof v === "string") {
    const t = v.trim();
    if (!INT_TEXT.test(t)) return rejected(v, "int");
    const n = BigInt(t.replaceAll("_", ""));
    // Python's int is exact at any size: beyond 2^53 lbg keeps it as a bigint (py-value.ts).
    return { ok: true, value: n >= -MAX_SAFE && n <= MAX_SAFE ? Number(n) : n };
  }
  if (isPyFloat(v)) {
    const n = pyNumber(v as number | PyFloat);
    if (Number.isNaN(n)) return rejected(v, "int");
    // int(inf) raises OverflowError, which cast_value does not catch: the stage fails configuring.
    if (!Number.isFinite(n)) return { ok: false, error: "OverflowError: cannot convert float infinity to integer" };
    return { ok: true, value: Math.trunc(n) + 0 };
  }
  return rejected(v, "int");
}

function toFloat(v: unknown): CastResult {
  if (typeof v === "boolean") return { ok: true, value: new PyFloat(v ? 1 : 0) };
  if (isPyInt(v)) return { ok: true, value: pyFloat(Number(v)) };
  if (typeof v === "string") {
    const t = v.trim();
    const special = SPECIAL_FLOAT.exec(t);
    if (special) {
      const n = special[2]!.toLowerCase() === "nan" ? Number.NaN : Infinity;
      return { ok: true, value: special[1] === "-" ? -n : n };
    }
    if (!FLOAT_TEXT.test(t)) return rejected(v, "float");
    return { ok: true, value: pyFloat(Number(t.replaceAll("_", ""))) };
  }
  return rejected(v, "float");
}

/** list(v) / tuple(v): a str gives its characters, a dict its keys. */
function toList(v: unknown, type: string): CastResult {
  if (typeof v === "string") return { ok: true, value: [...v] };
  if (Array.isArray(v)) return { ok: true, value: [...v] };
  if (isPlainObject(v)) return { ok: true, value: Object.keys(v) };
  return rejected(v, type);
}

/** dict(v): from an iterable of pairs (a list of two-element lists or two-character strings). */
function toDict(v: unknown): CastResult {
  let items: unknown[];
  if (typeof v === "string") items = [...v];
  else if (Array.isArray(v)) items = v;
  else if (isPlainObject(v)) items = Object.keys(v);
  else return rejected(v, "dict");
  const pairs: [unknown, unknown][] = [];
  for (const item of items) {
    const pair =
      typeof item === "string"
        ? [...item]
        : Array.isArray(item)
          ? item
          : isPlainObject(item)
            ? Object.keys(item)
            : undefined;
    if (pair?.length !== 2) return rejected(v, "dict");
    const key = pair[0];
    if (Array.isArray(key) || isPlainObject(key)) return rejected(v, "dict"); // unhashable
    pairs.push([key, pair[1]]);
  }
  if (pairs.every(([k]) => typeof k === "string")) return { ok: true, value: Object.fromEntries(pairs) };
  // Keys that are not strings: a dict JSON and YAML mappings here cannot hold; the stage converts it itself.
  return { ok: true, value: new PyOpaque(`{${pairs.map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(", ")}}`, v) };
}

function isInstance(v: unknown, type: string): boolean {
  switch (type) {
    case "int":
      return isPyInt(v) || typeof v === "boolean";
    case "float":
      return isPyFloat(v);
    case "str":
      return typeof v === "string";
    case "bool":
      return typeof v === "boolean";
    case "list":
      return Array.isArray(v);
    case "dict":
      return isPlainObject(v);
    default:
      return false;
  }
}

/** ceci's cast_value(dtype, value) for a Python type name; an unknown type leaves the value alone. */
export function ceciCast(type: string | undefined, v: unknown): CastResult {
  if (!type || !CAST_TYPES.includes(type) || v === null || v === undefined) return { ok: true, value: v ?? null };
  if (v instanceof PyOpaque) return { ok: true, value: v };
  if (isInstance(v, type)) return { ok: true, value: v };
  switch (type) {
    case "int":
      return toInt(v);
    case "float":
      return toFloat(v);
    case "str":
      return { ok: true, value: pyStr(v) };
    case "bool":
      return { ok: true, value: pyTruthy(v) };
    case "list":
    case "tuple":
      return toList(v, type);
    default:
      return toDict(v);
  }
}
