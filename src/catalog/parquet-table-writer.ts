// The parquet side of openTableWriter (table-writer.ts): appended rows are buffered until they fill one of
// writeTable's fixed-size row groups, which hyparquet-writer's ParquetWriter then encodes and its file writer
// flushes to disk. Memory: one row group plus the block being appended. Row groups, schema, codec and
// createdBy are writeTable's, so the file is byte-identical to writing the whole table at once.
import type { ColumnType, Table, TableSchema } from "./column.ts";
import { blockRows } from "./column.ts";
import { CREATED_BY, parquetSchema, physicalValues, ROW_GROUP_ROWS } from "./parquet-tables.ts";
import type { TableWriter } from "./table-writer.ts";

export async function openParquetTableWriter(path: string, schema: TableSchema): Promise<TableWriter> {
  const { ParquetWriter, fileWriter } = await import("hyparquet-writer");
  const entries = Object.entries(schema) as [string, ColumnType][];
  const pq = new ParquetWriter({ writer: fileWriter(path), schema: parquetSchema(entries), createdBy: CREATED_BY });
  // The row group being filled: one array per column, `filled` rows used.
  const group = entries.map(([, T]) => new T(ROW_GROUP_ROWS));
  let filled = 0;
  let rows = 0;
  let open = true;

  const flush = (n: number) => {
    const columnData = entries.map(([name], k) => ({ name, data: physicalValues(group[k]!.subarray(0, n)) as any }));
    pq.write({ columnData, rowGroupSize: ROW_GROUP_ROWS });
    filled = 0;
  };
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
      for (let from = 0; from < m; ) {
        const take = Math.min(m - from, ROW_GROUP_ROWS - filled);
        entries.forEach(([name], k) => (group[k] as any).set((columns[name] as any).subarray(from, from + take), filled));
        filled += take;
        from += take;
        if (filled === ROW_GROUP_ROWS) flush(filled);
      }
      rows += m;
    },
    async close() {
      ensureOpen();
      open = false;
      if (filled > 0) flush(filled);
      pq.finish();
    },
    abort() {
      open = false;
    },
  };
}
