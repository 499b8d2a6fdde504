import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { ColumnTable } from "arquero";
import { checkKeys, contextError } from "../util/errors.js";
import { datasetPath } from "./datasets.js";
import { connect, queryError, type Database } from "./duckdb.js";
import { openSource, quoteIdent, quoteString } from "./read-file.js";

export interface LoadPricesOptions {
  /** A CSV of prices in wide format: a date column plus one column per ticker. Default: the bundled stock_prices.csv. */
  file?: string;
  /** Tickers to keep, in this order. Default: every column but the date. */
  tickers?: readonly string[];
  /** First date kept (inclusive), "YYYY-MM-DD" or a Date (its UTC day). */
  start?: string | Date;
  /** Last date kept (inclusive), "YYYY-MM-DD" or a Date (its UTC day). */
  end?: string | Date;
  /**
   * "wide" (default): one row per date, a `date` column (JS Date, UTC midnight) and one Float64Array column per
   * ticker, NaN where the file has an empty cell. "long": columns date, ticker, close, one row per present price,
   * ordered by date then ticker order.
   */
  shape?: "wide" | "long";
}

const OPTION_KEYS = new Set(["file", "tickers", "start", "end", "shape"]);

/**
 * Loads daily prices from a CSV into an Arquero table, reading it with DuckDB's read_csv.
 *
 * The date column is the column named "date" (any case), or else the first column; it is parsed as a DATE. Every
 * other column is a ticker whose cells are numbers or empty. Empty cells (e.g. before a listing) stay missing:
 * NaN in wide tables, dropped in long ones; nothing is forward-filled. Rows keep the file's order.
 *
 * Throws, with file, row and column, when a kept cell is not a number or a date is not a date; and when a ticker
 * is unknown, naming the available ones. Cells of tickers or dates that are not kept are not checked.
 */
export async function loadPrices(opts: LoadPricesOptions = {}): Promise<ColumnTable> {
  const o = checkOptions(opts);
  const file = o.file === undefined ? datasetPath("stock_prices.csv") : path.resolve(o.file);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw contextError({ where: "loadPrices", what: `the price file ${file} does not exist`, expected: "a CSV file" });
  }

  const db = await connect();
  try {
    // every column as text: the dates and prices are converted below, so that a bad cell can be named
    const source = await openSource(db, file, { format: "csv", allVarchar: true });
    const header = source.columns.map((c) => c.name);
    const dateColumn = header.find((name) => name.toLowerCase() === "date") ?? header[0]!;
    const available = header.filter((name) => name !== dateColumn);
    const tickers = o.tickers === undefined ? available : checkTickers(o.tickers, available, file);
    if (tickers.length === 0) {
      throw contextError({ where: file, what: "the file has no price columns", expected: "a date column and at least one ticker column" });
    }

    const where: string[] = [];
    const params: string[] = [];
    if (o.start !== undefined) {
      params.push(o.start);
      where.push(`date >= CAST($${params.length} AS DATE)`);
    }
    if (o.end !== undefined) {
      params.push(o.end);
      where.push(`date <= CAST($${params.length} AS DATE)`);
    }
    const d = quoteIdent(dateColumn);
    const typed =
      `SELECT CASE WHEN ${d} IS NULL THEN error('empty date') ELSE CAST(${d} AS DATE) END AS date, ` +
      tickers.map((t) => `CAST(${quoteIdent(t)} AS DOUBLE) AS ${quoteIdent(t)}`).join(", ") +
      ` FROM (${source.select()})`;
    const wide = `SELECT * FROM (${typed})${where.length ? ` WHERE ${where.join(" AND ")}` : ""}`;
    const sql =
      o.shape === "long"
        ? `SELECT date, ticker, close FROM (UNPIVOT (${wide}) ON ${tickers.map(quoteIdent).join(", ")} INTO NAME ticker VALUE close) ` +
          `WHERE NOT isnan(close) ORDER BY date, list_position([${tickers.map(quoteString).join(", ")}], ticker)`
        : wide;

    let result: ColumnTable;
    try {
      result = await db.queryTable(sql, params.length > 0 ? params : undefined);
    } catch (error) {
      // DuckDB says what failed but not where: find the first bad cell and name its row and column.
      const bad = await findBadCell(db, file, source.select(), dateColumn, tickers).catch(() => undefined);
      if (bad) throw contextError({ ...bad, cause: (error as Error).cause ?? error });
      await source.check(); // a ragged row, with its row number
      throw await source.explain(error);
    }
    await source.check(); // rows DuckDB rejected (a ragged row) are an error, not silently skipped
    return result;
  } finally {
    db.close();
  }
}

