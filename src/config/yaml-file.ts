// A parsed YAML file that remembers where every value came from, so errors can name file:line:col.
// PyYAML (what ceci uses) reads YAML 1.1 booleans: `yes/no/on/off` as well as `True/False` — but not `y/n`,
// which the yaml library's own 1.1 schema would turn into booleans too (a stage option named `n` broke).
import { readFileSync } from "node:fs";
import { isMap, isSeq, isScalar, LineCounter, parseDocument, isPair, parse } from "yaml";
import type { Node, Document, ScalarTag } from "yaml";
import { LbgError, type SourcePos } from "./lbg-error.ts";

const pyyamlBool: ScalarTag = {
  tag: "tag:yaml.org,2002:bool",
  default: true,
  test: /^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/,
  resolve: (s: string) => /^(?:yes|Yes|YES|on|On|ON)$/.test(s),
};
const YAML_OPTIONS = { customTags: [pyyamlBool], uniqueKeys: true };

/** Parses one YAML value (a --set value) with the same rules as config files. */
export function parseYamlValue(text: string): unknown {
  return parse(text, YAML_OPTIONS);
}

export type YamlPath = (string | number)[];

export class YamlFile {
  private constructor(
    readonly path: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    readonly value: unknown,
  ) {}

  static read(path: string, what: string): YamlFile {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new LbgError(`cannot read ${what}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code ?? String(e)}`, { file: path });
    }
    return YamlFile.parse(path, text);
  }

  static parse(path: string, text: string): YamlFile {
    const lines = new LineCounter();
    const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter: lines, prettyErrors: false });
    const err = doc.errors[0];
    if (err) {
      const lp = lines.linePos(err.pos[0]);
      const msg = err.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
      throw new LbgError(`YAML syntax error: ${msg}`, { file: path, line: lp.line, col: lp.col }, "check indentation and quoting near this line");
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      throw new LbgError(`YAML error: ${(e as Error).message}`, { file: path });
    }
    return new YamlFile(path, doc, lines, value);
  }

  /** Position of the value at `path` (or of its key when `key` is true); falls back to the nearest parent. */
  pos(path: YamlPath = [], key = false): SourcePos {
    let node: unknown = this.doc.contents;
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
    if (!range) return { file: this.path, line: 1, col: 1 };
    const lp = this.lines.linePos(range[0]);
    return { file: this.path, line: lp.line, col: lp.col };
  }

  error(path: YamlPath, message: string, hint?: string, key = false): LbgError {
    return new LbgError(message, this.pos(path, key), hint);
  }
}
