/**
 * Black-Litterman (Black & Litterman 1992; He & Litterman 1999; Idzorek 2005) with PyPortfolioOpt's
 * `BlackLittermanModel` semantics (v1.5):
 *
 * - Prior pi: given, "market" (pi = delta S w_mkt + rf from market caps), "equal" (1/n each) or none (zeros).
 * - Views: absolute `{ ticker: return }` (P picks the ticker), or relative with Q and a picking matrix P whose rows
 *   are `{ ticker: weight }` (e.g. { GOOG: 1, FB: -1 }) or arrays in ticker order.
 * - Omega: "default" = diag(tau P S P^T) (He & Litterman); "idzorek" from confidences c in [0, 1]:
 *   omega_k = tau ((1 - c)/c) P_k S P_k^T (Walters 2014, closed form), 1e6 when c = 0; or a K x K matrix.
 * - Posterior returns: pi + tau S P^T (P tau S P^T + Omega)^-1 (Q - P pi); posterior covariance
 *   S + tau S - tau S P^T (P tau S P^T + Omega)^-1 P tau S.
 * - `blWeights(delta)`: w = (delta S)^-1 E[R] normalised to sum 1 (unconstrained; use EfficientFrontier with the
 *   posterior for constraints). `portfolioPerformance` uses the posterior returns and covariance, rf default 0.
 * - `marketImpliedRiskAversion(prices)`: (mean(r) * f - rf) / (var(r) * f) of the market's daily returns (ddof 1).
 */
import { contextError } from "../util/errors.js";
import { returnColumns } from "./expected-returns.js";
import { toCovariance, toRecord, vectorFor, type CovarianceMatrix, type PriceInput } from "./inputs.js";
import { luSolve, matVec } from "./linalg.js";
import { cleanWeights, portfolioPerformance, type CleanWeightsOptions, type Performance } from "./efficient-frontier.js";

/** Market-implied prior returns: delta * S * w_mkt + rf, w_mkt = caps / sum(caps). */
export function marketImpliedPriorReturns(marketCaps: Readonly<Record<string, number>>, riskAversion: number, cov: CovarianceMatrix, riskFreeRate = 0): Record<string, number> {
  const { S, n, tickers } = toCovariance(cov, "marketImpliedPriorReturns");
  const caps = vectorFor(marketCaps, tickers, "marketImpliedPriorReturns", "marketCaps");
  const total = caps.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw contextError({ where: "marketImpliedPriorReturns", what: "the market caps must sum to a positive number", found: String(total) });
  const w = caps.map((c) => c / total);
  const Sw = matVec(S, n, w);
  return toRecord(tickers, Array.from(Sw, (v) => riskAversion * v + riskFreeRate));
}

/** Market-implied risk aversion delta = (R - rf) / sigma^2 from market prices (one column), annualised by frequency. */
export function marketImpliedRiskAversion(marketPrices: PriceInput, opts: { frequency?: number; riskFreeRate?: number } = {}): number {
  const f = opts.frequency ?? 252;
  const r = returnColumns(marketPrices, {}, "marketImpliedRiskAversion");
  if (r.tickers.length !== 1) throw contextError({ where: "marketImpliedRiskAversion", what: "the market prices must have one column", found: `${r.tickers.length} columns` });
  const x = Array.from(r.columns[0]!).filter((v) => !Number.isNaN(v));
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1);
  return (mean * f - (opts.riskFreeRate ?? 0)) / (variance * f);
}

export interface BlackLittermanOptions {
  /** Prior returns `{ ticker: pi }`, "market" (needs marketCaps), "equal", or undefined for a zero prior. */
  pi?: Readonly<Record<string, number>> | "market" | "equal";
  /** Absolute views `{ ticker: expected return }`. Alternative to Q and P. */
  absoluteViews?: Readonly<Record<string, number>>;
  /** View returns (K). */
  Q?: readonly number[];
  /** Picking matrix: K rows, each `{ ticker: weight }` or an array in ticker order. Default identity when K = n. */
  P?: ReadonlyArray<Readonly<Record<string, number>> | readonly number[]>;
  /** "default" (He-Litterman), "idzorek" (needs viewConfidences) or a K x K matrix. */
  omega?: "default" | "idzorek" | readonly (readonly number[])[];
  /** Idzorek confidences in [0, 1], one per view. */
  viewConfidences?: readonly number[];
  /** Weight on views (default 0.05), in (0, 1]. */
  tau?: number;
  /** delta for the market prior and Idzorek (default 1). */
  riskAversion?: number;
  marketCaps?: Readonly<Record<string, number>>;
  /** Added to the market prior (default 0). */
  riskFreeRate?: number;
}

