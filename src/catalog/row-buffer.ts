// Fixed-size column buffers that blocks of appended rows fill, for the streaming table writers: each time
// the buffers are full (one HDF5 chunk, one parquet row group), `onFull` writes them out. So what reaches
// the file is cut by the buffer's size alone, never by how the caller cut its blocks.
import { type Column, type ColumnType, copyInto, type Table } from "./column.ts";

export class RowBuffer {
  /** One array per column, in schema order; the first `filled` rows are in use. */
  readonly columns: Column[];
  filled = 0;

  constructor(
    private readonly entries: [string, ColumnType][],
    readonly capacity: number,
    private readonly onFull: (rows: number) => void,
  ) {
    this.columns = entries.map(([, T]) => new T(capacity));
  }

  /** Copies the `rows` rows of `block` in, handing every full buffer to `onFull`. */
  push(block: Table, rows: number): void {
    for (let from = 0; from < rows; ) {
      const take = Math.min(rows - from, this.capacity - this.filled);
      // The schema check (blockRows) guarantees each block column has the buffer's array type.
      for (const [k, [name]] of this.entries.entries()) {
        copyInto(this.columns[k]!, block[name]!.subarray(from, from + take), this.filled);
      }
      this.filled += take;
      from += take;
      if (this.filled === this.capacity) this.flush();
    }
  }

  /** Hands what is buffered (possibly nothing) to `onFull` and empties the buffers. */
  flush(): void {
    const n = this.filled;
    this.filled = 0;
    this.onFull(n);
  }
}
