/**
 * Risk parity / equal risk contribution (Maillard, Roncalli & Teiletche 2010), solved by Newton's method on the
 * strictly convex problem of Spinu (2013), "An algorithm for computing risk parity weights":
 *
 *     min_y  1/2 y'Sy - sum_i b_i log y_i,   y > 0;    w = y / sum(y)
 *
 * whose optimum has y_i (Sy)_i = b_i, i.e. risk contributions RC_i = w_i (Sw)_i / w'Sw equal to the budgets b_i
 * (default 1/n: equal risk contribution). Long-only, fully invested.
 */
import { contextError } from "../util/errors.js";
import { toCovariance, toRecord, vectorFor, type CovarianceMatrix } from "./inputs.js";
import { choleskyInPlace, choleskySolve, matVec } from "./linalg.js";

export interface RiskParityResult {
  weights: Record<string, number>;
  /** Fraction of portfolio variance from each asset (sums to 1). */
  riskContributions: Record<string, number>;
  iterations: number;
}

/** Equal-risk-contribution (or risk-budget) weights for a covariance matrix. */
export function riskParity(cov: CovarianceMatrix, opts: { budgets?: Readonly<Record<string, number>>; tolerance?: number } = {}): RiskParityResult {
  const where = "riskParity";
  const { S, n, tickers } = toCovariance(cov, where);
  const b = opts.budgets ? vectorFor(opts.budgets, tickers, where, "budgets") : new Float64Array(n).fill(1 / n);
  if (b.some((v) => !(v > 0))) throw contextError({ where, what: "every risk budget must be positive" });
  const bs = b.reduce((x, y) => x + y, 0);
  for (let i = 0; i < n; i++) b[i] = b[i]! / bs;
  const tol = opts.tolerance ?? 1e-24;
  // Start at inverse-volatility, scaled so y'Sy = 1.
  let y = Float64Array.from({ length: n }, (_, i) => 1 / Math.sqrt(S[i * n + i]!));
  const f = (v: Float64Array) => 0.5 * dotv(v, matVec(S, n, v)) - b.reduce((a, bi, i) => a + bi * Math.log(v[i]!), 0);
  let it = 0;
  for (; it < 100; it++) {
    const Sy = matVec(S, n, y);
    const g = Float64Array.from({ length: n }, (_, i) => Sy[i]! - b[i]! / y[i]!);
    const H = Float64Array.from(S);
    for (let i = 0; i < n; i++) H[i * n + i]! += b[i]! / (y[i]! * y[i]!);
    if (!choleskyInPlace(H, n)) throw contextError({ where, what: "the covariance matrix is not positive definite" });
    const d = Float64Array.from(g);
    choleskySolve(H, n, d); // Newton step: y - d
    const decrement = dotv(g, d);
    if (decrement / 2 < tol) break;
    let t = 1;
    while (Array.from(y).some((v, i) => v - t * d[i]! <= 0)) t /= 2;
    const f0 = f(y);
    let next = y.map((v, i) => v - t * d[i]!);
    while (f(next) > f0 - 0.25 * t * decrement && t > 1e-12) {
      t /= 2;
      next = y.map((v, i) => v - t * d[i]!);
    }
    y = next;
  }
  const s = y.reduce((a, v) => a + v, 0);
  const w = y.map((v) => v / s);
  return { weights: toRecord(tickers, w), riskContributions: riskContributions(toRecord(tickers, w), cov), iterations: it };
}

/** Fractions of variance w_i (Sw)_i / w'Sw per asset. */
export function riskContributions(weights: Readonly<Record<string, number>>, cov: CovarianceMatrix): Record<string, number> {
  const { S, n, tickers } = toCovariance(cov, "riskContributions");
  const w = vectorFor(weights, tickers, "riskContributions", "weights");
  const Sw = matVec(S, n, w);
  const v = dotv(w, Sw);
  return toRecord(tickers, Array.from(w, (wi, i) => (wi * Sw[i]!) / v));
}

function dotv(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
