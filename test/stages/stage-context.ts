// Helpers for calling stage classes directly: a StageContext with every option at its default (plus
// overrides), run the way a worker runs it, and a temporary folder per test file.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StageClass, StageContext } from "../../src/sdk/index.ts";
import { runStage as runStageAsWorker } from "../../src/stages/run-stage.ts";

export function defaults(cls: StageClass): Record<string, unknown> {
  return Object.fromEntries(Object.entries(cls.config).map(([k, spec]) => [k, structuredClone(spec.default)]));
}

export function makeContext(
  cls: StageClass,
  inputs: Record<string, string>,
  outputs: Record<string, string>,
  overrides: Record<string, unknown> = {},
  logs: string[] = [],
): StageContext<any> {
  for (const key of Object.keys(overrides))
    if (!(key in cls.config)) throw new Error(`${cls.name} has no option ${key}`);
  return {
    instance: cls.name,
    inputs,
    outputs,
    config: { ...defaults(cls), ...overrides },
    nprocess: 1,
    threadsPerProcess: 1,
    log: (m: string) => logs.push(m),
  };
}

/** Runs a stage class as its worker would (src/stages/run-stage.ts: validate hook first, tag maps checked). */
export async function runStage(
  cls: StageClass,
  inputs: Record<string, string>,
  outputs: Record<string, string>,
  overrides: Record<string, unknown> = {},
): Promise<string[]> {
  const logs: string[] = [];
  await runStageAsWorker(cls, makeContext(cls, inputs, outputs, overrides, logs));
  return logs;
}

export function tempDir(prefix: string): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `lbg-${prefix}-`));
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function bytes(path: string): Buffer {
  return readFileSync(path);
}

/** The values of a numeric (non-bigint) column as a plain array, for comparisons; a missing column throws. */
export function numbers(column: ArrayLike<number> | ArrayLike<bigint> | undefined): number[] {
  if (!column) throw new Error("numbers(): no such column");
  return Array.from(column as ArrayLike<number>, Number);
}
