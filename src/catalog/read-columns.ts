// Reading whole columns of a table file, whatever its format (chosen by suffix, see table-format.ts).
// `group` is the HDF5 group holding the table (TXPipe: "photometry", "tomography", ...); parquet files hold
// one table and ignore it.
import type { Table } from "./column.ts";
import { hdf5ColumnNames, hdf5RowCount, readHdf5Attrs, readHdf5Columns } from "./hdf5-tables.ts";
import { parquetColumnNames, parquetRowCount, readParquetColumns } from "./parquet-tables.ts";
import { tableFormat } from "./table-format.ts";

/**
 * Reads the named columns (all columns when `names` is omitted) in full, as typed arrays of the file's types.
 * A missing group or column is an error naming the file and what it does contain.
 */
export async function readColumns(path: string, group: string, names?: string[]): Promise<Table> {
  return tableFormat(path) === "hdf5" ? readHdf5Columns(path, group, names) : readParquetColumns(path, names);
}

/** Column names of a table, in the file's order (HDF5: alphabetical link order). */
export async function listColumns(path: string, group: string): Promise<string[]> {
  return tableFormat(path) === "hdf5" ? hdf5ColumnNames(path, group) : parquetColumnNames(path);
}

/** Number of rows of a table, read from metadata only. */
export async function rowCount(path: string, group: string): Promise<number> {
  return tableFormat(path) === "hdf5" ? hdf5RowCount(path, group) : parquetRowCount(path);
}

/** Scalar attributes of an HDF5 group (written with `writeTable(..., { attrs })`); parquet has none. */
export async function readAttrs(path: string, group: string): Promise<Record<string, number | string>> {
  return tableFormat(path) === "hdf5" ? readHdf5Attrs(path, group) : {};
}
