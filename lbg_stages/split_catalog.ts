// SplitCatalog: a seeded random split of the spectroscopic catalog into training and test sets.
import { readColumns, tableLength, takeRows, writeTable, type Table } from "#lbg/catalog";
import { type ConfigOf, Stage, type OptionProblem, type StageContext } from "#lbg/sdk";
import { between, checkOptions } from "./lib/option-checks.ts";
import { Random } from "./lib/random.ts";

export default class SplitCatalog extends Stage {
  static doc =
    "Splits the spectroscopic catalog (group photometry, every column) into training and test sets: a seeded " +
    "random choice of round(train_fraction × n) objects trains, the rest test; both keep the input row order.";
  static inputs = { spec_catalog: "hdf5" } as const;
  static outputs = { training_catalog: "hdf5", test_catalog: "hdf5" } as const;
  static config = {
    train_fraction: { type: "float", default: 0.7, doc: "fraction of objects used for training, in (0, 1)" },
    seed: { type: "int", default: 42, doc: "random seed of the split" },
  } as const;

  /** Both sets must be able to hold objects: an empty training or test set leaves the next stages nothing. */
  static validate(config: ConfigOf<typeof SplitCatalog>): OptionProblem[] {
    return checkOptions(
      { ...config },
      { train_fraction: between(0, 1, { lo: true, hi: true }) },
      { train_fraction: "0.7 trains on 70% and tests on 30%" },
    );
  }

  async run(ctx: StageContext<typeof SplitCatalog>): Promise<void> {
    const { train_fraction, seed } = ctx.config;
    const table = await readColumns(ctx.inputs.spec_catalog, "photometry");
    const n = tableLength(table);
    const nTrain = Math.round(train_fraction * n);
    const inTrain = new Uint8Array(n);
    const perm = new Random(seed).permutation(n);
    for (let i = 0; i < nTrain; i++) inTrain[perm[i]!] = 1;
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
