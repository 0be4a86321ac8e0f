// The colour space of the k-nearest-neighbour photo-z: the five adjacent-band colours u−g … z−y plus the
// i magnitude scaled by `magnitudeWeight` (brightness breaks colour degeneracies between low- and
// high-redshift galaxies of similar colours). Training and estimation must build features the same way, so
// both stages use this module, and the model file records the weight and the non-detection limits it was
// trained with.
import { BANDS, MAG_COLUMNS } from "./lsst.ts";

export const FEATURE_NAMES = ["u_g", "g_r", "r_i", "i_z", "z_y", "i_scaled"] as const;
export const N_FEATURES = FEATURE_NAMES.length;
/** Reference magnitude subtracted before scaling, so features stay near zero. */
const I_REFERENCE = 22;

export { MAG_COLUMNS };

/**
 * Features of rows given their magnitudes (BANDS order, non-detections already replaced by limits: see
 * nondetections.ts), as a flat array (rows × N_FEATURES).
 */
export function buildFeatures(mags: readonly Float64Array[], magnitudeWeight: number): Float64Array {
  if (mags.length !== BANDS.length) throw new Error(`photo-z features need ${BANDS.length} bands, got ${mags.length}`);
  const [u, g, r, i, z, y] = mags as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const bands = [u, g, r, i, z, y];
  const n = u.length;
  const out = new Float64Array(n * N_FEATURES);
  for (let row = 0; row < n; row++) {
    const o = row * N_FEATURES;
    for (let b = 0; b < BANDS.length - 1; b++) out[o + b] = bands[b]![row]! - bands[b + 1]![row]!;
    out[o + 5] = magnitudeWeight * (i[row]! - I_REFERENCE);
  }
  return out;
}
