// The catalog library: HDF5/parquet round trips, chunked reads, byte-identical writes, YAML and PNG writers,
// and interchange with Debian's h5py in both directions.
import { execFileSync } from "node:child_process";
import { inflateSync } from "node:zlib";
import { afterAll, describe, expect, it, vi } from "vitest";
import YAML from "yaml";
import {
  encodePng,
  formatYaml,
  formatYamlNumber,
  iterateChunks,
  listColumns,
  openTableWriter,
  Plot,
  readAttrs,
  readColumns,
  rowCount,
  writeArrays,
  writeTable,
  writeTables,
  writeYaml,
  type GroupAttrs,
  type Table,
  type TableSchema,
} from "../../src/catalog/index.ts";
import { PY } from "../helpers/debian-python.ts";
import { noH5py, skipAllWhen } from "../helpers/requirements.ts";
import { bytes, numbers, tempDir } from "./stage-context.ts";

const tmp = tempDir("catalog");
afterAll(tmp.cleanup);

function sampleTable(n: number): Table {
  return {
    id: BigInt64Array.from({ length: n }, (_, i) => BigInt(i * 3 + 1)),
    ra: Float64Array.from({ length: n }, (_, i) => 50 + i / n),
    mag_i: Float32Array.from({ length: n }, (_, i) => 20 + (i % 50) / 10),
    sample: Int32Array.from({ length: n }, (_, i) => (i % 4) - 1),
    flag: Uint8Array.from({ length: n }, (_, i) => i % 2),
  };
}

function expectSameTable(actual: Table, expected: Table) {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, col] of Object.entries(expected)) {
    expect(actual[name]!.constructor, name).toBe(col.constructor);
    expect(Array.from(actual[name] as ArrayLike<unknown>), name).toEqual(Array.from(col as ArrayLike<unknown>));
  }
}

