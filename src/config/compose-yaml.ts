// YAML text → a plain value, exactly as PyYAML's `yaml.safe_load` builds it (what ceci and every Python
// stage see), plus where each value came from. js-yaml's event parser does the syntax (a flat list of
// events with source offsets, no recursion, linear time); this file builds the value from the events the
// way PyYAML's composer and SafeConstructor do:
// - scalars are resolved by PyYAML's YAML 1.1 rules (pyyaml-scalar.ts);
// - merge keys `<<: *a` and `<<: [*a, *b]`: the merged pairs come first, an earlier mapping in the list
//   wins over a later one, a later `<<` over an earlier one, and the mapping's own keys over all of them;
// - a key written twice: PyYAML keeps the last value. Reported (`duplicates`) or refused (`"error"`);
// - refused as PyYAML refuses them: a list or mapping as a key, a second document, an anchor defined twice,
//   an alias with no anchor before it, a tag PyYAML's safe loader has no constructor for;
// - refused by lbg, where PyYAML would build something no config walk survives: an alias inside the value
//   it names (a cycle), nesting deeper than MAX_DEPTH (PyYAML itself stops near 500 with a RecursionError),
//   aliases that expand to more than ALIAS_BUDGET values (the "billion laughs").
// Positions are offsets kept in a tree beside the value (Positions), so finding the line of any value is a
// walk down its path, never a search.
import { EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, YAMLException, type Event } from "js-yaml";
import { construct, implicitTag, noConstructor, ScalarError, tooLargeInt, YAML_TAG } from "./pyyaml-scalar.ts";
import { syntaxErrorAt } from "./yaml-error-position.ts";

/** Deepest nesting of lists and mappings accepted, aliases included. */
export const MAX_DEPTH = 500;
/** Values that aliases may add beyond those written out (each alias counts its whole value). */
const ALIAS_BUDGET = 1_000_000;

/** A problem at `offset` in the text; `first` is an earlier offset it refers to (a first definition). */
export class ComposeError extends Error {
  first?: number;

  constructor(
    message: string,
    readonly offset: number,
    readonly hint?: string,
    readonly line?: number,
    readonly col?: number,
  ) {
    super(message);
  }

  withFirst(offset: number): this {
    this.first = offset;
    return this;
  }
}

export interface DuplicateKey {
  key: string;
  /** Offsets of the first and of the later (winning) key. */
  first: number;
  second: number;
}

/**
 * Where the entries of one mapping were written: its keys in order, each key's and value's offsets
 * (`offs[2 * i]`, `offs[2 * i + 1]`) and the positions inside each value (`children[i]`). A key is found by
 * a scan while the mapping is small and through a Map once it is large: a config of 100,000 sections is
 * looked up once per section, and most mappings hold a few keys.
 */
class MapSlots {
  keys: string[] = [];
  offs: number[] = [];
  /** Made when an entry is a list or mapping (a mapping of single values needs none). */
  children?: (Positions | undefined)[];
  private byKey?: Map<string, number>;

  find(key: string): number | undefined {
    if (this.keys.length <= 16) {
      const i = this.keys.indexOf(key);
      return i < 0 ? undefined : i;
    }
    if (!this.byKey) {
      this.byKey = new Map();
      for (const [i, k] of this.keys.entries()) this.byKey.set(k, i);
    }
    return this.byKey.get(key);
  }

  /** Sets a key's offsets; returns the earlier key offset when the key was there already. */
  set(key: string, keyOff: number, valueOff: number, child: Positions | undefined): number | undefined {
    let i = this.find(key);
    let before: number | undefined;
    if (i === undefined) {
      i = this.keys.length;
      this.keys.push(key);
      this.offs.push(keyOff, valueOff);
      this.byKey?.set(key, i);
    } else {
      before = this.offs[2 * i]!;
      this.offs[2 * i] = keyOff;
      this.offs[2 * i + 1] = valueOff;
    }
    if (child || this.children) {
      this.children ??= [];
      this.children[i] = child;
    }
    return before;
  }

  /** Drops the spare room the arrays grew with (a big config has a hundred thousand small mappings). */
  compact(): void {
    this.keys = this.keys.slice();
    this.offs = this.offs.slice();
    if (this.children) this.children = this.children.slice();
  }
}

