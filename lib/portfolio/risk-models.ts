/**
 * Risk models: annualised covariance matrices, with PyPortfolioOpt's conventions (pypfopt.risk_models, v1.5):
 *
 * - Returns from prices without filling gaps (see `returnsFromPrices`).
 * - `sampleCov` is pandas `DataFrame.cov()`: pairwise-complete observations, each pair's own means, ddof 1.
 * - `semicovariance` treats a missing return as no shortfall (numpy `fmin(NaN, 0) = 0`) and divides by all rows T.
 * - `expCov` demeans each ticker over its own history, then takes pandas' EWMA (adjust=True) of the products.
 * - The shrinkage estimators (Ledoit-Wolf, OAS) replace missing returns by 0 (`np.nan_to_num`) and, like
 *   scikit-learn, use the maximum-likelihood covariance (divide by T) of the centred data, except the constant-
 *   correlation target, which starts from the pairwise sample covariance as PyPortfolioOpt does.
 * - Everything is multiplied by `frequency` (default 252) and then passed through `fixNonPsd` (spectral).
 */
import { contextError } from "../util/errors.js";
import { pairCov, returnColumns, ewmLast, type ReturnsOptions } from "./expected-returns.js";
import { toCovariance, toNested, type Columns, type CovarianceMatrix, type PriceInput } from "./inputs.js";
import { choleskyInPlace, symmetricEigen } from "./linalg.js";

export interface RiskModelOptions extends ReturnsOptions {
  /** The input holds returns, not prices (default false). */
  returnsData?: boolean;
  /** Periods per year (default 252). */
  frequency?: number;
  /** How to repair a matrix that is not positive semidefinite (default "spectral"). */
  fixMethod?: FixMethod;
}

export type FixMethod = "spectral" | "diag";

function prepare(prices: PriceInput, opts: RiskModelOptions, where: string): { r: Columns; frequency: number; fixMethod: FixMethod } {
  const frequency = opts.frequency ?? 252;
  if (!(frequency > 0)) throw contextError({ where, what: "option 'frequency' must be a positive number", found: String(frequency) });
  const fixMethod = opts.fixMethod ?? "spectral";
  if (fixMethod !== "spectral" && fixMethod !== "diag") throw contextError({ where, what: "unknown fixMethod", expected: "'spectral' or 'diag'", found: JSON.stringify(fixMethod) });
  return { r: returnColumns(prices, opts, where), frequency, fixMethod };
}

function finish(tickers: string[], S: Float64Array, n: number, fixMethod: FixMethod): CovarianceMatrix {
  return fixNonPsd({ tickers, matrix: toNested(S, n) }, fixMethod);
}

/** Pairwise-complete sample covariance (ddof 1) of the columns, not annualised: pandas `DataFrame.cov()`. */
export function pairwiseCov(r: Columns): Float64Array {
  const n = r.tickers.length;
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = pairCov(r.columns[i]!, r.columns[j]!);
      S[i * n + j] = v;
      S[j * n + i] = v;
    }
  }
  return S;
}

/**
 * Pairwise-complete covariance (ddof 1) and correlation of the columns, like pandas `DataFrame.cov()` and
 * `DataFrame.corr()`: each pair uses only the rows where both values are present, with that pair's own means and,
 * for the correlation, that pair's own standard deviations. So corr_ij is not cov_ij / sqrt(cov_ii cov_jj) when the
 * two columns start on different dates. Not annualised. A pair with fewer than 2 common rows gives NaN.
 */