describe("HDF5 tables", () => {
  it("round-trips every column type in TXPipe's layout (group/column datasets)", async () => {
    const path = tmp.path("round.hdf5");
    const table = sampleTable(1000);
    await writeTable(path, "photometry", table, { attrs: { k: 20, note: "hello" } });
    expectSameTable(await readColumns(path, "photometry"), table);
    expect(await listColumns(path, "photometry")).toEqual(["flag", "id", "mag_i", "ra", "sample"]);
    expect(await rowCount(path, "photometry")).toBe(1000);
    expect(await readAttrs(path, "photometry")).toEqual({ k: 20, note: "hello" });
    const some = await readColumns(path, "photometry", ["ra", "id"]);
    expect(Object.keys(some)).toEqual(["ra", "id"]);
  });

  it("holds several groups per file, written together or appended", async () => {
    const a = tmp.path("groups-a.hdf5");
    const b = tmp.path("groups-b.hdf5");
    const t1 = { x: new Float64Array([1, 2, 3]) };
    const t2 = { y: new Int32Array([4, 5]) };
    await writeTables(a, { one: { columns: t1 }, "nested/two": { columns: t2 } });
    await writeTable(b, "one", t1);
    await writeTable(b, "nested/two", t2, { append: true });
    expectSameTable(await readColumns(a, "nested/two"), t2);
    expectSameTable(await readColumns(b, "one"), t1);
    expectSameTable(await readColumns(b, "nested/two"), t2);
    // Appending is deterministic too (the layout differs from writing both at once, the bytes do not vary).
    const c = tmp.path("groups-c.hdf5");
    await writeTable(c, "one", t1);
    await writeTable(c, "nested/two", t2, { append: true });
    expect(bytes(b).equals(bytes(c))).toBe(true);
    await expect(writeTable(c, "one", t1, { append: true })).rejects.toThrow(/group "one" already exists/);
  });

  it("writes byte-identical files for identical inputs, whatever the clock says", async () => {
    const table = sampleTable(5000);
    const first = tmp.path("det-1.hdf5");
    const second = tmp.path("det-2.hdf5");
    await writeTable(first, "photometry", table, { attrs: { k: 3 } });
    // HDF5 stamps object headers with the current time unless lbg pins it: move the clock a day ahead.
    const spy = vi.spyOn(Date, "now").mockReturnValue(Date.now() + 86_400_000);
    try {
      await writeTable(tmp.path("other.hdf5"), "junk", { z: new Float64Array(777).fill(3) }); // dirty the wasm heap
      await writeTable(second, "photometry", table, { attrs: { k: 3 } });
    } finally {
      spy.mockRestore();
    }
    expect(bytes(first).equals(bytes(second))).toBe(true);
    expect(Date.now()).toBeGreaterThan(1.6e12); // the real clock is restored after writing
  });

  it("iterates a table in row blocks, each a fresh array of the block's length", async () => {
    const path = tmp.path("chunks.hdf5");
    const table = sampleTable(10_007);
    await writeTable(path, "photometry", table);
    const seen: number[] = [];
    let rows = 0;
    for await (const c of iterateChunks(path, "photometry", ["id", "mag_i"], 1000)) {
      expect(c.start).toBe(rows);
      expect(c.columns.id!.length).toBe(c.end - c.start);
      expect(c.columns.id!.buffer.byteLength).toBe((c.end - c.start) * 8); // not a view of the whole column
      expect(numbers(c.columns.mag_i)).toEqual(numbers(table.mag_i!.subarray(c.start, c.end)));
      seen.push(c.end - c.start);
      rows = c.end;
    }
    expect(rows).toBe(10_007);
    expect(seen).toEqual([...Array(10).fill(1000), 7]);
  });

  it("writes and reads empty tables", async () => {
    const path = tmp.path("empty.hdf5");
    await writeTable(path, "photometry", { x: new Float64Array(0) });
    expect(await rowCount(path, "photometry")).toBe(0);
    const chunks = [];
    for await (const c of iterateChunks(path, "photometry", ["x"], 10)) chunks.push(c);
    expect(chunks).toEqual([]);
  });

  it("names the file and what exists when a group or column is missing", async () => {
    const path = tmp.path("errors.hdf5");
    await writeTable(path, "photometry", { ra: new Float64Array(2), dec: new Float64Array(2) });
    await expect(readColumns(path, "tomography")).rejects.toThrow(
      /errors\.hdf5: no group "tomography" \(top level has: photometry\)/,
    );
    await expect(readColumns(path, "photometry", ["mag_u"])).rejects.toThrow(/no column "mag_u" \(it has: dec, ra\)/);
    await expect(readColumns(tmp.path("missing.hdf5"), "photometry")).rejects.toThrow(/no such file/);
    await expect(writeTable(path, "bad", { a: new Float64Array(2), b: new Float64Array(3) })).rejects.toThrow(
      /column b has 3 rows but a has 2/,
    );
  });
});

/** Writes `table` through a streaming writer in blocks of `block` rows. */
async function writeStreamed(
  path: string,
  group: string,
  table: Table,
  block: number,
  o: { open?: GroupAttrs; close?: GroupAttrs; expectedRows?: number } = {},
) {
  const schema = Object.fromEntries(Object.entries(table).map(([k, c]) => [k, c.constructor])) as TableSchema;
  const w = await openTableWriter(path, group, schema, { attrs: o.open, expectedRows: o.expectedRows });
  try {
    const n = Object.values(table)[0]!.length;
    for (let start = 0; start < n; start += block) {
      await w.append(
        Object.fromEntries(Object.entries(table).map(([k, c]) => [k, c.slice(start, start + block)])) as Table,
      );
    }
    expect(w.rows).toBe(n);
    await w.close(o.close);
  } finally {
    w.abort();
  }
}

