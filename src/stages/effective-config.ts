// The effective value of each option of a stage instance: --set > stage section > global > default
// (ceci's in-stage precedence, docs/architecture.md §4), type-checked against the class's declarations. For a
// Python stage the value is converted as ceci converts it (ceci-cast.ts), so lbg fingerprints and writes what the
// stage will see, and refuses only what ceci refuses; a TypeScript stage gets plain JS values, checked by the
// SDK's types.
//
// null is no value, for TypeScript and Python stages alike, as in ceci's `StageConfig.set_config`: the
// file's value is the stage section's if the section has the key (even null: it hides global's, as ceci's
// dict update does), else global's; a null there means the option's default, or for a required option the
// error "required and null is no value". A null `--set` (`--set S.n=`, `S.n=~`) is ceci's None command-line
// argument, "not given": the file's value stands (lbg warns, since that is rarely what was meant).
import { LbgError, type SourcePos } from "../errors/lbg-error.ts";
import { likelySlip, suggest } from "../errors/did-you-mean.ts";
import { plainValue, showValue } from "../config/py-value.ts";
import { ceciCast } from "./ceci-cast.ts";
import type { ConfigValue, StageConfigModel, StageEntry } from "../config/run-model.ts";
import type { Warn } from "../config/check-value.ts";
import type { OptionSpec } from "../sdk/stage.ts";
import { inputNamedByConfig } from "./input-named-by-config.ts";
import type { StageMeta } from "./stage-meta.ts";

/** A `--set Stage.option=value` override; `section` may be `global`. */
export interface SetOverride {
  section: string;
  key: string;
  value: unknown;
  text: string;
}

/** Which rule gave an option its value: `--set`, the stage's section, `global`, or the option's default. */
export type ConfigSourceKind = "set" | "section" | "global" | "default";

export interface EffectiveConfig {
  values: Record<string, unknown>;
  /** Where each value came from (for messages); absent for defaults. */
  origin: Record<string, SourcePos>;
  /** Which rule chose each value (recorded as provenance, `lbg why`); an option without a value is absent. */
  source: Record<string, ConfigSourceKind>;
  /** Output tag (unaliased) → file name relative to output_dir, from a section key equal to the tag. */
  outputNames: Record<string, { name: string; pos: SourcePos }>;
}

/** Whether `v` has the option's declared type. An int beyond ±(2^53 − 1) is not one: JavaScript cannot hold
 *  it exactly (9007199254740993 would silently become ...992). */
export function typeOk(spec: Pick<OptionSpec, "type">, v: unknown): boolean {
  switch (spec.type) {
    case "int":
      return typeof v === "number" && Number.isSafeInteger(v);
    case "float":
      return typeof v === "number";
    case "str":
      return typeof v === "string";
    case "bool":
      return typeof v === "boolean";
    case "list":
      return Array.isArray(v);
    case "dict":
      return typeof v === "object" && !Array.isArray(v);
    default:
      return true;
  }
}

/** An int beyond 2^53 in the value (YAML gives Python such ints exactly; JS numbers cannot hold them). */
function bigIntIn(v: unknown): bigint | undefined {
  if (typeof v === "bigint") return v;
  if (Array.isArray(v) || (typeof v === "object" && v !== null && !(v instanceof Date)))
    for (const x of Object.values(v)) {
      const b = bigIntIn(x);
      if (b !== undefined) return b;
    }
  return undefined;
}

/** Required unless it says otherwise or has a default (the SDK's rule; ceci's `required` for Python stages). */
export function optionRequired(spec: OptionSpec): boolean {
  return spec.required ?? spec.default === undefined;
}

