import { contextError } from "../util/errors.js";
import { adfuller, type Autolag } from "./adf.js";
import { checkKeys, finiteSeries } from "./input.js";
import { checkRegression, mackinnoncrit, mackinnonp, type CriticalValues, type Regression } from "./mackinnon.js";
import { ols, ones, trendColumns } from "./ols.js";

export interface CointOptions {
  /** Deterministic terms of the cointegrating regression: "c" (default), "ct", "ctt" or "n". */
  trend?: Regression;
  /** Passed to the ADF test of the residuals (see `adfuller`). */
  maxlag?: number;
  /** Passed to the ADF test of the residuals; default "aic" (statsmodels >= 0.9), null for a fixed maxlag. */
  autolag?: Autolag | null;
}

export interface CointResult {
  /** ADF t-statistic of the cointegrating residuals (no deterministic terms in the ADF regression). -Infinity
   *  when y0 is (almost) an exact linear combination of y1 (R^2 >= 1 - 100 sqrt(eps)). */
  stat: number;
  /** MacKinnon (1994) asymptotic p-value with N = number of series (y0 plus the y1 series). */
  pValue: number;
  /** MacKinnon (2010) critical values for N series and nobs - 1 observations (NaN for trend "n"). */
  critical: CriticalValues;
  /** Coefficients of the cointegrating regression y0 = sum beta_i y1_i + deterministic terms. */
  beta: number[];
  /** Intercept (0 for trend "n"). */
  intercept: number;
  /** Residuals of the cointegrating regression (the spread). */
  resid: Float64Array;
  /** Lags used in the ADF regression on the residuals (NaN when stat is -Infinity). */
  usedLag: number;
  nobs: number;
  trend: Regression;
}

const SQRT_EPS = Math.sqrt(2.220446049250313e-16);

/**
 * Engle-Granger (1987) two-step test of the null of no cointegration, statsmodels' `coint(y0, y1, trend,
 * maxlag=..., autolag=...)`: OLS y0 on y1 (one series or several) plus deterministic terms, then an ADF test
 * without deterministic terms on the residuals, compared with MacKinnon's cointegration tables for N = 1 +
 * (number of y1 series). A small p-value rejects "no cointegration". The test is not symmetric: swapping y0 and
 * y1 gives another statistic.
 */
export function engleGranger(y0: ArrayLike<number>, y1: ArrayLike<number> | readonly ArrayLike<number>[], opts: CointOptions = {}): CointResult {
  const where = "engleGranger";
  checkKeys(opts, ["trend", "maxlag", "autolag"], where);
  const trend = checkRegression(opts.trend ?? "c", where);
  const y = finiteSeries(y0, where, "y0");
  const n = y.length;
  const xs = isSeriesList(y1) ? y1.map((s, i) => finiteSeries(s, where, `y1[${i}]`)) : [finiteSeries(y1, where, "y1")];
  if (xs.length === 0) throw contextError({ where, what: "y1 has no series", expected: "one or more series" });
  xs.forEach((s, i) => {
    if (s.length !== n) throw contextError({ where, what: `y1${xs.length > 1 ? `[${i}]` : ""} has length ${s.length}`, expected: `the length of y0 (${n})` });
  });
  const kVars = xs.length + 1;
  if (kVars > 6) throw contextError({ where, what: `${kVars} series are too many`, expected: "at most 6 (MacKinnon's 1994 p-value tables)" });
  const det = trendColumns(trend, n);
  const fit = ols([...xs, ...det], y, where);
  // R^2: centred when the regression has a constant, uncentred otherwise (as statsmodels' OLS.rsquared).
  let tss = 0;
  const mean = trend === "n" ? 0 : y.reduce((a, b) => a + b, 0) / n;
  for (const v of y) tss += (v - mean) ** 2;
  const rsquared = 1 - fit.ssr / tss;
  let stat = -Infinity;
  let usedLag = NaN;
  if (rsquared < 1 - 100 * SQRT_EPS) {
    const adfOpts: { maxlag?: number; autolag: Autolag | null; regression: "n" } = { autolag: opts.autolag === undefined ? "aic" : opts.autolag, regression: "n" };
    if (opts.maxlag !== undefined) adfOpts.maxlag = opts.maxlag;
    const adf = adfuller(fit.resid, adfOpts);
    stat = adf.stat;
    usedLag = adf.usedLag;
  }
  return {
    stat,
    pValue: mackinnonp(stat, trend, kVars),
    critical: trend === "n" ? { "1%": NaN, "5%": NaN, "10%": NaN } : mackinnoncrit(kVars, trend, n - 1),
    beta: Array.from(fit.params.subarray(0, xs.length)),
    intercept: trend === "n" ? 0 : fit.params[xs.length]!,
    resid: fit.resid,
    usedLag,
    nobs: n,
    trend,
  };
}

function isSeriesList(v: ArrayLike<number> | readonly ArrayLike<number>[]): v is readonly ArrayLike<number>[] {
  return Array.isArray(v) && v.length > 0 && typeof v[0] === "object" && v[0] !== null;
}

export interface HalfLife {
  /** Bars for a deviation to halve: -ln 2 / ln(1 + lambda); Infinity when lambda >= 0 (no mean reversion). */
  halfLife: number;
  /** Slope of ds_t on s_{t-1} (with intercept). */
  lambda: number;
}

/**
 * Mean-reversion half-life of a spread from the discretised Ornstein-Uhlenbeck regression
 * ds_t = c + lambda s_{t-1} + e_t: s decays by (1 + lambda) per bar, so half-life = -ln 2 / ln(1 + lambda).
 */
export function halfLife(spread: ArrayLike<number>): HalfLife {
  const where = "halfLife";
  const s = finiteSeries(spread, where, "spread");
  if (s.length < 3) throw contextError({ where, what: `${s.length} points are too few`, expected: "at least 3" });
  const lagged = s.slice(0, -1);
  const ds = new Float64Array(s.length - 1);
  for (let t = 1; t < s.length; t++) ds[t - 1] = s[t]! - s[t - 1]!;
  const fit = ols([ones(lagged.length), lagged], ds, where);
  const lambda = fit.params[1]!;
  return { lambda, halfLife: lambda < 0 && lambda > -1 ? -Math.LN2 / Math.log1p(lambda) : lambda <= -1 ? 0 : Infinity };
}
