// SimulateCatalog's options: their type, the checks its validate hook runs, and their translation into the
// models' options (mock-catalog.ts, spec-sample.ts).
import type { OptionProblem } from "#lbg/sdk";
import { goldLimit } from "./lsst.ts";
import type { MockOptions } from "./mock-catalog.ts";
import { between, checkOptions, finiteNumber, increasingNumbers, positive, positiveInt } from "./option-checks.ts";
import type { SpecSampleOptions } from "./spec-sample.ts";

export interface SimulateConfig {
  n_objects: number;
  seed: number;
  n_years: number;
  /** A number or "auto" (an `any` option: validate checks it, catalogLimit reads it). */
  mag_limit: unknown;
  z_max: number;
  sed_scatter: number;
  dust_ebv_mean: number;
  emission_lines: number;
  line_scatter: number;
  extended_errors: boolean;
  star_fraction: number;
  brown_dwarf_fraction: number;
  spec_bright_limit: number;
  spec_deep_limit: number;
  spec_deep_fraction: number;
  spec_success_max: number;
  spec_success_i50: number;
  spec_success_width: number;
  spec_desert: number[];
  spec_desert_success: number;
  spec_highz_min: number;
  spec_highz_fraction: number;
}

/** Every range check of SimulateCatalog's options (an empty list when the config can run). */
export function simulateProblems(c: SimulateConfig): OptionProblem[] {
  const problems = checkOptions(
    c as unknown as Record<string, unknown>,
    {
      n_objects: positiveInt,
      n_years: positive,
      mag_limit: (v) =>
        v === "auto" || (typeof v === "number" && Number.isFinite(v))
          ? undefined
          : `must be an i magnitude or auto, got ${JSON.stringify(v)}`,
      z_max: between(0.1, 10, { lo: true }),
      sed_scatter: between(0, 1),
      dust_ebv_mean: between(0, 0.6),
      emission_lines: between(0, 10),
      line_scatter: between(0, 2),
      star_fraction: between(0, 1, { hi: true }),
      brown_dwarf_fraction: between(0, 1),
      spec_bright_limit: finiteNumber,
      spec_deep_limit: finiteNumber,
      spec_deep_fraction: between(0, 1),
      spec_success_max: between(0, 1),
      spec_success_i50: finiteNumber,
      spec_success_width: positive,
      spec_desert: increasingNumbers(2),
      spec_desert_success: between(0, 1),
      spec_highz_min: finiteNumber,
      spec_highz_fraction: between(0, 1),
    },
    { n_years: "LSST's baseline is 10 years; Y1 is 1", mag_limit: "e.g. 25.3, or auto to follow n_years" },
  );
  if (Array.isArray(c.spec_desert) && c.spec_desert.length !== 2 && !problems.some((p) => p.option === "spec_desert"))
    problems.push({ option: "spec_desert", message: `must be [z_min, z_max], got ${c.spec_desert.length} numbers` });
  const finite = (v: unknown) => finiteNumber(v) === undefined;
  if (finite(c.spec_bright_limit) && finite(c.spec_deep_limit) && c.spec_deep_limit < c.spec_bright_limit)
    problems.push({
      option: "spec_deep_limit",
      message: `must not be brighter than spec_bright_limit (${c.spec_bright_limit}), got ${c.spec_deep_limit}`,
    });
  return problems;
}

/** The catalog's i limit: the option, or the gold sample at n_years' depth. */
export function catalogLimit(c: SimulateConfig): number {
  return c.mag_limit === "auto" ? goldLimit(c.n_years) : Number(c.mag_limit);
}

export function mockOptions(c: SimulateConfig): MockOptions {
  return {
    nObjects: c.n_objects,
    seed: c.seed,
    nYears: c.n_years,
    magLimit: catalogLimit(c),
    zMax: c.z_max,
    sedScatter: c.sed_scatter,
    ebvMean: c.dust_ebv_mean,
    lineScale: c.emission_lines,
    lineScatterDex: c.line_scatter,
    extendedErrors: c.extended_errors,
    starFraction: c.star_fraction,
    brownDwarfFraction: c.brown_dwarf_fraction,
  };
}

export function specOptions(c: SimulateConfig): SpecSampleOptions {
  return {
    brightLimit: c.spec_bright_limit,
    deepLimit: c.spec_deep_limit,
    deepFraction: c.spec_deep_fraction,
    successMax: c.spec_success_max,
    successI50: c.spec_success_i50,
    successWidth: c.spec_success_width,
    desert: [c.spec_desert[0] ?? 0, c.spec_desert[1] ?? 0],
    desertSuccess: c.spec_desert_success,
    highzMin: c.spec_highz_min,
    highzFraction: c.spec_highz_fraction,
  };
}