interface CheckedOptions {
  file?: string;
  tickers?: readonly string[];
  start?: string;
  end?: string;
  shape: "wide" | "long";
}

function checkOptions(opts: LoadPricesOptions): CheckedOptions {
  checkKeys(opts, [...OPTION_KEYS], "loadPrices");
  const { file, tickers, shape = "wide" } = opts;
  if (file !== undefined && (typeof file !== "string" || file === "")) {
    throw contextError({ where: "loadPrices", what: "option 'file' must be a path", found: JSON.stringify(file) });
  }
  if (tickers !== undefined && (!Array.isArray(tickers) || tickers.some((t) => typeof t !== "string"))) {
    throw contextError({ where: "loadPrices", what: "option 'tickers' must be an array of ticker names", found: JSON.stringify(tickers) });
  }
  if (shape !== "wide" && shape !== "long") {
    throw contextError({ where: "loadPrices", what: "option 'shape' is not a known shape", expected: "'wide' or 'long'", found: JSON.stringify(shape) });
  }
  const start = opts.start === undefined ? undefined : isoDay(opts.start, "start");
  const end = opts.end === undefined ? undefined : isoDay(opts.end, "end");
  if (start !== undefined && end !== undefined && start > end) {
    throw contextError({ where: "loadPrices", what: `start ${start} is after end ${end}`, expected: "start <= end" });
  }
  return { file, tickers, start, end, shape };
}

/** "YYYY-MM-DD" for a valid day given as that string or as a Date (its UTC day). */
function isoDay(value: unknown, name: string): string {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const t = new Date(`${value}T00:00:00Z`);
    if (!Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === value) return value;
  }
  throw contextError({
    where: "loadPrices",
    what: `option '${name}' is not a valid date`,
    expected: "'YYYY-MM-DD' or a valid Date",
    found: value instanceof Date ? "an invalid Date" : JSON.stringify(value),
  });
}

function checkTickers(requested: readonly string[], available: readonly string[], file: string): string[] {
  const have = new Set(available);
  const unknown = requested.filter((t) => !have.has(t));
  if (unknown.length > 0) {
    const close = unknown
      .map((t) => available.find((a) => a.toLowerCase() === t.toLowerCase()))
      .filter((a): a is string => a !== undefined);
    throw contextError({
      where: path.basename(file),
      what: `unknown ticker${unknown.length > 1 ? "s" : ""} ${unknown.map((t) => `'${t}'`).join(", ")}`,
      expected: `one of ${available.join(", ")}`,
      hint: close.length > 0 ? `Ticker names are case-sensitive: did you mean ${close.join(", ")}?` : undefined,
    });
  }
  return [...new Set(requested)];
}

/** The first (row, column) whose text does not cast to DATE (date column) or DOUBLE (ticker columns). */
async function findBadCell(
  db: Database,
  file: string,
  select: string,
  dateColumn: string,
  tickers: readonly string[],
): Promise<{ where: string; what: string; expected: string; found: string } | undefined> {
  const columns = [dateColumn, ...tickers];
  const sql =
    "SELECT " +
    columns
      .map((c, i) => `${quoteIdent(c)} AS raw${i}, TRY_CAST(${quoteIdent(c)} AS ${i === 0 ? "DATE" : "DOUBLE"}) IS NULL AS bad${i}`)
      .join(", ") +
    ` FROM (${select})`;
  const { columns: cols, rowCount } = await db.queryColumns(sql, undefined, { floatNulls: "null" }).catch((e) => {
    throw queryError(sql, e);
  });
  for (let r = 0; r < rowCount; r++) {
    for (let i = 0; i < columns.length; i++) {
      const raw = cols[2 * i]![r] as string | null;
      const bad = cols[2 * i + 1]![r] as boolean;
      if (i === 0 && raw === null) {
        return { where: `${file} row ${r + 1}, column '${columns[0]}'`, what: "the date is empty", expected: "a date (YYYY-MM-DD)", found: "an empty cell" };
      }
      if (raw !== null && bad) {
        return {
          where: `${file} row ${r + 1}, column '${columns[i]}'`,
          what: i === 0 ? "the date is not a date" : "the price is not a number",
          expected: i === 0 ? "a date (YYYY-MM-DD)" : "a number or an empty cell",
          found: `'${raw}'`,
        };
      }
    }
  }
  return undefined;
}