describe("streaming table writer", () => {
  it("HDF5: appended blocks read back as one table, in chunks too, with attributes from open and close", async () => {
    const path = tmp.path("stream.hdf5");
    const table = sampleTable(10_007);
    await writeStreamed(path, "photometry", table, 1000, { open: { k: 20 }, close: { n: 10_007, note: "done" } });
    expectSameTable(await readColumns(path, "photometry"), table);
    expect(await readAttrs(path, "photometry")).toEqual({ k: 20, n: 10_007, note: "done" });
    const blocks: number[] = [];
    for await (const c of iterateChunks(path, "photometry", ["id"], 4096)) blocks.push(c.end - c.start);
    expect(blocks).toEqual([4096, 4096, 1815]);
  });

  it("HDF5: byte-identical files for identical rows, whatever the blocks or the clock; small tables stay small", async () => {
    const table = sampleTable(150_001);
    await writeStreamed(tmp.path("s1.hdf5"), "photometry", table, 700);
    const spy = vi.spyOn(Date, "now").mockReturnValue(Date.now() + 86_400_000);
    try {
      await writeTable(tmp.path("s-other.hdf5"), "junk", { z: new Float64Array(333).fill(1) });
      await writeStreamed(tmp.path("s2.hdf5"), "photometry", table, 65_537);
    } finally {
      spy.mockRestore();
    }
    expect(bytes(tmp.path("s1.hdf5")).equals(bytes(tmp.path("s2.hdf5")))).toBe(true);
    // 100 rows announced: a 100-row chunk, not a 65,536-row chunk padded with fill values.
    const small = sampleTable(100);
    await writeStreamed(tmp.path("small-s.hdf5"), "photometry", small, 30, { expectedRows: 100 });
    await writeTable(tmp.path("small-w.hdf5"), "photometry", small);
    expect(bytes(tmp.path("small-s.hdf5")).length).toBeLessThan(bytes(tmp.path("small-w.hdf5")).length + 16_384);
    expectSameTable(await readColumns(tmp.path("small-s.hdf5"), "photometry"), small);
  });

  it("HDF5: an empty table, a group added to an existing file, and misuse named", async () => {
    const path = tmp.path("stream-misc.hdf5");
    const empty = await openTableWriter(path, "photometry", { x: Float64Array, id: BigInt64Array });
    await empty.close();
    expect(await rowCount(path, "photometry")).toBe(0);
    expect(await listColumns(path, "photometry")).toEqual(["id", "x"]);
    const w = await openTableWriter(path, "counts", { c: Int32Array }, { append: true });
    await expect(w.append({ c: new Float64Array(2) })).rejects.toThrow(
      /column c must be a Int32Array, got Float64Array/,
    );
    await expect(w.append({ c: new Int32Array(2), d: new Int32Array(2) })).rejects.toThrow(
      /column d is not in the table's schema \(c\)/,
    );
    await w.append({ c: Int32Array.from([4, 5]) });
    await w.close();
    await expect(w.append({ c: new Int32Array(1) })).rejects.toThrow(/writer is closed/);
    expect(numbers((await readColumns(path, "counts")).c)).toEqual([4, 5]);
    expect(await rowCount(path, "photometry")).toBe(0);
    const two = await openTableWriter(tmp.path("two.hdf5"), "t", { a: Float64Array, b: Float64Array });
    await expect(two.append({ a: new Float64Array(2), b: new Float64Array(3) })).rejects.toThrow(
      /column b has 3 rows in this block, a has 2/,
    );
    two.abort();
    await expect(openTableWriter(tmp.path("x.pq"), "t", { a: Float64Array }, { attrs: { k: 1 } })).rejects.toThrow(
      /parquet tables take no attributes/,
    );
    // A group of arrays of different lengths (TXPipe's counts) is not a table: writeArrays, HDF5 only.
    await writeArrays(
      path,
      "summary",
      { counts: Int32Array.from([3, 4, 5]), counts_2d: Int32Array.of(12) },
      { append: true },
    );
    expect(numbers((await readColumns(path, "summary", ["counts_2d"])).counts_2d)).toEqual([12]);
    await expect(writeArrays(tmp.path("x.pq"), "counts", { c: new Int32Array(1) })).rejects.toThrow(
      /parquet files hold tables only/,
    );
  });

  it("parquet: streamed in blocks, the file is byte for byte writeTable's", async () => {
    const table = { ...sampleTable(150_001), u32: Uint32Array.from({ length: 150_001 }, (_, i) => 4e9 + i) };
    await writeTable(tmp.path("whole.pq"), "", table);
    await writeStreamed(tmp.path("streamed.pq"), "", table, 30_000);
    expect(bytes(tmp.path("streamed.pq")).equals(bytes(tmp.path("whole.pq")))).toBe(true);
    expectSameTable(await readColumns(tmp.path("streamed.pq"), ""), table);
    await writeStreamed(tmp.path("empty-s.pq"), "", { x: new Float64Array(0) }, 10);
    await writeTable(tmp.path("empty-w.pq"), "", { x: new Float64Array(0) });
    expect(bytes(tmp.path("empty-s.pq")).equals(bytes(tmp.path("empty-w.pq")))).toBe(true);
  });
});