/** Where the items of one list were written, and the positions inside each. */
class SeqSlots {
  offs: number[] = [];
  children?: (Positions | undefined)[];

  add(offset: number, child: Positions | undefined): void {
    if (child || this.children) {
      this.children ??= [];
      this.children[this.offs.length] = child;
    }
    this.offs.push(offset);
  }

  compact(): void {
    this.offs = this.offs.slice();
    if (this.children) this.children = this.children.slice();
  }
}

/** The positions of a list's or mapping's entries: a tree beside the value, walked by the same path. */
export type Positions = MapSlots | SeqSlots;

/** Where the entry `seg` of the list or mapping whose positions are `at` was written. */
export function entryAt(
  at: Positions | undefined,
  seg: string | number,
): { key?: number; value: number; child?: Positions } | undefined {
  if (at instanceof SeqSlots) {
    const off = typeof seg === "number" ? at.offs[seg] : undefined;
    return off === undefined ? undefined : { value: off, child: at.children?.[seg as number] };
  }
  const i = at?.find(String(seg));
  return i === undefined ? undefined : { key: at!.offs[2 * i]!, value: at!.offs[2 * i + 1]!, child: at!.children?.[i] };
}

export interface Composed {
  value: unknown;
  rootOffset: number;
  /** Positions inside the value (when it is a list or mapping). */
  positions?: Positions;
  duplicates: DuplicateKey[];
  /** Offsets in `positions` are in a text with spaces added (see lenientParse): this maps them back. */
  toOriginal?: (offset: number) => number;
}

interface Built {
  value: unknown;
  offset: number;
  height: number;
  size: number;
  /** For scalars: the text, to name a key that is not a string (a date) as written. */
  text?: string;
  /** For a scalar made into something else than a number by ComposeOptions.integralFloat: its key text. */
  keyText?: string;
  collection: boolean;
  /** A plain `<<` (or `!!merge`) is a merge key, a plain `=` PyYAML's "value" key: both only as keys. */
  special?: "merge" | "value";
  positions?: Positions;
}

interface SeqFrame {
  kind: "seq";
  value: unknown[];
  own: SeqSlots;
  start: number;
  anchor?: string;
  anchorOffset: number;
  height: number;
  size: number;
}

interface MapFrame {
  kind: "map";
  value: Record<string, unknown>;
  own: MapSlots;
  start: number;
  anchor?: string;
  anchorOffset: number;
  height: number;
  size: number;
  /** Whether a key waits for its value, and which: a name, or a merge key (`pendingMerge`). */
  pending: boolean;
  pendingKey: string;
  pendingMerge: boolean;
  pendingOffset: number;
  merges?: { value: unknown; offset: number; positions?: Positions }[];
}

type Frame = SeqFrame | MapFrame;

function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  // `__proto__` assigned plainly would replace the prototype instead of making a key.
  if (key === "__proto__")
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** Tag text as written (`!!int`, `!e!x`, `!<tag:…>`) → the full tag, with the document's %TAG handles. */
function resolveTag(raw: string, handles: Map<string, string>): string {
  if (raw.startsWith("!<")) return raw.slice(2, -1);
  const m = /^(!(?:[A-Za-z0-9-]*!)?)(.*)$/.exec(raw)!;
  const [, handle, suffix] = m as unknown as [string, string, string];
  const prefix = handles.get(handle) ?? (handle === "!!" ? YAML_TAG : handle);
  let decoded = suffix;
  try {
    decoded = decodeURIComponent(suffix);
  } catch {
    /* keep it as written */
  }
  return prefix + decoded;
}

function tagName(tag: string): string {
  return tag.startsWith(YAML_TAG) ? `!!${tag.slice(YAML_TAG.length)}` : tag;
}

export interface ComposeOptions {
  /**
   * What a float with an integral value (`2.0`, `-0.0`, `1.0e+3`, `!!float 2`) becomes, where a JS number
   * cannot tell Python's 2.0 from 2: e.g. a wrapper a writer gives back to Python as a float. Default: the
   * number. Mapping keys always get the number (as a string).
   */
  integralFloat?: (n: number) => unknown;
  /** What an int beyond 2^53 (exact in Python, not in a JS number) becomes. Default: it is refused. Mapping
   *  keys get its digits. */
  bigInt?: (n: bigint) => unknown;
}

