// SimulateCatalog: a seeded mock galaxy catalog with LSST ugrizy photometry (lib/mock-catalog.ts draws it:
// lib/galaxy-population.ts for the population, lib/sed.ts for spectra and the Lyman break, lib/lsst.ts for
// the error model). This file validates options and writes the two catalogs.
import { takeRows, writeTable, type Table } from "#lbg/catalog";
import { Stage, type StageContext } from "#lbg/sdk";
import { BANDS } from "./lib/lsst.ts";
import { simulateMock } from "./lib/mock-catalog.ts";
import { Random } from "./lib/random.ts";

/** Sky patch of the mock (degrees), inside the DESC DC2 footprint. */
const RA_RANGE: [number, number] = [50, 60];
const DEC_RANGE: [number, number] = [-40, -30];

export default class SimulateCatalog extends Stage {
  static doc =
    "Mock galaxy catalog: red and blue galaxies with their own Schechter luminosity functions in flat ΛCDM " +
    "to z_max, ugrizy magnitudes from five SED templates (elliptical … starburst) with the 4000 Å break, the " +
    "Lyman limit and Madau (1995) IGM absorption (u/g/r-dropouts at z≈3/4/5) plus sed_scatter per band, and " +
    "LSST errors from Ivezić et al. (2019) after n_years. photometry_catalog: every object with " +
    "observed i < mag_limit (group photometry: id, ra, dec, redshift_true, sed_type_true, mag_X, mag_err_X). " +
    "spec_catalog: the subset with i < spec_mag_limit, with the true redshift as `redshift`. A band with " +
    "S/N < 1 holds its 1σ limiting magnitude and mag_err 99.";
  static inputs = {};
  static outputs = { spec_catalog: "hdf5", photometry_catalog: "hdf5" } as const;
  static config = {
    n_objects: { type: "int", default: 20000, doc: "number of objects in the photometric catalog" },
    seed: { type: "int", default: 42, doc: "random seed" },
    n_years: { type: "float", default: 10.0, doc: "LSST survey years setting the coadded depths (1 = Y1, 10 = Y10)" },
    mag_limit: { type: "float", default: 25.3, doc: "observed i-band limit of the photometric catalog" },
    spec_mag_limit: { type: "float", default: 23.0, doc: "observed i-band limit of the spectroscopic subset" },
    z_max: { type: "float", default: 6.0, doc: "largest redshift simulated" },
    sed_scatter: {
      type: "float",
      default: 0.04,
      doc: "per-band Gaussian scatter (mag) of true magnitudes around the template family",
    },
  } as const;

  async run(ctx: StageContext<typeof SimulateCatalog>): Promise<void> {
    const cfg = ctx.config;
    for (const key of ["n_years", "mag_limit", "spec_mag_limit", "z_max", "sed_scatter"] as const) {
      if (!Number.isFinite(cfg[key])) throw new Error(`${key} must be a number, got ${cfg[key]}`);
    }
    if (!(Number.isInteger(cfg.n_objects) && cfg.n_objects > 0))
      throw new Error(`n_objects must be a positive integer, got ${cfg.n_objects}`);
    if (!(cfg.n_years > 0)) throw new Error(`n_years must be positive, got ${cfg.n_years}`);
    if (!(cfg.z_max > 0.1)) throw new Error(`z_max must be above 0.1, got ${cfg.z_max}`);
    const mock = simulateMock({
      nObjects: cfg.n_objects,
      seed: cfg.seed,
      nYears: cfg.n_years,
      magLimit: cfg.mag_limit,
      zMax: cfg.z_max,
      sedScatter: cfg.sed_scatter,
    });
    ctx.log(
      `5σ depths after ${cfg.n_years} yr: ${BANDS.map((b, k) => `${b} ${mock.depths[k].toFixed(2)}`).join(", ")}`,
    );
    ctx.log(`kept ${cfg.n_objects} of ${mock.drawn} simulated galaxies (observed i < ${cfg.mag_limit})`);
    const n = cfg.n_objects;
    const { redshift: z, sedType: type, mags, errs } = mock;
    const I = BANDS.indexOf("i");

    const id = BigInt64Array.from({ length: n }, (_, k) => BigInt(k));
    const ra = new Float64Array(n);
    const dec = new Float64Array(n);
    const sky = new Random(cfg.seed, 1);
    const s0 = Math.sin((DEC_RANGE[0] * Math.PI) / 180);
    const s1 = Math.sin((DEC_RANGE[1] * Math.PI) / 180);
    for (let k = 0; k < n; k++) {
      ra[k] = sky.between(RA_RANGE[0], RA_RANGE[1]);
      dec[k] = (Math.asin(sky.between(s0, s1)) * 180) / Math.PI; // uniform on the sphere
    }

    const magColumns: Table = {};
    BANDS.forEach((b, q) => (magColumns[`mag_${b}`] = mags[q]));
    BANDS.forEach((b, q) => (magColumns[`mag_err_${b}`] = errs[q]));
    await writeTable(ctx.outputs.photometry_catalog, "photometry", {
      id,
      ra,
      dec,
      redshift_true: z,
      sed_type_true: type,
      ...magColumns,
    });

    const spec: number[] = [];
    for (let k = 0; k < n; k++) if (mags[I][k] < cfg.spec_mag_limit) spec.push(k);
    const specColumns: Table = { id, ra, dec, redshift: z, ...magColumns };
    await writeTable(
      ctx.outputs.spec_catalog,
      "photometry",
      Object.fromEntries(Object.entries(specColumns).map(([k, c]) => [k, takeRows(c, spec)])),
    );
    ctx.log(`spectroscopic subset: ${spec.length} objects with i < ${cfg.spec_mag_limit}`);
  }
}
