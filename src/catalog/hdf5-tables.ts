// HDF5 tables through h5wasm's Node build (real files via Emscripten's NODERAWFS), in TXPipe's layout:
// one group per table, one 1-D dataset per column (`photometry/mag_i`, `photometry/id`, ...).
//
// Determinism: HDF5 stamps every object header with access/modification/change/birth times ("track_times",
// on by default) and h5wasm exposes no H5Pset_obj_track_times. The wasm build reads the clock only through
// Emscripten's `_emscripten_date_now`, which calls `Date.now()` on each use. Writes are synchronous, so we
// pin `Date.now` to a constant for the duration of a write and restore it in `finally`: every timestamp in
// the file becomes 0 (1970-01-01) and identical inputs give byte-identical files. The test suite checks it.
//
// The format is pinned to HDF5 1.8 (`libver: v108`): HDF5 2.x (inside h5wasm) would otherwise be free to use
// newer structures, and h5py builds linked against HDF5 1.10 must be able to open our files.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Dataset, File as H5File, Group } from "h5wasm/node";
import { isColumn, tableLength, type Column, type Table } from "./column.ts";

/** The timestamp written into every HDF5 object header (ms since the epoch). */
const FIXED_CLOCK_MS = 0;

export type H5 = typeof import("h5wasm/node");

/** Loads h5wasm on first use (~250 ms: a 4 MB module and a wasm compile), not when a stage file is imported. */
export async function h5wasm(): Promise<H5> {
  const mod = await import("h5wasm/node");
  await mod.ready;
  return mod;
}

/** Runs a synchronous HDF5 write with the wasm clock pinned (see the header comment). */
export function withFixedClock<T>(write: () => T): T {
  const realNow = Date.now;
  Date.now = () => FIXED_CLOCK_MS;
  try {
    return write();
  } finally {
    Date.now = realNow;
  }
}

function openForReading(h5: H5, path: string): H5File {
  if (!existsSync(path)) throw new Error(`${path}: no such file`);
  return new h5.File(resolve(path), "r");
}

function getGroup(h5: H5, file: H5File, path: string, group: string): Group {
  const g = group === "" || group === "/" ? file : file.get(group);
  if (!(g instanceof h5.Group)) {
    throw new Error(`${path}: no group "${group}" (top level has: ${file.keys().join(", ") || "nothing"})`);
  }
  return g;
}

function getDataset(h5: H5, g: Group, path: string, group: string, name: string): Dataset {
  const d = g.get(name);
  if (!(d instanceof h5.Dataset)) {
    throw new Error(`${path}: group "${group}" has no column "${name}" (it has: ${datasetNames(h5, g).join(", ")})`);
  }
  const shape = d.shape;
  if (shape?.length !== 1) {
    throw new Error(`${path}: ${group}/${name} is not a 1-D column (shape ${JSON.stringify(shape)})`);
  }
  return d;
}

function datasetNames(h5: H5, g: Group): string[] {
  return g.keys().filter((k) => g.get(k) instanceof h5.Dataset);
}

function asColumn(value: unknown, where: string): Column {
  if (!isColumn(value)) throw new Error(`${where}: not a numeric column (strings and compounds are not supported)`);
  return value;
}

export async function hdf5ColumnNames(path: string, group: string): Promise<string[]> {
  const h5 = await h5wasm();
  const file = openForReading(h5, path);
  try {
    return datasetNames(h5, getGroup(h5, file, path, group));
  } finally {
    file.close();
  }
}

export async function hdf5RowCount(path: string, group: string): Promise<number> {
  const h5 = await h5wasm();
  const file = openForReading(h5, path);
  try {
    const g = getGroup(h5, file, path, group);
    const names = datasetNames(h5, g);
    if (names[0] === undefined) return 0;
    return getDataset(h5, g, path, group, names[0]).shape![0]!;
  } finally {
    file.close();
  }
}

export async function readHdf5Columns(path: string, group: string, names?: string[]): Promise<Table> {
  const h5 = await h5wasm();
  const file = openForReading(h5, path);
  try {
    const g = getGroup(h5, file, path, group);
    const out: Table = {};
    for (const name of names ?? datasetNames(h5, g)) {
      out[name] = asColumn(getDataset(h5, g, path, group, name).value, `${path}: ${group}/${name}`);
    }
    tableLength(out, `${path}: ${group}`);
    return out;
  } finally {
    file.close();
  }
}

