// LBG colour-cut selection: the cut parser (no eval, errors naming sample and cut), the selection stage on a
// hand-made catalog, its evaluation against known redshifts, and determinism of both outputs.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { readAttrs, readColumns, writeTable } from "../../src/catalog/index.ts";
import EvaluateLBGSelection from "../../lbg_stages/evaluate_lbg_selection.ts";
import { CutSyntaxError, MAX_CUT_LENGTH, MAX_DEPTH, parseCut } from "../../lbg_stages/lib/cut-expression.ts";
import { parseSelection, signalToNoise } from "../../lbg_stages/lib/lbg-selection.ts";
import SelectLBGColorCuts, { parseSampleCuts } from "../../lbg_stages/select_lbg_color_cuts.ts";
import { PY } from "../helpers/debian-python.ts";
import { noH5py } from "../helpers/requirements.ts";
import { bytes, numbers, runStage, tempDir } from "./stage-context.ts";

const tmp = tempDir("lbg");
afterAll(tmp.cleanup);
const BANDS = ["u", "g", "r", "i", "z", "y"];

describe("cut expressions", () => {
  const cols = { g: [25, 24, 23], r: [23, 23.5, 23], i: [22.8, 23, 23] };
  const mask = (text: string) => Array.from(parseCut(text, BANDS).evaluate(cols, 3));

  it("evaluate arithmetic with precedence, unary minus, parentheses and chained comparisons", () => {
    expect(mask("g - r > 1.5 * (r - i) + 0.8")).toEqual([1, 0, 0]);
    expect(mask("22.9 < i <= 23")).toEqual([0, 1, 1]);
    expect(mask("-g + 2*r > -1e1")).toEqual([1, 1, 1]);
    expect(mask("g / r - 1 >= 0.04")).toEqual([1, 0, 0]);
    expect(mask("g == 24")).toEqual([0, 1, 0]);
    expect(parseCut("u - g > 1.5 * (g - r)", BANDS).variables).toEqual(["u", "g", "r"]);
  });

  it.each([
    ["g - r >> 1", "expected a number, a band name or '(', found '>' at column 8"],
    ["g - x > 1", "unknown name 'x' at column 5"],
    ["g - r", "expected a comparison"],
    ["(g - r > 1", "expected ')', found '>' at column 8"],
    ["g - r > 1)", "expected an operator or the end of the cut, found ')' at column 10"],
    ["g; process.exit(1) > 0", "unexpected character ';' at column 2"],
    ["", "found 'end of text' at column 1"],
  ])("rejects %j", (text, message) => {
    expect(() => parseCut(text, BANDS)).toThrow(CutSyntaxError);
    expect(() => parseCut(text, BANDS)).toThrow(message);
  });

  it("caps nesting depth and length, rejects non-finite numbers and quotes long text briefly", () => {
    const deep = `${"(".repeat(20_000)}g${")".repeat(20_000)} > 1`;
    expect(() => parseCut(deep, BANDS)).toThrow(`cut is 40005 characters long, more than ${MAX_CUT_LENGTH}`);
    const nested = (k: number) => `${"(".repeat(k)}g${")".repeat(k)} > 1`;
    expect(Array.from(parseCut(nested(MAX_DEPTH), BANDS).evaluate(cols, 3))).toEqual([1, 1, 1]);
    expect(() => parseCut(nested(MAX_DEPTH + 1), BANDS)).toThrow(
      `nested more than ${MAX_DEPTH} levels deep at column ${MAX_DEPTH + 1}`,
    );
    expect(() => parseCut(`${"-".repeat(MAX_DEPTH + 1)}g > 1`, BANDS)).toThrow(/nested more than/);
    expect(() => parseCut("g > 1e999", BANDS)).toThrow("number '1e999' at column 5 is too large");
    expect(() => parseCut("g > -1e400", BANDS)).toThrow(/number '1e400' at column 6 is too large/);
    expect(parseCut("g > 1e300", BANDS).variables).toEqual(["g"]);
    // The whole 40 kB cut is not echoed: the sample error quotes 60 characters and says how long it was.
    let message = "";
    try {
      parseSampleCuts({ "g-dropouts": [deep] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      `color_mag_cuts: sample "g-dropouts", cut "${"(".repeat(60)}… (40005 characters)": cut is 40005 characters long, more than ${MAX_CUT_LENGTH}`,
    );
    expect(() => parseCut(`g > ${"9".repeat(400)}`, BANDS)).toThrow(
      `number '${"9".repeat(20)}… (400 characters)' at column 5 is too large`,
    );
  });

  it("errors name the sample and the cut", () => {
    expect(() => parseSampleCuts({})).toThrow("color_mag_cuts: names no sample");
    expect(() => parseSampleCuts({ "g-dropouts": ["g - r > 1", "r - q < 1"] })).toThrow(
      `color_mag_cuts: sample "g-dropouts", cut "r - q < 1": unknown name 'q' at column 5`,
    );
    expect(() => parseSampleCuts({ "g-dropouts": [] })).toThrow(/sample "g-dropouts" must be a non-empty list/);
    expect(() => parseSampleCuts(["g - r > 1"])).toThrow(/must map sample names/);
  });
});

describe("SelectLBGColorCuts and EvaluateLBGSelection", () => {
  // Eight objects: a u-dropout at z 3.1, a g-dropout at z 4, a low-z interloper passing the g-dropout cuts,
  // a normal galaxy, a z 4.1 galaxy the cuts miss, an object passing both samples (goes to the last, as in the
  // LBG team's code), an M dwarf passing the g-dropout colours, and a z 4 g-dropout whose i band has S/N < 5.
  const mags: Record<string, number[]> = {
    u: [27, 28, 25, 23, 25.5, 28.5, 28, 28],
    g: [25, 26.5, 24.6, 22.5, 25, 26.3, 27, 26.5],
    r: [24.8, 25, 23.5, 22, 24.9, 25.2, 25.2, 25],
    i: [24.7, 24.8, 23.4, 21.8, 24.8, 25.1, 24.6, 24.8],
    z: [24.6, 24.7, 23.3, 21.7, 24.8, 25, 24.3, 24.7],
    y: [24.6, 24.7, 23.2, 21.6, 24.7, 25, 24.1, 24.7],
  };
  const redshift = [3.1, 4.0, 0.4, 0.5, 4.1, 3.9, 0, 4.0];
  const objectType = [0, 0, 0, 0, 0, 0, 1, 0];
  const cuts = {
    "u-dropouts": ["u - g > 1.5", "g - r < 1.2"],
    "g-dropouts": ["g - r > 1", "r - i < 1"],
  };
  const snrCuts = { "g-dropouts": ["snr_i > 5"] };
  const ids = [10n, 11n, 12n, 13n, 14n, 15n, 16n, 17n];

  async function catalog(path: string, withErrors = true) {
    const errs = Object.fromEntries(
      BANDS.map((b) => [`mag_err_${b}`, Float64Array.from(ids, (_, k) => (b === "i" && k === 7 ? 0.5 : 0.05))]),
    );
    await writeTable(path, "photometry", {
      id: BigInt64Array.from(ids),
      redshift_true: Float64Array.from(redshift),
      object_type_true: Int32Array.from(objectType),
      ...Object.fromEntries(BANDS.map((b) => [`mag_${b}`, Float64Array.from(mags[b]!)])),
      ...(withErrors ? errs : {}),
    });
  }

  it("bins each object by its last passing sample (the team's rule, TXPipe tomography layout), with S/N cuts", async () => {
    const phot = tmp.path("phot.hdf5");
    await catalog(phot);
    const tomo = tmp.path("tomo.hdf5");
    const logs = await runStage(
      SelectLBGColorCuts,
      { photometry_catalog: phot },
      { tomography_catalog: tomo },
      { color_mag_cuts: cuts, snr_cuts: snrCuts, chunk_rows: 4 },
    );
    // TXPipe's lens tomography layout: tomography/bin (int32, −1 = none), lens_weight, nbin; counts/counts[_2d].
    const t = await readColumns(tomo, "tomography");
    expect(t.bin).toBeInstanceOf(Int32Array);
    expect(numbers(t.bin!)).toEqual([0, 1, 1, -1, -1, 1, 1, -1]);
    expect(logs.join("\n")).toContain(
      "u-dropouts: 1, g-dropouts: 4 of 8 objects (1 passed more than one sample: each is in the last it passed, as in the team's code)",
    );
    expect(t.lens_weight).toBeInstanceOf(Float32Array);
    expect(numbers(t.lens_weight!)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(t.id as BigInt64Array)).toEqual(ids);
    expect(await readAttrs(tomo, "tomography")).toEqual({
      nbin: 2,
      nbin_lens: 2,
      sample_0: "u-dropouts",
      sample_1: "g-dropouts",
    });
    const counts = (await readColumns(tomo, "counts", ["counts"])).counts!; // counts/* is not one table
    expect(counts).toBeInstanceOf(Int32Array);
    expect(numbers(counts)).toEqual([1, 4]);
    expect(numbers((await readColumns(tomo, "counts", ["counts_2d"])).counts_2d!)).toEqual([5]);

    // Without the S/N cut the low-S/N z 4 object is a g-dropout too.
    const noSnr = tmp.path("tomo-nosnr.hdf5");
    await runStage(
      SelectLBGColorCuts,
      { photometry_catalog: phot },
      { tomography_catalog: noSnr },
      { color_mag_cuts: cuts, snr_cuts: {} },
    );
    expect(numbers((await readColumns(noSnr, "tomography", ["bin"])).bin!)).toEqual([0, 1, 1, -1, -1, 1, 1, 1]);
    // S/N cuts on a catalog without magnitude errors: a clear error, not S/N 0 everywhere.
    const bare = tmp.path("phot-bare.hdf5");
    await catalog(bare, false);
    await expect(
      runStage(
        SelectLBGColorCuts,
        { photometry_catalog: bare },
        { tomography_catalog: tmp.path("bare.hdf5") },
        { color_mag_cuts: cuts, snr_cuts: snrCuts },
      ),
    ).rejects.toThrow(/S\/N cuts need the magnitude errors mag_err_u, .*which photometry_catalog lacks/);

    const yml = tmp.path("lbg.yml");
    const png = tmp.path("lbg.png");
    const targets = { "u-dropouts": [2.5, 3.5], "g-dropouts": [3.5, 4.5] };
    const evaluate = (y: string, p: string) =>
      runStage(
        EvaluateLBGSelection,
        { photometry_catalog: phot, tomography_catalog: tomo },
        { lbg_selection_metrics: y, lbg_selection_plot: p, lbg_completeness_plot: `${p}.completeness.png` },
        { target_redshifts: targets },
      );
    await evaluate(yml, png);
    const m = YAML.parse(readFileSync(yml, "utf8"));
    expect(m).toMatchObject({ total: 8, galaxies: 7, main_sequence_stars: 1, brown_dwarfs: 0 });
    // u-dropouts: selected z 3.1; in range [2.5, 3.5): only z 3.1 → completeness 1/1, purity 1/1.
    expect(m.samples["u-dropouts"]).toMatchObject({
      count: 1,
      median_z: 3.1,
      z_min: 2.5,
      z_max: 3.5,
      in_range: 1,
      completeness: 1,
      purity: 1,
    });
    // g-dropouts: selected z 4.0, 0.4, 3.9 and the star; galaxies in [3.5, 4.5): 4.0, 4.1, 3.9, 4.0 → 2 of 4
    // found (completeness 0.5), 2 of 4 selected good (purity 0.5); interlopers: the star and a z 0.4 galaxy.
    const g = m.samples["g-dropouts"];
    expect(g).toMatchObject({ count: 4, median_z: 2.15, in_range: 4, completeness: 0.5, purity: 0.5 });
    expect(g.interlopers).toEqual({
      count: 2,
      fraction: 0.5,
      main_sequence_stars: { count: 1, fraction: 0.25 },
      brown_dwarfs: { count: 0, fraction: 0 },
      galaxies: [
        { z_min: 0, z_max: 0.5, count: 1, fraction: 0.25 },
        { z_min: 0.5, z_max: 1, count: 0, fraction: 0 },
        { z_min: 1, z_max: 2, count: 0, fraction: 0 },
        { z_min: 2, z_max: 3, count: 0, fraction: 0 },
        { z_min: 3, z_max: 3.5, count: 0, fraction: 0 },
        { z_min: 4.5, z_max: null, count: 0, fraction: 0 },
      ],
    });
    // i: z 0.4 galaxy 23.4, the star 24.6 and the z 4.0 one 24.8, the z 3.9 one 25.1.
    expect(g.by_magnitude.map((b: { count: number; purity: number | null }) => [b.count, b.purity])).toEqual([
      [0, null],
      [1, 0],
      [0, null],
      [2, 0.5],
      [1, 1],
    ]);
    // n(z) in 0.25 bins up to the first edge above z = 4.1: the selected galaxies at 0.4, 3.9 and 4.0; of the
    // three galaxies in [4, 4.25) one was selected.
    expect(g.nz.z_edges).toHaveLength(18);
    expect(g.nz.selected[1]).toBe(1);
    expect(g.nz.selected[15]).toBe(1);
    expect(g.nz.selected[16]).toBe(1);
    expect(g.nz.completeness[16]).toBeCloseTo(1 / 3, 5);
    expect(g.nz.completeness[2]).toBe(0); // the z 0.5 galaxy, not selected
    expect(g.nz.completeness[3]).toBeNull(); // no galaxy in [0.75, 1)

    // Same inputs, same bytes.
    const tomo2 = tmp.path("tomo2.hdf5");
    await runStage(
      SelectLBGColorCuts,
      { photometry_catalog: phot },
      { tomography_catalog: tomo2 },
      { color_mag_cuts: cuts, snr_cuts: snrCuts },
    );
    expect(bytes(tomo2).equals(bytes(tomo))).toBe(true);
    const png2 = tmp.path("lbg2.png");
    await evaluate(tmp.path("lbg2.yml"), png2);
    expect(bytes(png2).equals(bytes(png))).toBe(true);
    expect(bytes(`${png2}.completeness.png`).equals(bytes(`${png}.completeness.png`))).toBe(true);
    expect(bytes(tmp.path("lbg2.yml")).equals(bytes(yml))).toBe(true);
  });

  it("h5py reads the tomography file of the test above as TXPipe's lens tomography", (ctx) => {
    if (noH5py) ctx.skip(noH5py);
    const tomo = tmp.path("tomo.hdf5");
    const script = [
      "import h5py, json, sys",
      "f = h5py.File(sys.argv[1], 'r')",
      "t = f['tomography']",
      "print(json.dumps({'bin': [str(t['bin'].dtype), t['bin'][:].tolist()], 'nbin': int(t.attrs['nbin']), 'names': [t.attrs['sample_%d' % i] for i in range(t.attrs['nbin'])],",
      "  'counts': f['counts/counts'][:].tolist(), 'counts_2d': int(f['counts/counts_2d'][0]), 'weight': str(t['lens_weight'].dtype)}))",
    ].join("\n");
    expect(JSON.parse(execFileSync(PY, ["-c", script, tomo], { encoding: "utf8" }))).toEqual({
      bin: ["int32", [0, 1, 1, -1, -1, 1, 1, -1]],
      nbin: 2,
      names: ["u-dropouts", "g-dropouts"],
      counts: [1, 4],
      counts_2d: 5,
      weight: "float32",
    });
  });

  it("an snr_cuts sample must be a colour sample; S/N is 0 for non-detections", () => {
    expect(() => parseSelection(cuts, { "r-dropouts": ["snr_z > 5"] })).toThrow(
      'snr_cuts: sample "r-dropouts" is not one of color_mag_cuts\' samples',
    );
    expect(parseSelection(cuts, snrCuts)[1]!.cuts.map((c) => c.text)).toEqual(["g - r > 1", "r - i < 1", "snr_i > 5"]);
    // photerr's relation S/N = 1/(10^(σ/2.5) − 1): σ = 2.5 log10(1.2) is S/N 5; 99, NaN and ±inf are 0.
    const snr = Array.from(signalToNoise([24, 24, 24, NaN, 99], [2.5 * Math.log10(1.2), 99, NaN, 0.1, 0.1], 99));
    expect(snr[0]).toBeCloseTo(5, 10);
    expect(snr.slice(1)).toEqual([0, 0, 0, 0]);
  });

  it("fails with the sample and cut named when a cut is malformed", async () => {
    const phot = tmp.path("phot.hdf5");
    await expect(
      runStage(
        SelectLBGColorCuts,
        { photometry_catalog: phot },
        { tomography_catalog: tmp.path("bad.hdf5") },
        { color_mag_cuts: { "r-dropouts": ["r - i >"] } },
      ),
    ).rejects.toThrow(
      `color_mag_cuts: sample "r-dropouts", cut "r - i >": expected a number, a band name or '(', found 'end of text' at column 8`,
    );
  });
});
