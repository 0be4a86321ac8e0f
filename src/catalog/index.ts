// Columnar table files for stages: HDF5 (TXPipe layout: a group per table, a 1-D dataset per column) and
// parquet, read whole or in blocks and written whole or streamed block by block, plus the small
// deterministic writers stages need for summaries (YAML) and plots (PNG).
export {
  isColumn,
  tableLength,
  takeRows,
  toFloat64,
  type Column,
  type ColumnType,
  type Table,
  type TableSchema,
} from "./column.ts";
export { tableFormat, type TableFormat } from "./table-format.ts";
export { listColumns, readAttrs, readColumns, rowCount } from "./read-columns.ts";
export { iterateChunks, type Chunk } from "./iterate-chunks.ts";
export {
  writeArrays,
  writeTable,
  writeTables,
  type GroupAttrs,
  type TableGroup,
  type WriteTableOptions,
} from "./write-table.ts";
export { openTableWriter, type TableWriter } from "./table-writer.ts";
export type { TableWriterOptions } from "./table-backend.ts";
export { formatYaml, formatYamlNumber, writeYaml, type YamlOptions, type YamlValue } from "./yaml-writer.ts";
export { encodePng, writePng, type RgbImage } from "./png-encoder.ts";
export { BLACK, Canvas, GREY, WHITE, type Rgb } from "./canvas.ts";
export { histogram, niceTicks, Plot, PALETTE, type PlotOptions } from "./plots.ts";
