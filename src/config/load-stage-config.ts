// Stage config files: a `global:` section plus one section per stage instance (README, "Stage config").
import type { SourcePos } from "../errors/lbg-error.ts";
import { expectRecord, type Warn } from "./check-value.ts";
import { isPlainObject } from "./py-value.ts";
import type { ConfigValue, StageConfigModel } from "./run-model.ts";
import { YamlFile, type YamlPath } from "./yaml-file.ts";

/**
 * A value from a config file, its positions made when a message needs them: a config with a section per
 * stage of a huge pipeline holds hundreds of thousands of values, and two position objects each were a
 * third of its memory.
 */
class FileConfigValue implements ConfigValue {
  constructor(
    readonly value: unknown,
    private readonly file: YamlFile,
    private readonly section: YamlPath,
    private readonly key: string,
  ) {}

  get pos(): SourcePos {
    return this.file.pos([...this.section, this.key]);
  }

  get keyPos(): SourcePos {
    return this.file.pos([...this.section, this.key], true);
  }
}

export function emptyStageConfig(): StageConfigModel {
  return { global: new Map(), sections: new Map(), sectionPos: new Map() };
}

/**
 * Merges the config mapping at `path` in `file` into `into` (later calls win per key). Values are as PyYAML
 * gives them to a Python stage (2.0 stays a float: PyFloat, py-value.ts); TypeScript stages get plain values.
 */
export function mergeStageConfig(into: StageConfigModel, file: YamlFile, path: YamlPath): void {
  let obj = file.pyValue;
  for (const k of path)
    obj = isPlainObject(obj) || Array.isArray(obj) ? (obj as Record<string, unknown>)[k] : undefined;
  if (obj === null || obj === undefined) return;
  const top = expectRecord(file, path, obj, "a stage config");
  for (const [section, body] of Object.entries(top)) {
    const spath = [...path, section];
    if (body === null || body === undefined) continue;
    if (!isPlainObject(body))
      throw file.error(
        spath,
        `config section '${section}' must be a mapping of option: value`,
        "each stage's options go under a key named after the stage instance",
      );
    const target = section === "global" ? into.global : getOrCreate(into, section, file.pos(spath, true));
    for (const [key, value] of Object.entries(body)) target.set(key, new FileConfigValue(value, file, spath, key));
  }
}

function getOrCreate(cfg: StageConfigModel, section: string, pos: SourcePos): Map<string, ConfigValue> {
  let m = cfg.sections.get(section);
  if (!m) {
    m = new Map();
    cfg.sections.set(section, m);
    cfg.sectionPos.set(section, pos);
  }
  return m;
}

/** Reads a stage config file: ceci's format, so a key written twice keeps the last value, with a warning. */
export function readStageConfigFile(into: StageConfigModel, path: string, warn: Warn, cacheDir?: string): void {
  const yf = YamlFile.read(path, "stage config file", cacheDir, { warn });
  mergeStageConfig(into, yf, []);
}