describe("parquet tables", () => {
  it("round-trips column types, reads in chunks and writes identical bytes twice", async () => {
    const table = { ...sampleTable(70_000), u32: Uint32Array.from({ length: 70_000 }, (_, i) => 4e9 + i) };
    const a = tmp.path("t-a.pq");
    const b = tmp.path("t-b.pq");
    await writeTable(a, "ignored", table);
    await writeTable(b, "ignored", table);
    expect(bytes(a).equals(bytes(b))).toBe(true);
    expectSameTable(await readColumns(a, "ignored"), table);
    expect(await rowCount(a, "")).toBe(70_000);
    let rows = 0;
    for await (const c of iterateChunks(a, "", ["u32", "ra"], 30_000)) {
      expect(numbers(c.columns.u32)).toEqual(numbers(table.u32!.subarray(c.start, c.end)));
      rows += c.columns.ra!.length;
    }
    expect(rows).toBe(70_000);
    await expect(writeTable(a, "x", table, { append: true })).rejects.toThrow(/one table/);
  });
});

describe("YAML writer", () => {
  it("keeps key order, formats numbers stably and parses back", () => {
    const value = {
      bias: -0.00123456789,
      sigma_nmad: 0.0312,
      count: 1000,
      tiny: 1e-9,
      whole: 2.0000001,
      text: "g - r > 1.5 * (r - i) + 0.8",
      tricky: ["yes", "a: b", "12", ""],
      none: null,
      edges: [0, 0.5, 1],
      bins: [
        { z_min: 0, count: 3 },
        { z_min: 0.5, count: 4 },
      ],
    };
    const text = formatYaml(value);
    expect(text).toBe(
      [
        "bias: -0.00123457",
        "sigma_nmad: 0.0312",
        "count: 1000",
        "tiny: 1.0e-09",
        "whole: 2.0",
        "text: g - r > 1.5 * (r - i) + 0.8",
        'tricky: ["yes", "a: b", "12", ""]',
        "none: null",
        "edges: [0, 0.5, 1]",
        "bins:",
        "  - z_min: 0",
        "    count: 3",
        "  - z_min: 0.5",
        "    count: 4",
        "",
      ].join("\n"),
    );
    expect(YAML.parse(text)).toEqual({ ...value, bias: -0.00123457, tiny: 1e-9, whole: 2 });
    expect([NaN, Infinity, -Infinity, -0, 1e21].map((x) => formatYamlNumber(x))).toEqual([
      ".nan",
      ".inf",
      "-.inf",
      "0",
      "1.0e+21",
    ]);
    const a = tmp.path("a.yml");
    const b = tmp.path("b.yml");
    writeYaml(a, value);
    writeYaml(b, JSON.parse(JSON.stringify(value)));
    expect(bytes(a).equals(bytes(b))).toBe(true);
  });
});

/** Decodes our own PNGs (RGB, filter 0) back to pixels, checking chunk CRCs via zlib's crc32. */
function decodePng(png: Uint8Array): { width: number; height: number; pixels: Uint8Array } {
  expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let off = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  const types: string[] = [];
  while (off < png.length) {
    const len = view.getUint32(off);
    const type = String.fromCharCode(...png.subarray(off + 4, off + 8));
    types.push(type);
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") {
      width = view.getUint32(off + 8);
      height = view.getUint32(off + 12);
    }
    if (type === "IDAT") idat.push(data);
    off += 12 + len;
  }
  expect(types).toEqual(["IHDR", "IDAT", "IEND"]);
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 3 + 1)]).toBe(0);
    pixels.set(raw.subarray(y * (width * 3 + 1) + 1, (y + 1) * (width * 3 + 1)), y * width * 3);
  }
  return { width, height, pixels };
}

