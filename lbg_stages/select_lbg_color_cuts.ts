// SelectLBGColorCuts: label Lyman-break-galaxy candidates with colour–magnitude cuts, one sample per entry
// of `color_mag_cuts`. Cuts are parsed by lib/cut-expression.ts (no eval).
import { iterateChunks, openTableWriter, rowCount, writeArrays } from "#lbg/catalog";
import { OptionError, type ConfigOf, Stage, type OptionProblem, type StageContext } from "#lbg/sdk";
import { parseCut, shorten, type Cut } from "./lib/cut-expression.ts";
import { BANDS, MAG_COLUMNS } from "./lib/lsst.ts";
import {
  describeReplaced,
  detectedMagnitudes,
  limitsByBand,
  NONDETECTION_OPTIONS,
  nondetectionProblems,
} from "./lib/nondetections.ts";

/**
 * Default samples: the LBG team's g- and r-dropout cuts (lbg-pipelines, configs/pipelines/
 * select_lbg_color_cuts/config.yaml), unchanged. The same cuts select z ≈ 3.4–4.3 and z ≈ 4.6–5.0 galaxies
 * in SimulateCatalog's mock (purity ≈ 0.96 and 1.0 on lbg_color_cuts_sim).
 */
export const DEFAULT_CUTS: Record<string, string[]> = {
  "g-dropouts": ["g - r > 1", "r - i < 1", "g - r > 1.5 * (r - i) + 0.8"],
  "r-dropouts": ["r - i > 1.2", "i - z < 0.7", "r - i > 1.5 * (i - z) + 1.0"],
};

/**
 * Parses every cut, naming sample and cut in any error (an OptionError whose path points at the cut, so lbg
 * names its config line). Used by `validate` when the run loads and again by `run`; exported for tests.
 */
export function parseSampleCuts(cuts: unknown): { name: string; cuts: Cut[] }[] {
  const option = "color_mag_cuts";
  const show = (v: unknown) => shorten(JSON.stringify(v) ?? String(v));
  if (typeof cuts !== "object" || cuts === null || Array.isArray(cuts)) {
    throw new OptionError(option, `must map sample names to lists of cuts, got ${show(cuts)}`);
  }
  const entries = Object.entries(cuts as Record<string, unknown>);
  if (entries.length === 0)
    throw new OptionError(option, "names no sample", { hint: "e.g. g-dropouts: [g - r > 1, r - i < 1]" });
  return entries.map(([name, list]) => {
    const sample = `sample "${shorten(name)}"`;
    if (!Array.isArray(list) || list.length === 0) {
      throw new OptionError(option, `${sample} must be a non-empty list of cuts, got ${show(list)}`, { path: [name] });
    }
    return {
      name,
      cuts: list.map((text, i) => {
        if (typeof text !== "string")
          throw new OptionError(option, `${sample}: cut ${show(text)} is not a string`, { path: [name, i] });
        try {
          return parseCut(text, BANDS);
        } catch (e) {
          throw new OptionError(option, `${sample}, cut "${shorten(text)}": ${(e as Error).message}`, {
            path: [name, i],
          });
        }
      }),
    };
  });
}

export default class SelectLBGColorCuts extends Stage {
  static doc =
    "Selects Lyman-break-galaxy samples with colour–magnitude cuts over the magnitudes u g r i z y, into a " +
    "TXPipe lens tomography file: group `tomography` with `bin` (int32: the index of the first sample, in " +
    "color_mag_cuts order, whose cuts all pass, or −1), `lens_weight` (float32, 1: unweighted) and the " +
    "catalog's `id`, attributes nbin and nbin_lens (the number of samples) and sample_<i> (each bin's " +
    "sample name); group `counts` with `counts` (int32, objects per bin) and `counts_2d` (objects in any bin). " +
    "A non-detected magnitude (NaN, ±inf, |m| ≥ nondetect_val) is taken at its band's 1σ limit (mag_limits), " +
    "the LBG team's convention: the object is at least that faint, so a dropout colour such as g − r is a " +
    "lower limit and a non-detection in the dropout band still passes a `g - r > 1` cut; counted in the log.";
  static inputs = { photometry_catalog: "hdf5" } as const;
  static outputs = { tomography_catalog: "hdf5" } as const;
  static config = {
    color_mag_cuts: {
      type: "dict",
      default: DEFAULT_CUTS,
      doc: "sample name → list of cuts, e.g. 'g - r > 1.5 * (r - i) + 0.8'",
    },
    chunk_rows: { type: "int", default: 100000, doc: "catalog rows processed per block" },
    ...NONDETECTION_OPTIONS,
  } as const;

