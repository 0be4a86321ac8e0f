// The seam between the streaming table writer (table-writer.ts) and the file formats: the HDF5 and parquet
// backends (hdf5-table-writer.ts, parquet-table-writer.ts) implement TableBackend, and openTableWriter wraps
// one in the checks every format shares. In a file of its own so that the backends, which table-writer.ts
// imports, need not import it back.
import type { Table } from "./column.ts";
import type { GroupAttrs } from "./write-table.ts";

export interface TableWriterOptions {
  /** HDF5: add the group to an existing file instead of replacing the file. Not for parquet. */
  append?: boolean;
  /** Group attributes (HDF5 only); `close` may add more, known only at the end (counts, ...). */
  attrs?: GroupAttrs;
  /**
   * The table's row count when known in advance (e.g. the input's): HDF5 chunks are then no longer than the
   * table, since a chunk is stored whole. Only the layout depends on it; parquet ignores it.
   */
  expectedRows?: number;
}

/** What a format adds to the writer: take a checked block, finish the file, or let it go unfinished. */
export interface TableBackend {
  push(block: Table, rows: number): void;
  finish(attrs?: GroupAttrs): void;
  release(): void;
}