/**
 * Builds the value of a one-document YAML text. `duplicates: "error"` refuses a key written twice in one
 * mapping; `"last"` keeps the later value (PyYAML's behaviour) and lists the pair in the result.
 */
export function composeYaml(
  text: string,
  duplicates: "error" | "last",
  opts: ComposeOptions = {},
  chunkBytes = CHUNK_BYTES,
): Composed {
  return (
    (text.length > chunkBytes && composeInChunks(text, duplicates, opts, chunkBytes)) ||
    composeWhole(text, duplicates, opts)
  );
}

/** Texts longer than this are read a piece at a time where they can be (see composeInChunks). */
const CHUNK_BYTES = 1 << 20;

/**
 * A big config read a piece at a time: the parser's events for a whole 10 MB file are 150 MB, and most big
 * configs are one top-level mapping of many sections. When the text has no anchors or aliases (which may
 * reach across pieces), directives or document markers, it is cut before lines that start a top-level key,
 * into pieces of about `chunkBytes`; each piece is composed alone and the top-level mappings are joined, with
 * positions moved to the whole text. Anything unusual — a piece that does not parse alone (a flow list
 * running across a cut), is not a mapping, needed re-indenting, or any error — and the whole text is
 * composed at once instead, which gives the same value, or the error at its true place.
 */
function composeInChunks(
  text: string,
  duplicates: "error" | "last",
  opts: ComposeOptions,
  chunkBytes: number,
): Composed | undefined {
  if (/[&*]/.test(text) || /^(?:---|\.\.\.|%)/m.test(text)) return undefined;
  const cuts = [0];
  const keyLine = /^[^\s#\-[\]{}?:,|>'"!@`%]/gm;
  for (let m = keyLine.exec(text); m; m = keyLine.exec(text)) {
    if (m.index - cuts.at(-1)! >= chunkBytes) cuts.push(m.index);
    keyLine.lastIndex = Math.max(keyLine.lastIndex, m.index + 1);
  }
  if (cuts.length < 2) return undefined;
  cuts.push(text.length);
  const value: Record<string, unknown> = {};
  const slots = new MapSlots();
  const dups: DuplicateKey[] = [];
  let rootOffset = -1;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const base = cuts[i]!;
    let c: Composed;
    try {
      c = composeWhole(text.slice(base, cuts[i + 1]), duplicates, opts);
    } catch (e) {
      if (e instanceof ComposeError) return undefined;
      throw e;
    }
    if (c.toOriginal || (c.value !== null && !(c.positions instanceof MapSlots))) return undefined;
    if (c.value === null) continue;
    if (rootOffset < 0) rootOffset = c.rootOffset + base;
    shiftPositions(c.positions, base);
    for (const d of c.duplicates) dups.push({ key: d.key, first: d.first + base, second: d.second + base });
    const own = c.positions as MapSlots;
    const chunkValue = c.value as Record<string, unknown>;
    for (let k = 0; k < own.keys.length; k++) {
      const key = own.keys[k]!;
      const first = slots.set(key, own.offs[2 * k]!, own.offs[2 * k + 1]!, own.children?.[k]);
      if (first !== undefined) {
        if (duplicates === "error") return undefined; // the whole text names both places
        dups.push({ key, first, second: own.offs[2 * k]! });
      }
      setKey(value, key, chunkValue[key]);
    }
  }
  if (rootOffset < 0) return undefined;
  slots.compact();
  return { value, rootOffset, positions: slots, duplicates: dups };
}

/** Moves every offset of a positions tree by `base` (a tree of one piece has no shared subtrees: no aliases). */
function shiftPositions(p: Positions | undefined, base: number): void {
  const stack: (Positions | undefined)[] = [p];
  while (stack.length) {
    const at = stack.pop();
    if (!at) continue;
    for (let i = 0; i < at.offs.length; i++) at.offs[i]! += base;
    if (at.children) stack.push(...at.children);
  }
}

