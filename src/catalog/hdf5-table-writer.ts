// The HDF5 side of openTableWriter (table-writer.ts): one resizable, chunked 1-D dataset per column.
// Appended rows are buffered until they fill one HDF5 chunk, and each full chunk is written with a resize and
// a hyperslab write; so the sequence of HDF5 operations, and the file, depend on the rows alone and not on
// how the caller cut them into blocks. Every HDF5 call runs with the clock pinned (hdf5-tables.ts), because
// resizing and closing rewrite object headers, which carry times.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Dataset, File as H5File } from "h5wasm/node";
import type { ColumnType, TableSchema } from "./column.ts";
import { h5wasm, makeGroup, withFixedClock } from "./hdf5-tables.ts";
import { RowBuffer } from "./row-buffer.ts";
import type { TableBackend, TableWriterOptions } from "./table-backend.ts";

/** Longest HDF5 chunk (rows): 512 KB of float64, the size of parquet's row groups here. */
export const MAX_CHUNK_ROWS = 65536;

export async function openHdf5TableWriter(
  path: string,
  group: string,
  schema: TableSchema,
  options: TableWriterOptions,
): Promise<TableBackend> {
  const h5 = await h5wasm();
  const { file, g } = withFixedClock(() => {
    const f: H5File = new h5.File(resolve(path), options.append && existsSync(path) ? "a" : "w", { libver: "v108" });
    try {
      return { file: f, g: makeGroup(h5, f, group, path) };
    } catch (e) {
      f.close();
      throw e;
    }
  });
  // A chunk is stored whole: a table known to be small gets chunks no longer than itself.
  const chunkRows = Math.max(1, Math.min(MAX_CHUNK_ROWS, options.expectedRows ?? MAX_CHUNK_ROWS));
  const entries = Object.entries(schema) as [string, ColumnType][];
  let datasets: Dataset[] | undefined;
  let written = 0;
  /** Writes the buffered rows (a full chunk, or the last part at close). Inside withFixedClock. */
  const buffer: RowBuffer = new RowBuffer(entries, chunkRows, (n) => {
    const data = (k: number) => buffer.columns[k]!.subarray(0, n);
    if (!datasets) {
      datasets = entries.map(([name], k) =>
        g.create_dataset({ name, data: data(k), shape: [n], maxshape: [null], chunks: [chunkRows] }),
      );
    } else if (n > 0) {
      datasets.forEach((d, k) => {
        d.resize([written + n]);
        d.write_slice([[written, written + n]], data(k));
      });
    }
    written += n;
  });
  return {
    push: (block, rows) => withFixedClock(() => buffer.push(block, rows)),
    finish: (attrs) =>
      withFixedClock(() => {
        try {
          buffer.flush();
          for (const [key, value] of Object.entries({ ...options.attrs, ...attrs })) g.create_attribute(key, value);
        } finally {
          file.close();
        }
      }),
    release: () => withFixedClock(() => file.close()),
  };
}
