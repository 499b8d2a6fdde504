/**
 * Ordinary least squares by Householder QR on column-major Float64Arrays. The unit-root and cointegration tests
 * run thousands of small regressions (lag searches, pair scans), so this avoids allocating matrix objects; it is
 * checked against ml-matrix's QR solver in the tests.
 */
import { contextError } from "../util/errors.js";

export interface OlsFit {
  /** Coefficients, one per column of X, in column order. */
  params: Float64Array;
  /** Standard errors sqrt(s^2 [(X'X)^-1]_ii) with s^2 = ssr / (nobs - k). */
  bse: Float64Array;
  /** params / bse. */
  tvalues: Float64Array;
  /** y - X params. */
  resid: Float64Array;
  /** Sum of squared residuals. */
  ssr: number;
  nobs: number;
  /** Number of columns (all must be linearly independent). */
  k: number;
  /** Gaussian log-likelihood at the MLE of the variance: -n/2 (log(2 pi) + log(ssr / n) + 1). */
  llf: number;
  /** -2 llf + 2k (statsmodels' OLS `aic`; k counts the constant when there is one). */
  aic: number;
  /** -2 llf + log(n) k. */
  bic: number;
}

/** Columns of a design matrix, each of length nobs. */
export type Columns = readonly Float64Array[];

/** Gaussian log-likelihood of an OLS fit (statsmodels' `OLS.loglike` at the fitted variance). */
export function gaussianLlf(ssr: number, nobs: number): number {
  return (-nobs / 2) * (Math.log(2 * Math.PI) + Math.log(ssr / nobs) + 1);
}

/**
 * Householder QR of X (n x k, given as columns; copied, not modified) applied to y. Returns R's diagonal and
 * upper triangle (column-major k x k) and Q'y (length n). Throws when a column is (numerically) a linear
 * combination of the previous ones.
 */
export function householderQr(
  cols: Columns,
  y: Float64Array,
  where = "householderQr",
): { r: Float64Array; qty: Float64Array; n: number; k: number } {
  const k = cols.length;
  const n = y.length;
  if (k === 0) throw contextError({ where, what: "the design matrix has no columns" });
  if (n < k) throw contextError({ where, what: `${n} observations are too few for ${k} regressors`, expected: `at least ${k}` });
  const a = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    const c = cols[j]!;
    if (c.length !== n) throw contextError({ where, what: `column ${j} has length ${c.length}`, expected: `${n} (the length of y)` });
    a.set(c, j * n);
  }
  const qty = Float64Array.from(y);
  const r = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    const cj = j * n;
    let norm2 = 0;
    let colScale = 0;
    for (let i = j; i < n; i++) norm2 += a[cj + i]! ** 2;
    for (let i = 0; i < n; i++) colScale = Math.max(colScale, Math.abs(cols[j]![i]!));
    const norm = Math.sqrt(norm2);
    // Rank check relative to the column's own scale: what is left after removing the span of the previous columns.
    if (!(norm > 1e-12 * colScale * Math.sqrt(n)) || colScale === 0) {
      throw contextError({ where, what: `regressor column ${j} is (numerically) a linear combination of the previous columns`, expected: "linearly independent regressors" });
    }
    const alpha = a[cj + j]! > 0 ? -norm : norm;
    a[cj + j] = a[cj + j]! - alpha;
    let vnorm2 = 0;
    for (let i = j; i < n; i++) vnorm2 += a[cj + i]! ** 2;
    for (let c = j + 1; c < k; c++) {
      const cc = c * n;
      let s = 0;
      for (let i = j; i < n; i++) s += a[cj + i]! * a[cc + i]!;
      const f = (2 * s) / vnorm2;
      for (let i = j; i < n; i++) a[cc + i] = a[cc + i]! - f * a[cj + i]!;
      r[c * k + j] = a[cc + j]!;
    }
    let s = 0;
    for (let i = j; i < n; i++) s += a[cj + i]! * qty[i]!;
    const f = (2 * s) / vnorm2;
    for (let i = j; i < n; i++) qty[i] = qty[i]! - f * a[cj + i]!;
    r[j * k + j] = alpha;
  }
  return { r, qty, n, k };
}

/**
 * Residual sums of squares of the nested regressions of y on the first j columns of X, for j = 1..k, from one
 * QR: RSS_j = sum_{i >= j} (Q'y)_i^2. Entry j-1 is RSS_j.
 */
export function nestedSsr(cols: Columns, y: Float64Array, where = "nestedSsr"): Float64Array {
  const { qty, n, k } = householderQr(cols, y, where);
  const out = new Float64Array(k);
  let tail = 0;
  for (let i = k; i < n; i++) tail += qty[i]! ** 2;
  for (let j = k; j >= 1; j--) {
    out[j - 1] = tail;
    tail += qty[j - 1]! ** 2;
  }
  return out;
}

/** OLS of y on the columns of X (add a column of ones yourself for an intercept). */
export function ols(cols: Columns, y: Float64Array, where = "ols"): OlsFit {
  const { r, qty, n, k } = householderQr(cols, y, where);
  // Back substitution R b = (Q'y)[0..k).
  const params = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = qty[i]!;
    for (let c = i + 1; c < k; c++) s -= r[c * k + i]! * params[c]!;
    params[i] = s / r[i * k + i]!;
  }
  let ssr = 0;
  for (let i = k; i < n; i++) ssr += qty[i]! ** 2;
  // diag((X'X)^-1) = row sums of squares of R^-1 (R^-1 upper triangular, solved column by column).
  const rinv = new Float64Array(k * k);
  for (let c = 0; c < k; c++) {
    rinv[c * k + c] = 1 / r[c * k + c]!;
    for (let i = c - 1; i >= 0; i--) {
      let s = 0;
      for (let m = i + 1; m <= c; m++) s += r[m * k + i]! * rinv[c * k + m]!;
      rinv[c * k + i] = -s / r[i * k + i]!;
    }
  }
  const dof = n - k;
  const s2 = dof > 0 ? ssr / dof : NaN;
  const bse = new Float64Array(k);
  const tvalues = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let d = 0;
    for (let c = i; c < k; c++) d += rinv[c * k + i]! ** 2;
    bse[i] = Math.sqrt(s2 * d);
    tvalues[i] = params[i]! / bse[i]!;
  }
  const resid = Float64Array.from(y);
  for (let j = 0; j < k; j++) {
    const col = cols[j]!;
    const b = params[j]!;
    for (let i = 0; i < n; i++) resid[i] = resid[i]! - b * col[i]!;
  }
  const llf = gaussianLlf(ssr, n);
  return { params, bse, tvalues, resid, ssr, nobs: n, k, llf, aic: -2 * llf + 2 * k, bic: -2 * llf + Math.log(n) * k };
}

/** A column of n ones. */
export function ones(n: number): Float64Array {
  return new Float64Array(n).fill(1);
}

/**
 * Deterministic trend columns as statsmodels' `add_trend`: "c" a constant, "ct" constant and t = 1..n, "ctt"
 * also t^2, "n" none.
 */
export function trendColumns(trend: "n" | "c" | "ct" | "ctt", n: number): Float64Array[] {
  const out: Float64Array[] = [];
  if (trend === "n") return out;
  out.push(ones(n));
  if (trend === "ct" || trend === "ctt") out.push(Float64Array.from({ length: n }, (_, i) => i + 1));
  if (trend === "ctt") out.push(Float64Array.from({ length: n }, (_, i) => (i + 1) ** 2));
  return out;
}
