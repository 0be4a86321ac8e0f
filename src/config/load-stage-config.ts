// Stage config files: a `global:` section plus one section per stage instance (README, "Stage config").
import type { SourcePos } from "../errors/lbg-error.ts";
import { expectRecord, isRecord } from "./check-value.ts";
import type { ConfigValue, StageConfigModel } from "./run-model.ts";
import { YamlFile } from "./yaml-file.ts";

export function emptyStageConfig(): StageConfigModel {
  return { global: new Map(), sections: new Map(), sectionPos: new Map() };
}

/** Merges one config mapping into `into` (later calls win per key). `path` is where the mapping sits in `file`. */
export function mergeStageConfig(
  into: StageConfigModel,
  file: YamlFile,
  obj: unknown,
  path: (string | number)[],
): void {
  if (obj === null || obj === undefined) return;
  const top = expectRecord(file, path, obj, "a stage config");
  for (const [section, body] of Object.entries(top)) {
    const spath = [...path, section];
    if (body === null || body === undefined) continue;
    if (!isRecord(body))
      throw file.error(
        spath,
        `config section '${section}' must be a mapping of option: value`,
        "each stage's options go under a key named after the stage instance",
      );
    const target = section === "global" ? into.global : getOrCreate(into, section, file.pos(spath, true));
    for (const [key, value] of Object.entries(body)) {
      target.set(key, {
        value,
        pos: file.pos([...spath, key]),
        keyPos: file.pos([...spath, key], true),
      } satisfies ConfigValue);
    }
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

export function readStageConfigFile(into: StageConfigModel, path: string, cacheDir?: string): void {
  const yf = YamlFile.read(path, "stage config file", cacheDir);
  mergeStageConfig(into, yf, yf.value ?? {}, []);
}
