// YAML scalars as PyYAML's SafeLoader reads them (YAML 1.1). ceci and every Python stage read config files
// with `yaml.safe_load`, so a value must mean here what it means there: `yes/no/on/off` are booleans, `1e3`
// (no dot, no exponent sign) is a string, `017` is octal 15 but `0o17` a string, `1_000` is 1000, `1:30` is
// 90 (base 60), `.nan`/`.inf` are floats, `~` and an empty value are null, `2002-12-14` is a date. The
// regular expressions are PyYAML's resolver's, tried in its order; the constructors follow PyYAML's.
// Where PyYAML would crash with a Python ValueError, lbg refuses the value with a message instead (see
// ScalarError). An int beyond 2^53, which a JS number cannot hold exactly, is a bigint: the composer hands it to
// its caller's `bigInt` (compose-yaml.ts), or refuses it (tooLargeInt).

export const YAML_TAG = "tag:yaml.org,2002:";

/** A scalar PyYAML would reject (or lbg cannot represent): the caller adds the position. */
export class ScalarError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;
const TIMESTAMP_PARTS =
  /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9]{1,2})(?::([0-9]{2}))?))?)?$/;

/** The tag PyYAML's resolver gives a plain scalar (implicit resolution), by its first character first. */
export function implicitTag(text: string): string {
  const c = text.charAt(0);
  if (c === "") return "null";
  if ("yYnNtTfFoO".includes(c) && BOOL.test(text)) return "bool";
  if ("-+0123456789.".includes(c)) {
    if (FLOAT.test(text)) return "float";
    if (c !== "." && INT.test(text)) return "int";
  }
  if (c === "<" && text === "<<") return "merge";
  if ("~nN".includes(c) && NULL.test(text)) return "null";
  if (c >= "0" && c <= "9" && TIMESTAMP.test(text)) return "timestamp";
  if (c === "=" && text === "=") return "value";
  return "str";
}

/**
 * The value of a scalar with tag `name` (the part after `tag:yaml.org,2002:`), as PyYAML's SafeConstructor
 * builds it. An explicit tag applies its constructor to any text (`!!int "0x1F"` is 31, `!!float 1` is 1.0).
 */
export function construct(name: string, text: string): unknown {
  switch (name) {
    case "str":
      return text;
    case "null":
      return null;
    case "bool": {
      const b = { yes: true, no: false, true: true, false: false, on: true, off: false }[text.toLowerCase()];
      if (b === undefined) throw new ScalarError(`'${text}' is not a YAML boolean`, "use true or false");
      return b;
    }
    case "int":
      return constructInt(text);
    case "float":
      return constructFloat(text);
    case "timestamp":
      return constructTimestamp(text);
    case "value":
      throw new ScalarError("'=' alone is not a value PyYAML can read (its YAML 1.1 'value' tag)", "quote it: '='");
    case "merge":
      throw new ScalarError("'<<' is a merge key and cannot be a value", "quote it: '<<'");
    case "binary":
    case "set":
    case "omap":
    case "pairs":
      throw new ScalarError(
        `YAML tag !!${name} is not supported by lbg`,
        "use a plain value, list or mapping (lbg reads !!str !!int !!float !!bool !!null !!timestamp !!seq !!map)",
      );
    default:
      throw noConstructor(`!!${name}`);
  }
}

/** The int as a number where one holds it exactly, else as a bigint. */
function exactInt(n: bigint): number | bigint {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER)) return n;
  return Number(n) || 0; // never -0: Python ints have no negative zero
}

/** Where an int beyond 2^53 cannot be taken (a reader with no use for exact big ints). */
export function tooLargeInt(text: string): ScalarError {
  return new ScalarError(
    `integer ${text} is too large to keep exactly (beyond 2^53)`,
    "quote it if it is an identifier, or write it as a float",
  );
}