/** Scalar attributes of a group (numbers and strings; arrays and other types are skipped). */
export async function readHdf5Attrs(path: string, group: string): Promise<Record<string, number | string>> {
  const h5 = await h5wasm();
  const file = openForReading(h5, path);
  try {
    const g = getGroup(h5, file, path, group);
    const out: Record<string, number | string> = {};
    for (const [name, attr] of Object.entries(g.attrs)) {
      const v = attr.value;
      if (typeof v === "number" || typeof v === "string") out[name] = v;
      else if (typeof v === "bigint") out[name] = Number(v);
      else if (ArrayBuffer.isView(v) && (v as unknown as ArrayLike<unknown>).length === 1)
        out[name] = Number((v as unknown as ArrayLike<number>)[0]);
    }
    return out;
  } finally {
    file.close();
  }
}

/** Reads rows [start, end) of each column per step: a hyperslab read, so only those rows leave the file. */
export async function* hdf5Chunks(
  path: string,
  group: string,
  names: string[],
  chunkRows: number,
): AsyncGenerator<{ start: number; end: number; columns: Table }> {
  const h5 = await h5wasm();
  const file = openForReading(h5, path);
  try {
    const g = getGroup(h5, file, path, group);
    const datasets = names.map((n) => [n, getDataset(h5, g, path, group, n)] as const);
    // getDataset checked that every dataset is 1-D.
    const n = datasets[0]?.[1].shape?.[0] ?? 0;
    for (const [name, d] of datasets) {
      if (d.shape![0] !== n) throw new Error(`${path}: ${group}/${name} has ${d.shape![0]} rows, ${names[0]} has ${n}`);
    }
    for (let start = 0; start < n; start += chunkRows) {
      const end = Math.min(n, start + chunkRows);
      const columns: Table = {};
      for (const [name, d] of datasets) columns[name] = asColumn(d.slice([[start, end]]), `${path}: ${group}/${name}`);
      yield { start, end, columns };
    }
  } finally {
    file.close();
  }
}

export interface Hdf5GroupData {
  columns: Table;
  /** Scalar attributes on the group (TXPipe keeps metadata such as the z grid or config values there). */
  attrs?: Record<string, number | string>;
}

/**
 * Writes groups to a new file (`append: false`, replacing any file) or adds them to an existing one. Groups
 * are tables (columns of one length) unless `ragged`: then any 1-D arrays (TXPipe's `counts` group).
 */
export async function writeHdf5Groups(
  path: string,
  groups: Record<string, Hdf5GroupData>,
  append: boolean,
  ragged = false,
): Promise<void> {
  const h5 = await h5wasm();
  for (const [name, data] of Object.entries(groups)) {
    if (ragged) for (const [col, v] of Object.entries(data.columns)) asColumn(v, `${path}: ${name}/${col}`);
    else tableLength(data.columns, `${path}: ${name}`);
  }
  withFixedClock(() => {
    const mode = append && existsSync(path) ? "a" : "w";
    const file = new h5.File(resolve(path), mode, { libver: "v108" });
    try {
      for (const [name, data] of Object.entries(groups)) {
        const g = makeGroup(h5, file, name, path);
        for (const [col, values] of Object.entries(data.columns)) {
          g.create_dataset({ name: col, data: values, shape: [values.length] });
        }
        for (const [key, value] of Object.entries(data.attrs ?? {})) g.create_attribute(key, value);
      }
    } finally {
      file.close();
    }
  });
}

export function makeGroup(h5: H5, file: H5File, name: string, path: string): Group {
  let g: Group = file;
  for (const part of name.split("/").filter(Boolean)) {
    const existing = g.get(part);
    if (existing === null) g = g.create_group(part);
    else if (existing instanceof h5.Group) g = existing;
    else throw new Error(`${path}: cannot create group "${name}": "${part}" exists and is not a group`);
  }
  if (g !== file && g.keys().length > 0) throw new Error(`${path}: group "${name}" already exists and is not empty`);
  return g;
}
