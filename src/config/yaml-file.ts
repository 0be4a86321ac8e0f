// A parsed YAML file that remembers where every value came from, so errors can name file:line:col.
// Every config file is read as PyYAML reads it (compose-yaml.ts): ceci and the Python stages read the same
// files with `yaml.safe_load`, so `yes`, `1e3`, `017` or `1:30` must mean here what they mean there.
// A key written twice in one mapping: in ceci-format files (stage config files, ceci pipeline files) the
// later value wins with a warning naming both lines, as PyYAML keeps the last; lbg's own run, pipeline and
// site files refuse it (see YamlFile.read).
// Each file has two values: `pyValue`, what a Python stage gets (a float such as 2.0 is a PyFloat, an int beyond
// 2^53 a bigint: py-value.ts), and `value`, the same with plain JS numbers, for everything else.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeAtomic } from "../fs/write-atomic.ts";
import type { Warn } from "./check-value.ts";
import { ComposeError, type ComposeOptions, type Composed, composeYaml, entryAt } from "./compose-yaml.ts";
import { LbgError, type SourcePos } from "../errors/lbg-error.ts";
import { LineTable } from "./line-table.ts";
import { fromTaggedJson, plainValue, PyFloat, toTaggedJson } from "./py-value.ts";
import { YamlTimestamp } from "./pyyaml-scalar.ts";

/** How values are built for Python: 2.0 stays a float, a big int stays exact (PyYAML gives Python both). */
const PY_VALUES: ComposeOptions = { integralFloat: (n) => new PyFloat(n), bigInt: (n) => n };

/** Parses one YAML value (a --set value, a ceci `key=value` override) with the same rules as config files, as
 *  a Python stage gets it (py-value.ts); throws an Error whose message says what is wrong (the caller shows the
 *  value itself). */
export function parseYamlPyValue(text: string): unknown {
  try {
    return composeYaml(text, "error", PY_VALUES).value;
  } catch (e) {
    if (!(e instanceof ComposeError)) throw e;
    throw new Error(e.message.replace(/^YAML (syntax error: )?/, ""));
  }
}

