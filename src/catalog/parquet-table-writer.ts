// The parquet side of openTableWriter (table-writer.ts): appended rows are buffered until they fill one of
// writeTable's fixed-size row groups, which hyparquet-writer's ParquetWriter then encodes and its file writer
// flushes to disk. Memory: one row group plus the block being appended. Row groups, schema, codec and
// createdBy are writeTable's, so the file is byte-identical to writing the whole table at once.
import type { ColumnType, TableSchema } from "./column.ts";
import { CREATED_BY, parquetSchema, physicalValues, ROW_GROUP_ROWS } from "./parquet-tables.ts";
import { RowBuffer } from "./row-buffer.ts";
import type { TableBackend } from "./table-backend.ts";

export async function openParquetTableWriter(path: string, schema: TableSchema): Promise<TableBackend> {
  const { ParquetWriter, fileWriter } = await import("hyparquet-writer");
  const entries = Object.entries(schema) as [string, ColumnType][];
  const pq = new ParquetWriter({ writer: fileWriter(path), schema: parquetSchema(entries), createdBy: CREATED_BY });
  // The row group being filled; each full one is encoded and goes to disk.
  const group: RowBuffer = new RowBuffer(entries, ROW_GROUP_ROWS, (n) => {
    const columnData = entries.map(([name], k) => ({
      name,
      data: physicalValues(group.columns[k]!.subarray(0, n)),
    }));
    pq.write({ columnData, rowGroupSize: ROW_GROUP_ROWS });
  });
  return {
    push: (block, rows) => group.push(block, rows),
    finish: () => {
      if (group.filled > 0) group.flush();
      pq.finish();
    },
    release: () => {}, // nothing to let go of before finish: the file writer holds no handle open
  };
}
