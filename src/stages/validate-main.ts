// Child-process side of the stages' `validate` hooks: imports bundled stage files, calls each class's static
// validate with an effective config and answers with the problems as JSON on stdout. A separate process for
// the reasons introspection has one (introspect-main.ts): lbg itself never executes stage code, and a hook
// that hangs or crashes cannot take it down.
import { pathToFileURL } from "node:url";
import { describeThrown } from "./describe-thrown.ts";
import type { OptionProblem } from "../sdk/stage.ts";

export interface ValidateRequest {
  bundle: string;
  exportName: string;
  config: Record<string, unknown>;
}

/** `problems` from the hook (returned, or one thrown OptionError); `thrown` when it threw anything else. */
export type ValidateAnswer =
  | { problems: OptionProblem[]; thrown?: undefined }
  | { problems?: undefined; thrown: string };

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
    const mod = (await import(pathToFileURL(r.bundle).href)) as Record<string, { validate?: (c: unknown) => unknown }>;
    const cls = mod[r.exportName];
    if (typeof cls?.validate !== "function") return { thrown: `${r.exportName} no longer has a validate hook` };
    const out = cls.validate(structuredClone(r.config));
    if (out === undefined || out === null) return { problems: [] };
    if (!Array.isArray(out)) return { thrown: "validate must return a list of problems (or nothing)" };
    return { problems: out.map(asProblem) };
  } catch (e) {
    try {
      const err = e as Partial<{
        name: string;
        message: string;
        option: string;
        problem: string;
        path: unknown;
        hint: string;
      }>;
      // An OptionError is recognised by its fields: each stage bundle carries its own copy of the SDK class.
      if (err?.name === "OptionError" && typeof err.option === "string") {
        return {
          problems: [
            {
              option: err.option,
              path: cleanPath(err.path),
              message: String(err.problem ?? err.message),
              hint: err.hint,
            },
          ],
        };
      }
      if (!(e instanceof Error)) return { thrown: describeThrown(e).summary };
      return { thrown: err?.name && err.name !== "Error" ? `${err.name}: ${err.message}` : String(err?.message ?? e) };
    } catch {
      return { thrown: describeThrown(e).summary }; // reading what was thrown threw again
    }
  }
}

export async function validateConfigs(requests: ValidateRequest[]): Promise<ValidateAnswer[]> {
  const answers: ValidateAnswer[] = [];
  for (const r of requests) answers.push(await validateOne(r));
  return answers;
}
