/**
 * A small wrapper over DuckDB's Node client (`@duckdb/node-api`): SQL in, rows or Arquero tables out, with the
 * column values converted to plain JavaScript once, at the boundary.
 *
 * Conversions (per column, by DuckDB type):
 * - DOUBLE, FLOAT, DECIMAL: numbers. In `queryTable` the column is a Float64Array with NULL as NaN (Arquero treats
 *   NaN as missing), unless `{ floatNulls: "null" }`; in `query` rows NULL stays null.
 * - BIGINT, UBIGINT, HUGEINT, UHUGEINT: numbers when every value of the column is a safe integer
 *   (|v| <= 2^53 - 1), otherwise the whole column stays bigint.
 * - DATE: a JS Date at UTC midnight; TIMESTAMP (any precision, with or without time zone): a JS Date, truncated
 *   to the millisecond. Infinite dates and timestamps become null.
 * - everything else: as `@duckdb/node-api`'s JS converter gives it (strings, booleans, arrays, objects...).
 *
 * Query parameters may be numbers, strings, booleans, bigints, null, JS Dates (bound as TIMESTAMP) or
 * `@duckdb/node-api` values.
 *
 * The other way, `writeTable` puts an Arquero table, records or columns into a DuckDB table (types inferred as
 * documented in write-table.ts), so data round-trips: Arquero/records -> DuckDB -> Arquero/records.
 */
import {
  DuckDBConnection,
  DuckDBInstance,
  DuckDBTypeId,
  JSDuckDBValueConverter,
  timestampValue,
  type DuckDBMaterializedResult,
  type DuckDBType,
  type DuckDBValue,
} from "@duckdb/node-api";
import { table, type ColumnTable } from "arquero";
import { contextError } from "../util/errors.js";
import type { Tabular } from "./records.js";
import { writeTableOn, type WriteTableOptions } from "./write-table.js";

export type QueryParam = DuckDBValue | Date;
export type QueryParams = readonly QueryParam[] | Readonly<Record<string, QueryParam>>;
export type Row = Record<string, unknown>;

export interface QueryTableOptions {
  /** How NULLs of floating-point columns come out: "nan" (default) gives a Float64Array, "null" a plain array. */
  floatNulls?: "nan" | "null";
}

/** Result columns in query order, already converted to JavaScript values. */
export interface QueryColumns {
  names: string[];
  /** DuckDB type of each column, as SQL text (e.g. "DOUBLE", "DATE"). */
  types: string[];
  columns: (unknown[] | Float64Array)[];
  rowCount: number;
}

export interface ConnectOptions {
  /** Open the file read-only: several processes may read it at once, none may write it meanwhile. */
  readOnly?: boolean;
}

export interface ExecOptions {
  /**
   * Called about ten times a second while the statement runs, with DuckDB's estimate of the fraction done (0..1),
   * e.g. bytes of a CSV read so far. Not called for statements that finish within the first interval.
   */
  onProgress?: (fraction: number) => void;
}

/** An open DuckDB database and one connection to it. */
export interface Database {
  /** The database path (":memory:" for an in-memory database). */
  readonly path: string;
  /** Runs `sql` and returns its rows as records keyed by column name (duplicate names get suffixes). */
  query(sql: string, params?: QueryParams): Promise<Row[]>;
  /** Runs `sql` and returns its result as an Arquero table, built column by column. */
  queryTable(sql: string, params?: QueryParams, opts?: QueryTableOptions): Promise<ColumnTable>;
  /** Runs `sql` and returns the converted columns (what `queryTable` builds its table from). */
  queryColumns(sql: string, params?: QueryParams, opts?: QueryTableOptions): Promise<QueryColumns>;
  /** Runs statements for their effect (DDL, COPY, INSERT...), optionally reporting progress. */
  exec(sql: string, params?: QueryParams, opts?: ExecOptions): Promise<void>;
  /**
   * Writes an Arquero table, an array of records or an object of columns into table `name` (created, replaced or
   * appended to; see WriteTableOptions), in one transaction. Returns the number of rows written.
   */
  writeTable(name: string, data: Tabular, opts?: WriteTableOptions): Promise<number>;
  /** Closes the connection and the database; later calls throw. Calling it twice is harmless. */
  close(): void;
}

