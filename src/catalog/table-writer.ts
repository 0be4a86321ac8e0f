// Streaming table writers: a table written block by block, so a stage that makes one output row per input
// row holds only the current block (and one storage chunk) in memory, however large the catalog. The file
// depends on the rows alone, not on how they were cut into blocks, and is byte-identical for identical rows:
//   HDF5: resizable chunked datasets (maxshape unlimited) written a whole chunk at a time, the clock pinned
//   as for writeTable (hdf5-table-writer.ts). Chunks hold 65,536 rows, or `expectedRows` when fewer.
//   parquet: rows are regrouped into writeTable's fixed row groups and each full group goes to disk, so the
//   file is byte for byte the one writeTable would write for the whole table (parquet-table-writer.ts).
import { blockRows, isColumnType, type Table, type TableSchema } from "./column.ts";
import { openHdf5TableWriter } from "./hdf5-table-writer.ts";
import { openParquetTableWriter } from "./parquet-table-writer.ts";
import type { TableBackend, TableWriterOptions } from "./table-backend.ts";
import { tableFormat } from "./table-format.ts";
import type { GroupAttrs } from "./write-table.ts";

export interface TableWriter {
  /** Rows written so far. */
  readonly rows: number;
  /** Appends a block: every schema column, each of its declared array type, all of one length. */
  append(columns: Table): Promise<void>;
  /** Finishes the file (attributes are written here). The table is complete only after this. */
  close(attrs?: GroupAttrs): Promise<void>;
  /** Releases the file after a failure without finishing it (a no-op after close): use it in `finally`. */
  abort(): void;
}

/** The checks every format shares: blocks match the schema, nothing is written after close or abort. */
function guarded(path: string, schema: TableSchema, backend: TableBackend): TableWriter {
  let rows = 0;
  let open = true;
  const ensureOpen = () => {
    if (!open) throw new Error(`${path}: the table writer is closed`);
  };
  return {
    get rows() {
      return rows;
    },
    async append(columns: Table) {
      ensureOpen();
      const m = blockRows(path, schema, columns);
      backend.push(columns, m);
      rows += m;
    },
    async close(attrs?: GroupAttrs) {
      ensureOpen();
      open = false;
      backend.finish(attrs);
    },
    abort() {
      if (!open) return;
      open = false;
      backend.release();
    },
  };
}

/** Opens a streaming writer of one table (an HDF5 group, or a whole parquet file). */
export async function openTableWriter(
  path: string,
  group: string,
  schema: TableSchema,
  options: TableWriterOptions = {},
): Promise<TableWriter> {
  const names = Object.keys(schema);
  if (names.length === 0) throw new Error(`${path}: a table needs at least one column`);
  for (const [name, type] of Object.entries(schema)) {
    if (!isColumnType(type))
      throw new Error(`${path}: column ${name}: schema entries are typed-array classes such as Float64Array`);
  }
  if (tableFormat(path) === "parquet") {
    if (options.append) throw new Error(`${path}: a parquet file holds one table; cannot append group "${group}"`);
    if (options.attrs && Object.keys(options.attrs).length)
      throw new Error(`${path}: parquet tables take no attributes`);
    return guarded(path, schema, await openParquetTableWriter(path, schema));
  }
  return guarded(path, schema, await openHdf5TableWriter(path, group, schema, options));
}
