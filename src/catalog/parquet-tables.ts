// Parquet tables (ceci's `pq` type) through hyparquet (reader) and hyparquet-writer (writer).
// A parquet file holds exactly one table, so the `group` of the catalog API does not apply here: readers
// ignore it and a writer refuses more than one group per file.
//
// Every column is written REQUIRED (no nulls) with an explicit physical type chosen from the typed array,
// so a read gives back the same array type. Row groups have a fixed size, which bounds what a chunked read
// loads, and `createdBy` is a constant: identical inputs give byte-identical files.
import { existsSync, writeFileSync } from "node:fs";
import type { DecodedArray, FileMetaData, SchemaElement } from "hyparquet";
import { type Column, type ColumnElements, tableLength, type Table } from "./column.ts";

/** Rows per parquet row group: the unit a chunked read fetches from disk (and a streaming write buffers). */
export const ROW_GROUP_ROWS = 65536;
export const CREATED_BY = "lbg catalog writer";

type ColumnCtor = new (n: number) => Column;

interface ParquetType {
  type: "DOUBLE" | "FLOAT" | "INT32" | "INT64";
  converted_type?: "INT_8" | "INT_16" | "UINT_8" | "UINT_16" | "UINT_32" | "UINT_64";
  ctor: ColumnCtor;
}

const WRITE_TYPES: [ColumnCtor, ParquetType][] = [
  [Float64Array, { type: "DOUBLE", ctor: Float64Array }],
  [Float32Array, { type: "FLOAT", ctor: Float32Array }],
  [Int32Array, { type: "INT32", ctor: Int32Array }],
  [Int16Array, { type: "INT32", converted_type: "INT_16", ctor: Int16Array }],
  [Int8Array, { type: "INT32", converted_type: "INT_8", ctor: Int8Array }],
  [Uint8Array, { type: "INT32", converted_type: "UINT_8", ctor: Uint8Array }],
  [Uint16Array, { type: "INT32", converted_type: "UINT_16", ctor: Uint16Array }],
  [Uint32Array, { type: "INT32", converted_type: "UINT_32", ctor: Uint32Array }],
  [BigInt64Array, { type: "INT64", ctor: BigInt64Array }],
  [BigUint64Array, { type: "INT64", converted_type: "UINT_64", ctor: BigUint64Array }],
];

/** The parquet schema of columns of the given array types (every column REQUIRED: no nulls). */
export function parquetSchema(types: [name: string, type: ColumnCtor][]): SchemaElement[] {
  const schema: SchemaElement[] = [{ name: "root", num_children: types.length }];
  for (const [name, ctor] of types) {
    const hit = WRITE_TYPES.find(([c]) => c === ctor);
    if (!hit) throw new Error(`column ${name}: unsupported array type ${ctor.name}`);
    const { type, converted_type } = hit[1];
    schema.push({ name, type, repetition_type: "REQUIRED", ...(converted_type ? { converted_type } : {}) });
  }
  return schema;
}

/** The typed array a parquet column reads into, from its schema element. */
function ctorOf(el: SchemaElement, path: string): ColumnCtor {
  const hit = WRITE_TYPES.find(
    ([, t]) => t.type === el.type && (t.converted_type ?? undefined) === (el.converted_type ?? undefined),
  );
  if (hit) return hit[1].ctor;
  if (el.type === "INT32") return Int32Array;
  if (el.type === "INT64") return BigInt64Array;
  if (el.type === "BOOLEAN") return Uint8Array;
  throw new Error(`${path}: column ${el.name} has type ${el.type}, not a numeric column`);
}

async function openParquet(path: string) {
  if (!existsSync(path)) throw new Error(`${path}: no such file`);
  const hp = await import("hyparquet"); // its Node entry point, which adds asyncBufferFromFile
  const file = await hp.asyncBufferFromFile(path);
  const metadata: FileMetaData = await hp.parquetMetadataAsync(file);
  // Top-level leaf columns: the children of the schema root.
  const leaves = metadata.schema.slice(1).filter((el) => !el.num_children);
  return { hp, file, metadata, leaves };
}

export async function parquetColumnNames(path: string): Promise<string[]> {
  return (await openParquet(path)).leaves.map((el) => el.name);
}

export async function parquetRowCount(path: string): Promise<number> {
  return Number((await openParquet(path)).metadata.num_rows);
}

async function readRange(
  opened: Awaited<ReturnType<typeof openParquet>>,
  path: string,
  names: string[],
  rowStart: number,
  rowEnd: number,
): Promise<Table> {
  const { hp, file, metadata, leaves } = opened;
  const out: Table = {};
  for (const name of names) {
    const el = leaves.find((l) => l.name === name);
    if (!el) throw new Error(`${path}: no column "${name}" (it has: ${leaves.map((l) => l.name).join(", ")})`);
    out[name] = new (ctorOf(el, path))(rowEnd - rowStart);
  }
  if (names.length === 0 || rowEnd <= rowStart) return out;
  // onChunk hands over decoded column chunks, which may extend outside [rowStart, rowEnd): copy the overlap.
  await hp.parquetRead({
    file,
    metadata,
    columns: names,
    rowStart,
    rowEnd,
    onChunk: ({ columnName, columnData, rowStart: cs, rowEnd: ce }) => {
      // Both sides have the column's element type: ctorOf chose the target's array from the column's type.
      const target = out[columnName] as ColumnElements;
      const source = columnData as ColumnElements;
      const lo = Math.max(cs, rowStart);
      const hi = Math.min(ce, rowEnd);
      for (let r = lo; r < hi; r++) target[r - rowStart] = source[r - cs]!;
    },
  });
  return out;
}

export async function readParquetColumns(path: string, names?: string[]): Promise<Table> {
  const opened = await openParquet(path);
  return readRange(opened, path, names ?? opened.leaves.map((l) => l.name), 0, Number(opened.metadata.num_rows));
}

export async function* parquetChunks(
  path: string,
  names: string[],
  chunkRows: number,
): AsyncGenerator<{ start: number; end: number; columns: Table }> {
  const opened = await openParquet(path);
  const n = Number(opened.metadata.num_rows);
  for (let start = 0; start < n; start += chunkRows) {
    const end = Math.min(n, start + chunkRows);
    yield { start, end, columns: await readRange(opened, path, names, start, end) };
  }
}

/**
 * Unsigned 32-bit columns are stored as INT32 with the same bits (parquet's rule). hyparquet-writer 0.17
 * does that conversion itself only when given plain numbers (a Uint32Array is passed through and then fails
 * its int32 range check), so Uint32 columns go in as a plain array. BigUint64Array is handled as is.
 */
export function physicalValues(column: Column): DecodedArray {
  if (column instanceof Uint32Array) return Array.from(column);
  // hyparquet-writer reads any typed array by index; its DecodedArray type lists only some of them.
  return column as DecodedArray;
}

export async function writeParquetTable(path: string, columns: Table): Promise<void> {
  tableLength(columns, path);
  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const entries = Object.entries(columns);
  if (entries.length === 0) throw new Error(`${path}: a parquet table needs at least one column`);
  const schema = parquetSchema(entries.map(([name, column]) => [name, column.constructor as ColumnCtor]));
  const columnData = entries.map(([name, column]) => ({ name, data: physicalValues(column), nullable: false }));
  const buffer = parquetWriteBuffer({ columnData, schema, rowGroupSize: ROW_GROUP_ROWS, createdBy: CREATED_BY });
  writeFileSync(path, new Uint8Array(buffer));
}