export function pairwiseCovCorr(r: Columns): { cov: Float64Array; corr: Float64Array } {
  const n = r.tickers.length;
  const T = r.length;
  const cov = new Float64Array(n * n);
  const corr = new Float64Array(n * n);
  const cols = r.columns;
  // Columns without gaps are centred once; for a pair of them the pair's sums of squares are the columns' own, so
  // each pair is one dot product over all rows.
  const centred: (Float64Array | null)[] = [];
  const ss = new Float64Array(n);
  cols.forEach((c, i) => {
    let s = 0;
    for (let t = 0; t < T; t++) s += c[t]!;
    if (Number.isNaN(s)) return void centred.push(null);
    const m = s / T;
    const x = new Float64Array(T);
    let q = 0;
    for (let t = 0; t < T; t++) {
      const v = c[t]! - m;
      x[t] = v;
      q += v * v;
    }
    ss[i] = q;
    centred.push(x);
  });
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      let k = 0;
      const a = centred[i];
      const b = centred[j];
      if (a && b) {
        let s0 = 0;
        let s1 = 0;
        let t = 0;
        for (; t + 1 < T; t += 2) {
          s0 += a[t]! * b[t]!;
          s1 += a[t + 1]! * b[t + 1]!;
        }
        if (t < T) s0 += a[t]! * b[t]!;
        sxy = s0 + s1;
        sxx = ss[i]!;
        syy = ss[j]!;
        k = T;
      } else {
        const x0 = cols[i]!;
        const y0 = cols[j]!;
        let sx = 0;
        let sy = 0;
        for (let t = 0; t < T; t++) {
          const x = x0[t]!;
          const y = y0[t]!;
          if (Number.isNaN(x) || Number.isNaN(y)) continue;
          k++;
          sx += x;
          sy += y;
        }
        const mx = sx / k;
        const my = sy / k;
        for (let t = 0; t < T; t++) {
          const x = x0[t]! - mx;
          const y = y0[t]! - my;
          if (Number.isNaN(x) || Number.isNaN(y)) continue;
          sxy += x * y;
          sxx += x * x;
          syy += y * y;
        }
      }
      cov[i * n + j] = cov[j * n + i] = k < 2 ? NaN : sxy / (k - 1);
      corr[i * n + j] = corr[j * n + i] = k < 2 || !(sxx * syy > 0) ? NaN : i === j ? 1 : sxy / Math.sqrt(sxx * syy);
    }
  }
  return { cov, corr };
}

/** Annualised sample covariance of returns (pypfopt `sample_cov`): pandas `returns.cov() * frequency`. */
export function sampleCov(prices: PriceInput, opts: RiskModelOptions = {}): CovarianceMatrix {
  const { r, frequency, fixMethod } = prepare(prices, opts, "sampleCov");
  const n = r.tickers.length;
  const S = pairwiseCov(r);
  for (let k = 0; k < S.length; k++) S[k] = S[k]! * frequency;
  return finish(r.tickers, S, n, fixMethod);
}

export interface SemicovarianceOptions extends RiskModelOptions {
  /** Benchmark return per period (default 0.000079, about 1.02^(1/252) - 1). */
  benchmark?: number;
}

/** Semicovariance (pypfopt `semicovariance`): E[min(r_i - B, 0) min(r_j - B, 0)] * frequency over all T rows. */
export function semicovariance(prices: PriceInput, opts: SemicovarianceOptions = {}): CovarianceMatrix {
  const { r, frequency, fixMethod } = prepare(prices, opts, "semicovariance");
  const B = opts.benchmark ?? 0.000079;
  const n = r.tickers.length;
  const T = r.length;
  const drops = r.columns.map((col) => Float64Array.from(col, (v) => (Number.isNaN(v) ? 0 : Math.min(v - B, 0))));
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      const a = drops[i]!;
      const b = drops[j]!;
      for (let t = 0; t < T; t++) s += a[t]! * b[t]!;
      S[i * n + j] = S[j * n + i] = (s / T) * frequency;
    }
  }
  return finish(r.tickers, S, n, fixMethod);
}

export interface ExpCovOptions extends RiskModelOptions {
  /** EWMA span in periods (default 180). */
  span?: number;
}