export class BlackLittermanModel {
  readonly tickers: string[];
  readonly n: number;
  readonly cov: Float64Array;
  readonly pi: Float64Array;
  readonly P: Float64Array[];
  readonly Q: Float64Array;
  readonly omega: Float64Array;
  readonly tau: number;
  readonly riskAversion: number;
  weights: Float64Array | null = null;
  posteriorReturns: Record<string, number> | null = null;
  posteriorCov: CovarianceMatrix | null = null;

  constructor(cov: CovarianceMatrix, opts: BlackLittermanOptions) {
    const where = "BlackLittermanModel";
    const c = toCovariance(cov, where);
    this.tickers = c.tickers;
    this.n = c.n;
    this.cov = c.S;
    const n = this.n;
    const tau = opts.tau ?? 0.05;
    if (!(tau > 0 && tau <= 1)) throw contextError({ where, what: "tau must be in (0, 1]", found: String(tau) });
    this.tau = tau;
    const delta = opts.riskAversion ?? 1;
    if (!(delta > 0)) throw contextError({ where, what: "riskAversion must be positive", found: String(delta) });
    this.riskAversion = delta;
    // Views.
    if (opts.absoluteViews) {
      const entries = Object.entries(opts.absoluteViews);
      this.Q = Float64Array.from(entries, ([, v]) => v);
      this.P = entries.map(([t]) => {
        const i = this.tickers.indexOf(t);
        if (i < 0) throw contextError({ where, what: `a view is on '${t}', which is not in the universe`, expected: `one of ${this.tickers.join(", ")}` });
        const row = new Float64Array(n);
        row[i] = 1;
        return row;
      });
    } else if (opts.Q) {
      this.Q = Float64Array.from(opts.Q);
      if (opts.P) this.P = opts.P.map((row, k) => (Array.isArray(row) ? vectorFor(row as number[], this.tickers, where, `P row ${k}`) : pickRow(row as Record<string, number>, this.tickers, k)));
      else if (this.Q.length === n) this.P = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
      else throw contextError({ where, what: "P is required when there are fewer views than assets", expected: `${n} views or a picking matrix`, found: `${this.Q.length} views` });
    } else throw contextError({ where, what: "no views were given", expected: "absoluteViews, or Q (and P)" });
    const K = this.Q.length;
    if (this.P.length !== K) throw contextError({ where, what: "P and Q have different numbers of views", expected: String(K), found: String(this.P.length) });
    // Prior.
    if (opts.pi === undefined) this.pi = new Float64Array(n);
    else if (opts.pi === "equal") this.pi = new Float64Array(n).fill(1 / n);
    else if (opts.pi === "market") {
      if (!opts.marketCaps) throw contextError({ where, what: "pi = 'market' needs marketCaps" });
      this.pi = vectorFor(marketImpliedPriorReturns(opts.marketCaps, delta, { tickers: this.tickers, matrix: nested(this.cov, n) }, opts.riskFreeRate ?? 0), this.tickers, where, "pi");
    } else this.pi = vectorFor(opts.pi, this.tickers, where, "pi");
    // Omega.
    const om = opts.omega ?? "default";
    const omega = new Float64Array(K * K);
    const viewVar = (k: number) => {
      const p = this.P[k]!;
      return dotv(p, matVec(this.cov, n, p));
    };
    if (om === "default") for (let k = 0; k < K; k++) omega[k * K + k] = tau * viewVar(k);
    else if (om === "idzorek") {
      const conf = opts.viewConfidences;
      if (!conf || conf.length !== K) throw contextError({ where, what: "Idzorek's method needs one confidence per view", expected: `${K} confidences`, found: conf ? String(conf.length) : "none" });
      conf.forEach((c, k) => {
        if (!(c >= 0 && c <= 1)) throw contextError({ where, what: `view confidence ${k} must be between 0 and 1`, found: String(c) });
        omega[k * K + k] = c === 0 ? 1e6 : tau * ((1 - c) / c) * viewVar(k);
      });
    } else {
      if (!Array.isArray(om) || om.length !== K || om.some((r) => r.length !== K)) throw contextError({ where, what: "omega must be a K x K matrix", expected: `${K} x ${K}` });
      (om as readonly (readonly number[])[]).forEach((r, i) => r.forEach((v: number, j: number) => (omega[i * K + j] = v)));
    }
    this.omega = omega;
  }

