/**
 * Shared input handling for omniquant/portfolio: price/return tables in, column-major Float64Arrays inside.
 *
 * A price (or return) input is either an Arquero wide table, as `loadPrices()` returns it (a `date` column plus one
 * numeric column per ticker, NaN where a cell is empty), or a plain `{ tickers, rows }` object where `rows[t][i]` is
 * the value of `tickers[i]` on row `t` (NaN, null or undefined = missing). Rows are in time order, oldest first.
 */
import type { ColumnTable } from "arquero";
import { contextError } from "../util/errors.js";

/** A plain wide matrix: `rows[t][i]` is ticker `tickers[i]` on row `t`; NaN/null marks a missing value. */
export interface WideMatrix {
  tickers: readonly string[];
  rows: ReadonlyArray<ReadonlyArray<number | null | undefined>>;
  /** Optional row labels (dates), used only to align two inputs (CAPM with a market series). */
  dates?: ReadonlyArray<Date | string | number>;
}

/** Prices or returns: an Arquero wide table (from `loadPrices`) or a `{ tickers, rows }` matrix. */
export type PriceInput = ColumnTable | WideMatrix;

/** A covariance matrix with its tickers: `matrix[i][j]` is the covariance of `tickers[i]` and `tickers[j]`. */
export interface CovarianceMatrix {
  tickers: string[];
  matrix: number[][];
}

/** Column-major view: `columns[i][t]`. */
export interface Columns {
  tickers: string[];
  columns: Float64Array[];
  length: number;
  dates?: (Date | string | number)[];
}

function isTable(x: unknown): x is ColumnTable {
  return typeof x === "object" && x !== null && typeof (x as ColumnTable).columnNames === "function" && typeof (x as ColumnTable).array === "function";
}

/** Reads a price/return input into columns (every non-date numeric column is a ticker). */
export function toColumns(input: PriceInput, where: string): Columns {
  if (isTable(input)) {
    const names = input.columnNames();
    const dateName = names.find((n) => n.toLowerCase() === "date");
    const tickers = names.filter((n) => n !== dateName);
    const length = input.numRows();
    const columns = tickers.map((t) => {
      const arr = input.array(t) as ArrayLike<unknown>;
      const out = new Float64Array(length);
      for (let r = 0; r < length; r++) {
        const v = arr[r];
        if (v === null || v === undefined) out[r] = NaN;
        else if (typeof v === "number") out[r] = v;
        else throw contextError({ where: `${where}, column '${t}' row ${r + 1}`, what: "a value is not a number", expected: "numeric price columns besides 'date'", found: JSON.stringify(v) });
      }
      return out;
    });
    const dates = dateName ? Array.from(input.array(dateName) as ArrayLike<Date | string | number>) : undefined;
    if (tickers.length === 0) throw contextError({ where, what: "the table has no ticker columns", expected: "a date column and one numeric column per ticker" });
    return { tickers, columns, length, dates };
  }
  if (input === null || typeof input !== "object" || !Array.isArray((input as WideMatrix).tickers) || !Array.isArray((input as WideMatrix).rows)) {
    throw contextError({ where, what: "the prices are neither an Arquero table nor a { tickers, rows } object", found: describe(input) });
  }
  const { tickers, rows } = input as WideMatrix;
  const n = tickers.length;
  if (n === 0) throw contextError({ where, what: "there are no tickers", expected: "at least one ticker" });
  if (new Set(tickers).size !== n) throw contextError({ where, what: "tickers are repeated", expected: "distinct ticker names", found: JSON.stringify(tickers) });
  const length = rows.length;
  const columns = tickers.map(() => new Float64Array(length));
  for (let r = 0; r < length; r++) {
    const row = rows[r]!;
    if (!Array.isArray(row) || row.length !== n) {
      throw contextError({ where: `${where}, row ${r + 1}`, what: "the row has the wrong number of values", expected: `${n} (one per ticker)`, found: Array.isArray(row) ? String(row.length) : describe(row) });
    }
    for (let i = 0; i < n; i++) {
      const v = row[i];
      if (v === null || v === undefined) columns[i]![r] = NaN;
      else if (typeof v === "number") columns[i]![r] = v;
      else throw contextError({ where: `${where}, row ${r + 1}, ticker '${tickers[i]}'`, what: "a value is not a number", found: JSON.stringify(v) });
    }
  }
  const dates = (input as WideMatrix).dates ? Array.from((input as WideMatrix).dates!) : undefined;
  return { tickers: [...tickers], columns, length, dates };
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  return typeof x === "object" ? `an object with keys ${Object.keys(x as object).join(", ")}` : `${typeof x} ${JSON.stringify(x)}`;
}