function constructInt(text: string): number | bigint {
  if (!INT.test(text)) throw new ScalarError(`'${text}' is not a YAML 1.1 integer`);
  let v = text.replace(/_/g, "");
  const sign = v[0] === "-" ? -1n : 1n;
  if (v[0] === "-" || v[0] === "+") v = v.slice(1);
  // `0b_` or `0x_` match the resolver but leave no digits: PyYAML then fails with a Python ValueError.
  const digits = (prefix: string, rest: string) => {
    if (!rest) throw new ScalarError(`'${text}' is not a YAML 1.1 integer (no digits)`, "quote it if it is text");
    return BigInt(prefix + rest);
  };
  let n: bigint;
  if (v === "0") n = 0n;
  else if (v.startsWith("0b")) n = digits("0b", v.slice(2));
  else if (v.startsWith("0x")) n = digits("0x", v.slice(2));
  else if (v[0] === "0") n = digits("0o", v.slice(1));
  else if (v.includes(":")) {
    n = 0n;
    for (const part of v.split(":")) n = n * 60n + BigInt(part);
  } else n = BigInt(v);
  return exactInt(sign * n);
}

/** Python's float() grammar, for explicit `!!float` (which skips the resolver's stricter pattern). */
const PY_FLOAT = /^\s*[-+]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|inf|infinity|nan)\s*$/i;

function constructFloat(text: string): number {
  let v = text.replace(/_/g, "").toLowerCase();
  let sign = 1;
  if (v[0] === "-") sign = -1;
  if (v[0] === "-" || v[0] === "+") v = v.slice(1);
  if (v === ".inf") return sign * Number.POSITIVE_INFINITY;
  if (v === ".nan") return Number.NaN;
  if (v.includes(":")) {
    // Base 60, summed from the last part as PyYAML does (the same float operations, the same result).
    const parts = v
      .split(":")
      .map((p) => (PY_FLOAT.test(p) ? Number(p) : Number.NaN))
      .reverse();
    if (parts.some(Number.isNaN)) throw new ScalarError(`'${text}' is not a float`);
    let value = 0;
    let base = 1;
    for (const p of parts) {
      value += p * base;
      base *= 60;
    }
    return sign * value;
  }
  if (!PY_FLOAT.test(v)) throw new ScalarError(`'${text}' is not a float`);
  const t = v.trim();
  if (t === "inf" || t === "infinity") return sign * Number.POSITIVE_INFINITY;
  if (t === "nan") return Number.NaN;
  return sign * Number(t);
}

/**
 * A YAML timestamp: a Date (its UTC time, to the millisecond) that remembers the Python value PyYAML made of
 * it — a `date`, a naive `datetime` or one with a zone (`datetime-tz`, with its UTC offset) and the
 * microseconds — so a writer can give a Python stage exactly the same value back (`yamlText`), and lbg can show
 * it as Python would (`pythonStr`, `pythonRepr`), where a plain Date would be an aware datetime in UTC.
 */
export class YamlTimestamp extends Date {
  constructor(
    time: number,
    readonly pythonType: "date" | "datetime" | "datetime-tz",
    /** 0..999999: the time's fraction of a second as Python keeps it (the Date keeps milliseconds). */
    readonly microsecond = (((time % 1000) + 1000) % 1000) * 1000,
    /** For `datetime-tz`: the zone's offset from UTC in minutes (`-05:00` is -300). */
    readonly offsetMinutes = 0,
  ) {
    super(time);
  }

  /** Date and wall-clock time in the value's own zone: [YYYY-MM-DD, HH:MM:SS]. */
  private wall(): [string, string] {
    const iso = new Date(this.getTime() + this.offsetMinutes * 60_000).toISOString();
    return [iso.slice(0, 10), iso.slice(11, 19)];
  }

  private fraction(): string {
    return this.microsecond ? `.${String(this.microsecond).padStart(6, "0")}` : "";
  }