/** Opens a DuckDB database (in memory by default) and connects to it. */
export async function connect(path = ":memory:", opts: ConnectOptions = {}): Promise<Database> {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  try {
    instance = await DuckDBInstance.create(path, opts.readOnly ? { access_mode: "READ_ONLY" } : undefined);
    connection = await instance.connect();
  } catch (cause) {
    throw contextError({
      where: "DuckDB",
      what: `could not open the database '${path}' (${firstLine(cause)})`,
      hint: "Check that the path is writable and not opened by another process",
      cause,
    });
  }
  return new DuckDBDatabase(path, instance, connection);
}

class DuckDBDatabase implements Database {
  private open = true;

  constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  async query(sql: string, params?: QueryParams): Promise<Row[]> {
    const { names, columns, rowCount } = await this.queryColumns(sql, params, { floatNulls: "null" });
    const keys = dedupe(names);
    const rows: Row[] = new Array(rowCount);
    for (let r = 0; r < rowCount; r++) {
      const row: Row = {};
      for (let c = 0; c < keys.length; c++) row[keys[c]!] = columns[c]![r];
      rows[r] = row;
    }
    return rows;
  }

  async queryTable(sql: string, params?: QueryParams, opts?: QueryTableOptions): Promise<ColumnTable> {
    const { names, columns } = await this.queryColumns(sql, params, opts);
    const keys = dedupe(names);
    const data: Record<string, unknown[] | Float64Array> = {};
    keys.forEach((key, c) => (data[key] = columns[c]!));
    return table(data, keys);
  }

  async queryColumns(sql: string, params?: QueryParams, opts: QueryTableOptions = {}): Promise<QueryColumns> {
    this.checkOpen();
    let result: DuckDBMaterializedResult;
    try {
      result = await this.connection.run(sql, toDuckDBParams(params));
    } catch (cause) {
      throw queryError(sql, cause);
    }
    return readColumns(result, opts.floatNulls ?? "nan");
  }

  async exec(sql: string, params?: QueryParams, opts: ExecOptions = {}): Promise<void> {
    this.checkOpen();
    const { onProgress } = opts;
    try {
      if (!onProgress) {
        await this.connection.run(sql, toDuckDBParams(params));
        return;
      }
      if (!this.progressOn) {
        // track progress without DuckDB drawing its own bar on stdout
        await this.connection.run("SET enable_progress_bar = true; SET enable_progress_bar_print = false; SET progress_bar_time = 0");
        this.progressOn = true;
      }
      const pending = await this.connection.start(sql, toDuckDBParams(params));
      const timer = setInterval(() => {
        const p = this.connection.progress.percentage;
        if (p >= 0) onProgress(Math.min(p / 100, 1));
      }, 100);
      try {
        await pending.runAllTasks();
        await pending.getResult();
      } finally {
        clearInterval(timer);
      }
    } catch (cause) {
      throw queryError(sql, cause);
    }
  }

  async writeTable(name: string, data: Tabular, opts?: WriteTableOptions): Promise<number> {
    this.checkOpen();
    return writeTableOn(this.connection, name, data, opts);
  }

  private progressOn = false;

  private checkOpen(): void {
    if (!this.open) {
      throw contextError({ where: "DuckDB", what: `the database '${this.path}' is closed`, hint: "Open a new one with connect()" });
    }
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** The error for a failed statement: DuckDB's message (first line) and the start of the SQL. */
export function queryError(sql: string, cause: unknown) {
  const text = sql.replace(/\s+/g, " ").trim();
  return contextError({
    where: "DuckDB",
    what: `the query failed (${firstLine(cause)})`,
    hint: `SQL: ${text.length > 300 ? `${text.slice(0, 300)}...` : text}`,
    cause,
  });
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n")[0]!.trim();
}

/** Column names made unique the way DuckDB's deduplicatedColumnNames does it: "a", "a:1", "a:2". */
function dedupe(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    return n === 0 ? name : `${name}:${n}`;
  });
}