function composeWhole(text: string, duplicates: "error" | "last", opts: ComposeOptions): Composed {
  let events: Event[];
  const shifts: { at: number; by: number }[] = []; // spaces lenientParse put at padded offset `at`
  // Offsets below are in `text` (padded by lenientParse, if it had to); toOriginal maps them back.
  const toOriginal = (o: number): number => {
    let by = 0;
    for (const sh of shifts) if (sh.at <= o) by += Math.min(sh.by, o - sh.at);
    return o - by;
  };
  try {
    ({ events, text } = lenientParse(text, shifts));
  } catch (e) {
    if (!(e instanceof YAMLException)) throw e;
    if (shifts.length && e.mark) {
      e.mark.position = toOriginal(e.mark.position);
      e.mark.line = Number.NaN; // worked out from the original text
    }
    const deep = /maxDepth/.test(e.reason);
    // An unclosed `[`, `{` or quote is reported at its opening, not lines later where the reader gave up.
    const opening = deep || !e.mark ? undefined : syntaxErrorAt(text, e.mark.position, e.reason);
    if (opening?.message)
      throw new ComposeError(
        `YAML syntax error: ${opening.message}`,
        opening.offset,
        "close it on the same line, or use a block list/mapping",
      );
    throw new ComposeError(
      deep
        ? `YAML nested too deeply (more than ${MAX_DEPTH} levels of lists and mappings)`
        : `YAML syntax error: ${e.reason}`,
      e.mark?.position ?? 0,
      deep
        ? "PyYAML (ceci) cannot read such a file either; flatten the structure"
        : "check indentation and quoting near this line",
      e.mark && !Number.isNaN(e.mark.line) ? e.mark.line + 1 : undefined,
      e.mark && !Number.isNaN(e.mark.line) ? e.mark.column + 1 : undefined,
    );
  }
  const dups: DuplicateKey[] = [];
  const anchors = new Map<string, Built & { anchorOffset: number }>();
  const open = new Map<string, number>(); // anchors of lists and mappings not closed yet → their offsets
  const stack: Frame[] = [];
  let handles = new Map<string, string>();
  let root: Built | undefined;
  const scalar: Built = { value: null, offset: 0, height: 0, size: 1, collection: false };
  let documents = 0;
  let written = 0; // values written out (not through aliases)
  let total = 0; // values including what aliases repeat

  const checkAnchor = (name: string, offset: number) => {
    const first = anchors.get(name)?.anchorOffset ?? open.get(name);
    if (first !== undefined)
      throw new ComposeError(
        `YAML anchor &${name} is defined twice`,
        offset,
        "give the second one another name",
      ).withFirst(first);
  };

  const deliver = (b: Built): void => {
    const top = stack.at(-1);
    if (top && stack.length + b.height > MAX_DEPTH)
      throw new ComposeError(
        `YAML nested too deeply (more than ${MAX_DEPTH} levels of lists and mappings, through aliases)`,
        b.offset,
        "PyYAML (ceci) cannot read such a file either; flatten the structure",
      );
    if (b.special && !(top?.kind === "map" && !top.pending)) {
      // Only a key may be `<<` or `=`; as a value PyYAML has no constructor for their tags.
      try {
        construct(b.special, String(b.value));
      } catch (err) {
        if (err instanceof ScalarError) throw new ComposeError(err.message, b.offset, err.hint);
        throw err;
      }
    }
    if (!top) {
      root = { ...b };
      return;
    }
    if (b.height + 1 > top.height) top.height = b.height + 1;
    top.size += b.size;
    if (top.kind === "seq") {
      top.value.push(b.value);
      top.own.add(b.offset >= 0 ? b.offset : (top.own.offs.at(-1) ?? top.start), b.positions);
      return;
    }
    if (!top.pending) {
      // A key.
      if (b.collection)
        throw new ComposeError(
          "a YAML list or mapping cannot be a key",
          b.offset,
          "PyYAML (ceci) refuses it too (unhashable key); use a string key",
        );
      const v = b.value;
      top.pending = true;
      top.pendingMerge = b.special === "merge";
      top.pendingKey =
        b.keyText ?? (typeof v === "string" ? v : v instanceof Date ? (b.text ?? v.toISOString()) : String(v));
      top.pendingOffset = b.offset;
      return;
    }
    top.pending = false;
    const valueOffset = b.offset >= 0 ? b.offset : top.pendingOffset;
    if (top.pendingMerge) {
      checkMergeSource(b.value, valueOffset, b.positions);
      top.merges ??= [];
      top.merges.push({ value: b.value, offset: valueOffset, positions: b.positions });
      return;
    }
    const key = top.pendingKey;
    const first = top.own.set(key, top.pendingOffset, valueOffset, b.positions);
    if (first !== undefined) {
      if (duplicates === "error")
        throw new ComposeError(`duplicate key '${key}'`, top.pendingOffset, "remove one of the two").withFirst(first);
      dups.push({ key, first, second: top.pendingOffset });
    }
    setKey(top.value, key, b.value);
  };

  try {
    return build();
  } catch (e) {
    if (!(e instanceof ComposeError) || shifts.length === 0) throw e;
    const moved = new ComposeError(e.message, toOriginal(e.offset), e.hint, e.line, e.col);
    if (e.first !== undefined) moved.withFirst(toOriginal(e.first));
    throw moved;
  }

  function build(): Composed {
    let firstNode = -1; // offset of the first document's first node, to find where the second one starts
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      // Each event is read once: letting it go now keeps the peak at about the events or the value, not both.
      (events as unknown[])[i] = undefined;
      if (firstNode < 0 && documents === 1) {
        if (e.type === EVENT_ID.SCALAR && e.valueStart >= 0) firstNode = e.valueStart;
        else if (e.type === EVENT_ID.SEQUENCE || e.type === EVENT_ID.MAPPING) firstNode = e.start;
      }
      switch (e.type) {
        case EVENT_ID.DOCUMENT: {
          documents++;
          if (documents > 1) throw secondDocument(text, events, i, e.explicitStart, firstNode);
          handles = new Map(e.directives.flatMap((d) => (d.kind === "tag" ? [[d.handle, d.prefix] as const] : [])));
          break;
        }
        case EVENT_ID.SCALAR: {
          written++;
          total++;
          const styled = e.style === SCALAR_STYLE.SINGLE_QUOTED || e.style === SCALAR_STYLE.DOUBLE_QUOTED;
          // A tagged value starts at its tag (where a tag error points, too).
          const offset =
            e.tagStart >= 0
              ? e.tagStart
              : e.valueStart >= 0
                ? styled
                  ? e.valueStart - 1
                  : e.valueStart
                : e.anchorStart - 1;
          const raw = e.valueStart >= 0 ? getScalarValue(text, e) : "";
          const tag = e.tagStart >= 0 ? resolveTag(text.slice(e.tagStart, e.tagEnd), handles) : undefined;
          let value: unknown;
          let special: Built["special"];
          let keyText: string | undefined;
          try {
            let name: string;
            if (tag === undefined || tag === "!") {
              // PyYAML resolves `! "12"` like a plain scalar, too.
              name = e.style === SCALAR_STYLE.PLAIN || tag === "!" ? implicitTag(raw) : "str";
            } else if (tag.startsWith(YAML_TAG)) {
              name = tag.slice(YAML_TAG.length);
              if (name === "seq" || name === "map")
                throw new ScalarError(
                  `YAML tag !!${name} on a single value (a ${name === "seq" ? "list" : "mapping"} was expected)`,
                );
            } else throw unknownTag(tag);
            if (name === "merge" || name === "value") {
              special = name;
              value = raw;
            } else {
              value = construct(name, raw);
              if (name === "float" && opts.integralFloat && Number.isInteger(value)) {
                keyText = String(value);
                value = opts.integralFloat(value as number);
              } else if (typeof value === "bigint") {
                if (!opts.bigInt) throw tooLargeInt(raw);
                keyText = String(value);
                value = opts.bigInt(value);
              }
            }
          } catch (err) {
            if (err instanceof ScalarError) throw new ComposeError(err.message, offset, err.hint);
            throw err;
          }
          // One object reused for every scalar (deliver copies what it keeps): a 10 MB config has millions.
          const b = scalar;
          b.value = value;
          b.offset = offset;
          b.text = raw;
          b.special = special;
          b.keyText = keyText;
          if (e.anchorStart >= 0) {
            const name = text.slice(e.anchorStart, e.anchorEnd);
            checkAnchor(name, e.anchorStart - 1);
            anchors.set(name, { ...b, anchorOffset: e.anchorStart - 1 });
          }
          deliver(b);
          break;
        }
        case EVENT_ID.SEQUENCE:
        case EVENT_ID.MAPPING: {
          written++;
          const seq = e.type === EVENT_ID.SEQUENCE;
          if (e.tagStart >= 0) {
            const tag = resolveTag(text.slice(e.tagStart, e.tagEnd), handles);
            if (tag !== "!" && tag !== `${YAML_TAG}${seq ? "seq" : "map"}`) {
              const name = tag.startsWith(YAML_TAG) ? tag.slice(YAML_TAG.length) : undefined;
              const kinds = ["str", "int", "float", "bool", "null", "timestamp", "seq", "map"];
              let err: ScalarError = noConstructor(tagName(tag));
              if (name !== undefined && kinds.includes(name))
                err = new ScalarError(`YAML tag !!${name} on a ${seq ? "list" : "mapping"}`, "remove the tag");
              else if (name !== undefined)
                try {
                  construct(name, ""); // throws: !!set, !!omap... are not supported, other names are unknown
                } catch (x) {
                  if (x instanceof ScalarError) err = x;
                }
              throw new ComposeError(err.message, e.tagStart, err.hint);
            }
          }
          let anchor: string | undefined;
          const anchorOffset = e.anchorStart - 1;
          if (e.anchorStart >= 0) {
            anchor = text.slice(e.anchorStart, e.anchorEnd);
            checkAnchor(anchor, anchorOffset);
            open.set(anchor, anchorOffset);
          }
          const base = { start: e.start, anchor, anchorOffset, height: 0, size: 1 };
          stack.push(
            seq
              ? { kind: "seq", value: [], own: new SeqSlots(), ...base }
              : {
                  kind: "map",
                  value: {},
                  own: new MapSlots(),
                  ...base,
                  pending: false,
                  pendingKey: "",
                  pendingMerge: false,
                  pendingOffset: 0,
                },
          );
          break;
        }
        case EVENT_ID.POP: {
          const f = stack.pop();
          if (!f) break; // the end of a document
          let value: unknown = f.kind === "seq" ? f.value.slice() : f.value; // without the room it grew with
          let positions: Positions = f.own;
          if (f.kind === "map" && f.merges) [value, positions] = applyMerges(f);
          positions.compact();
          const b: Built = { value, offset: f.start, height: f.height, size: f.size, collection: true, positions };
          if (f.anchor !== undefined) {
            open.delete(f.anchor);
            anchors.set(f.anchor, { ...b, anchorOffset: f.anchorOffset });
          }
          total++;
          deliver(b);
          break;
        }
        case EVENT_ID.ALIAS: {
          const name = text.slice(e.anchorStart, e.anchorEnd);
          const offset = e.anchorStart - 1;
          if (open.has(name))
            throw new ComposeError(
              `YAML alias *${name} refers to a value that contains it (a cycle)`,
              offset,
              "an alias may only repeat a value defined before it, outside itself",
            );
          const a = anchors.get(name);
          if (!a)
            throw new ComposeError(
              `YAML alias *${name} has no anchor &${name} before it`,
              offset,
              "define &name first",
            );
          total += a.size;
          if (total - written > ALIAS_BUDGET)
            throw new ComposeError(
              `YAML aliases repeat more than ${ALIAS_BUDGET.toLocaleString("en")} values`,
              offset,
              "an alias of an alias of an alias... grows exponentially; write the values out",
            );
          deliver({ ...a, offset });
          break;
        }
      }
    }
    return {
      value: root?.value ?? null,
      rootOffset: root?.offset ?? 0,
      positions: root?.positions,
      duplicates: dups.map((d) => ({ ...d, first: toOriginal(d.first), second: toOriginal(d.second) })),
      toOriginal: shifts.length ? toOriginal : undefined,
    };
  }
}

