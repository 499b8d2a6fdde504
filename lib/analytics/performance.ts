/**
 * Performance statistics of a return series or an equity curve, with empyrical's conventions (Quantopian's
 * `empyrical`, the reference most Python backtesters follow), stated per function.
 *
 * Common conventions
 * - `returns` are simple per-period returns (r_t = E_t / E_{t-1} - 1), oldest first.
 * - NaN returns are missing observations: skipped by means and standard deviations (like numpy's nan* functions),
 *   counted as 0 when compounding, and counted in the number of periods when annualising a compounded return
 *   (as empyrical's `annual_return` does).
 * - `periodsPerYear` annualises: 252 for daily bars (default), 52 weekly, 12 monthly. Means scale by it,
 *   standard deviations by its square root.
 * - Risk-free rate and required return are per period (a daily rate for daily returns), as in empyrical.
 * - Statistics that are undefined return NaN (fewer than 2 observations for a standard deviation, a zero
 *   deviation for a ratio with a zero numerator); a positive mean over a zero deviation gives +Infinity.
 */

/** Options shared by the annualised statistics. */
export interface AnnualisationOptions {
  /** Periods per year; default 252. */
  periodsPerYear?: number;
}

function ppy(opts: AnnualisationOptions | undefined): number {
  const p = opts?.periodsPerYear ?? 252;
  if (!(p > 0) || !Number.isFinite(p)) throw new RangeError(`periodsPerYear must be a positive number, found ${p}.`);
  return p;
}

/** Simple returns of an equity curve: out[t] = equity[t + 1] / equity[t] - 1 (length n - 1). */
export function returnsFromEquity(equity: ArrayLike<number>): Float64Array {
  const n = equity.length;
  const out = new Float64Array(Math.max(0, n - 1));
  for (let t = 1; t < n; t++) out[t - 1] = equity[t]! / equity[t - 1]! - 1;
  return out;
}

/** Equity curve from returns, starting at `start` (default 1) *before* the first return: length n + 1. NaN -> 0. */
export function equityFromReturns(returns: ArrayLike<number>, start = 1): Float64Array {
  const out = new Float64Array(returns.length + 1);
  out[0] = start;
  for (let t = 0; t < returns.length; t++) {
    const r = returns[t]!;
    out[t + 1] = out[t]! * (1 + (Number.isNaN(r) ? 0 : r));
  }
  return out;
}

/** Mean of the non-NaN values minus `shift` (NaN if none). */
function nanMean(x: ArrayLike<number>, shift = 0): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isNaN(v)) {
      s += v - shift;
      n++;
    }
  }
  return n === 0 ? NaN : s / n;
}

/** Standard deviation of the non-NaN values (two-pass), dividing by (count - ddof); NaN if count - ddof <= 0. */
function nanStd(x: ArrayLike<number>, ddof: number): number {
  const m = nanMean(x);
  let ss = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isNaN(v)) {
      ss += (v - m) * (v - m);
      n++;
    }
  }
  return n - ddof <= 0 ? NaN : Math.sqrt(ss / (n - ddof));
}

/** Total compounded return: prod(1 + r) - 1, NaN counted as 0; NaN for an empty series (empyrical cum_returns_final). */
export function totalReturn(returns: ArrayLike<number>): number {
  if (returns.length === 0) return NaN;
  let e = 1;
  for (let t = 0; t < returns.length; t++) {
    const r = returns[t]!;
    if (!Number.isNaN(r)) e *= 1 + r;
  }
  return e - 1;
}

/**
 * Compound annual growth rate (empyrical `annual_return`): (prod(1 + r))^(periodsPerYear / n) - 1, where n counts
 * every period including NaN ones. NaN for an empty series.
 */
export function cagr(returns: ArrayLike<number>, opts?: AnnualisationOptions): number {
  const n = returns.length;
  if (n === 0) return NaN;
  return Math.pow(1 + totalReturn(returns), ppy(opts) / n) - 1;
}

/** Annualised volatility (empyrical `annual_volatility`): std(r, ddof) * sqrt(periodsPerYear), ddof 1 by default. */
export function annualVolatility(returns: ArrayLike<number>, opts?: AnnualisationOptions & { ddof?: number }): number {
  return nanStd(returns, opts?.ddof ?? 1) * Math.sqrt(ppy(opts));
}

