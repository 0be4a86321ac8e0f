// Runs a stage class the way the SDK promises (src/sdk/stage.ts): its `validate` hook first, so `run` never
// sees a config the hook refuses, then `run` with tag maps that refuse a tag the class does not declare
// (`ctx.inputs.typo` throws, naming it, instead of giving undefined to a file reader). Shared by the stage
// workers (src/executors/worker-main.ts) and the tests that call stage classes directly.
import { progressLine, validProgress } from "../events/progress-line.ts";
import type { StageContext } from "../sdk/stage.ts";
import { askHook, type HasHook } from "./validate-main.ts";

/** What the worker knows of a stage class: it is bundled with its own copy of the SDK, so nothing is assumed. */
export interface RunnableClass extends HasHook {
  new (): { run(ctx: StageContext): unknown };
  readonly name: string;
  stageName?: string;
}

/** Everything of a StageContext but the checked tag maps. */
export interface StageRunRequest {
  instance: string;
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  config: Record<string, unknown>;
  nprocess: number;
  threadsPerProcess: number;
  log(message: string): void;
  progress(done: number, total: number): void;
}

/** A config the stage's validate hook refuses, found just before it would have run. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

export async function runStage(cls: RunnableClass, r: StageRunRequest): Promise<void> {
  const name = cls.stageName ?? cls.name;
  const who = r.instance === name ? `stage '${name}'` : `stage '${r.instance}' (class ${name})`;
  if (typeof cls.validate === "function") checkConfig(cls, r.config, who);
  await new cls().run({
    ...r,
    inputs: tagPaths(r.inputs, "input", who),
    outputs: tagPaths(r.outputs, "output", who),
  });
}

function checkConfig(cls: HasHook, config: Record<string, unknown>, who: string): void {
  const answer = askHook(cls, config);
  if (answer.thrown !== undefined)
    throw new ConfigError(
      `the validate hook of ${who} threw: ${answer.thrown}${answer.at ? ` (at ${answer.at})` : ""}`,
    );
  const [first, ...rest] = answer.problems;
  if (!first) return;
  const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? "s" : ""})` : "";
  throw new ConfigError(`invalid config for ${who}: ${first.option}: ${first.message}${more}`);
}

/** Property names probed by generic code (await, JSON.stringify) that must not count as a misspelt tag. */
const PROBED = new Set(["then", "toJSON"]);

/** A frozen tag → path map whose reads of an undeclared tag throw an error naming the tag and the declared ones. */
function tagPaths(paths: Record<string, string>, kind: "input" | "output", who: string): Record<string, string> {
  return new Proxy(Object.freeze({ ...paths }), {
    get(target, key, receiver) {
      if (typeof key === "string" && !(key in target) && !PROBED.has(key)) {
        const declared = Object.keys(target);
        throw new Error(
          `${who} has no ${kind} tag '${key}' (its ${kind}s: ${declared.length ? declared.join(", ") : "none"})`,
        );
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

/** Seconds between two progress lines in a log: lbg reads them every half second and a report a second is
 *  enough for a bar and an ETA; a stage may call `ctx.progress` for every row without filling its log. */
const PROGRESS_INTERVAL_MS = 1000;

/**
 * `ctx.progress` for a stage whose log lines go to `writeLine`: the first report, then at most one a second,
 * and always the one that reaches the total. A report held back is not written later (the next one will be).
 */
export function throttledProgress(
  writeLine: (line: string) => void,
  now: () => number = Date.now,
): (done: number, total: number) => void {
  let last = Number.NEGATIVE_INFINITY;
  let finished = "";
  return (done, total) => {
    if (!validProgress(done, total)) return;
    const t = now();
    const final = done >= total;
    const line = progressLine(Math.min(done, total), total);
    if (final ? line === finished : t - last < PROGRESS_INTERVAL_MS) return;
    last = t;
    if (final) finished = line;
    writeLine(line);
  };
}
