// Calls the `validate` hooks of TypeScript stage classes (src/sdk/stage.ts) on the effective config of each
// instance when a run loads, so a bad option value is a config error (exit 2, file:line of the value) before
// anything runs, not a stack trace in a stage log after its upstream stages have run.
//
// The hooks run in one child process per load (worker.mjs --validate; lbg never executes stage code
// itself), only for configs whose answer is not cached yet. Cache: `.cache/validation/<key>.json` holding
// the ValidateAnswer as JSON, where key = xxh64 of the bundle path (named by the bundle's content hash), the
// export name and the config as JSON with non-finite numbers spelled out (JSON would turn .inf into null).
// The child gets the config v8-serialized, so it sees exactly the values lbg has.
import { loadTimeoutSeconds } from "./load-timeout.ts";
import { readFileSync } from "node:fs";
import { writeAtomic } from "../fs/write-atomic.ts";
import { join } from "node:path";
import { serialize } from "node:v8";
import { LbgError, type SourcePos } from "../errors/lbg-error.ts";
import { hashStringWith, type Hasher } from "../fs/hash-file.ts";
import { askWorker, NoAnswer } from "./ask-worker.ts";
import type { StageMeta } from "./stage-meta.ts";
import type { ValidateAnswer, ValidateRequest } from "./validate-main.ts";

/** One stage instance as the graph knows it (structural, so stages/ needs nothing from graph/). */
export interface InstanceConfig {
  name: string;
  meta: StageMeta;
  config: Record<string, unknown>;
  /** Where each option's value was set (absent for defaults). */
  configOrigin: Record<string, SourcePos>;
  /** Where a problem with a defaulted option is reported: the instance's config section or pipeline entry. */
  pos: SourcePos;
}

/** Throws an LbgError for the first problem any hook reports; returns when every config passes. */
export function validateStageConfigs(root: string, instances: InstanceConfig[], h: Hasher): void {
  const dir = join(root, ".cache", "validation");
  const answers = new Map<string, ValidateAnswer>();
  const pending = new Map<string, ValidateRequest>();
  const keys: (string | undefined)[] = instances.map((inst) => {
    const m = inst.meta;
    if (m.kind !== "ts" || !m.validates) return undefined;
    const request: ValidateRequest = { bundle: m.bundle, exportName: m.exportName, config: inst.config };
    const key = hashStringWith(h, `${m.bundle}\0${m.exportName}\0${configKey(inst.config)}`);
    if (!answers.has(key) && !pending.has(key)) {
      const cached = readCached(join(dir, `${key}.json`));
      if (cached) answers.set(key, cached);
      else pending.set(key, request);
    }
    return key;
  });
  if (pending.size > 0) {
    const fresh = runHooks(
      root,
      [...pending.values()],
      instances.find((inst) => inst.meta.kind === "ts" && inst.meta.validates)!.meta.file,
    );
    [...pending.keys()].forEach((key, i) => {
      answers.set(key, fresh[i]!);
      writeCached(dir, key, fresh[i]!);
    });
  }
  instances.forEach((inst, i) => {
    const answer = keys[i] === undefined ? undefined : answers.get(keys[i]!);
    if (answer) report(inst, answer);
  });
}

/** The config as text for the cache key. Not v8's serialization: it varies with how V8 stores a string. */
function configKey(config: Record<string, unknown>): string {
  return JSON.stringify(config, (_, v) =>
    typeof v === "number" && (!Number.isFinite(v) || Object.is(v, -0)) ? `\0number:${Object.is(v, -0) ? "-0" : v}` : v,
  );
}

function report(inst: InstanceConfig, answer: ValidateAnswer): void {
  const who = `stage '${inst.name}'${inst.name === inst.meta.name ? "" : ` (class ${inst.meta.name})`}`;
  if (answer.thrown !== undefined) {
    throw new LbgError(
      `${who}: ${answer.thrown}`,
      inst.pos,
      `raised by the validate hook of ${answer.at ?? inst.meta.file}`,
    );
  }
  const [first, ...rest] = answer.problems;
  if (!first) return;
  const origin = inst.configOrigin[first.option];
  const pos = origin && first.path?.length && origin.at ? origin.at(first.path) : (origin ?? inst.pos);
  const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? "s" : ""})` : "";
  const spec = inst.meta.options[first.option];
  throw new LbgError(
    `option '${first.option}' of ${who}: ${first.message}${more}`,
    pos,
    first.hint ?? (spec?.doc || undefined),
  );
}

function readCached(path: string): ValidateAnswer | undefined {
  try {
    const a = JSON.parse(readFileSync(path, "utf8")) as ValidateAnswer;
    return Array.isArray(a.problems) || typeof a.thrown === "string" ? a : undefined;
  } catch {
    return undefined;
  }
}

function writeCached(dir: string, key: string, answer: ValidateAnswer): void {
  try {
    writeAtomic(join(dir, `${key}.json`), JSON.stringify(answer));
  } catch {
    /* a read-only .cache only costs asking the hooks again */
  }
}

function runHooks(root: string, requests: ValidateRequest[], stageFile: string): ValidateAnswer[] {
  try {
    return askWorker<ValidateAnswer[]>("validate", "validation", {
      cwd: root,
      input: serialize(requests),
      timeoutMs: loadTimeoutSeconds() * 1000,
    });
  } catch (e) {
    if (!(e instanceof NoAnswer)) throw e;
    if (e.timedOut)
      throw new LbgError(
        `the validate hooks of the run's stages gave no answer within ${loadTimeoutSeconds()} s`,
        { file: stageFile },
        "a validate hook (or the stage file's top-level code) that never returns? It must only check options (LBG_LOAD_TIMEOUT=<seconds> sets the limit)",
      );
    const msg = e.lines.at(-1) ?? e.message;
    throw new LbgError(`the validate hooks of the run's stages could not be run: ${msg.slice(0, 300)}`, {
      file: stageFile,
    });
  }
}