/** Exponentially weighted covariance (pypfopt `exp_cov`): EWMA of (x - mean x)(y - mean y), times frequency. */
export function expCov(prices: PriceInput, opts: ExpCovOptions = {}): CovarianceMatrix {
  const { r, frequency, fixMethod } = prepare(prices, opts, "expCov");
  const span = opts.span ?? 180;
  if (!(span >= 1)) throw contextError({ where: "expCov", what: "option 'span' must be at least 1", found: String(span) });
  const n = r.tickers.length;
  const T = r.length;
  const centred = r.columns.map((col) => {
    let s = 0;
    let k = 0;
    for (const v of col) if (!Number.isNaN(v)) (s += v), k++;
    const m = s / k;
    return Float64Array.from(col, (v) => v - m);
  });
  const S = new Float64Array(n * n);
  const prod = new Float64Array(T);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const a = centred[i]!;
      const b = centred[j]!;
      for (let t = 0; t < T; t++) prod[t] = a[t]! * b[t]!;
      S[i * n + j] = S[j * n + i] = ewmLast(prod, span) * frequency;
    }
  }
  return finish(r.tickers, S, n, fixMethod);
}

export type ShrinkageTarget = "constant_variance" | "single_factor" | "constant_correlation";

export interface ShrinkageOptions extends RiskModelOptions {
  /** Ledoit-Wolf target (default "constant_variance", scikit-learn's `ledoit_wolf`). */
  shrinkageTarget?: ShrinkageTarget;
}

/** A shrunk covariance matrix with its shrinkage intensity `delta` in [0, 1]. */
export interface ShrunkCovariance extends CovarianceMatrix {
  delta: number;
}

/** Returns with NaN replaced by 0 (np.nan_to_num), as T x n row-major, and centred copy. */
function zeroFilled(r: Columns): { X: Float64Array; Xm: Float64Array; T: number; n: number } {
  const n = r.tickers.length;
  const T = r.length;
  const X = new Float64Array(T * n);
  const Xm = new Float64Array(T * n);
  for (let i = 0; i < n; i++) {
    const col = r.columns[i]!;
    let s = 0;
    for (let t = 0; t < T; t++) {
      const v = Number.isNaN(col[t]!) ? 0 : col[t]!;
      X[t * n + i] = v;
      s += v;
    }
    const m = s / T;
    for (let t = 0; t < T; t++) Xm[t * n + i] = X[t * n + i]! - m;
  }
  return { X, Xm, T, n };
}