/** A value for a message, as lbg shows config values (Python notation for floats, nan and inf: py-value.ts). */
function show(v: unknown): string {
  const s = showValue(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function article(type: string): string {
  return type === "int" ? "an int" : `a ${type}`;
}

export function effectiveConfig(
  entry: StageEntry,
  meta: StageMeta,
  cfg: StageConfigModel,
  sets: SetOverride[],
  warn: Warn,
): EffectiveConfig {
  const section = cfg.sections.get(entry.name) ?? new Map<string, ConfigValue>();
  const values: Record<string, unknown> = {};
  const origin: Record<string, SourcePos> = {};
  const source: Record<string, ConfigSourceKind> = {};
  const outputNames: EffectiveConfig["outputNames"] = {};
  const optionNames = Object.keys(meta.options);

  for (const [key, cv] of section) {
    if (Object.hasOwn(meta.options, key) || key === "name") continue;
    if (Object.hasOwn(meta.outputs, key)) {
      if (typeof cv.value !== "string" || !cv.value)
        throw new LbgError(`output name override '${key}' of stage '${entry.name}' must be a file name`, cv.pos);
      outputNames[key] = { name: cv.value, pos: cv.pos };
      continue;
    }
    if (meta.kind === "python") {
      // ceci hands undeclared keys to the stage (StageConfig.set_config), and stages read some of them (TXPipe's
      // and RAIL's configs are full of such keys): only a likely slip for a declared option is worth a word.
      const close = likelySlip(key, optionNames);
      if (close)
        warn(
          new LbgError(
            `unknown option '${key}' for stage '${entry.name}' (class ${meta.name}): the class does not declare it (ceci passes it on as it is)`,
            cv.keyPos ?? cv.pos,
            `did you mean '${close}'?`,
          ),
        );
      continue;
    }
    warn(
      new LbgError(
        `unknown option '${key}' for stage '${entry.name}' (class ${meta.name}); it is ignored`,
        cv.keyPos ?? cv.pos,
        suggest(key, optionNames, "options"),
      ),
    );
  }
  const name = section.get("name");
  if (name && name.value !== entry.name)
    warn(
      new LbgError(
        `'name: ${show(name.value)}' in config section '${entry.name}' differs from the stage instance name`,
        name.pos,
      ),
    );

  for (const [key, spec] of Object.entries(meta.options)) {
    const pick = (sec: string) => sets.filter((s) => s.section === sec && s.key === key && s.value !== null).at(-1);
    const set = pick(entry.name) ?? pick("global");
    let chosen: { value: unknown; pos?: SourcePos } | undefined;
    let from: ConfigSourceKind = "default";
    if (set) [chosen, from] = [{ value: set.value, pos: { file: `--set ${set.text}` } }, "set"];
    else if (section.has(key)) [chosen, from] = [section.get(key)!, "section"];
    else if (cfg.global.has(key)) [chosen, from] = [cfg.global.get(key)!, "global"];
    // A null value is no value (see the header): the default (recorded as coming from the default), or for a
    // required option an error here — before anything runs — instead of a Python stage's "Missing
    // configuration option".
    if (chosen === undefined || chosen.value === null) {
      if (optionRequired(spec)) {
        const hint = `add '${key}: ...' under '${entry.name}:' in the pipeline's config.yaml${spec.doc ? ` — ${spec.doc}` : ""}`;
        if (chosen)
          throw new LbgError(
            `option '${key}' of stage '${entry.name}' is required and null is no value (${spec.type})`,
            chosen.pos,
            hint,
          );
        throw new LbgError(
          `stage '${entry.name}' needs option '${key}' (${spec.type}) and no value is set`,
          cfg.sectionPos.get(entry.name) ?? entry.pos,
          hint,
        );
      }
      if (spec.default !== undefined) [values[key], source[key]] = [spec.default, "default"];
      continue;
    }
    if (meta.kind === "python") {
      const cast = ceciCast(spec.type === "any" ? undefined : spec.type, chosen.value);
      if (!cast.ok)
        throw new LbgError(
          `option '${key}' of stage '${entry.name}' must be ${article(spec.type)}: ceci's ${spec.type}(${show(chosen.value)}) fails (${cast.error})`,
          chosen.pos,
          spec.doc || undefined,
        );
      values[key] = cast.value;
    } else {
      const value = plainValue(chosen.value);
      const big = bigIntIn(value);
      if (big !== undefined)
        throw new LbgError(
          `integer ${big} is too large to keep exactly (beyond 2^53) for option '${key}' of TypeScript stage '${entry.name}'`,
          chosen.pos,
          "quote it if it is an identifier, or write it as a float",
        );
      if (!typeOk(spec, value)) {
        const huge = spec.type === "int" && Number.isInteger(value) ? " (beyond ±(2^53 − 1), not held exactly)" : "";
        throw new LbgError(
          `option '${key}' of stage '${entry.name}' must be ${article(spec.type)}, not ${show(value)}${huge}`,
          chosen.pos,
          spec.doc || undefined,
        );
      }
      values[key] = value;
    }
    source[key] = from;
    if (chosen.pos) origin[key] = chosen.pos;
  }
  if (meta.kind === "python") {
    // ceci hands a Python stage every other key of `global:` and of its own section too (StageConfig.set_config),
    // unconverted, and stages read them (`self.config.get(...)`): they are part of what the stage sees, so of
    // its fingerprint and its merged config.
    for (const [from, entries] of [
      ["global", cfg.global],
      ["section", section],
    ] as const)
      for (const [key, cv] of entries) {
        if (Object.hasOwn(meta.options, key) || key === "name" || Object.hasOwn(meta.outputs, key)) continue;
        values[key] = cv.value;
        source[key] = from;
        origin[key] = cv.pos;
      }
    warnInputKeys(entry, meta, values, origin, warn);
  }
  return { values, origin, source, outputNames };
}

/** Parses `Stage.option=value` (value in YAML syntax) and checks the stage and option exist. */
export function parseSet(text: string, parseYaml: (s: string) => unknown): SetOverride {
  const m = /^([A-Za-z_][A-Za-z0-9_.-]*?)\.([A-Za-z_][A-Za-z0-9_-]*)=(.*)$/s.exec(text);
  if (!m)
    throw new LbgError(
      `--set ${text}: expected Stage.option=value`,
      { file: "--set" },
      "for example --set SplitCatalog.seed=7",
    );
  let value: unknown;
  try {
    value = parseYaml(m[3]!);
  } catch (e) {
    throw new LbgError(`--set ${text}: value is not valid YAML: ${(e as Error).message.split("\n")[0]}`, {
      file: "--set",
    });
  }
  return { section: m[1]!, key: m[2]!, value: value === undefined ? null : value, text };
}

export function checkSets(sets: SetOverride[], stages: Map<string, StageMeta>, warn?: Warn): void {
  for (const s of sets) {
    if (s.value === null)
      warn?.(
        new LbgError(
          `--set ${s.text}: null is no value (as in ceci), so this sets nothing: the config file's value or the default stands`,
          { file: "--set" },
        ),
      );
    if (s.section === "global") continue;
    const meta = stages.get(s.section);
    if (!meta)
      throw new LbgError(
        `--set ${s.text}: no stage instance '${s.section}' in this run`,
        { file: "--set" },
        suggest(s.section, [...stages.keys(), "global"], "stages"),
      );
    if (!Object.hasOwn(meta.options, s.key))
      throw new LbgError(
        `--set ${s.text}: stage '${s.section}' (class ${meta.name}) has no option '${s.key}'`,
        { file: "--set" },
        suggest(s.key, Object.keys(meta.options), "options"),
      );
  }
}

/**
 * A key of a Python stage's config that names one of its inputs (inputNamedByConfig). lbg follows (the
 * fingerprint hashes that file: src/fingerprint/fingerprint.ts), but the graph does not show it, so a stage
 * making that file is not ordered before this one: said once per key.
 */
function warnInputKeys(
  entry: StageEntry,
  meta: StageMeta,
  values: Record<string, unknown>,
  origin: Record<string, SourcePos>,
  warn: Warn,
): void {
  for (const tag of Object.keys(meta.inputs)) {
    const named = inputNamedByConfig(values, tag);
    if (named === undefined) continue;
    warn(
      new LbgError(
        `config key '${tag}' of stage '${entry.name}' names its input '${tag}': ceci reads ${show(named)} instead of the input the pipeline wires (lbg hashes that file, but does not order the stage after whatever makes it)`,
        origin[tag] ?? entry.pos,
        "remove the key, and point the run's input (or an alias) at that file instead",
      ),
    );
  }
}
