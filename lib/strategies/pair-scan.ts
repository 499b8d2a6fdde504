import { contextError } from "../util/errors.js";
import { toColumns, type PriceInput } from "../portfolio/inputs.js";
import type { Autolag } from "../stats/adf.js";
import { engleGranger, halfLife } from "../stats/engle-granger.js";
import type { Regression } from "../stats/mackinnon.js";

export interface PairScanOptions {
  /** First and last date of the formation window (inclusive; "YYYY-MM-DD" or Date). Default: all rows. */
  start?: string | Date;
  end?: string | Date;
  /** Tickers to pair (default every column). Tickers with a missing price inside the window are skipped. */
  tickers?: readonly string[];
  /** Engle-Granger options (see `engleGranger`): trend default "c", autolag default "aic". */
  trend?: Regression;
  maxlag?: number;
  autolag?: Autolag | null;
  /** Test both regressions (a on b and b on a) and keep the one with the lower p-value. Default true. */
  bothDirections?: boolean;
  /** Regress log prices instead of prices. Default false. */
  logPrices?: boolean;
}

export interface PairScanRow {
  /** The regressand and regressor of the kept direction: y = intercept + beta x + spread. */
  y: string;
  x: string;
  stat: number;
  pValue: number;
  /** MacKinnon 5% critical value for this sample size. */
  crit5: number;
  beta: number;
  intercept: number;
  /** Half-life of the formation spread in bars (see `halfLife`). */
  halfLife: number;
  /** Correlation of the two price series over the window. */
  correlation: number;
}

export interface PairScan {
  /** One row per pair, sorted by p-value (lowest first). */
  rows: PairScanRow[];
  /** Tickers left out because they have a missing price in the window. */
  skipped: string[];
  /** Observations in the window, and its first and last date. */
  nobs: number;
  start: Date | string | number | undefined;
  end: Date | string | number | undefined;
}

/**
 * Ranks every pair of tickers by the Engle-Granger cointegration p-value on a formation window (Gatev, Goetzmann
 * and Rouwenhorst 2006 select on distance; Vidyamurthy 2004 on cointegration). Only rows inside [start, end] are
 * read, so trading the chosen pair after `end` is out of sample. Note that with many pairs some look
 * cointegrated by chance (about 5% of independent pairs at p < 0.05).
 */
export function scanPairs(prices: PriceInput, opts: PairScanOptions = {}): PairScan {
  const where = "scanPairs";
  const cols = toColumns(prices, where);
  const lo = opts.start === undefined ? -Infinity : dayMs(opts.start, where, "start");
  const hi = opts.end === undefined ? Infinity : dayMs(opts.end, where, "end");
  const rows: number[] = [];
  for (let r = 0; r < cols.length; r++) {
    if (lo === -Infinity && hi === Infinity) {
      rows.push(r);
      continue;
    }
    if (!cols.dates) throw contextError({ where, what: "start/end need dates", expected: "a table with a date column (or a matrix with dates)" });
    const ms = dayMs(cols.dates[r]!, where, `date of row ${r + 1}`);
    if (ms >= lo && ms <= hi) rows.push(r);
  }
  if (rows.length < 20) throw contextError({ where, what: `the window has ${rows.length} rows`, expected: "at least 20" });
  const wanted = opts.tickers ?? cols.tickers;
  const series: { name: string; v: Float64Array }[] = [];
  const skipped: string[] = [];
  for (const name of wanted) {
    const i = cols.tickers.indexOf(name);
    if (i < 0) throw contextError({ where, what: `ticker '${name}' is not in the prices`, expected: `one of ${cols.tickers.join(", ")}` });
    const v = Float64Array.from(rows, (r) => cols.columns[i]![r]!);
    if (v.some((p) => !Number.isFinite(p) || p <= 0)) skipped.push(name);
    else series.push({ name, v: opts.logPrices ? v.map(Math.log) : v });
  }
  const eg = { trend: opts.trend ?? "c", autolag: opts.autolag === undefined ? "aic" : opts.autolag, ...(opts.maxlag === undefined ? {} : { maxlag: opts.maxlag }) } as const;
  const out: PairScanRow[] = [];
  for (let a = 0; a < series.length; a++) {
    for (let b = a + 1; b < series.length; b++) {
      const A = series[a]!;
      const B = series[b]!;
      let best = test(A, B);
      if (opts.bothDirections ?? true) {
        const other = test(B, A);
        if (other.pValue < best.pValue) best = other;
      }
      out.push(best);
    }
  }
  function test(Y: { name: string; v: Float64Array }, X: { name: string; v: Float64Array }): PairScanRow {
    const r = engleGranger(Y.v, X.v, eg);
    return {
      y: Y.name,
      x: X.name,
      stat: r.stat,
      pValue: r.pValue,
      crit5: r.critical["5%"],
      beta: r.beta[0]!,
      intercept: r.intercept,
      halfLife: halfLife(r.resid).halfLife,
      correlation: correlation(Y.v, X.v),
    };
  }
  out.sort((p, q) => p.pValue - q.pValue || p.stat - q.stat);
  return { rows: out, skipped, nobs: rows.length, start: cols.dates?.[rows[0]!], end: cols.dates?.[rows[rows.length - 1]!] };
}

function dayMs(v: Date | string | number, where: string, name: string): number {
  const ms = v instanceof Date ? v.getTime() : typeof v === "number" ? v : Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
  if (!Number.isFinite(ms)) throw contextError({ where, what: `${name} '${String(v)}' is not a date`, expected: "'YYYY-MM-DD', a Date or epoch ms" });
  return ms;
}

function correlation(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