/** Turns `{ ticker: value }` or an array aligned with `tickers` into a Float64Array in ticker order. */
export function vectorFor(values: Readonly<Record<string, number>> | ArrayLike<number>, tickers: readonly string[], where: string, what: string): Float64Array {
  const out = new Float64Array(tickers.length);
  if (isArrayLike(values)) {
    if (values.length !== tickers.length) throw contextError({ where, what: `${what} has the wrong length`, expected: `${tickers.length} values (one per ticker)`, found: String(values.length) });
    for (let i = 0; i < tickers.length; i++) out[i] = Number(values[i]);
  } else {
    for (let i = 0; i < tickers.length; i++) {
      const v = (values as Record<string, number>)[tickers[i]!];
      if (typeof v !== "number") throw contextError({ where, what: `${what} has no number for ticker '${tickers[i]}'`, expected: `a number for each of ${tickers.join(", ")}` });
      out[i] = v;
    }
  }
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) throw contextError({ where, what: `${what} for '${tickers[i]}' is not finite`, found: String(out[i]) });
  }
  return out;
}

function isArrayLike(x: unknown): x is ArrayLike<number> {
  return Array.isArray(x) || ArrayBuffer.isView(x);
}

/** Accepts a CovarianceMatrix or a plain number[][] (with tickers given elsewhere); checks shape, symmetry, finiteness. */
export function toCovariance(cov: CovarianceMatrix | ReadonlyArray<ReadonlyArray<number>>, where: string, tickers?: readonly string[]): { tickers: string[]; S: Float64Array; n: number } {
  const matrix = Array.isArray(cov) ? (cov as number[][]) : (cov as CovarianceMatrix).matrix;
  const names = Array.isArray(cov) ? (tickers ? [...tickers] : matrix.map((_, i) => String(i))) : [...(cov as CovarianceMatrix).tickers];
  const n = matrix.length;
  if (n === 0 || names.length !== n) throw contextError({ where, what: "the covariance matrix does not match its tickers", expected: `${names.length} rows`, found: `${n}` });
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = matrix[i]!;
    if (row.length !== n) throw contextError({ where, what: `covariance row ${i + 1} has the wrong length`, expected: String(n), found: String(row.length) });
    for (let j = 0; j < n; j++) {
      const v = row[j]!;
      if (!Number.isFinite(v)) throw contextError({ where, what: `covariance entry (${names[i]}, ${names[j]}) is not finite`, found: String(v) });
      S[i * n + j] = v;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const a = S[i * n + j]!;
      const b = S[j * n + i]!;
      if (Math.abs(a - b) > 1e-10 * Math.max(1, Math.abs(a), Math.abs(b))) {
        throw contextError({ where, what: `the covariance matrix is not symmetric at (${names[i]}, ${names[j]})`, expected: String(b), found: String(a) });
      }
    }
  }
  return { tickers: names, S, n };
}

/** Dense row-major Float64Array (n x n) to number[][]. */
export function toNested(S: Float64Array, n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) out.push(Array.from(S.subarray(i * n, (i + 1) * n)));
  return out;
}

/** `{ ticker: value }` in ticker order. */
export function toRecord(tickers: readonly string[], values: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < tickers.length; i++) out[tickers[i]!] = values[i]!;
  return out;
}

/** A plain Plotly figure, as `display.plot` takes it. */
export interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}
