import { contextError } from "../util/errors.js";
import { checkRegression, mackinnoncrit, mackinnonp, type CriticalValues, type Regression } from "./mackinnon.js";
import { checkKeys, finiteSeries } from "./input.js";
import { gaussianLlf, householderQr, ols, trendColumns } from "./ols.js";

export type Autolag = "aic" | "bic" | "t-stat";

export interface AdfOptions {
  /**
   * Largest lag of the differenced series. Default 12 (n/100)^(1/4) rounded up (Schwert 1989), capped at
   * floor(n/2) - ntrend - 1; a given value above that cap is an error (statsmodels' rule).
   */
  maxlag?: number;
  /** Deterministic terms of the test regression: "c" (default), "ct", "ctt" or "n" (none). */
  regression?: Regression;
  /**
   * Lag selection: "aic" (default) or "bic" pick the lag in 0..maxlag minimising the criterion, all candidates
   * fitted on the same maxlag-trimmed sample; "t-stat" starts at maxlag and drops lags until the last one is
   * significant at 5% (|t| >= 1.645); null uses maxlag lags.
   */
  autolag?: Autolag | null;
}

export interface AdfResult {
  /** The ADF statistic: t-ratio of gamma in the test regression. */
  stat: number;
  /** MacKinnon (1994) approximate p-value (N = 1). */
  pValue: number;
  /** Lags of the differenced series in the final regression. */
  usedLag: number;
  /** Observations in the final regression (n - 1 - usedLag). */
  nobs: number;
  /** MacKinnon (2010) critical values for `nobs`. */
  critical: CriticalValues;
  /** Best information criterion (or |t| of the last lag for "t-stat"); NaN without autolag. */
  icBest: number;
  maxLag: number;
  regression: Regression;
  /** Coefficient on the lagged level (rho - 1) and its standard error. */
  gamma: number;
  gammaSe: number;
}

const ADF_KEYS = ["maxlag", "regression", "autolag"];
const T_STOP = 1.6448536269514722; // Phi^-1(0.95)

/**
 * Augmented Dickey-Fuller unit-root test (Dickey & Fuller 1979; Said & Dickey 1984), statsmodels' `adfuller`:
 *
 *   dx_t = gamma x_{t-1} + sum_{i=1..p} phi_i dx_{t-i} + deterministic terms + e_t
 *
 * H0: gamma = 0 (unit root); a statistic below the critical value rejects it. The deterministic terms use the
 * trend t = 1..nobs of the regression sample. Throws on non-finite input, a constant series or too few points.
 */
export function adfuller(x: ArrayLike<number>, opts: AdfOptions = {}): AdfResult {
  const where = "adfuller";
  checkKeys(opts, ADF_KEYS, where);
  const regression = checkRegression(opts.regression ?? "c", where);
  const autolag = opts.autolag === undefined ? "aic" : opts.autolag;
  if (autolag !== null && autolag !== "aic" && autolag !== "bic" && autolag !== "t-stat") {
    throw contextError({ where, what: `autolag '${String(autolag)}' is not understood`, expected: "aic, bic, t-stat or null" });
  }
  const xs = finiteSeries(x, where, "x");
  const n = xs.length;
  let min = Infinity;
  let max = -Infinity;
  for (const v of xs) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === max) throw contextError({ where, what: "x is constant", expected: "a series that varies" });
  const ntrend = regression === "n" ? 0 : regression.length;
  const cap = Math.floor(n / 2) - ntrend - 1;
  let maxLag: number;
  if (opts.maxlag === undefined) {
    maxLag = Math.min(cap, Math.ceil(12 * Math.pow(n / 100, 1 / 4)));
    if (maxLag < 0) throw contextError({ where, what: `${n} observations are too short for regression '${regression}'`, expected: `at least ${2 * (ntrend + 1)}` });
  } else {
    if (!Number.isInteger(opts.maxlag) || opts.maxlag < 0) throw contextError({ where, what: "maxlag must be an integer >= 0", found: String(opts.maxlag) });
    if (opts.maxlag > cap) {
      throw contextError({ where, what: `maxlag ${opts.maxlag} is too large for ${n} observations`, expected: `at most floor(n/2) - 1 - ntrend = ${cap}` });
    }
    maxLag = opts.maxlag;
  }
  const dx = new Float64Array(n - 1);
  for (let t = 0; t < n - 1; t++) dx[t] = xs[t + 1]! - xs[t]!;

  let usedLag = maxLag;
  let icBest = NaN;
  if (autolag !== null) {
    // Candidates share the sample trimmed for maxLag; columns: trend terms, level, lags 1..maxLag (nested prefixes).
    const nobs = n - 1 - maxLag;
    const cols = [...trendColumns(regression, nobs), ...lagColumns(xs, dx, maxLag, maxLag)];
    const y = dx.subarray(maxLag);
    const { qty, k } = householderQr(cols, y, where);
    const ssr = new Float64Array(k + 1); // ssr[j]: regression on the first j columns
    let tail = 0;
    for (let i = k; i < nobs; i++) tail += qty[i]! ** 2;
    for (let j = k; j >= 1; j--) {
      ssr[j] = tail;
      tail += qty[j - 1]! ** 2;
    }
    const startLag = ntrend + 1;
    let bestCols = startLag + maxLag;
    if (autolag === "t-stat") {
      for (let j = startLag + maxLag; j >= startLag; j--) {
        // |t| of the last coefficient of the j-column model: |(Q'y)_j| / s_j (R^-1 has 1/R_jj alone in that row).
        icBest = Math.abs(qty[j - 1]!) / Math.sqrt(ssr[j]! / (nobs - j));
        bestCols = j;
        if (icBest >= T_STOP) break;
      }
    } else {
      const penalty = autolag === "aic" ? 2 : Math.log(nobs);
      icBest = Infinity;
      for (let j = startLag; j <= startLag + maxLag; j++) {
        const ic = -2 * gaussianLlf(ssr[j]!, nobs) + penalty * j;
        if (ic < icBest) {
          icBest = ic;
          bestCols = j;
        }
      }
    }
    usedLag = bestCols - startLag;
  }
  // Final regression on the sample trimmed for usedLag: level, lags, trend terms.
  const nobs = n - 1 - usedLag;
  const cols = [...lagColumns(xs, dx, usedLag, usedLag), ...trendColumns(regression, nobs)];
  const fit = ols(cols, dx.slice(usedLag), where);
  const stat = fit.tvalues[0]!;
  return {
    stat,
    pValue: mackinnonp(stat, regression, 1),
    usedLag,
    nobs,
    critical: mackinnoncrit(1, regression, nobs),
    icBest,
    maxLag,
    regression,
    gamma: fit.params[0]!,
    gammaSe: fit.bse[0]!,
  };
}

/** [x_{t}, dx_{t-1}, ..., dx_{t-lags}] for t = trim..n-2 (the regression of dx_t), as statsmodels' lagmat. */
function lagColumns(xs: Float64Array, dx: Float64Array, lags: number, trim: number): Float64Array[] {
  const nobs = dx.length - trim;
  const level = xs.slice(trim, trim + nobs);
  const out = [level];
  for (let i = 1; i <= lags; i++) out.push(dx.slice(trim - i, trim - i + nobs));
  return out;
}
