/**
 * Interop between Arquero tables, arrays of records and plain column objects: the three shapes of tabular data
 * a notebook meets. `connect().query` gives records, `connect().queryTable` an Arquero table, and
 * `connect().writeTable` accepts any of the three.
 *
 * Missing values: Arquero marks a missing number as NaN in a Float64Array (what `queryTable` builds from SQL NULL)
 * or as null/undefined in a plain array. Records use null. `toRecords` turns NaN and undefined into null, so
 * SQL -> table -> records gives the same records as SQL -> records.
 */
import { table as aqTable, type ColumnTable } from "arquero";
import { contextError } from "../util/errors.js";
import type { Row } from "./duckdb.js";

/** Columns by name, each an array or typed array of one length. */
export type ColumnObject = Readonly<Record<string, ArrayLike<unknown>>>;

/** Anything tabular OmniQuant accepts: an Arquero table, an array of records, or an object of columns. */
export type Tabular = ColumnTable | readonly Row[] | ColumnObject;

/** Names, columns (in order) and row count of tabular data, without copying typed arrays of unfiltered tables. */
export interface Columns {
  names: string[];
  columns: ArrayLike<unknown>[];
  rowCount: number;
}

/** True for an Arquero table (duck-typed, so a table from another copy of Arquero also counts). */
export function isArqueroTable(x: unknown): x is ColumnTable {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as ColumnTable).columnNames === "function" &&
    typeof (x as ColumnTable).array === "function" &&
    typeof (x as ColumnTable).numRows === "function"
  );
}

/**
 * An Arquero table from records. Columns are the union of the records' keys in first-seen order (Arquero's own
 * `from` takes the first record's keys only); a key a record lacks is null in that row. Values are kept as they
 * are (Dates, bigints, nulls).
 */
export function fromRecords(rows: readonly Row[], names?: readonly string[]): ColumnTable {
  return aqTable(columnsOfRecords(rows, names, "fromRecords"));
}

/**
 * Records from an Arquero table, respecting its filter and order. NaN and undefined become null (SQL NULL, as in
 * `connect().query`); Dates, bigints, strings and booleans are kept.
 */
export function toRecords(table: ColumnTable): Row[] {
  const { names, columns, rowCount } = columnsOf(table, "toRecords");
  const rows: Row[] = new Array(rowCount);
  for (let r = 0; r < rowCount; r++) {
    const row: Row = {};
    for (let c = 0; c < names.length; c++) row[names[c]!] = missingToNull(columns[c]![r]);
    rows[r] = row;
  }
  return rows;
}

/** An Arquero table from an object of columns (arrays or typed arrays, all one length). */
export function fromColumns(columns: ColumnObject): ColumnTable {
  const { names, columns: cols } = columnsOf(columns, "fromColumns");
  const data: Record<string, ArrayLike<unknown>> = {};
  names.forEach((n, i) => (data[n] = cols[i]!));
  return aqTable(data as Record<string, unknown[]>, names);
}

function missingToNull(v: unknown): unknown {
  return v === undefined || (typeof v === "number" && Number.isNaN(v)) ? null : v;
}

/** The columns of any `Tabular` value; throws, naming `where`, for anything else or for ragged column objects. */
export function columnsOf(data: Tabular, where = "columnsOf"): Columns {
  if (isArqueroTable(data)) {
    const names = data.columnNames();
    const rowCount = data.numRows();
    // a table without filter or order hands out its array columns as they are (typed arrays stay typed, no
    // copy); others (Arrow-backed columns, filtered or ordered tables) are materialised with array()
    const direct = !data.isFiltered() && !data.isOrdered();
    const columns = names.map((n) => {
      const col = direct ? (data.column(n) as unknown) : undefined;
      return (Array.isArray(col) || (ArrayBuffer.isView(col) && !(col instanceof DataView)) ? col : data.array(n)) as ArrayLike<unknown>;
    });
    return { names, columns, rowCount };
  }
  if (Array.isArray(data)) {
    const cols = columnsOfRecords(data as readonly Row[], undefined, where);
    const names = Object.keys(cols);
    return { names, columns: names.map((n) => cols[n]!), rowCount: data.length };
  }
  if (typeof data === "object" && data !== null) {
    const names = Object.keys(data);
    const columns = names.map((n) => (data as ColumnObject)[n]!);
    columns.forEach((c, i) => {
      if (c === null || typeof c !== "object" || typeof (c as ArrayLike<unknown>).length !== "number") {
        throw contextError({ where: `${where} column '${names[i]}'`, what: "the column is not an array", expected: "an array or typed array", found: describe(c) });
      }
    });
    const rowCount = columns.length > 0 ? columns[0]!.length : 0;
    const ragged = columns.findIndex((c) => c.length !== rowCount);
    if (ragged >= 0) {
      throw contextError({
        where: `${where} column '${names[ragged]}'`,
        what: "the columns have different lengths",
        expected: `${rowCount} values (the length of '${names[0]}')`,
        found: `${columns[ragged]!.length}`,
      });
    }
    return { names, columns, rowCount };
  }
  throw contextError({ where, what: "the data is not tabular", expected: "an Arquero table, an array of records or an object of columns", found: describe(data) });
}

function columnsOfRecords(rows: readonly Row[], names: readonly string[] | undefined, where: string): Record<string, unknown[]> {
  if (!Array.isArray(rows)) throw contextError({ where, what: "the records must be an array", found: describe(rows) });
  const keys: string[] = names ? [...names] : [];
  const seen = new Set(keys);
  rows.forEach((row, r) => {
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      throw contextError({ where: `${where} record ${r}`, what: "the record is not an object", expected: "an object of column values", found: describe(row) });
    }
    if (names) return;
    for (const k of Object.keys(row)) {
      if (!seen.has(k)) {
        seen.add(k);
        keys.push(k);
      }
    }
  });
  const out: Record<string, unknown[]> = {};
  for (const k of keys) {
    const col: unknown[] = new Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const v = (rows[r] as Row)[k];
      col[r] = v === undefined ? null : v;
    }
    out[k] = col;
  }
  return out;
}

/** A short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === "number" || typeof v === "boolean") return `the ${typeof v} ${String(v)}`;
  if (typeof v === "bigint") return `the bigint ${v}n`;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "an invalid Date" : `the Date ${v.toISOString()}`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return `an object (${Object.prototype.toString.call(v).slice(8, -1)})`;
}