  /** Malformed cuts or limits are config errors when the run loads, before SimulateCatalog or anything runs. */
  static validate(config: ConfigOf<typeof SelectLBGColorCuts>): OptionProblem[] {
    parseSampleCuts(config.color_mag_cuts);
    return nondetectionProblems(config);
  }

  async run(ctx: StageContext<typeof SelectLBGColorCuts>): Promise<void> {
    const samples = parseSampleCuts(ctx.config.color_mag_cuts);
    const limits = limitsByBand(ctx.config.mag_limits);
    const replaced = BANDS.map(() => 0);
    const counts = new Array<number>(samples.length).fill(0);
    let overlaps = 0;
    const columns = ["id", ...MAG_COLUMNS];
    // Streamed: each block's bins are appended as they are made (memory bounded by chunk_rows).
    const path = ctx.outputs.tomography_catalog;
    const expectedRows = await rowCount(ctx.inputs.photometry_catalog, "photometry");
    const out = await openTableWriter(
      path,
      "tomography",
      { bin: Int32Array, lens_weight: Float32Array, id: BigInt64Array },
      { expectedRows },
    );
    try {
      for await (const chunk of iterateChunks(
        ctx.inputs.photometry_catalog,
        "photometry",
        columns,
        ctx.config.chunk_rows,
      )) {
        const m = chunk.end - chunk.start;
        const detected = detectedMagnitudes(chunk.columns, limits, ctx.config.nondetect_val);
        detected.replaced.forEach((c, q) => (replaced[q] += c));
        const mags = Object.fromEntries(BANDS.map((b, q) => [b, detected.mags[q]]));
        const ids = chunk.columns.id;
        const id = new BigInt64Array(m);
        const bin = new Int32Array(m).fill(-1);
        for (let r = 0; r < m; r++) id[r] = BigInt(ids[r]);
        samples.forEach((s, k) => {
          const pass = new Uint8Array(m).fill(1);
          for (const cut of s.cuts) {
            const mask = cut.evaluate(mags, m);
            for (let r = 0; r < m; r++) pass[r] &= mask[r];
          }
          for (let r = 0; r < m; r++) {
            if (!pass[r]) continue;
            if (bin[r] === -1) {
              bin[r] = k;
              counts[k]++;
            } else overlaps++;
          }
        });
        await out.append({ bin, lens_weight: new Float32Array(m).fill(1), id });
      }
      // TXPipe's lens selector names the bin count both ways (nbin; nbin_lens in its split catalogs).
      const attrs: Record<string, number | string> = { nbin: samples.length, nbin_lens: samples.length };
      samples.forEach((s, k) => (attrs[`sample_${k}`] = s.name));
      await out.close(attrs);
    } finally {
      out.abort();
    }
    const inAny = counts.reduce((a, b) => a + b, 0);
    await writeArrays(
      path,
      "counts",
      { counts: Int32Array.from(counts), counts_2d: Int32Array.of(inAny) },
      { append: true },
    );
    ctx.log(describeReplaced(replaced, out.rows));
    ctx.log(
      `${samples.map((s, k) => `${s.name}: ${counts[k]}`).join(", ")} of ${out.rows} objects` +
        (overlaps ? ` (${overlaps} also passed a later sample)` : ""),
    );
  }
}
