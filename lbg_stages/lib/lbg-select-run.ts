// SelectLBGColorCuts' work: stream the photometric catalog block by block, give non-detections their limit,
// compute S/N where cuts need it, bin each object (lbg-selection.ts) and write a TXPipe lens tomography file.
import { iterateChunks, listColumns, openTableWriter, rowCount, writeArrays } from "#lbg/catalog";
import { assignBins, needsSnr, parseSelection, signalToNoise } from "./lbg-selection.ts";
import { BANDS, MAG_COLUMNS, MAG_ERR_COLUMNS } from "./lsst.ts";
import {
  addCounts,
  describeReplaced,
  detectedMagnitudes,
  limitsByBand,
  type NondetectionConfig,
} from "./nondetections.ts";

export interface SelectConfig extends NondetectionConfig {
  color_mag_cuts: Record<string, string[]>;
  snr_cuts: Record<string, string[]>;
  chunk_rows: number;
}

export async function selectLbgs(
  c: SelectConfig,
  catalogPath: string,
  outPath: string,
  log: (line: string) => void,
): Promise<void> {
  const samples = parseSelection(c.color_mag_cuts, c.snr_cuts);
  const limits = limitsByBand(c.mag_limits);
  const available = new Set(await listColumns(catalogPath, "photometry"));
  const hasErrors = MAG_ERR_COLUMNS.every((e) => available.has(e));
  const snr = needsSnr(samples);
  if (snr && !hasErrors)
    throw new Error(
      `S/N cuts need the magnitude errors ${MAG_ERR_COLUMNS.join(", ")}, which photometry_catalog lacks (set snr_cuts: {} to select on colours alone)`,
    );
  const replaced = BANDS.map(() => 0);
  const preset = BANDS.map(() => 0);
  const counts = samples.map(() => 0);
  const tally = { overlaps: 0 };
  const columns = ["id", ...MAG_COLUMNS, ...(hasErrors ? MAG_ERR_COLUMNS : [])];
  // Streamed: each block's bins are appended as they are made (memory bounded by chunk_rows).
  const expectedRows = await rowCount(catalogPath, "photometry");
  const out = await openTableWriter(
    outPath,
    "tomography",
    { bin: Int32Array, lens_weight: Float32Array, id: BigInt64Array },
    { expectedRows },
  );
  try {
    for await (const chunk of iterateChunks(catalogPath, "photometry", columns, c.chunk_rows)) {
      const m = chunk.end - chunk.start;
      const detected = detectedMagnitudes(chunk.columns, limits, c.nondetect_val);
      addCounts(replaced, detected.replaced);
      addCounts(preset, detected.preset);
      const vars: Record<string, ArrayLike<number>> = Object.fromEntries(BANDS.map((b, q) => [b, detected.mags[q]!]));
      if (snr)
        BANDS.forEach((b, q) => {
          vars[`snr_${b}`] = signalToNoise(
            chunk.columns[MAG_COLUMNS[q]!] as ArrayLike<number>,
            chunk.columns[MAG_ERR_COLUMNS[q]!] as ArrayLike<number>,
            c.nondetect_val,
          );
        });
      const ids = chunk.columns.id!;
      const id = new BigInt64Array(m);
      for (let r = 0; r < m; r++) id[r] = BigInt(ids[r]!);
      const bin = assignBins(samples, vars, m, counts, tally);
      await out.append({ bin, lens_weight: new Float32Array(m).fill(1), id });
    }
    // TXPipe's lens selector names the bin count both ways (nbin; nbin_lens in its split catalogs).
    const attrs: Record<string, number | string> = { nbin: samples.length, nbin_lens: samples.length };
    samples.forEach((s, k) => {
      attrs[`sample_${k}`] = s.name;
    });
    await out.close(attrs);
  } finally {
    out.abort();
  }
  const inAny = counts.reduce((a, b) => a + b, 0);
  await writeArrays(
    outPath,
    "counts",
    { counts: Int32Array.from(counts), counts_2d: Int32Array.of(inAny) },
    { append: true },
  );
  log(describeReplaced(replaced, out.rows, hasErrors ? preset : undefined));
  log(
    `${samples.map((s, k) => `${s.name}: ${counts[k]}`).join(", ")} of ${out.rows} objects` +
      (tally.overlaps
        ? ` (${tally.overlaps} passed more than one sample: each is in the last it passed, as in the team's code)`
        : ""),
  );
}