/**
 * js-yaml's events, for a text PyYAML reads. PyYAML ignores indentation inside flow collections and in the
 * continuation lines of quoted scalars (`key: [` … a closing `]` under `key`), where js-yaml applies YAML
 * 1.2's rule ("deficient indentation"). Indenting such a line more changes no value there (leading spaces
 * of those lines are folded away), so the line is indented (like its previous line, at least by one) and the
 * text parsed again; `shifts` records the spaces added, for positions.
 */
function lenientParse(text: string, shifts: { at: number; by: number }[]): { events: Event[]; text: string } {
  for (;;) {
    try {
      return { events: parseEvents(text, { maxDepth: MAX_DEPTH }), text };
    } catch (e) {
      if (
        !(e instanceof YAMLException) ||
        !/^deficient indentation/.test(e.reason) ||
        !e.mark ||
        shifts.length > 10_000
      )
        throw e;
      const lineStart = text.lastIndexOf("\n", e.mark.position - 1) + 1;
      const indent = /^ */.exec(text.slice(lineStart))![0].length;
      const prevEnd = text.lastIndexOf("\n", lineStart - 2) + 1;
      const prevIndent = lineStart > 0 ? /^ */.exec(text.slice(prevEnd, lineStart))![0].length : 0;
      const by = Math.max(1, prevIndent - indent);
      text = `${text.slice(0, lineStart)}${" ".repeat(by)}${text.slice(lineStart)}`;
      for (const sh of shifts) if (sh.at >= lineStart) sh.at += by;
      shifts.push({ at: lineStart, by });
    }
  }
}