  /** tau S P^T (n x K, column per view) and A = P tau S P^T + Omega. */
  private core(): { tSP: Float64Array[]; A: Float64Array } {
    const n = this.n;
    const K = this.Q.length;
    const tSP = this.P.map((p) => matVec(this.cov, n, p).map((v) => v * this.tau));
    const A = new Float64Array(K * K);
    for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) A[a * K + b] = dotv(this.P[a]!, tSP[b]!) + this.omega[a * K + b]!;
    return { tSP, A };
  }

  /** Posterior expected returns. */
  blReturns(): Record<string, number> {
    const K = this.Q.length;
    const { tSP, A } = this.core();
    const rhs = Float64Array.from({ length: K }, (_, k) => this.Q[k]! - dotv(this.P[k]!, this.pi));
    const sol = luSolve(A, K, rhs);
    if (!sol) throw contextError({ where: "BlackLittermanModel.blReturns", what: "P tau S P^T + Omega is singular", hint: "Check for duplicate views with zero uncertainty" });
    const post = Float64Array.from(this.pi);
    for (let k = 0; k < K; k++) for (let i = 0; i < this.n; i++) post[i]! += tSP[k]![i]! * sol[k]!;
    return toRecord(this.tickers, post);
  }

  /** Posterior covariance (He & Litterman 2002). */
  blCov(): CovarianceMatrix {
    const n = this.n;
    const K = this.Q.length;
    const { tSP, A } = this.core();
    const M = new Float64Array(n * n);
    // M = tau S - tSP A^-1 tSP^T
    const Ainv: Float64Array[] = [];
    for (let k = 0; k < K; k++) {
      const e = new Float64Array(K);
      e[k] = 1;
      const col = luSolve(A, K, e);
      if (!col) throw contextError({ where: "BlackLittermanModel.blCov", what: "P tau S P^T + Omega is singular" });
      Ainv.push(col);
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) s += tSP[a]![i]! * Ainv[b]![a]! * tSP[b]![j]!;
        M[i * n + j] = this.cov[i * n + j]! + this.tau * this.cov[i * n + j]! - s;
      }
    }
    return { tickers: [...this.tickers], matrix: nested(M, n) };
  }

  /** w = (delta S)^-1 E[R], normalised to sum 1 (PyPortfolioOpt `bl_weights`). */
  blWeights(riskAversion?: number): Record<string, number> {
    const delta = riskAversion ?? this.riskAversion;
    const n = this.n;
    this.posteriorReturns = this.blReturns();
    const b = vectorFor(this.posteriorReturns, this.tickers, "blWeights", "posterior");
    const A = this.cov.map((v) => v * delta);
    const raw = luSolve(A, n, b);
    if (!raw) throw contextError({ where: "BlackLittermanModel.blWeights", what: "the covariance matrix is singular" });
    const s = raw.reduce((x, y) => x + y, 0);
    this.weights = raw.map((v) => v / s);
    return toRecord(this.tickers, this.weights);
  }

  optimize(riskAversion?: number): Record<string, number> {
    return this.blWeights(riskAversion);
  }

  /** Performance under the posterior returns and covariance (rf default 0). */
  portfolioPerformance(opts: { riskFreeRate?: number } = {}): Performance {
    if (!this.weights || !this.posteriorReturns) throw contextError({ where: "BlackLittermanModel.portfolioPerformance", what: "there are no weights yet", hint: "Call blWeights first" });
    this.posteriorCov ??= this.blCov();
    const c = toCovariance(this.posteriorCov, "portfolioPerformance");
    return portfolioPerformance(this.weights, vectorFor(this.posteriorReturns, this.tickers, "", ""), c.S, this.n, opts.riskFreeRate ?? 0);
  }

  cleanWeights(opts: CleanWeightsOptions = {}): Record<string, number> {
    if (!this.weights) throw contextError({ where: "BlackLittermanModel.cleanWeights", what: "there are no weights yet", hint: "Call blWeights first" });
    return cleanWeights(toRecord(this.tickers, this.weights), opts);
  }
}

function pickRow(row: Record<string, number>, tickers: string[], k: number): Float64Array {
  const out = new Float64Array(tickers.length);
  for (const [t, v] of Object.entries(row)) {
    const i = tickers.indexOf(t);
    if (i < 0) throw contextError({ where: "BlackLittermanModel", what: `P row ${k} names '${t}', which is not in the universe` });
    out[i] = v;
  }
  return out;
}

function dotv(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function nested(S: Float64Array, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(S.subarray(i * n, (i + 1) * n)));
}
