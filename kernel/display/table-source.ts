import { contextError } from "../../lib/util/errors.js";
import { kindOf, type ValueKind } from "./format-value.js";

/**
 * Every table-like value the display layer shows, seen the same way: named, typed columns and random access to
 * rows, so that a 10-million-row result costs only the rows actually shown.
 */
export interface TableSource {
  columns: { name: string; type: string }[];
  rowCount: number;
  /** False when only part of the rows are known (a DuckDBResultReader not read to the end). */
  rowCountExact: boolean;
  /** The values of row `i` (0 <= i < rowCount), in column order. */
  row(i: number): unknown[];
}

/** Anything `display.table` accepts. */
export type TableLike =
  | ArqueroTableLike
  | DuckDbResultLike
  | readonly object[]
  | Record<string, ArrayLike<unknown>>;

/** The part of an Arquero table we use (duck-typed so that display does not load Arquero). */
export interface ArqueroTableLike {
  numRows(): number;
  columnNames(): string[];
  objects(...args: never[]): object[];
  get(name: string, row?: number): unknown;
  column(name: string): unknown;
}

/** The part of a @duckdb/node-api result (materialized result, result reader) we use. */
export interface DuckDbResultLike {
  columnNames(): string[];
  columnType?(columnIndex: number): { toString(): string };
  getRows?(): unknown;
  getRowObjects?(): unknown;
}

export function isArqueroTable(value: unknown): value is ArqueroTableLike {
  const v = value as Partial<ArqueroTableLike> | null;
  return (
    typeof value === "object" &&
    v !== null &&
    typeof v.numRows === "function" &&
    typeof v.columnNames === "function" &&
    typeof v.objects === "function" &&
    typeof v.get === "function"
  );
}

export function isDuckDbResult(value: unknown): value is DuckDbResultLike {
  const v = value as Record<string, unknown> | null;
  return (
    typeof value === "object" &&
    v !== null &&
    typeof v.columnNames === "function" &&
    (typeof v.getRows === "function" ||
      typeof v.getRowObjects === "function" ||
      typeof v.getRowObjectsJS === "function" ||
      typeof v.getRowObjectsJson === "function")
  );
}

