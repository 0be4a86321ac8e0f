// Columns are plain typed arrays: the in-memory shape of one 1-D dataset (HDF5) or one column (parquet).
// Typed arrays keep 10^6-row catalogs compact and let the writers pick the on-disk type from the array.

/** A column of a table. The array type decides the file type (Float64Array → f8, BigInt64Array → i8, ...). */
export type Column =
  | Float64Array
  | Float32Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

/** Column name → column. Every column of a table has the same length (the row count). */
export type Table = Record<string, Column>;

const COLUMN_TYPES = [
  Float64Array,
  Float32Array,
  Int8Array,
  Int16Array,
  Int32Array,
  BigInt64Array,
  Uint8Array,
  Uint16Array,
  Uint32Array,
  BigUint64Array,
] as const;

/** A column's array type, for declaring a table's schema before it has rows (streaming writers). */
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** Column name → array type, in the order the columns are written. */
export type TableSchema = Record<string, ColumnType>;

export function isColumnType(value: unknown): value is ColumnType {
  return COLUMN_TYPES.some((T) => value === T);
}

export function isColumn(value: unknown): value is Column {
  return COLUMN_TYPES.some((T) => value instanceof T);
}

/**
 * The column as float64 numbers, for arithmetic. Returns the same array when it already is one, so callers
 * must not write into the result. 64-bit integers convert exactly up to 2^53.
 */
export function toFloat64(column: Column): Float64Array {
  if (column instanceof Float64Array) return column;
  const out = new Float64Array(column.length);
  if (column instanceof BigInt64Array || column instanceof BigUint64Array) {
    for (let i = 0; i < column.length; i++) out[i] = Number(column[i]);
  } else {
    out.set(column);
  }
  return out;
}

/** A column as an array of elements, for copies between two columns known to share one element type: TypeScript
 *  cannot assign into a union of typed arrays (the element would have to be both number and bigint). */
export type ColumnElements = { [row: number]: number | bigint; readonly length: number };

/** Rows `index[0], index[1], ...` of a column, in that order, as a new array of the same type. */
export function takeRows<T extends Column>(column: T, index: ArrayLike<number>): T {
  const Ctor = column.constructor as new (n: number) => T;
  const out = new Ctor(index.length);
  const to = out as ColumnElements;
  const from = column as ColumnElements;
  for (let i = 0; i < index.length; i++) to[i] = from[index[i]!]!;
  return out;
}

/** Copies `source` into `target` from row `offset`; both must have one array type (a schema check said so). */
export function copyInto(target: Column, source: Column, offset: number): void {
  (target as { set(a: ArrayLike<number | bigint>, offset: number): void }).set(source, offset);
}

/** Row count of a table; throws when columns differ in length (a table must be rectangular). */
export function tableLength(table: Table, what = "table"): number {
  let n: number | undefined;
  let first = "";
  for (const [name, col] of Object.entries(table)) {
    if (!isColumn(col)) throw new Error(`${what}: column ${name} is not a typed array`);
    if (n === undefined) {
      n = col.length;
      first = name;
    } else if (col.length !== n) {
      throw new Error(`${what}: column ${name} has ${col.length} rows but ${first} has ${n}`);
    }
  }
  return n ?? 0;
}

/** Checks a block of rows against a schema (same columns, types, one length) and returns its row count. */
export function blockRows(path: string, schema: TableSchema, columns: Table): number {
  let n: number | undefined;
  for (const [name, type] of Object.entries(schema)) {
    const col = columns[name];
    if (!(col instanceof type)) {
      throw new Error(
        `${path}: column ${name} must be a ${type.name}, got ${col === undefined ? "nothing" : col.constructor.name}`,
      );
    }
    if (n === undefined) n = col.length;
    else if (col.length !== n)
      throw new Error(
        `${path}: column ${name} has ${col.length} rows in this block, ${Object.keys(schema)[0]} has ${n}`,
      );
  }
  const extra = Object.keys(columns).filter((k) => !(k in schema));
  if (extra.length)
    throw new Error(`${path}: column ${extra[0]} is not in the table's schema (${Object.keys(schema).join(", ")})`);
  return n ?? 0;
}