function toDuckDBParams(params: QueryParams | undefined): DuckDBValue[] | Record<string, DuckDBValue> | undefined {
  if (params === undefined) return undefined;
  const one = (v: QueryParam): DuckDBValue => (v instanceof Date ? timestampValue(BigInt(v.getTime()) * 1000n) : v);
  if (Array.isArray(params)) return (params as readonly QueryParam[]).map(one);
  const out: Record<string, DuckDBValue> = {};
  for (const [k, v] of Object.entries(params as Record<string, QueryParam>)) out[k] = one(v);
  return out;
}

const FLOAT_TYPES = new Set([DuckDBTypeId.DOUBLE, DuckDBTypeId.FLOAT, DuckDBTypeId.DECIMAL]);
const BIG_INTEGER_TYPES = new Set([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT]);
const DATE_TYPES = new Set([
  DuckDBTypeId.DATE,
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
  DuckDBTypeId.TIMESTAMP_TZ,
]);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Converts a materialized result, chunk by chunk and column by column, into JavaScript columns. */
async function readColumns(result: DuckDBMaterializedResult, floatNulls: "nan" | "null"): Promise<QueryColumns> {
  const names = result.columnNames();
  const types = result.columnTypes();
  const chunks = await result.fetchAllChunks();
  const rowCount = chunks.reduce((n, chunk) => n + chunk.rowCount, 0);
  const columns = types.map((type, c) => readColumn(chunks, c, type, names[c]!, rowCount, floatNulls));
  return { names, types: types.map((t) => t.toString()), columns, rowCount };
}

type Chunk = Awaited<ReturnType<DuckDBMaterializedResult["fetchAllChunks"]>>[number];

function readColumn(
  chunks: readonly Chunk[],
  c: number,
  type: DuckDBType,
  name: string,
  rowCount: number,
  floatNulls: "nan" | "null",
): unknown[] | Float64Array {
  const typeId = type.typeId;
  if (FLOAT_TYPES.has(typeId) && floatNulls === "nan") {
    const out = new Float64Array(rowCount);
    let r = 0;
    for (const chunk of chunks) {
      const vector = chunk.getColumnVector(c);
      for (let i = 0; i < chunk.rowCount; i++, r++) {
        const v = vector.getItem(i);
        out[r] = v === null ? NaN : typeId === DuckDBTypeId.DECIMAL ? Number(JSDuckDBValueConverter(v, type, JSDuckDBValueConverter)) : (v as number);
      }
    }
    return out;
  }

  const out: unknown[] = new Array(rowCount);
  let r = 0;
  for (const chunk of chunks) {
    const vector = chunk.getColumnVector(c);
    for (let i = 0; i < chunk.rowCount; i++, r++) {
      const v = vector.getItem(i) as DuckDBValue;
      if (v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean") {
        out[r] = v;
      } else if (BIG_INTEGER_TYPES.has(typeId)) {
        out[r] = v; // bigint, narrowed below if the whole column is safe
      } else if (DATE_TYPES.has(typeId)) {
        out[r] = toDate(v, type, name, r);
      } else {
        out[r] = JSDuckDBValueConverter(v, type, JSDuckDBValueConverter);
      }
    }
  }
  if (BIG_INTEGER_TYPES.has(typeId) && out.every((v) => v === null || (typeof v === "bigint" && v <= MAX_SAFE && v >= -MAX_SAFE))) {
    for (let i = 0; i < out.length; i++) if (out[i] !== null) out[i] = Number(out[i] as bigint);
  }
  return out;
}

function toDate(v: DuckDBValue, type: DuckDBType, name: string, row: number): Date | null {
  if (typeof v === "object" && v !== null && "isFinite" in v && (v as { isFinite: boolean }).isFinite === false) return null;
  try {
    return JSDuckDBValueConverter(v, type, JSDuckDBValueConverter) as Date;
  } catch (cause) {
    throw contextError({
      where: `DuckDB result column '${name}' row ${row + 1}`,
      what: `the ${type.toString()} value ${String(v)} does not fit in a JS Date`,
      expected: "a date between -271821-04-20 and 275760-09-13",
      cause,
    });
  }
}
