// SimulateCatalog: a seeded mock LSST catalog with a DESC-like spectroscopic training set. The science is in
// lib/: lib/mock-catalog.ts draws the objects (lib/galaxy-population.ts, lib/sed.ts with lib/dust.ts and
// lib/emission-lines.ts, lib/stars.ts, lib/lsst.ts for the errors), lib/spec-sample.ts picks the redshifts,
// lib/simulate-config.ts checks the options, lib/simulate-output.ts writes the catalogs.
import { type ConfigOf, Stage, type OptionProblem, type StageContext } from "#lbg/sdk";
import { simulateProblems } from "./lib/simulate-config.ts";
import { simulateCatalogs } from "./lib/simulate-output.ts";

export default class SimulateCatalog extends Stage {
  static doc =
    "Mock LSST catalog: red and blue galaxies with their own Schechter luminosity functions in flat ΛCDM to " +
    "z_max, five SED templates with the 4000 Å break, Lyman limit and Madau (1995) IGM absorption, emission " +
    "lines (Ilbert et al. 2009 ratios), Calzetti dust, plus main-sequence stars and brown dwarfs along the " +
    "stellar locus; LSST ugrizy errors (Ivezić et al. 2019) after n_years, extended-source (photerr 'auto') " +
    "for galaxies; kept to observed i < mag_limit (auto: 25.3 + 1.25 log10(n_years/10), the DESC gold " +
    "sample). photometry_catalog (group photometry): id, ra, dec, mag_X, mag_err_X and the truth " +
    "redshift_true, object_type_true (0 galaxy, 1 star, 2 brown dwarf), sed_type_true, star_type_true, " +
    "ebv_true, size_true. A band below the object's 1σ noise holds its 1σ limiting magnitude and mag_err 99. " +
    "spec_catalog: the galaxies with a spectroscopic redshift (`redshift`; `spec_sample` 0 bright, 1 deep): " +
    "every one with i < spec_bright_limit plus a targeted fraction down to spec_deep_limit (higher at z ≥ " +
    "spec_highz_min, as photo-z preselected high-z surveys) whose success falls with magnitude and in the " +
    "redshift desert.";
  static inputs = {};
  static outputs = { spec_catalog: "hdf5", photometry_catalog: "hdf5" } as const;
  static config = {
    n_objects: {
      type: "int",
      default: 20000,
      doc: "number of objects (galaxies and stars) in the photometric catalog",
    },
    seed: { type: "int", default: 42, doc: "random seed" },
    n_years: { type: "float", default: 10.0, doc: "LSST survey years setting the coadded depths (1 = Y1, 10 = Y10)" },
    mag_limit: {
      type: "any",
      default: "auto",
      doc: "observed i-band limit of the catalog; auto = 25.3 + 1.25 log10(n_years/10), the gold sample at that depth",
    },
    z_max: { type: "float", default: 6.0, doc: "largest redshift simulated" },
    sed_scatter: {
      type: "float",
      default: 0.04,
      doc: "per-band Gaussian scatter (mag) of true magnitudes around the template family",
    },
    dust_ebv_mean: {
      type: "float",
      default: 0.1,
      doc: "mean extra Calzetti E(B-V) of blue galaxies at z = 0 (exponential; declining as 2/(2+z))",
    },
    emission_lines: {
      type: "float",
      default: 1.0,
      doc: "emission-line strength relative to the Ilbert et al. (2009) ratios (0: no lines)",
    },
    line_scatter: { type: "float", default: 0.3, doc: "log-normal scatter (dex) of each galaxy's line strength" },
    extended_errors: {
      type: "bool",
      default: true,
      doc: "galaxy errors for their aperture (photerr 'auto'); false: point-source errors for every object",
    },
    star_fraction: {
      type: "float",
      default: 0.08,
      doc: "share of stars among objects with i < 25.3 (scaled to mag_limit by the star and galaxy counts)",
    },
    brown_dwarf_fraction: { type: "float", default: 0.03, doc: "share of L and T dwarfs among the stars" },
    spec_bright_limit: {
      type: "float",
      default: 22.5,
      doc: "observed i below which every galaxy has a redshift (the bright, complete sample)",
    },
    spec_deep_limit: { type: "float", default: 25.0, doc: "observed i limit of the deep, incomplete sample" },
    spec_deep_fraction: {
      type: "float",
      default: 0.25,
      doc: "fraction of galaxies between the two limits targeted by the deep survey",
    },
    spec_success_max: { type: "float", default: 0.9, doc: "deep-survey redshift success rate of bright targets" },
    spec_success_i50: { type: "float", default: 24.0, doc: "i magnitude at which the success rate has halved" },
    spec_success_width: { type: "float", default: 0.4, doc: "magnitudes over which the success rate falls (logistic)" },
    spec_desert: { type: "list", default: [1.5, 2.5] as number[], doc: "[z_min, z_max) of the redshift desert" },
    spec_desert_success: {
      type: "float",
      default: 0.3,
      doc: "factor on the success rate of targets in the redshift desert",
    },
    spec_highz_min: { type: "float", default: 2.4, doc: "redshift from which deep targets are preselected (as VUDS)" },
    spec_highz_fraction: {
      type: "float",
      default: 0.5,
      doc: "fraction of galaxies at z ≥ spec_highz_min between the two limits targeted by the deep survey",
    },
  } as const;

  static validate(config: ConfigOf<typeof SimulateCatalog>): OptionProblem[] {
    return simulateProblems(config);
  }

  async run(ctx: StageContext<typeof SimulateCatalog>): Promise<void> {
    await simulateCatalogs(ctx.config, ctx.outputs, ctx.log);
  }
}
