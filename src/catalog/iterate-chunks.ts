// Streaming a large table in row blocks, so a stage can process 10^6+ objects in bounded memory.
// HDF5 reads each block as a hyperslab; parquet reads only the row groups that overlap the block.
import type { Table } from "./column.ts";
import { hdf5Chunks } from "./hdf5-tables.ts";
import { parquetChunks } from "./parquet-tables.ts";
import { tableFormat } from "./table-format.ts";

export interface Chunk {
  /** First row of the block in the table. */
  start: number;
  /** One past the last row. */
  end: number;
  /** Each requested column's rows [start, end), as fresh typed arrays of length end − start. */
  columns: Table;
}

/**
 * Yields consecutive blocks of at most `chunkRows` rows of the named columns, in row order.
 * The file stays open until the loop ends (or breaks).
 */
export function iterateChunks(
  path: string,
  group: string,
  columns: string[],
  chunkRows: number,
): AsyncGenerator<Chunk> {
  if (!Number.isInteger(chunkRows) || chunkRows < 1)
    throw new Error(`chunkRows must be a positive integer, got ${chunkRows}`);
  return tableFormat(path) === "hdf5"
    ? hdf5Chunks(path, group, columns, chunkRows)
    : parquetChunks(path, columns, chunkRows);
}