export interface SharpeOptions extends AnnualisationOptions {
  /** Risk-free rate per period (e.g. a daily rate for daily returns); default 0. */
  riskFree?: number;
  /** Delta degrees of freedom of the standard deviation; default 1 (sample std, as empyrical and pandas). */
  ddof?: number;
}

/**
 * Annualised Sharpe ratio (empyrical `sharpe_ratio`): mean(r - rf) / std(r - rf, ddof 1) * sqrt(periodsPerYear),
 * with rf the per-period risk-free rate. NaN with fewer than 2 observations.
 */
export function sharpeRatio(returns: ArrayLike<number>, opts?: SharpeOptions): number {
  const rf = opts?.riskFree ?? 0;
  const m = nanMean(returns, rf);
  const s = nanStd(returns, opts?.ddof ?? 1); // std(r - rf) = std(r) for a constant rf
  return ratio(m, s) * Math.sqrt(ppy(opts));
}

function ratio(num: number, den: number): number {
  if (Number.isNaN(num) || Number.isNaN(den)) return NaN;
  if (den === 0) return num === 0 ? NaN : num > 0 ? Infinity : -Infinity;
  return num / den;
}

export interface SortinoOptions extends AnnualisationOptions {
  /** Minimum acceptable return per period; default 0. */
  requiredReturn?: number;
}

/**
 * Annualised downside deviation (empyrical `downside_risk`): sqrt(mean(min(r - required, 0)^2)) *
 * sqrt(periodsPerYear). The mean is over every non-NaN observation (not just the negative ones) and divides by
 * the count (ddof 0). NaN for an empty series.
 */
export function downsideRisk(returns: ArrayLike<number>, opts?: SortinoOptions): number {
  const req = opts?.requiredReturn ?? 0;
  let ss = 0;
  let n = 0;
  for (let t = 0; t < returns.length; t++) {
    const r = returns[t]!;
    if (Number.isNaN(r)) continue;
    const d = Math.min(r - req, 0);
    ss += d * d;
    n++;
  }
  return n === 0 ? NaN : Math.sqrt(ss / n) * Math.sqrt(ppy(opts));
}

/**
 * Annualised Sortino ratio (empyrical `sortino_ratio`): mean(r - required) * periodsPerYear / downsideRisk(r).
 * NaN with fewer than 2 observations; +Infinity when nothing is below the required return and the mean is positive.
 */
export function sortinoRatio(returns: ArrayLike<number>, opts?: SortinoOptions): number {
  let count = 0;
  for (let t = 0; t < returns.length; t++) if (!Number.isNaN(returns[t]!)) count++;
  if (count < 2) return NaN;
  const m = nanMean(returns, opts?.requiredReturn ?? 0) * ppy(opts);
  return ratio(m, downsideRisk(returns, opts));
}

export interface Drawdown {
  /** Largest peak-to-trough loss as a positive fraction (0.25 = a 25% fall); empyrical's `max_drawdown` is -depth. */
  maxDrawdown: number;
  /** Index (into the equity curve) of the peak before the largest drawdown. */
  peak: number;
  /** Index of its trough. */
  trough: number;
  /** Index at which equity first regains the peak after the trough, or -1 if it never does. */
  recovery: number;
  /** Longest time under water, in periods: from a peak to the first index back at or above it (or to the end). */
  maxDuration: number;
}

/**
 * Drawdown statistics of an equity curve (values > 0). Depth at t is 1 - E_t / max_{s <= t} E_s; the maximum over
 * t is `maxDrawdown`. Durations count periods from a running peak to the first later index whose equity is back
 * at or above it (or to the last index when still under water). All zeros for a curve of length < 2.
 */
export function drawdown(equity: ArrayLike<number>): Drawdown {
  let peakValue = -Infinity;
  let peakIndex = 0;
  let underwater = false;
  let best = { maxDrawdown: 0, peak: 0, trough: 0 };
  let maxDuration = 0;
  for (let t = 0; t < equity.length; t++) {
    const e = equity[t]!;
    if (Number.isNaN(e)) continue;
    if (e >= peakValue) {
      // Back at (or above) the peak: a drawdown in progress ends here, this step included.
      if (underwater) maxDuration = Math.max(maxDuration, t - peakIndex);
      underwater = false;
      peakValue = e;
      peakIndex = t;
      continue;
    }
    underwater = true;
    maxDuration = Math.max(maxDuration, t - peakIndex);
    const dd = 1 - e / peakValue;
    if (dd > best.maxDrawdown) best = { maxDrawdown: dd, peak: peakIndex, trough: t };
  }
  let recovery = -1;
  if (best.maxDrawdown > 0) {
    const target = equity[best.peak]!;
    for (let t = best.trough + 1; t < equity.length; t++) {
      if (equity[t]! >= target) {
        recovery = t;
        break;
      }
    }
  }
  return { ...best, recovery, maxDuration };
}

