// SplitCatalog: a seeded random split of the spectroscopic catalog into training and test sets.
import { readColumns, tableLength, takeRows, writeTable, type Table } from "#lbg/catalog";
import { Stage, type StageContext } from "#lbg/sdk";
import { Random } from "./lib/random.ts";

export default class SplitCatalog extends Stage {
  static doc =
    "Splits the spectroscopic catalog (group photometry, every column) into training and test sets: a seeded " +
    "random choice of round(train_fraction × n) objects trains, the rest test; both keep the input row order.";
  static inputs = { spec_catalog: "hdf5" } as const;
  static outputs = { training_catalog: "hdf5", test_catalog: "hdf5" } as const;
  static config = {
    train_fraction: { type: "float", default: 0.7, doc: "fraction of objects used for training" },
    seed: { type: "int", default: 42, doc: "random seed of the split" },
  } as const;

  async run(ctx: StageContext<typeof SplitCatalog>): Promise<void> {
    const { train_fraction, seed } = ctx.config;
    if (!(train_fraction >= 0 && train_fraction <= 1))
      throw new Error(`train_fraction must be in [0, 1], got ${train_fraction}`);
    const table = await readColumns(ctx.inputs.spec_catalog, "photometry");
    const n = tableLength(table);
    const nTrain = Math.round(train_fraction * n);
    const inTrain = new Uint8Array(n);
    const perm = new Random(seed).permutation(n);
    for (let i = 0; i < nTrain; i++) inTrain[perm[i]] = 1;
    const train: number[] = [];
    const test: number[] = [];
    for (let r = 0; r < n; r++) (inTrain[r] ? train : test).push(r);
    const subset = (rows: number[]): Table =>
      Object.fromEntries(Object.entries(table).map(([name, col]) => [name, takeRows(col, rows)]));
    await writeTable(ctx.outputs.training_catalog, "photometry", subset(train));
    await writeTable(ctx.outputs.test_catalog, "photometry", subset(test));
    ctx.log(`split ${n} objects: ${train.length} training, ${test.length} test`);
  }
}