/** Xm^T Xm / T (maximum-likelihood covariance of centred data). */
function mleCov(Xm: Float64Array, T: number, n: number): Float64Array {
  const S = new Float64Array(n * n);
  for (let t = 0; t < T; t++) {
    const o = t * n;
    for (let i = 0; i < n; i++) {
      const a = Xm[o + i]!;
      if (a === 0) continue;
      const ri = i * n;
      for (let j = 0; j <= i; j++) S[ri + j]! += a * Xm[o + j]!;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) S[j * n + i] = S[i * n + j] = S[i * n + j]! / T;
  return S;
}

/**
 * Ledoit-Wolf shrinkage (pypfopt `CovarianceShrinkage.ledoit_wolf`).
 * - "constant_variance": scikit-learn `ledoit_wolf` (Ledoit & Wolf 2004): target mu I, mu = tr(S)/n.
 * - "single_factor": Ledoit & Wolf (2003) "Improved estimation of the covariance matrix of stock returns" with the
 *   equal-weighted market as the factor.
 * - "constant_correlation": Ledoit & Wolf (2004) "Honey, I shrunk the sample covariance matrix".
 */
export function ledoitWolf(prices: PriceInput, opts: ShrinkageOptions = {}): ShrunkCovariance {
  const { r, frequency, fixMethod } = prepare(prices, opts, "ledoitWolf");
  const target = opts.shrinkageTarget ?? "constant_variance";
  const { Xm, T, n } = zeroFilled(r);
  let shrunk: Float64Array;
  let delta: number;
  if (target === "constant_variance") {
    const S = mleCov(Xm, T, n);
    let mu = 0;
    for (let i = 0; i < n; i++) mu += S[i * n + i]!;
    mu /= n;
    // scikit-learn ledoit_wolf_shrinkage
    let deltaSum = 0;
    for (let k = 0; k < n * n; k++) deltaSum += S[k]! * S[k]!;
    const colSq = new Float64Array(n * n); // sum_t x_ti^2 x_tj^2
    for (let t = 0; t < T; t++) {
      const o = t * n;
      for (let i = 0; i < n; i++) {
        const a = Xm[o + i]! * Xm[o + i]!;
        for (let j = 0; j < n; j++) colSq[i * n + j]! += a * Xm[o + j]! * Xm[o + j]!;
      }
    }
    let betaSum = 0;
    for (let k = 0; k < n * n; k++) betaSum += colSq[k]!;
    let beta = (1 / (n * T)) * (betaSum / T - deltaSum);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += S[i * n + i]!;
    const d = (deltaSum - 2 * mu * trace + n * mu * mu) / n;
    beta = Math.min(beta, d);
    delta = beta === 0 ? 0 : beta / d;
    shrunk = new Float64Array(n * n);
    for (let k = 0; k < n * n; k++) shrunk[k] = (1 - delta) * S[k]!;
    for (let i = 0; i < n; i++) shrunk[i * n + i]! += delta * mu;
  } else if (target === "single_factor") {
    ({ shrunk, delta } = singleFactor(Xm, T, n));
  } else if (target === "constant_correlation") {
    ({ shrunk, delta } = constantCorrelation(Xm, T, n, pairwiseCov(r)));
  } else {
    throw contextError({ where: "ledoitWolf", what: "unknown shrinkage target", expected: "'constant_variance', 'single_factor' or 'constant_correlation'", found: JSON.stringify(target) });
  }
  for (let k = 0; k < shrunk.length; k++) shrunk[k] = shrunk[k]! * frequency;
  return { ...finish(r.tickers, shrunk, n, fixMethod), delta };
}

function singleFactor(Xm: Float64Array, T: number, n: number): { shrunk: Float64Array; delta: number } {
  // Market = row mean of the demeaned returns; "sample" = ML covariance of [Xm, xmkt] (np.cov * (t-1)/t).
  const xmkt = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Xm[t * n + i]!;
    xmkt[t] = s / n;
  }
  // np.cov demeans again; xmkt and Xm columns already have mean ~0, but demean exactly as numpy does.
  const N1 = n + 1;
  const Z = new Float64Array(T * N1);
  const means = new Float64Array(N1);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < n; i++) Z[t * N1 + i] = Xm[t * n + i]!;
    Z[t * N1 + n] = xmkt[t]!;
  }
  for (let t = 0; t < T; t++) for (let i = 0; i < N1; i++) means[i]! += Z[t * N1 + i]!;
  for (let i = 0; i < N1; i++) means[i] = means[i]! / T;
  const Zc = Float64Array.from(Z, (v, k) => v - means[k % N1]!);
  const full = mleCov(Zc, T, N1);
  const betas = new Float64Array(n);
  for (let i = 0; i < n; i++) betas[i] = full[i * N1 + n]!;
  const varmkt = full[n * N1 + n]!;
  const sample = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sample[i * n + j] = full[i * N1 + j]!;
  const F = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) F[i * n + j] = i === j ? sample[i * n + i]! : (betas[i]! * betas[j]!) / varmkt;
  let c = 0;
  for (let k = 0; k < n * n; k++) c += (sample[k]! - F[k]!) ** 2;
  // y = Xm^2 ; p = 1/t sum(y^T y) - sum(sample^2)
  const yTy = new Float64Array(n * n);
  const yTz = new Float64Array(n * n); // y^T z with z = Xm * xmkt
  const zTz = new Float64Array(n * n);
  let sumY2 = 0;
  for (let t = 0; t < T; t++) {
    const m = xmkt[t]!;
    for (let i = 0; i < n; i++) {
      const xi = Xm[t * n + i]!;
      const yi = xi * xi;
      const zi = xi * m;
      sumY2 += yi * yi;
      for (let j = 0; j < n; j++) {
        const xj = Xm[t * n + j]!;
        yTy[i * n + j]! += yi * xj * xj;
        yTz[i * n + j]! += yi * xj * m;
        zTz[i * n + j]! += zi * xj * m;
      }
    }
  }
  let sumSample2 = 0;
  let sumYTy = 0;
  for (let k = 0; k < n * n; k++) {
    sumSample2 += sample[k]! ** 2;
    sumYTy += yTy[k]!;
  }
  const p = sumYTy / T - sumSample2;
  let diagSq = 0;
  for (let i = 0; i < n; i++) diagSq += sample[i * n + i]! ** 2;
  const rdiag = sumY2 / T - diagSq;
  // v1 = 1/t y^T z - tile(betas) * sample, tile(betas,(n,)) -> B[i][j] = betas[i]
  let roff1a = 0;
  let roff1b = 0;
  let roff3a = 0;
  let roff3b = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v1 = yTz[i * n + j]! / T - betas[i]! * sample[i * n + j]!;
      roff1a += v1 * betas[j]!; // v1 * tile(betas).T -> B^T[i][j] = betas[j]
      const v3 = zTz[i * n + j]! / T - varmkt * sample[i * n + j]!;
      roff3a += v3 * betas[i]! * betas[j]!;
      if (i === j) {
        roff1b += v1 * betas[i]!;
        roff3b += v3 * betas[i]! * betas[i]!;
      }
    }
  }
  const roff1 = roff1a / varmkt - roff1b / varmkt;
  const roff3 = roff3a / varmkt ** 2 - roff3b / varmkt ** 2;
  const rr = rdiag + 2 * roff1 - roff3;
  const k = (p - rr) / c;
  const delta = Math.max(0, Math.min(1, k / T));
  const shrunk = Float64Array.from(sample, (v, idx) => delta * F[idx]! + (1 - delta) * v);
  return { shrunk, delta };
}

