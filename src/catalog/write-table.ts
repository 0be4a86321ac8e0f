// Writing tables. Each writer gives byte-identical files for identical inputs (lbg's early cutoff relies on
// it, see the SDK), so nothing time- or address-dependent ends up in a file.
import type { Table } from "./column.ts";
import { writeHdf5Groups } from "./hdf5-tables.ts";
import { writeParquetTable } from "./parquet-tables.ts";
import { tableFormat } from "./table-format.ts";

/** Scalar metadata of a group, stored as HDF5 attributes (TXPipe keeps e.g. bin edges or config there). */
export type GroupAttrs = Record<string, number | string>;

export interface TableGroup {
  columns: Table;
  attrs?: GroupAttrs;
}

export interface WriteTableOptions {
  /** Add the group to an existing HDF5 file instead of replacing the file. Not for parquet. Default false. */
  append?: boolean;
  /** Attributes of the group (HDF5 only). */
  attrs?: GroupAttrs;
}

/** Writes one table. Columns keep the given key order and their array types (Float64Array → float64, ...). */
export async function writeTable(
  path: string,
  group: string,
  columns: Table,
  options: WriteTableOptions = {},
): Promise<void> {
  if (tableFormat(path) === "parquet") {
    if (options.append) throw new Error(`${path}: a parquet file holds one table; cannot append group "${group}"`);
    if (options.attrs && Object.keys(options.attrs).length)
      throw new Error(`${path}: parquet tables take no attributes`);
    return writeParquetTable(path, columns);
  }
  return writeHdf5Groups(path, { [group]: { columns, attrs: options.attrs } }, options.append ?? false);
}

/**
 * Writes a group of 1-D arrays of any lengths, which is not a table: per-bin summaries such as TXPipe's
 * `counts` group (`counts` with one entry per bin beside `counts_2d` with one). HDF5 only.
 */
export async function writeArrays(
  path: string,
  group: string,
  arrays: Table,
  options: WriteTableOptions = {},
): Promise<void> {
  if (tableFormat(path) === "parquet")
    throw new Error(`${path}: parquet files hold tables only; cannot write arrays "${group}"`);
  return writeHdf5Groups(path, { [group]: { columns: arrays, attrs: options.attrs } }, options.append ?? false, true);
}

/** Writes several groups (name → columns and attributes) into one new HDF5 file, in the given order. */
export async function writeTables(path: string, groups: Record<string, TableGroup>): Promise<void> {
  if (tableFormat(path) === "parquet") {
    const entries = Object.entries(groups);
    const [only] = entries;
    if (entries.length !== 1 || !only) {
      throw new Error(`${path}: a parquet file holds one table, got groups ${Object.keys(groups).join(", ")}`);
    }
    const [name, table] = only;
    return writeTable(path, name, table.columns, { attrs: table.attrs });
  }
  return writeHdf5Groups(path, groups, false);
}
