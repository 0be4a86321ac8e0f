// Non-detections in magnitude columns, handled as RAIL's kNN estimator does: a band where the object was not
// detected is given the band's 1σ limiting magnitude (an upper limit on the flux), so colours stay finite
// and mean "at least this red". Catalogs mark non-detections in several ways: RAIL's LSST error model writes
// inf, other pipelines NaN or the sentinels 99 / −99; all of them count here: a magnitude is a non-detection
// when it is not finite or |m| ≥ nondetect_val. Catalogs may also have done the replacement themselves, as
// SimulateCatalog (and RAIL's error model in its sigLim mode) does: a finite magnitude at the object's
// limit with an error ≥ nondetect_val (or not finite). Those are kept as they are, and counted apart, so
// the logs say what the catalog had already replaced and what the stage replaced.
import { toFloat64, type Table } from "#lbg/catalog";
import type { OptionProblem } from "#lbg/sdk";
import { BANDS, MAG_COLUMNS, MAG_ERR_COLUMNS, coaddDepth, oneSigmaLimit } from "./lsst.ts";

/**
 * LSST 1σ limiting magnitudes after 10 years (lsst.ts), by magnitude column: exactly what SimulateCatalog
 * writes for a non-detection at its default n_years, so replacing one of its non-detections changes nothing.
 */
export const DEFAULT_MAG_LIMITS: Record<string, number> = Object.fromEntries(
  BANDS.map((b, q) => [MAG_COLUMNS[q], oneSigmaLimit(coaddDepth(b, 10))]),
);

/** The two options of every stage that reads magnitudes (TrainPhotoz, SelectLBGColorCuts). */
export const NONDETECTION_OPTIONS = {
  nondetect_val: {
    type: "float",
    default: 99,
    doc: "a magnitude with |m| ≥ this (the 99 / −99 sentinels), or NaN or ±inf, is a non-detection",
  },
  mag_limits: {
    type: "dict",
    default: DEFAULT_MAG_LIMITS,
    doc: "magnitude column → 1σ limiting magnitude given to its non-detections (default: LSST after 10 years)",
  },
} as const;

export interface NondetectionConfig {
  nondetect_val: number;
  mag_limits: Record<string, number>;
}

/** Problems with the two options, for stages' validate hooks. */
export function nondetectionProblems(c: NondetectionConfig): OptionProblem[] {
  const v = c.nondetect_val;
  if (!(Number.isFinite(v) && v > 0))
    return [{ option: "nondetect_val", message: `must be a positive number, got ${v}`, hint: "RAIL's default is 99" }];
  const limits = c.mag_limits;
  if (typeof limits !== "object" || limits === null || Array.isArray(limits))
    return [{ option: "mag_limits", message: "must map magnitude columns to limits" }];
  const problems: OptionProblem[] = [];
  for (const col of MAG_COLUMNS) {
    const m = limits[col];
    if (m === undefined)
      problems.push({
        option: "mag_limits",
        message: `has no limit for ${col}`,
        hint: `add '${col}: <1σ limiting magnitude>'`,
      });
    else if (typeof m !== "number" || !Number.isFinite(m) || Math.abs(m) >= v) {
      problems.push({
        option: "mag_limits",
        path: [col],
        message: `${col}: ${JSON.stringify(m)} is not a finite magnitude below nondetect_val (${v})`,
      });
    }
  }
  for (const col of Object.keys(limits)) {
    if (!MAG_COLUMNS.includes(col))
      problems.push({
        option: "mag_limits",
        path: [col],
        message: `unknown column ${col} (known: ${MAG_COLUMNS.join(", ")})`,
      });
  }
  return problems;
}

export function isNondetection(m: number, nondetectVal: number): boolean {
  return !Number.isFinite(m) || Math.abs(m) >= nondetectVal;
}

/** Non-detections of one table or block, per band (BANDS order). */
export interface DetectedMagnitudes {
  /** mag_u … mag_y as new float64 arrays, non-detections at their band's limit. */
  mags: Float64Array[];
  /** Marked non-detections (NaN, ±inf, |m| ≥ nondetect_val) given the band's limit here. */
  replaced: number[];
  /** Non-detections the catalog already holds at a limiting magnitude (finite m, mag_err ≥ nondetect_val). */
  preset: number[];
}

/**
 * The mag_u … mag_y columns of a table as new float64 arrays (BANDS order) with every marked non-detection
 * set to its band's limit; mag_err_<band> columns, where the table has them, tell the catalog's own
 * replacements apart.
 */
export function detectedMagnitudes(table: Table, limits: readonly number[], nondetectVal: number): DetectedMagnitudes {
  const replaced = BANDS.map(() => 0);
  const preset = BANDS.map(() => 0);
  const mags = MAG_COLUMNS.map((c, q) => {
    const col = table[c];
    if (!col) throw new Error(`magnitudes needed: column ${c} is missing`);
    const f = toFloat64(col);
    const out = f === col ? f.slice() : f; // toFloat64 copies all but float64 columns; never edit the caller's
    const limit = limits[q]!;
    for (let r = 0; r < out.length; r++) {
      if (isNondetection(out[r]!, nondetectVal)) {
        out[r] = limit;
        replaced[q]!++;
      }
    }
    const errCol = table[MAG_ERR_COLUMNS[q]!];
    if (errCol) {
      const err = toFloat64(errCol);
      for (let r = 0; r < out.length; r++)
        if (isNondetection(err[r]!, nondetectVal) && !isNondetection(f[r]!, nondetectVal)) preset[q]!++;
    }
    return out;
  });
  return { mags, replaced, preset };
}

/** Adds one block's counts to running totals. */
export function addCounts(total: number[], block: readonly number[]): void {
  block.forEach((c, q) => {
    total[q] = (total[q] ?? 0) + c;
  });
}

/** The limits of mag_limits in BANDS order (checked by nondetectionProblems). */
export function limitsByBand(limits: Record<string, number>): number[] {
  return MAG_COLUMNS.map((c) => {
    const m = limits[c];
    if (typeof m !== "number" || !Number.isFinite(m)) throw new Error(`mag_limits has no finite limit for ${c}`);
    return m;
  });
}

/**
 * One log line: how many magnitudes of each band were non-detections, those given the band's limit here and
 * those the catalog had already set to a limit (counted only when it has mag_err columns: `hasErrors`).
 */
export function describeReplaced(
  replaced: readonly number[],
  rows: number,
  preset?: readonly number[],
  hasErrors = preset !== undefined,
): string {
  const sum = (a: readonly number[]) => a.reduce((x, y) => x + y, 0);
  const per = (a: readonly number[]) => BANDS.map((b, q) => `${b} ${a[q] ?? 0}`).join(", ");
  const here = `${sum(replaced)} non-detected magnitudes among ${rows} objects given the band's 1σ limit (${per(replaced)})`;
  if (!hasErrors || !preset) return `${here}; no mag_err columns to tell the catalog's own non-detections`;
  return `${here}; ${sum(preset)} non-detections the catalog already holds at a limiting magnitude (mag_err ≥ nondetect_val: ${per(preset)}), kept`;
}