function constantCorrelation(Xm: Float64Array, T: number, n: number, S: Float64Array): { shrunk: Float64Array; delta: number } {
  const std = new Float64Array(n);
  for (let i = 0; i < n; i++) std[i] = Math.sqrt(S[i * n + i]!);
  let rsum = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rsum += S[i * n + j]! / (std[i]! * std[j]!);
  const rBar = (rsum - n) / (n * (n - 1));
  const F = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) F[i * n + j] = i === j ? S[i * n + i]! : rBar * std[i]! * std[j]!;
  // pi_mat = y^T y / t - 2 (Xm^T Xm) * S / t + S^2 ; y = Xm^2
  const yTy = new Float64Array(n * n);
  const XtX = new Float64Array(n * n);
  const X3tX = new Float64Array(n * n);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < n; i++) {
      const xi = Xm[t * n + i]!;
      const x2 = xi * xi;
      const x3 = x2 * xi;
      for (let j = 0; j < n; j++) {
        const xj = Xm[t * n + j]!;
        yTy[i * n + j]! += x2 * xj * xj;
        XtX[i * n + j]! += xi * xj;
        X3tX[i * n + j]! += x3 * xj;
      }
    }
  }
  let piHat = 0;
  let piDiag = 0;
  let thetaSum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const s = S[i * n + j]!;
      const pi = yTy[i * n + j]! / T - (2 * XtX[i * n + j]! * s) / T + s * s;
      piHat += pi;
      if (i === j) {
        piDiag += pi;
        continue;
      }
      const help = XtX[i * n + j]! / T;
      const helpDiagI = XtX[i * n + i]! / T;
      const theta = X3tX[i * n + j]! / T - helpDiagI * s - help * S[i * n + i]! + S[i * n + i]! * s;
      thetaSum += (std[j]! / std[i]!) * theta;
    }
  }
  const rhoHat = piDiag + rBar * thetaSum;
  let gamma = 0;
  for (let k = 0; k < n * n; k++) gamma += (S[k]! - F[k]!) ** 2;
  const kappa = (piHat - rhoHat) / gamma;
  const delta = Math.max(0, Math.min(1, kappa / T));
  const shrunk = Float64Array.from(S, (v, idx) => delta * F[idx]! + (1 - delta) * v);
  return { shrunk, delta };
}

