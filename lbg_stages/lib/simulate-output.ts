// What SimulateCatalog writes: the mock (mock-catalog.ts) with sky positions as the photometric catalog, and
// its spectroscopic subset (spec-sample.ts) as the spectroscopic catalog; plus the log lines that say what
// was drawn.
import { takeRows, writeTable, type Table } from "#lbg/catalog";
import { BANDS, MAG_COLUMNS, MAG_ERR_COLUMNS } from "./lsst.ts";
import { simulateMock } from "./mock-catalog.ts";
import { Random } from "./random.ts";
import { catalogLimit, mockOptions, specOptions, type SimulateConfig } from "./simulate-config.ts";
import { DEEP_SAMPLE, selectSpecSample } from "./spec-sample.ts";
import { GALAXY } from "./stars.ts";

/** Sky patch of the mock (degrees), inside the DESC DC2 footprint. */
const RA_RANGE: [number, number] = [50, 60];
const DEC_RANGE: [number, number] = [-40, -30];

export async function simulateCatalogs(
  cfg: SimulateConfig,
  outputs: Record<string, string>,
  log: (line: string) => void,
): Promise<void> {
  const limit = catalogLimit(cfg);
  const mock = simulateMock(mockOptions(cfg));
  log(
    `5σ point-source depths after ${cfg.n_years} yr: ${BANDS.map((b, k) => `${b} ${mock.depths[k]!.toFixed(2)}`).join(", ")}`,
  );
  log(
    `kept ${cfg.n_objects} of ${mock.drawn} simulated objects with observed i < ${limit.toFixed(2)}` +
      `${cfg.mag_limit === "auto" ? " (auto: the gold sample at this depth)" : ""}: ` +
      `${cfg.n_objects - mock.stars} galaxies, ${mock.stars - mock.brownDwarfs} main-sequence stars, ` +
      `${mock.brownDwarfs} brown dwarfs`,
  );
  const n = cfg.n_objects;
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
  const photometry: Table = {};
  MAG_COLUMNS.forEach((c, q) => {
    photometry[c] = mock.mags[q]!;
  });
  MAG_ERR_COLUMNS.forEach((c, q) => {
    photometry[c] = mock.errs[q]!;
  });
  const phot = mock.mags[BANDS.indexOf("i")]!;
  await writeTable(outputs.photometry_catalog!, "photometry", {
    id,
    ra,
    dec,
    redshift_true: mock.redshift,
    object_type_true: mock.objectType,
    sed_type_true: mock.sedType,
    star_type_true: mock.starType,
    ebv_true: mock.ebv,
    size_true: mock.radius,
    ...photometry,
  });

  const spec = selectSpecSample(
    phot,
    mock.redshift,
    (r) => mock.objectType[r] === GALAXY,
    specOptions(cfg),
    new Random(cfg.seed, 4),
  );
  const rows = spec.rows;
  const columns: Table = { id, ra, dec, redshift: mock.redshift, ...photometry };
  const specTable: Table = Object.fromEntries(Object.entries(columns).map(([k, c]) => [k, takeRows(c, rows)]));
  specTable.spec_sample = Int32Array.from(spec.sample);
  await writeTable(outputs.spec_catalog!, "photometry", specTable);
  const deep = spec.sample.filter((s) => s === DEEP_SAMPLE).length;
  const bright = rows.length - deep;
  let zDeep3 = 0;
  rows.forEach((r, k) => {
    if (spec.sample[k] === DEEP_SAMPLE && mock.redshift[r]! >= 3) zDeep3++;
  });
  log(
    `spectroscopic catalog: ${rows.length} galaxies — ${bright} bright (i < ${cfg.spec_bright_limit}, complete), ` +
      `${deep} deep of ${spec.targeted} targeted (${cfg.spec_bright_limit} ≤ i < ${cfg.spec_deep_limit}; ` +
      `${spec.targeted ? ((100 * deep) / spec.targeted).toFixed(0) : 0}% success, ${zDeep3} at z ≥ 3)`,
  );
}
