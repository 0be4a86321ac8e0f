// EvaluateLBGSelection: completeness, purity, n(z) and interlopers of each LBG sample against the catalog's
// truth (lib/lbg-evaluation.ts computes, lib/lbg-evaluate-run.ts reads and writes).
import { type ConfigOf, Stage, type OptionProblem, type StageContext } from "#lbg/sdk";
import { evaluateLbgSelection } from "./lib/lbg-evaluate-run.ts";
import { checkOptions, increasingNumbers, nonEmptyString, positive } from "./lib/option-checks.ts";

export default class EvaluateLBGSelection extends Stage {
  static doc =
    "For each sample (bin) of the TXPipe-style tomography catalog of SelectLBGColorCuts, against the truth of " +
    "photometry_catalog: count, median true z, n(z) and completeness per redshift bin (nz_bin_width), and for " +
    "a sample with a target range [z_min, z_max) in target_redshifts: completeness (selected galaxies in range " +
    "/ catalog galaxies in range), purity (selected galaxies in range / selected objects), the interlopers as " +
    "fractions of the sample — main-sequence stars, brown dwarfs (object_type_column 1, 2), galaxies below the " +
    "range in bins of interloper_z_edges and above it — and the purity per bin of mag_column (mag_bins). " +
    "YAML metrics and PNGs of n(z) and of the completeness per redshift.";
  static inputs = { photometry_catalog: "hdf5", tomography_catalog: "hdf5" } as const;
  static outputs = { lbg_selection_metrics: "yml", lbg_selection_plot: "png", lbg_completeness_plot: "png" } as const;
  static metrics = ["lbg_selection_metrics"] as const;
  static config = {
    target_redshifts: {
      type: "dict",
      default: { "u-dropouts": [2.5, 3.5], "g-dropouts": [3.3, 4.5], "r-dropouts": [4.3, 5.5] } as Record<
        string,
        number[]
      >,
      doc: "sample name → [z_min, z_max) its objects should lie in (samples without an entry get count, median z and n(z) only)",
    },
    redshift_column: {
      type: "str",
      default: "redshift_true",
      doc: "column of photometry_catalog holding the true redshift",
    },
    object_type_column: {
      type: "str",
      default: "object_type_true",
      doc: "column of photometry_catalog with 0 galaxy, 1 main-sequence star, 2 brown dwarf; empty: all galaxies",
    },
    mag_column: { type: "str", default: "mag_i", doc: "column of photometry_catalog binned by mag_bins" },
    nz_bin_width: { type: "float", default: 0.25, doc: "redshift bin width of n(z) and of the completeness" },
    interloper_z_edges: {
      type: "list",
      default: [0, 0.5, 1, 2, 3] as number[],
      doc: "redshift bin edges of galaxy interlopers below a target range (closed by its z_min)",
    },
    mag_bins: {
      type: "list",
      default: [16, 23, 24, 24.5, 25, 25.3] as number[],
      doc: "edges of the magnitude bins of the purity by magnitude",
    },
  } as const;

  static validate(config: ConfigOf<typeof EvaluateLBGSelection>): OptionProblem[] {
    const problems = checkOptions(
      { ...config },
      {
        redshift_column: nonEmptyString,
        mag_column: nonEmptyString,
        nz_bin_width: positive,
        interloper_z_edges: increasingNumbers(1),
        mag_bins: increasingNumbers(2),
      },
    );
    const t = config.target_redshifts;
    if (typeof t !== "object" || t === null || Array.isArray(t))
      problems.push({ option: "target_redshifts", message: "must map sample names to [z_min, z_max]" });
    else
      for (const [name, range] of Object.entries(t)) {
        const ok =
          Array.isArray(range) &&
          range.length === 2 &&
          range.every((x) => typeof x === "number" && Number.isFinite(x)) &&
          (range[0] as number) < (range[1] as number);
        if (!ok)
          problems.push({
            option: "target_redshifts",
            path: [name],
            message: `${name}: must be [z_min, z_max] with z_min < z_max, got ${JSON.stringify(range)}`,
          });
      }
    return problems;
  }

  async run(ctx: StageContext<typeof EvaluateLBGSelection>): Promise<void> {
    await evaluateLbgSelection(ctx.config, ctx.inputs, ctx.outputs, ctx.log);
  }
}
