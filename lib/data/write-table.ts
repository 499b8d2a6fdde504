/**
 * Writing tabular data (an Arquero table, records, or columns) into a DuckDB table with the appender, 2048 rows
 * per data chunk, inside one transaction: a failure leaves no table and no rows behind.
 *
 * Column types, unless given in `types` (any DuckDB type name), are inferred from the values:
 * - Float64Array / Float32Array: DOUBLE; Int8/16/32Array, Uint8/16Array: INTEGER; Uint32Array: BIGINT;
 *   BigInt64Array: BIGINT; BigUint64Array: UBIGINT.
 * - plain arrays of numbers: BIGINT when every value is a safe integer, else DOUBLE.
 * - bigints: BIGINT (HUGEINT beyond 64 bits); numbers mixed with bigints: BIGINT if all are integers.
 * - strings: VARCHAR; booleans: BOOLEAN.
 * - Dates: DATE when every one is at UTC midnight (what DuckDB DATE columns read back as), else TIMESTAMP
 *   (microseconds; JS Dates carry milliseconds).
 * - a column with no values: VARCHAR.
 * Missing values (null, undefined, NaN) become NULL. A column mixing kinds (a string among numbers), an invalid
 * Date or an object without a type in `types` is an error naming the column and the row.
 */
import {
  DuckDBDataChunk,
  DuckDBTypeId,
  JSToDuckDBValueConverter,
  dateValue,
  jsToDuckDBValue,
  timestampValue,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from "@duckdb/node-api";
import { contextError } from "../util/errors.js";
import { columnsOf, describe, type Tabular } from "./records.js";

export interface WriteTableOptions {
  /**
   * "create" (default): make a new table, an error if it exists. "replace": drop any table of that name first.
   * "append": add rows to an existing table; the data must have exactly its columns (in any order).
   */
  mode?: "create" | "replace" | "append";
  /** DuckDB types by column name, overriding the inference (e.g. `{ day: "DATE", qty: "INTEGER" }`). */
  types?: Readonly<Record<string, string>>;
}

const CHUNK = 2048;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const DAY_MS = 86_400_000;

/** The DuckDB type inferred for one column (see the module comment), or an error naming the row. */
export function inferType(values: ArrayLike<unknown>, column: string, where: string): string {
  if (values instanceof Float64Array || values instanceof Float32Array) return "DOUBLE";
  if (values instanceof Int8Array || values instanceof Int16Array || values instanceof Int32Array) return "INTEGER";
  if (values instanceof Uint8Array || values instanceof Uint8ClampedArray || values instanceof Uint16Array) return "INTEGER";
  if (values instanceof Uint32Array) return "BIGINT";
  if (values instanceof BigInt64Array) return "BIGINT";
  if (values instanceof BigUint64Array) return "UBIGINT";

  let kind: "number" | "bigint" | "string" | "boolean" | "date" | undefined;
  let firstRow = -1;
  let allInteger = true;
  let allMidnight = true;
  let fits64 = true;
  const n = values.length;
  for (let r = 0; r < n; r++) {
    const v = values[r];
    if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) continue;
    let k: typeof kind;
    if (typeof v === "number") {
      k = "number";
      if (!Number.isInteger(v) || Math.abs(v) > MAX_SAFE) allInteger = false;
    } else if (typeof v === "bigint") {
      k = "bigint";
      if (v < I64_MIN || v > I64_MAX) fits64 = false;
    } else if (typeof v === "string") k = "string";
    else if (typeof v === "boolean") k = "boolean";
    else if (v instanceof Date) {
      if (Number.isNaN(v.getTime())) {
        throw contextError({ where: `${where} column '${column}' row ${r}`, what: "the Date is invalid", expected: "a valid Date or null" });
      }
      k = "date";
      if (v.getTime() % DAY_MS !== 0) allMidnight = false;
    } else {
      throw contextError({
        where: `${where} column '${column}' row ${r}`,
        what: "the value has no DuckDB type to infer",
        expected: "a number, bigint, string, boolean, Date or null",
        found: describe(v),
        hint: `Give the column a type in types (e.g. { ${JSON.stringify(column)}: "DOUBLE[]" }) or convert it first`,
      });
    }
    if (kind === undefined) {
      kind = k;
      firstRow = r;
    } else if (k !== kind && !((k === "number" || k === "bigint") && (kind === "number" || kind === "bigint"))) {
      throw contextError({
        where: `${where} column '${column}' row ${r}`,
        what: "the column mixes kinds of values",
        expected: `a ${kind} like row ${firstRow}`,
        found: describe(v),
        hint: `Give the column a type in types (e.g. { ${JSON.stringify(column)}: "VARCHAR" }) to convert every value to it`,
      });
    } else if (k !== kind) {
      kind = "bigint";
    }
  }
  switch (kind) {
    case undefined:
      return "VARCHAR";
    case "number":
      return allInteger ? "BIGINT" : "DOUBLE";
    case "bigint": {
      // numbers mixed in must be integers too
      for (let r = 0; r < n; r++) {
        const v = values[r];
        if (typeof v === "number" && !Number.isNaN(v) && !Number.isInteger(v)) {
          throw contextError({
            where: `${where} column '${column}' row ${r}`,
            what: "the column mixes bigints with a fractional number",
            expected: "whole numbers only (BIGINT)",
            found: describe(v),
          });
        }
      }
      return fits64 ? "BIGINT" : "HUGEINT";
    }
    case "string":
      return "VARCHAR";
    case "boolean":
      return "BOOLEAN";
    case "date":
      return allMidnight ? "DATE" : "TIMESTAMP";
  }
}