/** PyYAML merges a mapping, or a list of mappings; anything else is its "expected a mapping" error. */
function checkMergeSource(v: unknown, offset: number, positions: Positions | undefined): void {
  const hint = "`<<:` takes a mapping (`<<: *defaults`) or a list of them (`<<: [*a, *b]`)";
  if (isMapping(v)) return;
  if (Array.isArray(v)) {
    v.forEach((item, i) => {
      if (!isMapping(item))
        throw new ComposeError(
          "a merge list (`<<: [...]`) may only hold mappings",
          entryAt(positions, i)?.value ?? offset,
          hint,
        );
    });
    return;
  }
  throw new ComposeError("a merge key `<<` needs a mapping or a list of mappings", offset, hint);
}

/**
 * The mapping with its merges, as PyYAML's flatten_mapping orders the pairs: the pairs of every `<<` in
 * order (for a list, its last mapping's first), then the mapping's own; a later pair wins.
 */
function applyMerges(f: MapFrame): [Record<string, unknown>, MapSlots] {
  const value: Record<string, unknown> = {};
  const slots = new MapSlots();
  const put = (k: string, v: unknown, keyOff: number, valueOff: number, child: Positions | undefined) => {
    setKey(value, k, v);
    slots.set(k, keyOff, valueOff, child);
  };
  for (const m of f.merges!) {
    const list = Array.isArray(m.value);
    const sources = (list ? (m.value as unknown[]) : [m.value]).map((src, i) => ({
      src: src as Record<string, unknown>,
      at: list ? entryAt(m.positions, i)?.child : m.positions,
    }));
    for (const { src, at } of sources.reverse())
      for (const k of Object.keys(src)) {
        const e = entryAt(at, k);
        put(k, src[k], e?.key ?? m.offset, e?.value ?? m.offset, e?.child);
      }
  }
  for (const [i, k] of f.own.keys.entries())
    put(k, f.value[k], f.own.offs[2 * i]!, f.own.offs[2 * i + 1]!, f.own.children?.[i]);
  return [value, slots];
}

function unknownTag(tag: string): ScalarError {
  return noConstructor(tagName(tag));
}

/** PyYAML reads one document ("expected a single document in the stream"): name where the second starts. */
function secondDocument(text: string, events: Event[], i: number, explicit: boolean, firstNode: number): ComposeError {
  let offset = -1;
  if (explicit) {
    const marks = [...text.matchAll(/^---(?=[ \t\r\n]|$)/gm)].map((m) => m.index);
    // The first document may have started with its own `---`.
    offset = marks.find((m) => m > firstNode) ?? marks.at(-1) ?? -1;
  }
  if (offset < 0) offset = firstOffset(events, i, events.length);
  return new ComposeError(
    "a second YAML document (after ---): ceci's yaml.safe_load reads exactly one",
    Math.max(0, offset),
    "put everything in one document, or split the file",
  );
}

function firstOffset(events: Event[], from: number, to: number): number {
  for (let j = from; j < to; j++) {
    const e = events[j];
    if (e?.type === EVENT_ID.SCALAR && e.valueStart >= 0) return e.valueStart;
    if (e?.type === EVENT_ID.SEQUENCE || e?.type === EVENT_ID.MAPPING) return e.start;
  }
  return -1;
}
