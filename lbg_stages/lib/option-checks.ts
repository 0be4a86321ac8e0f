// Range checks of stage options for the stages' `static validate` hooks: what an option's declared type
// cannot say (a positive count, a fraction, increasing bin edges). lbg calls the hook when a run loads, so a
// bad value is a config error naming its file and line (exit 2) before any stage runs; the stages' `run`
// keeps its own guards for direct calls. A check returns the problem's message, or undefined when the value is
// fine; `null` (an option set to `~`) fails every check that wants a number.
import type { OptionProblem } from "#lbg/sdk";

export type Check = (value: unknown) => string | undefined;

const show = (v: unknown): string => {
  const text = typeof v === "number" && !Number.isFinite(v) ? String(v) : (JSON.stringify(v) ?? String(v));
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
};

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

export const positiveInt: Check = (v) =>
  Number.isInteger(v) && (v as number) >= 1 ? undefined : `must be a positive integer, got ${show(v)}`;

export const finiteNumber: Check = (v) => (isNumber(v) ? undefined : `must be a finite number, got ${show(v)}`);

export const positive: Check = (v) => (isNumber(v) && v > 0 ? undefined : `must be a positive number, got ${show(v)}`);

export const nonNegative: Check = (v) => (isNumber(v) && v >= 0 ? undefined : `must be a number ≥ 0, got ${show(v)}`);

/** lo ≤ v ≤ hi (or lo < v / v < hi when open). */
export function between(lo: number, hi: number, open: { lo?: boolean; hi?: boolean } = {}): Check {
  const range = `${open.lo ? "(" : "["}${lo}, ${hi}${open.hi ? ")" : "]"}`;
  return (v) =>
    isNumber(v) && (open.lo ? v > lo : v >= lo) && (open.hi ? v < hi : v <= hi)
      ? undefined
      : `must be a number in ${range}, got ${show(v)}`;
}

export function oneOf(values: readonly string[]): Check {
  return (v) =>
    typeof v === "string" && values.includes(v) ? undefined : `must be one of ${values.join(", ")}, got ${show(v)}`;
}

export const nonEmptyString: Check = (v) =>
  typeof v === "string" && v.trim() !== "" ? undefined : `must be a non-empty string, got ${show(v)}`;

/** A list of at least `min` finite numbers, strictly increasing. */
export function increasingNumbers(min = 2): Check {
  return (v) => {
    if (!Array.isArray(v) || v.length < min || !v.every(isNumber))
      return `must be a list of at least ${min} finite numbers, got ${show(v)}`;
    for (let i = 1; i < v.length; i++)
      if (!((v[i] as number) > (v[i - 1] as number)))
        return `must increase, but entry ${i} (${show(v[i])}) does not exceed entry ${i - 1} (${show(v[i - 1])})`;
    return undefined;
  };
}

/** Runs `checks` over the options of `config` and returns the problems, in the checks' order. */
export function checkOptions(
  config: Record<string, unknown>,
  checks: Record<string, Check>,
  hints: Record<string, string> = {},
): OptionProblem[] {
  const problems: OptionProblem[] = [];
  for (const [option, check] of Object.entries(checks)) {
    const message = check(config[option]);
    if (message === undefined) continue;
    const hint = hints[option];
    problems.push(hint === undefined ? { option, message } : { option, message, hint });
  }
  return problems;
}