/** parseYamlPyValue with plain JS numbers. */
export function parseYamlValue(text: string): unknown {
  return plainValue(parseYamlPyValue(text));
}

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** A cached value whose checksum holds (see YamlFile.read), else undefined. */
function readCacheEntry(file: string): { pyValue: unknown } | undefined {
  let t: string;
  try {
    t = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const json = t.slice(41);
  if (t[40] !== " " || sha1(json) !== t.slice(0, 40)) return undefined;
  try {
    // Tags only where the file has nan, inf, a float such as 2.0 or a date (py-value.ts): most files skip the walk.
    return { pyValue: json.includes('"!!') ? fromTaggedJson(JSON.parse(json)) : JSON.parse(json) };
  } catch {
    return undefined;
  }
}

/** Values tagged JSON (py-value.ts) keeps exactly: only those go to the parse cache. */
function jsonSafe(v: unknown): boolean {
  if (typeof v === "number" || typeof v === "bigint" || v instanceof PyFloat || v instanceof YamlTimestamp) return true;
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (Array.isArray(v)) return v.every(jsonSafe);
  if (typeof v === "object")
    return Object.getPrototypeOf(v) === Object.prototype && Object.values(v as object).every(jsonSafe);
  return false;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The file's text; bytes that are not UTF-8 (Latin-1, UTF-16) are an error at the first of them — decoded
 *  loosely they would turn into other keys and values and give a misleading error further on. */
function decodeUtf8(path: string, what: string, bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    const loose = bytes.toString("utf8");
    const at = Math.max(0, loose.indexOf("\uFFFD"));
    const before = loose.slice(0, at);
    const line = before.split("\n").length;
    const col = at - before.lastIndexOf("\n");
    throw new LbgError(
      `${what} is not UTF-8 text`,
      { file: path, line, col },
      "save it as UTF-8 (YAML files are UTF-8)",
    );
  }
}

export type YamlPath = (string | number)[];

/** How a key written twice in one mapping is handled: refused, or the later value kept with a warning. */
export type DuplicateKeys = "error" | { warn: Warn };

export class YamlFile {
  /** Where the values are in the text; worked out on first use when the value came from the parse cache. */
  private located?: Pick<Composed, "positions" | "rootOffset" | "toOriginal">;
  private lineTable?: LineTable;
  private hadDuplicates = false;
  /** ceci `key=value` overrides applied over the file's value: positions inside them name the override. */
  private readonly overrides: { keys: string[]; pos: SourcePos }[] = [];

  /** The value with plain JS numbers (lbg's own settings, TypeScript stages). */
  readonly value: unknown;

  private constructor(
    readonly path: string,
    private readonly text: string,
    /** The value as PyYAML gives it to a Python stage (py-value.ts). */
    readonly pyValue: unknown,
    located?: Pick<Composed, "positions" | "rootOffset" | "toOriginal">,
  ) {
    this.value = plainValue(pyValue);
    this.located = located;
  }

  /**
   * Reads and parses a YAML file. With `cacheDir`, values are cached by content hash: a no-op build must
   * stay fast. Positions are then computed only if an error or warning needs one.
   *
   * On disk: `<cacheDir>/<sha1 of the YAML text>.pyvalue.json` holding `<sha1 of the JSON> <tagged JSON of the
   * value>`: the value as PyYAML reads it, in py-value.ts's tagged JSON (2.0, nan, big ints and dates survive);
   * entries of older readings (`.json`, `.v2.json`, `.pyyaml.json`) are never hit.
   * An entry whose checksum does not match (damaged, edited) is parsed anew and rewritten: damage costs one
   * parse, it is never taken for the config. A file with a repeated key is never cached, so its warning is
   * given every time.
   *
   * `duplicates`: lbg's own files (run, pipeline, site) refuse a repeated key — nothing in their format needs
   * one, and the repeat silently drops half a section (`inputs:` written twice). Stage config files and ceci
   * pipeline files are ceci's format, which PyYAML reads keeping the last value: lbg does the same and warns.
   */
  static read(path: string, what: string, cacheDir?: string, duplicates: DuplicateKeys = "error"): YamlFile {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new LbgError(
        `cannot read ${what}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "permission denied" : (code ?? String(e))}`,
        { file: path },
      );
    }
    const text = decodeUtf8(path, what, bytes);
    if (!cacheDir) return YamlFile.parse(path, text, duplicates);
    const cached = join(cacheDir, `${sha1(text)}.pyvalue.json`);
    const hit = readCacheEntry(cached);
    if (hit !== undefined) return new YamlFile(path, text, hit.pyValue);
    const yf = YamlFile.parse(path, text, duplicates);
    if (!yf.hadDuplicates && jsonSafe(yf.pyValue)) {
      const json = JSON.stringify(toTaggedJson(yf.pyValue));
      try {
        writeAtomic(cached, `${sha1(json)} ${json}`);
      } catch {
        /* a read-only or full .cache only costs parsing again */
      }
    }
    return yf;
  }

  static parse(path: string, text: string, duplicates: DuplicateKeys = "error"): YamlFile {
    let composed: Composed;
    const lines = new LineTable(text);
    try {
      composed = composeYaml(text, duplicates === "error" ? "error" : "last", PY_VALUES);
    } catch (e) {
      if (!(e instanceof ComposeError)) throw e;
      const at = e.line !== undefined ? { line: e.line, col: e.col ?? 1 } : lines.pos(e.offset);
      const first = e.first === undefined ? "" : ` (first at line ${lines.pos(e.first).line})`;
      const tab = /^YAML syntax error/.test(e.message) && /\t/.test(text.split("\n")[at.line - 1] ?? "");
      throw new LbgError(
        `${e.message}${first}`,
        { file: path, ...at },
        tab ? "YAML indents with spaces, not tabs" : e.hint,
      );
    }
    const yf = new YamlFile(path, text, composed.value, composed);
    yf.lineTable = lines;
    yf.hadDuplicates = composed.duplicates.length > 0;
    if (duplicates !== "error")
      for (const d of composed.duplicates) {
        const first = lines.pos(d.first);
        duplicates.warn(
          new LbgError(
            `duplicate key '${d.key}' (also at line ${first.line}): the later value is used, as ceci's PyYAML does`,
            { file: path, ...lines.pos(d.second) },
            "remove one of them",
          ),
        );
      }
    return yf;
  }

  /** Records a ceci `key=value` override applied to `value`: positions at or below `keys` are `pos`. */
  addOverride(keys: string[], pos: SourcePos): void {
    this.overrides.push({ keys, pos });
  }

  /**
   * Position of the value at `path` (or of its key when `key` is true); falls back to the nearest parent.
   * Lazy: line and column are worked out when first read, so positions kept for messages cost nothing.
   */
  pos(path: YamlPath = [], key = false): SourcePos {
    for (let i = this.overrides.length - 1; i >= 0; i--) {
      const o = this.overrides[i]!;
      if (o.keys.length <= path.length && o.keys.every((k, j) => String(path[j]) === k)) return o.pos;
    }
    return new YamlPos(this, path, key);
  }

  /** Line and column of `path` (used by YamlPos when a message first needs them). */
  resolvePos(path: YamlPath, key: boolean): { line: number; col: number } {
    // A value from the parse cache had no duplicate key, so composing again cannot warn or fail. Only the
    // positions are kept: the value composed again would double the memory of a big config.
    if (!this.located) {
      const { positions, rootOffset, toOriginal } = composeYaml(this.text, "last", PY_VALUES);
      this.located = { positions, rootOffset, toOriginal };
    }
    this.lineTable ??= new LineTable(this.text);
    let at = this.located.positions;
    let best = this.located.rootOffset;
    for (const seg of path) {
      const entry = entryAt(at, seg);
      if (!entry) break;
      best = key && entry.key !== undefined ? entry.key : entry.value;
      at = entry.child;
    }
    return this.lineTable.pos(this.located.toOriginal?.(best) ?? best);
  }

  error(path: YamlPath, message: string, hint?: string, key = false): LbgError {
    return new LbgError(message, this.pos(path, key), hint);
  }
}

/**
 * A position in a YamlFile, its line and column worked out on first read. A class, not an object with
 * closures: a stage config of 100,000 options keeps 200,000 of them (value and key of each).
 */
class YamlPos implements SourcePos {
  private resolved?: { line: number; col: number };

  constructor(
    private readonly yf: YamlFile,
    private readonly path: YamlPath,
    private readonly key: boolean,
  ) {}

  get file(): string {
    return this.yf.path;
  }

  get line(): number {
    this.resolved ??= this.yf.resolvePos(this.path, this.key);
    return this.resolved.line;
  }

  get col(): number {
    this.resolved ??= this.yf.resolvePos(this.path, this.key);
    return this.resolved.col;
  }

  at(sub: YamlPath): SourcePos {
    return this.yf.pos([...this.path, ...sub], this.key && sub.length === 0);
  }

  /** What a plain position object would serialize to (never the file's text). */
  toJSON(): { file: string; line: number; col: number } {
    return { file: this.file, line: this.line, col: this.col };
  }
}