/** Oracle approximating shrinkage (Chen et al. 2010), scikit-learn `oas` formula (pypfopt `oracle_approximating`). */
export function oracleApproximating(prices: PriceInput, opts: RiskModelOptions = {}): ShrunkCovariance {
  const { r, frequency, fixMethod } = prepare(prices, opts, "oracleApproximating");
  const { Xm, T, n } = zeroFilled(r);
  const S = mleCov(Xm, T, n);
  let mu = 0;
  for (let i = 0; i < n; i++) mu += S[i * n + i]!;
  mu /= n;
  let alpha = 0;
  for (let k = 0; k < n * n; k++) alpha += S[k]! * S[k]!;
  alpha /= n * n;
  const num = alpha + mu * mu;
  const den = (T + 1) * (alpha - (mu * mu) / n);
  const delta = den === 0 ? 1 : Math.min(num / den, 1);
  const shrunk = Float64Array.from(S, (v) => (1 - delta) * v);
  for (let i = 0; i < n; i++) shrunk[i * n + i]! += delta * mu;
  for (let k = 0; k < shrunk.length; k++) shrunk[k] = shrunk[k]! * frequency;
  return { ...finish(r.tickers, shrunk, n, fixMethod), delta };
}

/** Whether Cholesky succeeds on M + 1e-16 I (PyPortfolioOpt's `_is_positive_semidefinite`). */
export function isPositiveSemidefinite(cov: CovarianceMatrix | number[][]): boolean {
  const { S, n } = toCovariance(cov, "isPositiveSemidefinite");
  for (let i = 0; i < n; i++) S[i * n + i]! += 1e-16;
  return choleskyInPlace(S, n);
}

/**
 * Repairs a covariance matrix that is not positive semidefinite (pypfopt `fix_nonpositive_semidefinite`):
 * "spectral" sets negative eigenvalues to 0 and rebuilds V diag(q) V^T; "diag" adds -1.1 * min eigenvalue to the
 * diagonal. A matrix that already passes `isPositiveSemidefinite` is returned unchanged (same values, new object).
 */
export function fixNonPsd(cov: CovarianceMatrix, method: FixMethod = "spectral"): CovarianceMatrix {
  if (isPositiveSemidefinite(cov)) return { tickers: [...cov.tickers], matrix: cov.matrix.map((r) => [...r]) };
  const { S, n, tickers } = toCovariance(cov, "fixNonPsd");
  const { values, vectors } = symmetricEigen(S, n);
  const fixed = new Float64Array(n * n);
  if (method === "spectral") {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) if (values[k]! > 0) s += vectors[i * n + k]! * values[k]! * vectors[j * n + k]!;
        fixed[i * n + j] = fixed[j * n + i] = s;
      }
    }
  } else if (method === "diag") {
    fixed.set(S);
    for (let i = 0; i < n; i++) fixed[i * n + i]! -= 1.1 * values[0]!;
  } else {
    throw contextError({ where: "fixNonPsd", what: "unknown method", expected: "'spectral' or 'diag'", found: JSON.stringify(method) });
  }
  return { tickers, matrix: toNested(fixed, n) };
}

/** Correlation matrix from a covariance matrix (pypfopt `cov_to_corr`). */
export function covToCorr(cov: CovarianceMatrix): CovarianceMatrix {
  const { S, n, tickers } = toCovariance(cov, "covToCorr");
  const d = Float64Array.from({ length: n }, (_, i) => 1 / Math.sqrt(S[i * n + i]!));
  return { tickers, matrix: Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => S[i * n + j]! * d[i]! * d[j]!)) };
}
