/**
 * Expected returns, annualised, with PyPortfolioOpt's conventions (pypfopt.expected_returns, v1.5):
 *
 * - Returns come from prices WITHOUT filling gaps: `pct_change(fill_method=None)` then `dropna(how="all")`, i.e.
 *   r[t] = p[t] / p[t-1] - 1, NaN when either price is missing, and rows where every ticker is NaN (the first row)
 *   are dropped. A ticker that lists later simply has NaN returns before its listing.
 * - Statistics skip NaN per ticker (pandas `skipna`): each ticker uses the returns it has.
 * - Annualisation uses an explicit `frequency` (periods per year, default 252 trading days).
 */
import { contextError } from "../util/errors.js";
import { toColumns, toRecord, type Columns, type PriceInput, type WideMatrix } from "./inputs.js";

export interface ReturnsOptions {
  /** Log returns log(1 + r) instead of simple returns (default false). */
  logReturns?: boolean;
}

/**
 * Period returns from prices: pandas `prices.pct_change(fill_method=None).dropna(how="all")`.
 * Output rows are in time order; `rows[t][i]` is NaN where ticker i has no return on row t. Dates, when the input
 * has them, are the dates of the later price of each pair.
 */
export function returnsFromPrices(prices: PriceInput, opts: ReturnsOptions = {}): WideMatrix & { tickers: string[]; rows: number[][] } {
  const c = returnColumns(prices, { ...opts, returnsData: false }, "returnsFromPrices");
  const rows: number[][] = [];
  for (let t = 0; t < c.length; t++) rows.push(c.columns.map((col) => col[t]!));
  return c.dates ? { tickers: c.tickers, rows, dates: c.dates } : { tickers: c.tickers, rows };
}

/** Column-major returns; with `returnsData` the input already holds returns (rows that are all NaN are dropped). */
export function returnColumns(input: PriceInput, opts: ReturnsOptions & { returnsData?: boolean }, where: string): Columns {
  const p = toColumns(input, where);
  const n = p.tickers.length;
  if (opts.returnsData) return dropAllNaNRows(p);
  if (p.length < 2) throw contextError({ where, what: "there are too few price rows to compute returns", expected: "at least 2 rows", found: String(p.length) });
  const T = p.length - 1;
  const columns = p.columns.map((col) => {
    const r = new Float64Array(T);
    for (let t = 1; t <= T; t++) {
      const prev = col[t - 1]!;
      const cur = col[t]!;
      const v = cur / prev - 1; // NaN propagates: no fill
      r[t - 1] = opts.logReturns ? Math.log1p(v) : v;
    }
    return r;
  });
  const out: Columns = { tickers: p.tickers, columns, length: T, dates: p.dates?.slice(1) };
  void n;
  return dropAllNaNRows(out);
}

function dropAllNaNRows(c: Columns): Columns {
  const keep: number[] = [];
  for (let t = 0; t < c.length; t++) {
    if (c.columns.some((col) => !Number.isNaN(col[t]!))) keep.push(t);
  }
  if (keep.length === c.length) return c;
  return {
    tickers: c.tickers,
    columns: c.columns.map((col) => Float64Array.from(keep, (t) => col[t]!)),
    length: keep.length,
    dates: c.dates ? keep.map((t) => c.dates![t]!) : undefined,
  };
}

export interface MeanReturnOptions extends ReturnsOptions {
  /** The input holds returns, not prices (default false). These should not be log returns. */
  returnsData?: boolean;
  /** Geometric (CAGR, default true) or arithmetic mean. */
  compounding?: boolean;
  /** Periods per year (default 252). */
  frequency?: number;
}

function checkFrequency(frequency: number, where: string): void {
  if (!(frequency > 0) || !Number.isFinite(frequency)) throw contextError({ where, what: "option 'frequency' must be a positive number", found: String(frequency) });
}

/**
 * Annualised mean historical return per ticker (pypfopt `mean_historical_return`).
 * compounding: (prod(1 + r))^(frequency / count) - 1 over the ticker's non-NaN returns; otherwise mean(r) * frequency.
 */
export function meanHistoricalReturn(prices: PriceInput, opts: MeanReturnOptions = {}): Record<string, number> {
  const { compounding = true, frequency = 252 } = opts;
  checkFrequency(frequency, "meanHistoricalReturn");
  const r = returnColumns(prices, opts, "meanHistoricalReturn");
  return toRecord(r.tickers, r.columns.map((col) => (compounding ? geometric(col, frequency) : arithmetic(col) * frequency)));
}

function arithmetic(col: Float64Array): number {
  let s = 0;
  let k = 0;
  for (const v of col) if (!Number.isNaN(v)) (s += v), k++;
  return k === 0 ? NaN : s / k;
}

function geometric(col: Float64Array, frequency: number): number {
  let logSum = 0;
  let k = 0;
  for (const v of col) if (!Number.isNaN(v)) (logSum += Math.log1p(v)), k++;
  return k === 0 ? NaN : Math.expm1((logSum * frequency) / k);
}

export interface EmaReturnOptions extends MeanReturnOptions {
  /** EMA span in periods (default 500): alpha = 2 / (span + 1). */
  span?: number;
}