/** Writes `data` into table `name` on `connection` (see the module comment). Returns the number of rows written. */
export async function writeTableOn(
  connection: DuckDBConnection,
  name: string,
  data: Tabular,
  opts: WriteTableOptions = {},
): Promise<number> {
  const where = `writeTable '${name}'`;
  if (typeof name !== "string" || name.length === 0) throw contextError({ where: "writeTable", what: "the table name must be a non-empty string", found: describe(name) });
  const mode = opts.mode ?? "create";
  if (mode !== "create" && mode !== "replace" && mode !== "append") {
    throw contextError({ where, what: "option 'mode' is not a known mode", expected: "'create', 'replace' or 'append'", found: JSON.stringify(mode) });
  }
  const types = opts.types ?? {};
  const { names, columns, rowCount } = columnsOf(data, where);
  if (names.length === 0) throw contextError({ where, what: "the data has no columns", expected: "at least one column" });
  for (const key of Object.keys(types)) {
    if (!names.includes(key)) throw contextError({ where, what: `option 'types' names column '${key}', which the data does not have`, expected: `one of ${names.join(", ")}` });
  }
  const ident = quoteIdent(name);

  await connection.run("BEGIN TRANSACTION");
  try {
    let order: number[]; // data column index for each table column
    if (mode === "append") {
      const existing = (await connection.runAndReadAll(`SELECT * FROM ${ident} LIMIT 0`)).columnNames();
      const missing = existing.filter((c) => !names.includes(c));
      const extra = names.filter((c) => !existing.includes(c));
      if (missing.length > 0 || extra.length > 0) {
        throw contextError({
          where,
          what: "the data's columns differ from the table's",
          expected: `the columns ${existing.join(", ")}`,
          found: `${names.join(", ")}${missing.length ? ` (missing ${missing.join(", ")})` : ""}${extra.length ? ` (extra ${extra.join(", ")})` : ""}`,
        });
      }
      order = existing.map((c) => names.indexOf(c));
    } else {
      const defs = names.map((n, i) => `${quoteIdent(n)} ${types[n] ?? inferType(columns[i]!, n, where)}`);
      await connection.run(`${mode === "replace" ? "CREATE OR REPLACE TABLE" : "CREATE TABLE"} ${ident} (${defs.join(", ")})`);
      order = names.map((_, i) => i);
    }

    const appender = await connection.createAppender(name);
    try {
      const tableTypes: DuckDBType[] = order.map((_, i) => appender.columnType(i));
      for (let off = 0; off < rowCount; off += CHUNK) {
        const n = Math.min(CHUNK, rowCount - off);
        const chunk = DuckDBDataChunk.create(tableTypes, n);
        for (let i = 0; i < order.length; i++) {
          const src = columns[order[i]!]!;
          const { check, direct } = valueChecker(tableTypes[i]!);
          const values: unknown[] = new Array(n);
          for (let j = 0; j < n; j++) {
            const v = src[off + j];
            if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) {
              values[j] = null;
              continue;
            }
            const checked = check(v);
            if (checked instanceof Refusal) {
              throw contextError({
                where: `${where} column '${names[order[i]!]!}' row ${off + j}`,
                what: `the value does not fit the column's ${tableTypes[i]!.toString()} type`,
                expected: checked.expected,
                found: describe(v),
              });
            }
            values[j] = checked;
          }
          try {
            if (direct) chunk.setColumnValues(i, values as DuckDBValue[]);
            else chunk.setColumnValuesConverted(i, values, JSToDuckDBValueConverter as never);
          } catch (cause) {
            throw locateBadValue(values, tableTypes[i]!, names[order[i]!]!, off, where, cause);
          }
        }
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    await connection.run("COMMIT");
  } catch (error) {
    await connection.run("ROLLBACK").catch(() => undefined);
    if (error instanceof Error && error.name === "OmniQuantError") throw error;
    throw contextError({ where, what: `DuckDB refused the data (${firstLine(error)})`, cause: error });
  }
  return rowCount;
}

class Refusal {
  constructor(readonly expected: string) {}
}

const INT_RANGES: Partial<Record<DuckDBTypeId, [bigint, bigint]>> = {
  [DuckDBTypeId.TINYINT]: [-(2n ** 7n), 2n ** 7n - 1n],
  [DuckDBTypeId.SMALLINT]: [-(2n ** 15n), 2n ** 15n - 1n],
  [DuckDBTypeId.INTEGER]: [-(2n ** 31n), 2n ** 31n - 1n],
  [DuckDBTypeId.BIGINT]: [-(2n ** 63n), 2n ** 63n - 1n],
  [DuckDBTypeId.HUGEINT]: [-(2n ** 127n), 2n ** 127n - 1n],
  [DuckDBTypeId.UTINYINT]: [0n, 2n ** 8n - 1n],
  [DuckDBTypeId.USMALLINT]: [0n, 2n ** 16n - 1n],
  [DuckDBTypeId.UINTEGER]: [0n, 2n ** 32n - 1n],
  [DuckDBTypeId.UBIGINT]: [0n, 2n ** 64n - 1n],
  [DuckDBTypeId.UHUGEINT]: [0n, 2n ** 128n - 1n],
};

/**
 * A strict check of one non-missing value against a column type, returning the value to store or a Refusal
 * (DuckDB's own JS converter would pass a string into a DOUBLE column, or a number into a VARCHAR one). With
 * `direct`, the returned values are already DuckDB values and skip the converter.
 */
function valueChecker(type: DuckDBType): { check: (v: unknown) => unknown; direct: boolean } {
  const id = type.typeId;
  const range = INT_RANGES[id];
  if (range) {
    const [lo, hi] = range;
    const expected = `a whole number from ${lo} to ${hi}`;
    const asNumber = id === DuckDBTypeId.TINYINT || id === DuckDBTypeId.SMALLINT || id === DuckDBTypeId.INTEGER || id === DuckDBTypeId.UTINYINT || id === DuckDBTypeId.USMALLINT || id === DuckDBTypeId.UINTEGER;
    const [nlo, nhi] = [Number(lo), Number(hi)];
    return {
      direct: true,
      check: (v) => {
        if (typeof v === "number") {
          if (!Number.isInteger(v) || v < nlo || v > nhi) return new Refusal(expected);
          return asNumber ? v : BigInt(v);
        }
        if (typeof v !== "bigint" || v < lo || v > hi) return new Refusal(expected);
        return asNumber ? Number(v) : v;
      },
    };
  }
  switch (id) {
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.FLOAT:
      return { direct: true, check: (v) => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : new Refusal("a number")) };
    case DuckDBTypeId.DECIMAL:
      return { direct: false, check: (v) => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : new Refusal("a number")) };
    case DuckDBTypeId.VARCHAR:
      return { direct: true, check: (v) => (typeof v === "string" ? v : new Refusal("a string")) };
    case DuckDBTypeId.BOOLEAN:
      return { direct: true, check: (v) => (typeof v === "boolean" ? v : new Refusal("true or false")) };
    case DuckDBTypeId.DATE:
      // the UTC day of the Date
      return { direct: true, check: (v) => (isDate(v) ? dateValue(Math.floor(v.getTime() / DAY_MS)) : new Refusal("a valid Date")) };
    case DuckDBTypeId.TIMESTAMP:
      return { direct: true, check: (v) => (isDate(v) ? timestampValue(BigInt(v.getTime()) * 1000n) : new Refusal("a valid Date")) };
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { direct: false, check: (v) => (isDate(v) ? v : new Refusal("a valid Date")) };
    default:
      return { direct: false, check: (v) => v }; // nested and other types: DuckDB's converter decides
  }
}

function isDate(v: unknown): v is Date {
  return v instanceof Date && !Number.isNaN(v.getTime());
}

/** The value of a chunk that the converter refuses, as an error with its row and column. */
function locateBadValue(values: unknown[], type: DuckDBType, column: string, offset: number, where: string, cause: unknown): Error {
  for (let j = 0; j < values.length; j++) {
    try {
      jsToDuckDBValue(values[j] as never, type);
    } catch (inner) {
      return contextError({
        where: `${where} column '${column}' row ${offset + j}`,
        what: `the value does not convert to ${type.toString()} (${firstLine(inner)})`,
        found: describe(values[j]),
        cause: inner,
      });
    }
  }
  return contextError({ where: `${where} column '${column}'`, what: `the values do not convert to ${type.toString()} (${firstLine(cause)})`, cause });
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!.trim();
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
