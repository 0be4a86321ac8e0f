// How good an LBG selection is, against the truth of a mock: for each sample, its redshift distribution n(z)
// and the completeness per redshift bin (the selection function), its completeness and purity in the target
// range, and what the interlopers are — main-sequence stars, brown dwarfs, galaxies below the range by
// redshift bin, galaxies above it — as fractions of the selected sample, plus the purity per magnitude bin
// (interlopers grow at the faint end, where photometric scatter moves low-redshift galaxies into the cuts).
import type { YamlValue } from "#lbg/catalog";
import { median } from "./photoz-metrics.ts";
import { BROWN_DWARF, GALAXY, MAIN_SEQUENCE_STAR } from "./stars.ts";

export interface LbgTruth {
  z: Float64Array;
  /** GALAXY, MAIN_SEQUENCE_STAR or BROWN_DWARF per object (all galaxies when the catalog has no such column). */
  type: Int32Array;
  mag: Float64Array;
}

export interface LbgEvaluationOptions {
  targetRedshifts: Record<string, number[]>;
  interloperZEdges: number[];
  magBins: number[];
}

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);
const fraction = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** Edges 0, w, 2w, … up to the first edge above every redshift of the catalog. */
export function nzEdges(z: Float64Array, width: number): number[] {
  let top = 0;
  for (let i = 0; i < z.length; i++) if (z[i]! > top) top = z[i]!;
  const n = Math.max(1, Math.floor(top / width) + 1);
  return Array.from({ length: n + 1 }, (_, k) => Number((k * width).toFixed(10)));
}

/** The YAML entry of sample k (bin index k in `bin`). */
export function sampleYaml(
  name: string,
  k: number,
  bin: Int32Array,
  t: LbgTruth,
  o: LbgEvaluationOptions,
  edges: number[],
): Record<string, YamlValue> {
  const n = t.z.length;
  const selected: number[] = [];
  for (let i = 0; i < n; i++) if (bin[i] === k) selected.push(i);
  const zSel = selected.map((i) => t.z[i]!);
  const entry: Record<string, YamlValue> = {
    count: selected.length,
    median_z: selected.length ? num(median(zSel)) : null,
  };
  // n(z) and completeness per redshift bin (galaxies only: stars have no redshift to select at).
  const nBins = edges.length - 1;
  const sel = new Array<number>(nBins).fill(0);
  const all = new Array<number>(nBins).fill(0);
  const width = edges[1]! - edges[0]!;
  for (let i = 0; i < n; i++) {
    if (t.type[i] !== GALAXY) continue;
    const b = Math.min(Math.floor(t.z[i]! / width), nBins - 1);
    all[b]!++;
    if (bin[i] === k) sel[b]!++;
  }
  const range = o.targetRedshifts[name];
  if (Array.isArray(range) && range.length === 2) {
    const lo = Number(range[0]);
    const hi = Number(range[1]);
    let inRange = 0;
    let good = 0;
    for (let i = 0; i < n; i++) {
      if (t.type[i] === GALAXY && t.z[i]! >= lo && t.z[i]! < hi) {
        inRange++;
        if (bin[i] === k) good++;
      }
    }
    Object.assign(entry, {
      z_min: lo,
      z_max: hi,
      in_range: inRange,
      completeness: fraction(good, inRange),
      purity: fraction(good, selected.length),
      interlopers: interlopers(selected, t, lo, hi, o.interloperZEdges),
      by_magnitude: byMagnitude(selected, t, lo, hi, o.magBins),
    });
  }
  entry.nz = {
    z_edges: edges,
    selected: sel,
    completeness: all.map((a, b) => fraction(sel[b]!, a)),
  };
  return entry;
}

/** The selected objects outside [lo, hi), by kind, as counts and fractions of the selected sample. */
function interlopers(
  selected: number[],
  t: LbgTruth,
  lo: number,
  hi: number,
  zEdges: number[],
): Record<string, YamlValue> {
  const total = selected.length;
  const count = (pred: (i: number) => boolean) => selected.filter(pred).length;
  const entry = (c: number) => ({ count: c, fraction: fraction(c, total) });
  const isGalaxy = (i: number) => t.type[i] === GALAXY;
  // Galaxy bins below the range: the edges under lo, closed by lo.
  const below = [...zEdges.filter((e) => e < lo), lo];
  const galaxies: YamlValue[] = [];
  for (let b = 0; b + 1 < below.length; b++) {
    const a = below[b]!;
    const c = below[b + 1]!;
    galaxies.push({ z_min: a, z_max: c, ...entry(count((i) => isGalaxy(i) && t.z[i]! >= a && t.z[i]! < c)) });
  }
  galaxies.push({ z_min: hi, z_max: null, ...entry(count((i) => isGalaxy(i) && t.z[i]! >= hi)) });
  const all = count((i) => !(isGalaxy(i) && t.z[i]! >= lo && t.z[i]! < hi));
  return {
    ...entry(all),
    main_sequence_stars: entry(count((i) => t.type[i] === MAIN_SEQUENCE_STAR)),
    brown_dwarfs: entry(count((i) => t.type[i] === BROWN_DWARF)),
    galaxies,
  };
}

/** Count and purity of the selected objects per magnitude bin. */
function byMagnitude(selected: number[], t: LbgTruth, lo: number, hi: number, edges: number[]): YamlValue[] {
  const out: YamlValue[] = [];
  for (let b = 0; b + 1 < edges.length; b++) {
    const a = edges[b]!;
    const c = edges[b + 1]!;
    const inBin = selected.filter((i) => t.mag[i]! >= a && t.mag[i]! < c);
    const good = inBin.filter((i) => t.type[i] === GALAXY && t.z[i]! >= lo && t.z[i]! < hi).length;
    out.push({ i_min: a, i_max: c, count: inBin.length, purity: fraction(good, inBin.length) });
  }
  return out;
}
