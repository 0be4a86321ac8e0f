// Child-process side of the stages' `validate` hooks: imports bundled stage files, calls each class's static
// validate with an effective config and answers with the problems as JSON on stdout. A separate process for
// the reasons introspection has one (introspect-main.ts): lbg itself never executes stage code, and a hook
// that hangs or crashes cannot take it down.
import { pathToFileURL } from "node:url";
import { describeThrown } from "./describe-thrown.ts";
import type { OptionProblem } from "../sdk/stage.ts";
import { stageLocation } from "./stage-stack.ts";

export interface ValidateRequest {
  bundle: string;
  exportName: string;
  config: Record<string, unknown>;
}

/** `problems` from the hook (returned, or one thrown OptionError); `thrown` when it threw anything else, and
 *  `at` the line of the stage's code that threw (`lbg_stages/x.ts:12`). */
export type ValidateAnswer =
  | { problems: OptionProblem[]; thrown?: undefined }
  | { problems?: undefined; thrown: string; at?: string };

function cleanPath(path: unknown): (string | number)[] | undefined {
  if (!Array.isArray(path)) return undefined;
  return path.filter((p): p is string | number => typeof p === "string" || typeof p === "number");
}

function asProblem(p: unknown): OptionProblem {
  const o = (p ?? {}) as Record<string, unknown>;
  if (typeof o.option !== "string" || typeof o.message !== "string") {
    throw new Error(`validate returned ${JSON.stringify(p)?.slice(0, 80)}, not { option, message }`);
  }
  return {
    option: o.option,
    path: cleanPath(o.path),
    message: o.message,
    hint: typeof o.hint === "string" ? o.hint : undefined,
  };
}

async function validateOne(r: ValidateRequest): Promise<ValidateAnswer> {
  try {
    const mod = (await import(pathToFileURL(r.bundle).href)) as Record<string, HasHook | undefined>;
    const cls = mod[r.exportName];
    if (typeof cls?.validate !== "function") return { thrown: `${r.exportName} no longer has a validate hook` };
    return askHook(cls, r.config);
  } catch (e) {
    return thrownAnswer(e);
  }
}

/** A stage class as far as its hook goes (a method, so that a hook typed for its own config is one). */
export interface HasHook {
  validate?(config: Record<string, unknown>): unknown;
}

/** Calls a stage class's validate hook on (a copy of) a config: the problems it returned or threw as an
 *  OptionError, or what else it threw. Also used by the worker just before a stage runs (run-stage.ts). */
export function askHook(cls: HasHook, config: Record<string, unknown>): ValidateAnswer {
  try {
    const out = cls.validate?.(structuredClone(config));
    if (out === undefined || out === null) return { problems: [] };
    if (!Array.isArray(out)) return { thrown: "validate must return a list of problems (or nothing)" };
    return { problems: out.map(asProblem) };
  } catch (e) {
    try {
      const err = e as Partial<{ name: string; option: string; problem: string; path: unknown; hint: string }>;
      // An OptionError is recognised by its fields: each stage bundle carries its own copy of the SDK class.
      if (err?.name === "OptionError" && typeof err.option === "string") {
        return {
          problems: [
            {
              option: err.option,
              path: cleanPath(err.path),
              message: String(err.problem ?? (e as Error).message),
              hint: err.hint,
            },
          ],
        };
      }
    } catch {
      /* reading what was thrown threw again: described neutrally below */
    }
    return thrownAnswer(e);
  }
}

/** What a hook (or its module) threw, in one line; never the error its own toString or getters raise. */
function thrownText(e: unknown): string {
  if (!(e instanceof Error)) return describeThrown(e).summary;
  try {
    return e.name && e.name !== "Error" ? `${e.name}: ${e.message}` : String(e.message);
  } catch {
    return describeThrown(e).summary;
  }
}

/** What a hook threw, and where in the stage's code (source-mapped, project-relative) when it is known. */
function thrownAnswer(e: unknown): ValidateAnswer {
  const at = stageLocation(e, process.cwd());
  return at ? { thrown: thrownText(e), at } : { thrown: thrownText(e) };
}

export async function validateConfigs(requests: ValidateRequest[]): Promise<ValidateAnswer[]> {
  const answers: ValidateAnswer[] = [];
  for (const r of requests) answers.push(await validateOne(r));
  return answers;
}