  private zone(): string {
    const m = Math.abs(this.offsetMinutes);
    const hm = `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
    return `${this.offsetMinutes < 0 ? "-" : "+"}${hm}`;
  }

  /** YAML that PyYAML reads back as the same Python value (same type, time, microseconds and zone). */
  yamlText(): string {
    const [date, time] = this.wall();
    if (this.pythonType === "date") return date;
    const t = `${date} ${time}${this.fraction()}`;
    return this.pythonType === "datetime" ? t : `${t}${this.offsetMinutes ? this.zone() : "Z"}`;
  }

  /** Python's str() of the value: `2002-12-14`, `2001-12-14 21:59:43.100000-05:00`. */
  pythonStr(): string {
    const [date, time] = this.wall();
    if (this.pythonType === "date") return date;
    return `${date} ${time}${this.fraction()}${this.pythonType === "datetime-tz" ? this.zone() : ""}`;
  }

  /** Python's repr() of the value: `datetime.date(2002, 12, 14)`, `datetime.datetime(2001, 12, 14, 21, 59, 43)`. */
  pythonRepr(): string {
    const [date, time] = this.wall();
    const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
    if (this.pythonType === "date") return `datetime.date(${y}, ${mo}, ${d})`;
    const [h, mi, sec] = time.split(":").map(Number) as [number, number, number];
    const parts = [y, mo, d, h, mi];
    if (sec || this.microsecond) parts.push(sec);
    if (this.microsecond) parts.push(this.microsecond);
    let tz = "";
    if (this.pythonType === "datetime-tz") {
      const s = this.offsetMinutes * 60;
      const days = Math.floor(s / 86400);
      const rest = s - days * 86400;
      const delta = [days ? `days=${days}` : "", rest ? `seconds=${rest}` : ""].filter(Boolean).join(", ");
      tz = `, tzinfo=${s === 0 ? "datetime.timezone.utc" : `datetime.timezone(datetime.timedelta(${delta}))`}`;
    }
    return `datetime.datetime(${parts.join(", ")}${tz})`;
  }
}

/** `2002-12-14` (a Python date) or a date and time (a datetime; UTC unless it names a zone), as a Date. */
function constructTimestamp(text: string): YamlTimestamp {
  const m = TIMESTAMP_PARTS.exec(text);
  if (!m) throw new ScalarError(`'${text}' is not a YAML timestamp`, "e.g. 2002-12-14 or 2001-12-14 21:59:43.10 -5");
  const [, y, mo, d, h, mi, s, frac, tz, tzSign, tzH, tzM] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  const invalid = (what: string) =>
    new ScalarError(`'${text}' is not a valid date (${what})`, "quote it if it is text, not a date");
  if (year < 1) throw invalid("year 0");
  if (month < 1 || month > 12) throw invalid("month must be in 1..12");
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) throw invalid("no such day in that month");
  if (h === undefined) return new YamlTimestamp(date.getTime(), "date");
  const [hour, minute, second] = [Number(h), Number(mi), Number(s)];
  if (hour > 23 || minute > 59 || second > 59) throw invalid("time out of range");
  // PyYAML keeps the first 6 digits of the fraction (microseconds).
  const micro = frac ? Number(frac.slice(0, 6).padEnd(6, "0")) : 0;
  date.setUTCHours(hour, minute, second, Math.floor(micro / 1000));
  let offset = 0;
  if (tz && tz !== "Z") {
    offset = (Number(tzH) * 60 + Number(tzM ?? 0)) * (tzSign === "-" ? -1 : 1);
    // Python's timezone() takes offsets strictly within a day; PyYAML fails with a ValueError beyond.
    if (Math.abs(offset) >= 24 * 60) throw invalid("the zone's offset must be less than 24 hours");
    date.setTime(date.getTime() - offset * 60_000);
  }
  return new YamlTimestamp(date.getTime(), tz ? "datetime-tz" : "datetime", micro, offset);
}

/** A tag PyYAML's safe loader has no constructor for (`!!python/tuple`, `!local`): yaml.safe_load fails. */
export function noConstructor(tag: string): ScalarError {
  return new ScalarError(
    `YAML tag ${tag}: PyYAML's safe loader (ceci's) has no constructor for it`,
    "remove the tag; ceci's yaml.safe_load refuses it",
  );
}
