// EvaluateLBGSelection: completeness and purity of each LBG sample against the catalog's true redshifts.
import {
  histogram,
  Plot,
  PALETTE,
  readAttrs,
  readColumns,
  toFloat64,
  writePng,
  writeYaml,
  type YamlValue,
} from "../src/catalog/index.ts";
import { Stage, type StageContext } from "../src/sdk/index.ts";
import { median } from "./lib/photoz-metrics.ts";

interface Config {
  target_redshifts: Record<string, number[]>;
  redshift_column: string;
}

export default class EvaluateLBGSelection extends Stage<Config> {
  static doc =
    "For each sample (bin) of the TXPipe-style tomography catalog of SelectLBGColorCuts and its target " +
    "redshift range [z_min, z_max) from " +
    "target_redshifts: count, median true z, completeness (selected objects in range / catalog objects in " +
    "range) and purity (selected objects in range / selected objects). YAML metrics and a PNG of the true-" +
    "redshift histograms of the samples.";
  static inputs = { photometry_catalog: "hdf5", tomography_catalog: "hdf5" } as const;
  static outputs = { lbg_selection_metrics: "yml", lbg_selection_plot: "png" } as const;
  static metrics = ["lbg_selection_metrics"] as const;
  static config = {
    target_redshifts: {
      type: "dict",
      default: { "u-dropouts": [2.5, 3.5], "g-dropouts": [3.3, 4.5], "r-dropouts": [4.3, 5.5] },
      doc: "sample name → [z_min, z_max) its objects should lie in (samples without an entry get count and median z only)",
    },
    redshift_column: {
      type: "str",
      default: "redshift_true",
      doc: "column of photometry_catalog holding the true redshift",
    },
  } as const;

  async run(ctx: StageContext<Config>): Promise<void> {
    const { target_redshifts, redshift_column } = ctx.config;
    const truth = await readColumns(ctx.inputs.photometry_catalog, "photometry", ["id", redshift_column]);
    const tomo = await readColumns(ctx.inputs.tomography_catalog, "tomography", ["id", "bin"]);
    const attrs = await readAttrs(ctx.inputs.tomography_catalog, "tomography");
    const z = toFloat64(truth[redshift_column]);
    const bin = tomo.bin;
    if (bin.length !== z.length)
      throw new Error(`tomography_catalog has ${bin.length} rows, photometry_catalog ${z.length}`);
    for (let i = 0; i < z.length; i++) {
      if (truth.id[i] !== tomo.id[i])
        throw new Error(`row ${i}: tomography id ${tomo.id[i]} ≠ catalog id ${truth.id[i]}`);
    }
    // Bins are samples: TXPipe's `nbin`, each named by the attribute sample_<i>.
    const names = Array.from({ length: Number(attrs.nbin ?? 0) }, (_, k) => String(attrs[`sample_${k}`] ?? `bin ${k}`));

    const zTop = 6;
    const edges = Array.from({ length: 61 }, (_, k) => k * 0.1);
    let yMax = 1;
    const result: Record<string, YamlValue> = {};
    const hists: Float64Array[] = [];
    names.forEach((name, k) => {
      const selected: number[] = [];
      for (let i = 0; i < z.length; i++) if (bin[i] === k) selected.push(z[i]);
      const hist = histogram(selected, edges);
      hists.push(hist);
      yMax = Math.max(yMax, ...hist);
      const range = target_redshifts[name];
      const entry: Record<string, YamlValue> = {
        count: selected.length,
        median_z: selected.length ? median(selected) : null,
      };
      if (Array.isArray(range) && range.length === 2) {
        const [lo, hi] = range.map(Number);
        let inRange = 0;
        let good = 0;
        for (let i = 0; i < z.length; i++) {
          if (z[i] >= lo && z[i] < hi) {
            inRange++;
            if (bin[i] === k) good++;
          }
        }
        Object.assign(entry, {
          z_min: lo,
          z_max: hi,
          in_range: inRange,
          completeness: inRange ? good / inRange : null,
          purity: selected.length ? good / selected.length : null,
        });
      }
      result[name] = entry;
      ctx.log(`${name}: ${JSON.stringify(entry)}`);
    });
    writeYaml(ctx.outputs.lbg_selection_metrics, { total: z.length, samples: result });

    const plot = new Plot({
      xRange: [0, zTop],
      yRange: [0, Math.ceil(yMax * 1.1)],
      xLabel: "z true",
      yLabel: "count",
      title: "LBG samples",
    });
    hists.forEach((h, k) => {
      plot.steps(edges, h, PALETTE[k % PALETTE.length]);
      plot.legend(k, names[k], PALETTE[k % PALETTE.length]);
    });
    writePng(ctx.outputs.lbg_selection_plot, plot.canvas);
  }
}