/**
 * Exponentially weighted mean historical return (pypfopt `ema_historical_return`): the last value of pandas
 * `ewm(span, adjust=True).mean()`, i.e. sum_t (1-a)^(T-1-t) r_t / sum_t (1-a)^(T-1-t) over the ticker's non-NaN
 * returns (leading NaNs before a listing carry no weight). compounding: (1 + ema)^frequency - 1, else ema * frequency.
 */
export function emaHistoricalReturn(prices: PriceInput, opts: EmaReturnOptions = {}): Record<string, number> {
  const { compounding = true, frequency = 252, span = 500 } = opts;
  checkFrequency(frequency, "emaHistoricalReturn");
  if (!(span >= 1)) throw contextError({ where: "emaHistoricalReturn", what: "option 'span' must be at least 1", found: String(span) });
  const r = returnColumns(prices, opts, "emaHistoricalReturn");
  return toRecord(
    r.tickers,
    r.columns.map((col) => {
      const m = ewmLast(col, span);
      return compounding ? Math.pow(1 + m, frequency) - 1 : m * frequency;
    }),
  );
}

/** Last value of pandas `Series.ewm(span=span, adjust=True, ignore_na=False).mean()` for a series with NaN gaps. */
export function ewmLast(col: ArrayLike<number>, span: number): number {
  const decay = 1 - 2 / (span + 1);
  // pandas' recursion, ignore_na=False: every row (observed or not) after the first observation ages the weights.
  let weighted = NaN;
  let oldWt = 1;
  for (let i = 0; i < col.length; i++) {
    const cur = col[i]!;
    const obs = !Number.isNaN(cur);
    if (!Number.isNaN(weighted)) {
      oldWt *= decay;
      if (obs) {
        if (weighted !== cur) weighted = (oldWt * weighted + cur) / (oldWt + 1);
        oldWt += 1;
      }
    } else if (obs) {
      weighted = cur;
      oldWt = 1;
    }
  }
  return weighted;
}

export interface CapmOptions extends MeanReturnOptions {
  /**
   * Prices of the market (e.g. SPY): one column. Default: the equal-weighted market, the row mean of the assets'
   * available returns. When both inputs carry dates, market returns are matched by date (left join on the assets'
   * dates); otherwise both must have the same rows.
   */
  marketPrices?: PriceInput;
  /** Risk-free rate for the same period as the returns' annualisation (default 0). */
  riskFreeRate?: number;
}

/**
 * CAPM expected returns (pypfopt `capm_return`): R_i = rf + beta_i (E[R_m] - rf), beta_i = cov(r_i, r_m) / var(r_m)
 * with pairwise-complete sample covariances; E[R_m] annualised like `meanHistoricalReturn` (compounded by default).
 */
export function capmReturn(prices: PriceInput, opts: CapmOptions = {}): Record<string, number> {
  const { compounding = true, frequency = 252, riskFreeRate = 0 } = opts;
  checkFrequency(frequency, "capmReturn");
  const r = returnColumns(prices, opts, "capmReturn");
  let mkt: Float64Array;
  if (opts.marketPrices === undefined) {
    mkt = new Float64Array(r.length);
    for (let t = 0; t < r.length; t++) {
      let s = 0;
      let k = 0;
      for (const col of r.columns) if (!Number.isNaN(col[t]!)) (s += col[t]!), k++;
      mkt[t] = k ? s / k : NaN;
    }
  } else {
    const m = returnColumns(opts.marketPrices, { logReturns: opts.logReturns, returnsData: opts.returnsData }, "capmReturn market prices");
    if (m.tickers.length !== 1) throw contextError({ where: "capmReturn", what: "the market prices must have exactly one column", found: `${m.tickers.length} columns (${m.tickers.join(", ")})` });
    mkt = alignByDate(r, m);
  }
  const mktVar = pairCov(mkt, mkt);
  const mktMean = compounding ? geometric(mkt, frequency) : arithmetic(mkt) * frequency;
  return toRecord(
    r.tickers,
    r.columns.map((col) => riskFreeRate + (pairCov(col, mkt) / mktVar) * (mktMean - riskFreeRate)),
  );
}

function alignByDate(assets: Columns, market: Columns): Float64Array {
  const col = market.columns[0]!;
  if (assets.dates && market.dates) {
    const byDate = new Map<string | number, number>();
    market.dates.forEach((d, i) => byDate.set(dateKey(d), col[i]!));
    return Float64Array.from(assets.dates, (d) => byDate.get(dateKey(d)) ?? NaN);
  }
  if (market.length !== assets.length) {
    throw contextError({ where: "capmReturn", what: "the market and asset returns have different numbers of rows and no dates to align them", expected: String(assets.length), found: String(market.length) });
  }
  return col;
}

function dateKey(d: Date | string | number): string | number {
  return d instanceof Date ? d.getTime() : typeof d === "string" ? new Date(d.length === 10 ? `${d}T00:00:00Z` : d).getTime() : d;
}

/** Sample covariance (ddof 1) over the rows where both series are present (pandas pairwise-complete). */
export function pairCov(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let t = 0; t < x.length; t++) {
    const a = x[t]!;
    const b = y[t]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    n++;
    sx += a;
    sy += b;
  }
  if (n < 2) return NaN;
  const mx = sx / n;
  const my = sy / n;
  let s = 0;
  for (let t = 0; t < x.length; t++) {
    const a = x[t]!;
    const b = y[t]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    s += (a - mx) * (b - my);
  }
  return s / (n - 1);
}
