// YAML text that PyYAML (yaml.safe_load, what ceci stages read their config with) loads back as exactly the
// given Python values (py-value.ts): floats always with a dot (`2.0`, `1.0e+20`, `.nan`, `.inf`, `-.inf`), ints
// without, and every string that PyYAML's YAML 1.1 rules could read as something else (`yes`, `off`, `1_000`,
// `1:30`, `2024-01-01`, `~`, `1e3`, `.5`) double-quoted; dates and datetimes as timestamps PyYAML reads back. Mappings of sections at the top in block style, values
// in flow style. A general YAML writer quotes for YAML 1.2 and writes 2.0 as `2`, which PyYAML reads as an int.
import { isPlainObject, PyFloat, PyOpaque, pyFloatRepr } from "./py-value.ts";
import { YamlTimestamp } from "./pyyaml-scalar.ts";

// Plain (unquoted) only for text that cannot be anything but a string in YAML 1.1: it starts with a letter,
// `_` or `/`, holds no flow or comment characters, and is not one of the words PyYAML reads as bool or null.
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_ ./+-]*$/;
const SPECIAL_WORDS = new Set(["yes", "no", "on", "off", "true", "false", "null"]);

function str(s: string): string {
  if (PLAIN.test(s) && !s.endsWith(" ") && !SPECIAL_WORDS.has(s.toLowerCase())) return s;
  // A JSON string is a YAML double-quoted scalar with the same escapes. Characters YAML 1.1 takes as line
  // breaks (NEL, LS, PS: folded into spaces) or PyYAML refuses in a stream (DEL, C1 controls) are escaped too.
  return JSON.stringify(s).replace(
    /[\x7f-\x9f\u2028\u2029\ufffe\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** A float as PyYAML's own representer writes it: repr(), with `.0` added to a mantissa without a dot. */
function float(n: number): string {
  if (Number.isNaN(n)) return ".nan";
  if (!Number.isFinite(n)) return n > 0 ? ".inf" : "-.inf";
  const r = pyFloatRepr(n);
  return r.includes(".") || !r.includes("e") ? r : r.replace("e", ".0e");
}

/** One value in flow style; undefined for a value no YAML can give back (an opaque Python value). */
export function pyYamlValue(v: unknown): string | undefined {
  if (v === null || v === undefined) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  if (v instanceof PyFloat) return float(v.value);
  if (v instanceof PyOpaque) return v.source === undefined ? undefined : pyYamlValue(v.source);
  if (typeof v === "number") {
    if (!Number.isInteger(v)) return float(v);
    return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
  }
  if (typeof v === "bigint") return v.toString();
  if (v instanceof YamlTimestamp) return v.yamlText(); // a date or datetime read from a config, given back as one
  if (typeof v === "string") return str(v);
  if (Array.isArray(v)) {
    const items = v.map(pyYamlValue);
    return items.includes(undefined) ? undefined : `[${items.join(", ")}]`;
  }
  if (isPlainObject(v)) {
    const items: string[] = [];
    for (const [k, x] of Object.entries(v)) {
      const y = pyYamlValue(x);
      if (y === undefined) return undefined;
      items.push(`${str(k)}: ${y}`);
    }
    return `{${items.join(", ")}}`;
  }
  return undefined;
}

/** `section:` then `  key: value` lines; keys whose value cannot be written are left out. */
export function dumpPyYaml(doc: Record<string, Record<string, unknown>>): string {
  let out = "";
  for (const [section, values] of Object.entries(doc)) {
    const lines: string[] = [];
    for (const [k, v] of Object.entries(values)) {
      const y = pyYamlValue(v);
      if (y !== undefined) lines.push(`  ${str(k)}: ${y}\n`);
    }
    out += lines.length ? `${str(section)}:\n${lines.join("")}` : `${str(section)}: {}\n`;
  }
  return out;
}