/**
 * Maximum drawdown of a return series as a positive fraction, compounding from a starting value of 1 that counts
 * as the first peak (empyrical `max_drawdown` returns the negative of this). NaN for an empty series.
 */
export function maxDrawdown(returns: ArrayLike<number>): number {
  if (returns.length === 0) return NaN;
  return drawdown(equityFromReturns(returns)).maxDrawdown;
}

/** Calmar ratio (empyrical `calmar_ratio`): cagr / maxDrawdown; NaN when there is no drawdown. */
export function calmarRatio(returns: ArrayLike<number>, opts?: AnnualisationOptions): number {
  const dd = maxDrawdown(returns);
  return dd > 0 ? cagr(returns, opts) / dd : NaN;
}

/**
 * Hit rate: the fraction of the non-NaN values that are strictly positive (zeros count as misses). Use it on
 * per-trade PnLs (the usual "win rate") or on period returns. NaN when there is no value.
 */
export function hitRate(values: ArrayLike<number>): number {
  let hits = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    n++;
    if (v > 0) hits++;
  }
  return n === 0 ? NaN : hits / n;
}

/** One-way turnover of a rebalance from weights `before` to `after`: sum |after - before| / 2. */
export function weightTurnover(before: ArrayLike<number>, after: ArrayLike<number>): number {
  if (before.length !== after.length) {
    throw new RangeError(`weightTurnover: the weight vectors differ in length (${before.length} and ${after.length}).`);
  }
  let s = 0;
  for (let i = 0; i < before.length; i++) s += Math.abs(after[i]! - before[i]!);
  return s / 2;
}

/**
 * Annualised one-way turnover: (sum_t traded_t / equity_t) / 2, per year, i.e. that sum times
 * periodsPerYear / n, where traded_t is the absolute notional traded in period t and equity_t the equity it is
 * measured against (both arrays of length n). Buying 100% of equity and later selling it all counts as 1 (100%).
 */
export function turnover(traded: ArrayLike<number>, equity: ArrayLike<number>, opts?: AnnualisationOptions): number {
  const n = traded.length;
  if (equity.length !== n) throw new RangeError(`turnover: traded and equity differ in length (${n} and ${equity.length}).`);
  if (n === 0) return NaN;
  let s = 0;
  for (let t = 0; t < n; t++) {
    const e = equity[t]!;
    if (traded[t]! !== 0) s += traded[t]! / e;
  }
  return ((s / 2) * ppy(opts)) / n;
}

/** The statistics `summarizePerformance` computes. */
export interface PerformanceSummary {
  /** Number of returns (periods). */
  periods: number;
  totalReturn: number;
  cagr: number;
  volatility: number;
  sharpe: number;
  sortino: number;
  /** Positive fraction. */
  maxDrawdown: number;
  /** Longest time under water, periods. */
  maxDrawdownDuration: number;
  calmar: number;
  /** Fraction of periods with a positive return. */
  hitRate: number;
}

/**
 * All of the above for a return series. With `equity` given as well, drawdowns come from it (so that its first
 * value counts as a peak); otherwise from the returns compounded from 1.
 */
export function summarizePerformance(returns: ArrayLike<number>, opts?: SharpeOptions & { equity?: ArrayLike<number> }): PerformanceSummary {
  const dd = drawdown(opts?.equity ?? equityFromReturns(returns));
  const c = cagr(returns, opts);
  return {
    periods: returns.length,
    totalReturn: totalReturn(returns),
    cagr: c,
    volatility: annualVolatility(returns, opts),
    sharpe: sharpeRatio(returns, opts),
    sortino: sortinoRatio(returns, { periodsPerYear: opts?.periodsPerYear, requiredReturn: opts?.riskFree }),
    maxDrawdown: dd.maxDrawdown,
    maxDrawdownDuration: dd.maxDuration,
    calmar: dd.maxDrawdown > 0 ? c / dd.maxDrawdown : NaN,
    hitRate: hitRate(returns),
  };
}
