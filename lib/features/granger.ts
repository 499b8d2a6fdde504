import jStat from "jstat";
import { Matrix, QrDecomposition } from "ml-matrix";
import { contextError } from "../util/errors.js";
import { checkInt, sameLength, toF64, type Series } from "./series.js";

export interface GrangerResult {
  /** F statistic of the joint restriction "all lags of x have zero coefficient". */
  f: number;
  /** Upper tail probability of F(lags, df) (jStat's central F distribution). */
  pValue: number;
  /** Numerator and denominator degrees of freedom: lags and T - 2 lags - 1. */
  df1: number;
  df2: number;
  /** Residual sums of squares of the restricted (own lags only) and unrestricted models. */
  rssRestricted: number;
  rssUnrestricted: number;
  /** Observations used (T = length - lags). */
  observations: number;
}

/**
 * Granger causality test (Granger 1969) of "x Granger-causes y" with `lags` lags: OLS of
 *   restricted:   y_t = c + sum_{i=1..p} a_i y_{t-i} + e_t
 *   unrestricted: y_t = c + sum a_i y_{t-i} + sum_{i=1..p} b_i x_{t-i} + e_t
 * over t = p..n-1 (T = n - p observations), F = ((RSS_r - RSS_u) / p) / (RSS_u / (T - 2p - 1)), p-value from
 * F(p, T - 2p - 1). This is statsmodels' `ssr_ftest`. Series must be finite (no NaN).
 */
export function grangerCausality(x: Series, y: Series, lags = 1): GrangerResult {
  const where = "grangerCausality";
  checkInt(lags, where, "lags");
  const n = sameLength(where, { x, y });
  const xs = toF64(x, where, "x");
  const ys = toF64(y, where, "y");
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(xs[i]!) || !Number.isFinite(ys[i]!)) {
      throw contextError({ where, what: `x or y is not finite at index ${i}`, expected: "finite series (drop NaNs first)" });
    }
  }
  const T = n - lags;
  const df2 = T - 2 * lags - 1;
  if (df2 < 1) throw contextError({ where, what: `${n} observations are too few for ${lags} lags`, expected: `at least ${3 * lags + 2}` });
  const target = Matrix.columnVector(Array.from(ys.subarray(lags)));
  const design = (withX: boolean) => {
    const cols = 1 + lags * (withX ? 2 : 1);
    const m = new Matrix(T, cols);
    for (let t = 0; t < T; t++) {
      m.set(t, 0, 1);
      for (let i = 1; i <= lags; i++) {
        m.set(t, i, ys[lags + t - i]!);
        if (withX) m.set(t, lags + i, xs[lags + t - i]!);
      }
    }
    return m;
  };
  const rss = (m: Matrix) => {
    const beta = new QrDecomposition(m).solve(target);
    const resid = target.clone().sub(m.mmul(beta));
    let s = 0;
    for (let t = 0; t < T; t++) s += resid.get(t, 0) ** 2;
    return s;
  };
  const rssR = rss(design(false));
  const rssU = rss(design(true));
  const f = (rssR - rssU) / lags / (rssU / df2);
  const pValue = 1 - jStat.centralF.cdf(f, lags, df2);
  return { f, pValue, df1: lags, df2, rssRestricted: rssR, rssUnrestricted: rssU, observations: T };
}