describe("PNG writer and plots", () => {
  it("encodes pixels losslessly with no metadata chunks", () => {
    const pixels = Uint8Array.from({ length: 7 * 5 * 3 }, (_, i) => (i * 37) % 256);
    const decoded = decodePng(encodePng({ width: 7, height: 5, pixels }));
    expect(decoded.width).toBe(7);
    expect(decoded.height).toBe(5);
    expect(Array.from(decoded.pixels)).toEqual(Array.from(pixels));
  });

  it("draws identical plots for identical data", () => {
    const draw = () => {
      const p = new Plot({ xRange: [0, 3], yRange: [0, 3], xLabel: "z true", yLabel: "z phot", title: "test" });
      p.points([0.5, 1, 2], [0.6, 1, 1.9]);
      p.polyline([0, 3], [0, 3]);
      p.steps([0, 1, 2, 3], [1, 2, 1]);
      return encodePng(p.canvas);
    };
    const a = draw();
    expect(Buffer.from(a).equals(Buffer.from(draw()))).toBe(true);
    const { pixels, width } = decodePng(a);
    // The frame's right edge (left 70 + width 550) is black; the margin is white.
    const at = (x: number, y: number) => Array.from(pixels.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));
    expect(at(620, 200)).toEqual([0, 0, 0]);
    expect(at(5, 470)).toEqual([255, 255, 255]);
  });
});

// h5py reads what lbg writes, and lbg reads what h5py writes (skipped, saying why, without h5py).
describe("h5py interchange", () => {
  skipAllWhen(noH5py);

  it("h5py reads the files we write", async () => {
    const path = tmp.path("ours.hdf5");
    const table = sampleTable(100);
    await writeTable(path, "photometry", table, { attrs: { k: 20 } });
    const script = [
      "import h5py, json, sys",
      "f = h5py.File(sys.argv[1], 'r')",
      "g = f['photometry']",
      "print(json.dumps({k: [str(g[k].dtype), g[k].shape[0], float(g[k][7])] for k in g} | {'attr_k': int(g.attrs['k'])}))",
    ].join("\n");
    const out = JSON.parse(execFileSync(PY, ["-c", script, path], { encoding: "utf8" }));
    expect(out).toEqual({
      flag: ["uint8", 100, 1],
      id: ["int64", 100, 22],
      mag_i: ["float32", 100, 20.700000762939453],
      ra: ["float64", 100, 50.07],
      sample: ["int32", 100, 2],
      attr_k: 20,
    });
  });

  it("h5py reads a streamed (resizable, chunked) table", async () => {
    const path = tmp.path("streamed-h5py.hdf5");
    const table = sampleTable(2500);
    await writeStreamed(path, "photometry", table, 300, { close: { nbin: 2 }, expectedRows: 1000 });
    const script = [
      "import h5py, json, sys",
      "g = h5py.File(sys.argv[1], 'r')['photometry']",
      "print(json.dumps({k: [str(g[k].dtype), g[k].shape[0], g[k].chunks[0], g[k].maxshape[0], float(g[k][2499])] for k in g} | {'nbin': int(g.attrs['nbin'])}))",
    ].join("\n");
    const out = JSON.parse(execFileSync(PY, ["-c", script, path], { encoding: "utf8" }));
    expect(out.id).toEqual(["int64", 2500, 1000, null, 2499 * 3 + 1]);
    expect(out.sample).toEqual(["int32", 2500, 1000, null, 2]);
    expect(out.nbin).toBe(2);
  });

  it("we read the files h5py writes", async () => {
    const path = tmp.path("theirs.hdf5");
    const script = [
      "import h5py, numpy as np, sys",
      "with h5py.File(sys.argv[1], 'w') as f:",
      "    g = f.create_group('photometry')",
      "    g.create_dataset('id', data=np.arange(10, dtype='i8'))",
      "    g.create_dataset('mag_r', data=np.linspace(20, 21, 10))",
      "    g.create_dataset('redshift_true', data=np.linspace(0, 1, 10).astype('f4'))",
      "    g.create_dataset('chunked', data=np.arange(10, dtype='i4'), chunks=(3,), compression='gzip')",
    ].join("\n");
    execFileSync(PY, ["-c", script, path]);
    const t = await readColumns(path, "photometry");
    expect(Array.from(t.id as BigInt64Array)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i)));
    expect(t.mag_r![9]).toBe(21);
    expect(t.redshift_true).toBeInstanceOf(Float32Array);
    expect(numbers(t.chunked)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const blocks: number[][] = [];
    for await (const c of iterateChunks(path, "photometry", ["chunked"], 4)) blocks.push(numbers(c.columns.chunked));
    expect(blocks).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });
});
