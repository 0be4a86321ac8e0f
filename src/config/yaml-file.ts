// A parsed YAML file that remembers where every value came from, so errors can name file:line:col.
// PyYAML (what ceci uses) reads YAML 1.1 booleans: `yes/no/on/off` as well as `True/False` — but not `y/n`,
// which the yaml library's own 1.1 schema would turn into booleans too (a stage option named `n` broke).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, isSeq, isScalar, LineCounter, parseDocument, isPair, visit } from "yaml";
import type { Alias, Node, Document, ScalarTag } from "yaml";
import { writeAtomic } from "../fs/write-atomic.ts";
import { LbgError, type SourcePos } from "../errors/lbg-error.ts";

const pyyamlBool: ScalarTag = {
  tag: "tag:yaml.org,2002:bool",
  default: true,
  test: /^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/,
  resolve: (s: string) => /^(?:yes|Yes|YES|on|On|ON)$/.test(s),
};
const YAML_OPTIONS = { customTags: [pyyamlBool], uniqueKeys: true };

/** Parses one YAML value (a --set value) with the same rules as config files; throws on a syntax error. */
export function parseYamlValue(text: string): unknown {
  const doc = parseDocument(text, YAML_OPTIONS);
  // The library's message ends in " at line 1, column 3:" and a snippet; the caller shows the value itself.
  if (doc.errors[0]) throw new Error(doc.errors[0].message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, ""));
  const cycle = text.includes("*") ? aliasCycle(doc) : undefined;
  if (cycle) throw new Error(`alias *${cycle.source} ${CYCLE}`);
  return doc.toJS({ maxAliasCount: 1000 });
}

function parseWithPositions(path: string, text: string): { doc: Document.Parsed; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter: lines, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const lp = lines.linePos(err.pos[0]);
    const msg = err.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new LbgError(
      `YAML syntax error: ${msg}`,
      { file: path, line: lp.line, col: lp.col },
      "check indentation and quoting near this line",
    );
  }
  return { doc, lines };
}

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** A cached value whose checksum holds (see YamlFile.read), else undefined. */
function readCacheEntry(file: string): { value: unknown } | undefined {
  let t: string;
  try {
    t = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const json = t.slice(41);
  if (t[40] !== " " || sha1(json) !== t.slice(0, 40)) return undefined;
  try {
    return { value: JSON.parse(json) };
  } catch {
    return undefined;
  }
}

/**
 * An alias inside the very node its anchor names (`&a [*a]`, `&a {x: *a}`) makes a value that contains
 * itself: every walk over it (variable expansion, config checks, hashing) would recurse forever. Such a
 * cycle needs the alias to sit below its own anchor, so checking each alias against its ancestors finds all.
 * Returns the first such alias.
 */
function aliasCycle(doc: Document.Parsed): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_key, alias, ancestors) {
      const target = alias.resolve(doc);
      if (target && ancestors.includes(target)) {
        found = alias;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

const CYCLE = "refers to a value that contains it (a cycle)";

/** Values JSON keeps exactly (no .inf/.nan, no Dates): only those go to the parse cache. */
function jsonSafe(v: unknown): boolean {
  if (typeof v === "number") return Number.isFinite(v) && !Object.is(v, -0);
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

export class YamlFile {
  /** The parsed document with positions; parsed on first use when the value came from the parse cache. */
  private parsed?: { doc: Document.Parsed; lines: LineCounter };

  private constructor(
    readonly path: string,
    private readonly text: string,
    readonly value: unknown,
    parsed?: { doc: Document.Parsed; lines: LineCounter },
  ) {
    this.parsed = parsed;
  }

  /**
   * Reads and parses a YAML file. With `cacheDir`, values are cached by content hash: parsing a 1,000-stage
   * pipeline with positions costs far more than reading it, and a no-op build must stay fast. Positions are
   * then computed only if an error or warning needs one.
   *
   * On disk: `<cacheDir>/<sha1 of the YAML text>.json` holding `<sha1 of the JSON> <JSON of the value>`. An
   * entry whose checksum does not match (damaged, edited, or of the old checksum-less format) is parsed anew
   * and rewritten: damage costs one parse, it is never taken for the config.
   */
  static read(path: string, what: string, cacheDir?: string): YamlFile {
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
    if (!cacheDir) return YamlFile.parse(path, text);
    const cached = join(cacheDir, `${sha1(text)}.json`);
    const hit = readCacheEntry(cached);
    if (hit !== undefined) return new YamlFile(path, text, hit.value);
    const yf = YamlFile.parse(path, text);
    if (jsonSafe(yf.value)) {
      const json = JSON.stringify(yf.value);
      try {
        writeAtomic(cached, `${sha1(json)} ${json}`);
      } catch {
        /* a read-only or full .cache only costs parsing again */
      }
    }
    return yf;
  }

  static parse(path: string, text: string): YamlFile {
    const parsed = parseWithPositions(path, text);
    const cycle = text.includes("*") ? aliasCycle(parsed.doc) : undefined;
    if (cycle) {
      const lp = parsed.lines.linePos(cycle.range![0]);
      throw new LbgError(
        `YAML alias *${cycle.source} ${CYCLE}`,
        { file: path, line: lp.line, col: lp.col },
        "an alias may only repeat a value defined before it, outside itself",
      );
    }
    let value: unknown;
    try {
      value = parsed.doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      throw new LbgError(`YAML error: ${(e as Error).message}`, { file: path });
    }
    return new YamlFile(path, text, value, parsed);
  }

  /**
   * Position of the value at `path` (or of its key when `key` is true); falls back to the nearest parent.
   * Lazy: line and column are worked out when first read, so positions kept for messages cost nothing.
   */
  pos(path: YamlPath = [], key = false): SourcePos {
    let resolved: { line: number; col: number } | undefined;
    const get = () => (resolved ??= this.resolvePos(path, key));
    const at = (sub: YamlPath) => this.pos([...path, ...sub], key && sub.length === 0);
    return {
      file: this.path,
      get line() {
        return get().line;
      },
      get col() {
        return get().col;
      },
      at,
    };
  }

  private resolvePos(path: YamlPath, key: boolean): { line: number; col: number } {
    this.parsed ??= parseWithPositions(this.path, this.text);
    const { doc, lines } = this.parsed;
    let node: unknown = doc.contents;
    let keyNode: unknown;
    let best: unknown = node;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        keyNode = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === "number") {
        keyNode = undefined;
        node = node.items[seg];
      } else break;
      best = key && keyNode ? keyNode : (node ?? keyNode);
    }
    const range = (best as Node | undefined)?.range;
    if (!range) return { line: 1, col: 1 };
    return lines.linePos(range[0]);
  }

  error(path: YamlPath, message: string, hint?: string, key = false): LbgError {
    return new LbgError(message, this.pos(path, key), hint);
  }
}
