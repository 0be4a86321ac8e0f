// LBG colour-cut selection: the cut parser (no eval, errors naming sample and cut), the selection stage on a
// hand-made catalog, its evaluation against known redshifts, and determinism of both outputs.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { readAttrs, readColumns, writeTable } from "../../src/catalog/index.ts";
import EvaluateLBGSelection from "../../lbg_stages/evaluate_lbg_selection.ts";
import { CutSyntaxError, MAX_CUT_LENGTH, MAX_DEPTH, parseCut } from "../../lbg_stages/lib/cut-expression.ts";
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
  // Six objects: a u-dropout at z 3, a g-dropout at z 4, a low-z interloper passing the g-dropout cut,
  // a normal galaxy, a z 4 galaxy the cuts miss, and an object passing both samples (goes to the first).
  const mags: Record<string, number[]> = {
    u: [27, 28, 25, 23, 25.5, 28.5],
    g: [25, 26.5, 24.6, 22.5, 25, 26.3],
    r: [24.8, 25, 23.5, 22, 24.9, 25.2],
    i: [24.7, 24.8, 23.4, 21.8, 24.8, 25.1],
    z: [24.6, 24.7, 23.3, 21.7, 24.8, 25],
    y: [24.6, 24.7, 23.2, 21.6, 24.7, 25],
  };
  const redshift = [3.1, 4.0, 0.4, 0.5, 4.1, 3.9];
  const cuts = {
    "u-dropouts": ["u - g > 1.5", "g - r < 1.2"],
    "g-dropouts": ["g - r > 1", "r - i < 1"],
  };

  it("bins each object by its first passing sample (TXPipe tomography layout) and evaluates completeness and purity", async () => {
    const phot = tmp.path("phot.hdf5");
    await writeTable(phot, "photometry", {
      id: BigInt64Array.from([10n, 11n, 12n, 13n, 14n, 15n]),
      redshift_true: Float64Array.from(redshift),
      ...Object.fromEntries(BANDS.map((b) => [`mag_${b}`, Float64Array.from(mags[b])])),
    });
    const tomo = tmp.path("tomo.hdf5");
    await runStage(
      SelectLBGColorCuts,
      { photometry_catalog: phot },
      { tomography_catalog: tomo },
      { color_mag_cuts: cuts, chunk_rows: 4 },
    );
    // TXPipe's lens tomography layout: tomography/bin (int32, −1 = none), lens_weight, nbin; counts/counts[_2d].
    const t = await readColumns(tomo, "tomography");
    expect(t.bin).toBeInstanceOf(Int32Array);
    expect(numbers(t.bin)).toEqual([0, 1, 1, -1, -1, 0]);
    expect(t.lens_weight).toBeInstanceOf(Float32Array);
    expect(numbers(t.lens_weight)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(t.id as BigInt64Array)).toEqual([10n, 11n, 12n, 13n, 14n, 15n]);
    expect(await readAttrs(tomo, "tomography")).toEqual({
      nbin: 2,
      nbin_lens: 2,
      sample_0: "u-dropouts",
      sample_1: "g-dropouts",
    });
    const counts = (await readColumns(tomo, "counts", ["counts"])).counts; // counts/* is not one table
    expect(counts).toBeInstanceOf(Int32Array);
    expect(numbers(counts)).toEqual([2, 2]);
    expect(numbers((await readColumns(tomo, "counts", ["counts_2d"])).counts_2d)).toEqual([4]);

    const yml = tmp.path("lbg.yml");
    const png = tmp.path("lbg.png");
    const targets = { "u-dropouts": [2.5, 3.5], "g-dropouts": [3.5, 4.5] };
    await runStage(
      EvaluateLBGSelection,
      { photometry_catalog: phot, tomography_catalog: tomo },
      { lbg_selection_metrics: yml, lbg_selection_plot: png },
      { target_redshifts: targets },
    );
    const m = YAML.parse(readFileSync(yml, "utf8"));
    expect(m.total).toBe(6);
    // u-dropouts: selected z 3.1, 3.9; in range [2.5, 3.5): only z 3.1 → completeness 1/1, purity 1/2.
    expect(m.samples["u-dropouts"]).toEqual({
      count: 2,
      median_z: 3.5,
      z_min: 2.5,
      z_max: 3.5,
      in_range: 1,
      completeness: 1,
      purity: 0.5,
    });
    // g-dropouts: selected z 4.0, 0.4; in range [3.5, 4.5): 4.0, 4.1, 3.9 → completeness 1/3, purity 1/2.
    expect(m.samples["g-dropouts"].completeness).toBeCloseTo(1 / 3, 5);
    expect(m.samples["g-dropouts"].purity).toBe(0.5);

    // Same inputs, same bytes.
    const tomo2 = tmp.path("tomo2.hdf5");
    await runStage(
      SelectLBGColorCuts,
      { photometry_catalog: phot },
      { tomography_catalog: tomo2 },
      { color_mag_cuts: cuts },
    );
    expect(bytes(tomo2).equals(bytes(tomo))).toBe(true);
    const png2 = tmp.path("lbg2.png");
    await runStage(
      EvaluateLBGSelection,
      { photometry_catalog: phot, tomography_catalog: tomo },
      { lbg_selection_metrics: tmp.path("lbg2.yml"), lbg_selection_plot: png2 },
      { target_redshifts: targets },
    );
    expect(bytes(png2).equals(bytes(png))).toBe(true);
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
      bin: ["int32", [0, 1, 1, -1, -1, 0]],
      nbin: 2,
      names: ["u-dropouts", "g-dropouts"],
      counts: [2, 2],
      counts_2d: 4,
      weight: "float32",
    });
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
