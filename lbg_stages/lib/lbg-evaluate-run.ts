// EvaluateLBGSelection's work: read the truth and the tomography file, check they match row by row, write the
// per-sample evaluation (lbg-evaluation.ts) and plots of n(z) and of the completeness per redshift.
import {
  histogram,
  listColumns,
  PALETTE,
  Plot,
  readAttrs,
  readColumns,
  toFloat64,
  writePng,
  writeYaml,
  type YamlValue,
} from "#lbg/catalog";
import { nzEdges, sampleYaml, type LbgTruth } from "./lbg-evaluation.ts";
import { BROWN_DWARF, GALAXY, MAIN_SEQUENCE_STAR } from "./stars.ts";

export interface EvaluateLbgConfig {
  target_redshifts: Record<string, number[]>;
  redshift_column: string;
  object_type_column: string;
  mag_column: string;
  nz_bin_width: number;
  interloper_z_edges: number[];
  mag_bins: number[];
}

export async function evaluateLbgSelection(
  c: EvaluateLbgConfig,
  inputs: Record<string, string>,
  outputs: Record<string, string>,
  log: (line: string) => void,
): Promise<void> {
  const phot = inputs.photometry_catalog!;
  const available = new Set(await listColumns(phot, "photometry"));
  for (const [option, column] of [
    ["redshift_column", c.redshift_column],
    ["object_type_column", c.object_type_column],
    ["mag_column", c.mag_column],
  ] as const) {
    if (column && !available.has(column))
      throw new Error(
        `photometry_catalog has no column ${column} (${option}${option === "object_type_column" ? `; set it to "" when every object is a galaxy` : ""})`,
      );
  }
  const names = ["id", c.redshift_column, c.mag_column, ...(c.object_type_column ? [c.object_type_column] : [])];
  const truth = await readColumns(phot, "photometry", names);
  const tomo = await readColumns(inputs.tomography_catalog!, "tomography", ["id", "bin"]);
  const attrs = await readAttrs(inputs.tomography_catalog!, "tomography");
  const z = toFloat64(truth[c.redshift_column]!);
  const bin = Int32Array.from(tomo.bin! as ArrayLike<number>);
  if (bin.length !== z.length)
    throw new Error(`tomography_catalog has ${bin.length} rows, photometry_catalog ${z.length}`);
  const truthId = truth.id! as ArrayLike<unknown>;
  const tomoId = tomo.id! as ArrayLike<unknown>;
  for (let i = 0; i < z.length; i++) {
    if (truthId[i] !== tomoId[i])
      throw new Error(`row ${i}: tomography id ${String(tomoId[i])} ≠ catalog id ${String(truthId[i])}`);
  }
  const typeCol = c.object_type_column ? truth[c.object_type_column]! : undefined;
  const t: LbgTruth = {
    z,
    type: typeCol ? Int32Array.from(typeCol as ArrayLike<number>) : new Int32Array(z.length).fill(GALAXY),
    mag: toFloat64(truth[c.mag_column]!),
  };
  // Bins are samples: TXPipe's `nbin`, each named by the attribute sample_<i>.
  const sampleNames = Array.from({ length: Number(attrs.nbin ?? 0) }, (_, k) =>
    String(attrs[`sample_${k}`] ?? `bin ${k}`),
  );
  const edges = nzEdges(z, c.nz_bin_width);
  const o = {
    targetRedshifts: c.target_redshifts,
    interloperZEdges: c.interloper_z_edges,
    magBins: c.mag_bins,
  };
  const samples: Record<string, YamlValue> = {};
  sampleNames.forEach((name, k) => {
    const e = sampleYaml(name, k, bin, t, o, edges);
    samples[name] = e;
    const pct = (x: YamlValue | undefined) => (typeof x === "number" ? `${(100 * x).toFixed(1)}%` : "n/a");
    const inter = e.interlopers as Record<string, Record<string, YamlValue>> | undefined;
    log(
      `${name}: ${e.count} selected, median z ${typeof e.median_z === "number" ? e.median_z.toFixed(2) : "n/a"}` +
        (e.purity !== undefined
          ? `, completeness ${pct(e.completeness)} and purity ${pct(e.purity)} in [${e.z_min}, ${e.z_max}); interlopers: ` +
            `${inter?.main_sequence_stars?.count} stars, ${inter?.brown_dwarfs?.count} brown dwarfs, ` +
            ((inter?.galaxies as unknown as Record<string, YamlValue>[]) ?? [])
              .map((g) => `${g.count} galaxies at ${g.z_min}${g.z_max === null ? "+" : `–${g.z_max}`}`)
              .join(", ")
          : ""),
    );
  });
  const count = (type: number) => t.type.filter((x) => x === type).length;
  writeYaml(outputs.lbg_selection_metrics!, {
    total: z.length,
    galaxies: count(GALAXY),
    main_sequence_stars: count(MAIN_SEQUENCE_STAR),
    brown_dwarfs: count(BROWN_DWARF),
    samples,
  });

  // n(z) of the samples, and their completeness per redshift bin.
  const hists = sampleNames.map((_, k) => {
    const sel: number[] = [];
    for (let i = 0; i < z.length; i++) if (bin[i] === k && t.type[i] === GALAXY) sel.push(z[i]!);
    return histogram(sel, edges);
  });
  const zTop = edges.at(-1)!;
  const yMax = Math.max(1, ...hists.flatMap((h) => Array.from(h)));
  const nz = new Plot({
    xRange: [0, zTop],
    yRange: [0, Math.ceil(yMax * 1.1)],
    xLabel: "z true",
    yLabel: "count",
    title: "LBG samples: n(z) of the selected galaxies",
  });
  const comp = new Plot({
    xRange: [0, zTop],
    yRange: [0, 1],
    xLabel: "z true",
    yLabel: "completeness",
    title: "LBG samples: fraction of the catalog's galaxies selected",
  });
  sampleNames.forEach((name, k) => {
    const colour = PALETTE[k % PALETTE.length]!;
    nz.steps(edges, hists[k]!, colour);
    nz.legend(k, name, colour);
    const completeness = (
      (samples[name] as Record<string, Record<string, YamlValue>>).nz!.completeness as (number | null)[]
    ).map((x) => x ?? 0);
    comp.steps(edges, completeness, colour);
    comp.legend(k, name, colour);
  });
  writePng(outputs.lbg_selection_plot!, nz.canvas);
  writePng(outputs.lbg_completeness_plot!, comp.canvas);
}