/** A non-empty array whose elements are all plain objects (`{...}` literals, JSON records). */
export function isRecordArray(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.length > 0 && value.every(isPlainObject);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A plain object whose values are arrays or typed arrays of one length: `{ t: [...], price: Float64Array }`. */
export function isColumnObject(value: unknown): value is Record<string, ArrayLike<unknown>> {
  if (!isPlainObject(value)) return false;
  const cols = Object.values(value);
  return cols.length > 0 && cols.every((c) => Array.isArray(c) || (ArrayBuffer.isView(c) && !(c instanceof DataView)));
}

/** True when a DuckDB result can be read synchronously (materialized result or reader). */
export function isReadableDuckDbResult(value: DuckDbResultLike): boolean {
  const v = value as unknown as Record<string, unknown>;
  return (
    (typeof v.getChunk === "function" && typeof v.chunkCount === "number") ||
    (typeof v.value === "function" && typeof v.currentRowCount === "number")
  );
}

export function tableSourceOf(value: unknown, where = "display.table"): TableSource {
  if (isArqueroTable(value)) return arqueroSource(value);
  if (isDuckDbResult(value)) return duckDbSource(value, where);
  if (Array.isArray(value)) {
    const bad = value.findIndex((r) => !isPlainObject(r));
    if (bad >= 0) {
      throw contextError({
        what: `row ${bad} is not a plain object`,
        where,
        expected: "an array of records like { date, close }",
        found: describe(value[bad]),
      });
    }
    return recordsSource(value as Record<string, unknown>[]);
  }
  if (isColumnObject(value)) return columnsSource(value, where);
  throw contextError({
    what: "cannot show this value as a table",
    where,
    expected: "an Arquero table, a DuckDB result, an array of records or an object of equal-length columns",
    found: describe(value),
  });
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return name ? `a ${name}` : "an object";
}

function arqueroSource(t: ArqueroTableLike): TableSource {
  const names = t.columnNames();
  const rowCount = t.numRows();
  const row = (i: number) => names.map((n) => t.get(n, i));
  const columns = names.map((name) => {
    const data = t.column(name);
    const typed = typedArrayKind(data);
    return { name, type: typed ?? inferKind((i) => t.get(name, i), rowCount) };
  });
  return { columns, rowCount, rowCountExact: true, row };
}

function typedArrayKind(data: unknown): ValueKind | undefined {
  if (!ArrayBuffer.isView(data) || data instanceof DataView) return undefined;
  return data instanceof BigInt64Array || data instanceof BigUint64Array ? "bigint" : "number";
}

function recordsSource(records: Record<string, unknown>[]): TableSource {
  const seen = new Set<string>();
  for (const r of records) for (const k of Object.keys(r)) seen.add(k);
  const names = [...seen];
  const row = (i: number) => names.map((n) => records[i]![n]);
  const columns = names.map((name) => ({ name, type: inferKind((i) => records[i]![name], records.length) }));
  return { columns, rowCount: records.length, rowCountExact: true, row };
}

function columnsSource(cols: Record<string, ArrayLike<unknown>>, where: string): TableSource {
  const names = Object.keys(cols);
  const rowCount = cols[names[0]!]!.length;
  for (const n of names) {
    if (cols[n]!.length !== rowCount) {
      throw contextError({
        what: `column "${n}" has ${cols[n]!.length} values`,
        where,
        expected: `${rowCount} like column "${names[0]}"`,
        hint: "All columns of a table must have the same length",
      });
    }
  }
  const row = (i: number) => names.map((n) => cols[n]![i]);
  const columns = names.map((name) => ({
    name,
    type: typedArrayKind(cols[name]) ?? inferKind((i) => cols[name]![i], rowCount),
  }));
  return { columns, rowCount, rowCountExact: true, row };
}

interface DuckDbChunkLike {
  rowCount: number;
  getRowValues(rowIndex: number): unknown[];
}

function duckDbSource(result: DuckDbResultLike, where: string): TableSource {
  const r = result as unknown as Record<string, unknown> & DuckDbResultLike;
  const names = result.columnNames();
  const columns = names.map((name, c) => ({
    name,
    type: typeof result.columnType === "function" ? result.columnType(c).toString() : "unknown",
  }));
  if (typeof r.getChunk === "function" && typeof r.chunkCount === "number") {
    // DuckDBMaterializedResult: chunks are random access; find a row's chunk by cumulative row counts.
    const getChunk = (k: number) => (r.getChunk as (k: number) => DuckDbChunkLike).call(r, k);
    const starts: number[] = [];
    let total = 0;
    for (let k = 0; k < r.chunkCount; k++) {
      starts.push(total);
      total += getChunk(k).rowCount;
    }
    const cache = new Map<number, DuckDbChunkLike>();
    const row = (i: number) => {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= i) lo = mid;
        else hi = mid - 1;
      }
      let chunk = cache.get(lo);
      if (!chunk) cache.set(lo, (chunk = getChunk(lo)));
      return chunk.getRowValues(i - starts[lo]!);
    };
    return { columns, rowCount: total, rowCountExact: true, row };
  }
  if (typeof r.value === "function" && typeof r.currentRowCount === "number") {
    // DuckDBResultReader: only the rows read so far are available.
    const value = r.value as (c: number, i: number) => unknown;
    const row = (i: number) => names.map((_, c) => value.call(r, c, i));
    return { columns, rowCount: r.currentRowCount, rowCountExact: r.done !== false, row };
  }
  throw contextError({
    what: "a streaming DuckDB result cannot be shown synchronously",
    where,
    expected: "a materialized result or a DuckDBResultReader",
    hint: "Use connection.run(sql) or connection.runAndReadAll(sql) instead of connection.stream(sql)",
  });
}

/** Infers a column's kind from up to ~400 values spread over the column; "mixed" when kinds differ. */
function inferKind(at: (i: number) => unknown, n: number): string {
  const kinds = new Set<ValueKind>();
  const samples = Math.min(n, 400);
  const step = n / Math.max(samples, 1);
  for (let s = 0; s < samples; s++) {
    const k = kindOf(at(Math.floor(s * step)));
    if (k) kinds.add(k);
  }
  if (n > 0) {
    const last = kindOf(at(n - 1));
    if (last) kinds.add(last);
  }
  if (kinds.size === 0) return "null";
  return kinds.size === 1 ? [...kinds][0]! : "mixed";
}
