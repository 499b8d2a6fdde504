/**
 * Mean-variance optimisation (Markowitz 1952) with PyPortfolioOpt's `EfficientFrontier` semantics (v1.5):
 *
 * - Weight bounds default to [0, 1] (long only); `null` bounds mean -1 / +1 (PyPortfolioOpt maps None to +-1).
 * - Objectives: variance is w'Sw (not 1/2 w'Sw); L2 regularisation adds gamma * ||w||^2; the transaction cost adds
 *   k * ||w - wPrev||_1 (k = 0.001 by default), linearised with auxiliary variables.
 * - `maxSharpe` uses the Cornuejols-Tutuncu transformation: minimise y'Sy subject to (mu - rf)'y = 1, sum y = kappa,
 *   kappa >= 0, every linear constraint scaled by kappa; w = y / kappa. Additional objectives act on y unscaled,
 *   exactly like PyPortfolioOpt (which warns about it). Default risk-free rate 0.02.
 * - `efficientRisk` maximises return subject to w'Sw <= target^2; the quadratic constraint is handled by a search on
 *   its Lagrange multiplier lambda (each step a QP with objective -mu'w + lambda w'Sw), so the result satisfies the
 *   KKT conditions of the original problem with multiplier lambda.
 * - `marketNeutral` replaces sum w = 1 by sum w = 0; if no lower bound is negative, bounds become [-1, 1] (with a
 *   process warning, as PyPortfolioOpt does).
 * - `portfolioPerformance` returns annualised return mu'w, volatility sqrt(w'Sw) and Sharpe (ret - rf) / vol with
 *   rf = the rate given to `maxSharpe`, else 0.02.
 *
 * Solver: the dense interior-point QP in `qp.ts`.
 */
import { contextError } from "../util/errors.js";
import { toCovariance, toRecord, vectorFor, type CovarianceMatrix } from "./inputs.js";
import { dot, matVec, quadForm } from "./linalg.js";
import { solveQp, type QpProblem, type QpSolution, type SparseRow } from "./qp.js";

export type WeightBounds = readonly [number | null, number | null] | ReadonlyArray<readonly [number | null, number | null]>;

export interface EfficientFrontierOptions {
  /** [lower, upper] for every asset, or one pair per asset; null = -1 / +1. Default [0, 1]. */
  weightBounds?: WeightBounds;
  /** Tickers when the covariance is a plain number[][] and returns an array. */
  tickers?: readonly string[];
}

export interface Performance {
  expectedReturn: number;
  volatility: number;
  sharpe: number;
}

export interface CleanWeightsOptions {
  /** Weights with |w| below this become 0 (default 1e-4). */
  cutoff?: number;
  /** Decimal places to round to (default 5); null for no rounding. */
  rounding?: number | null;
}

/** A linear constraint on the weights: sum_i coefficients_i w_i (op) rhs. */
export interface LinearConstraint {
  coefficients: Readonly<Record<string, number>> | ArrayLike<number>;
  op: "<=" | ">=" | "==";
  rhs: number;
}

/** Rounds like numpy's np.round (half to even at the given decimals) after zeroing |w| < cutoff. */
export function cleanWeights(weights: Readonly<Record<string, number>>, opts: CleanWeightsOptions = {}): Record<string, number> {
  const { cutoff = 1e-4, rounding = 5 } = opts;
  if (rounding !== null && (!Number.isInteger(rounding) || rounding < 1)) throw contextError({ where: "cleanWeights", what: "rounding must be a positive integer or null", found: String(rounding) });
  const out: Record<string, number> = {};
  for (const [t, w] of Object.entries(weights)) {
    let v = Math.abs(w) < cutoff ? 0 : w;
    if (rounding !== null) v = roundHalfEven(v, rounding);
    out[t] = v + 0; // no negative zero
  }
  return out;
}

function roundHalfEven(v: number, decimals: number): number {
  const f = Math.pow(10, decimals);
  const x = v * f;
  const r = Math.round(x);
  const isHalf = Math.abs(x - Math.trunc(x)) === 0.5;
  const even = isHalf ? (Math.trunc(x) % 2 === 0 ? Math.trunc(x) : Math.trunc(x) + Math.sign(x)) : r;
  return even / f;
}

/** The last QP solved, for diagnostics and tests (KKT checks). */
export interface SolvedProblem {
  problem: QpProblem;
  solution: QpSolution;
  /** For efficientRisk: the multiplier of the variance constraint (0 when it is slack). */
  varianceMultiplier?: number;
}

export class EfficientFrontier {
  readonly tickers: string[];
  readonly n: number;
  /** Expected returns in ticker order (null when constructed without them: minVolatility only). */
  readonly expectedReturns: Float64Array | null;
  /** Covariance, row-major n x n. */
  readonly cov: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  weights: Float64Array | null = null;
  lastSolve: SolvedProblem | null = null;
  private riskFreeRate: number | null = null;
  private l2Gamma = 0;
  private txCost: { wPrev: Float64Array; k: number } | null = null;
  private readonly constraints: { a: Float64Array; op: "<=" | ">=" | "=="; rhs: number }[] = [];

  /**
   * @param expectedReturns annualised expected returns `{ ticker: mu }` (or an array in covariance order), or null
   * @param cov annualised covariance (a `CovarianceMatrix`, e.g. from `sampleCov`, or number[][] with `tickers`)
   */
  constructor(expectedReturns: Readonly<Record<string, number>> | ArrayLike<number> | null, cov: CovarianceMatrix | ReadonlyArray<ReadonlyArray<number>>, opts: EfficientFrontierOptions = {}) {
    const c = toCovariance(cov, "EfficientFrontier", opts.tickers ?? (expectedReturns && !isArrayLike(expectedReturns) ? Object.keys(expectedReturns) : undefined));
    this.tickers = c.tickers;
    this.n = c.n;
    this.cov = c.S;
    this.expectedReturns = expectedReturns === null ? null : vectorFor(expectedReturns, this.tickers, "EfficientFrontier", "expectedReturns");
    const { lower, upper } = mapBounds(opts.weightBounds ?? [0, 1], this.n);
    this.lower = lower;
    this.upper = upper;
  }

  /** Adds gamma * ||w||^2 to the objective (pypfopt `objective_functions.L2_reg`, default gamma 1). Cumulative. */
  addL2Regularisation(gamma = 1): this {
    if (!(gamma >= 0)) throw contextError({ where: "EfficientFrontier.addL2Regularisation", what: "gamma must be non-negative", found: String(gamma) });
    this.l2Gamma += gamma;
    return this;
  }

  /** Adds k * ||w - wPrev||_1 to the objective (pypfopt `objective_functions.transaction_cost`, k default 0.001). */
  addTransactionCost(wPrev: Readonly<Record<string, number>> | ArrayLike<number>, k = 0.001): this {
    if (!(k >= 0)) throw contextError({ where: "EfficientFrontier.addTransactionCost", what: "k must be non-negative", found: String(k) });
    this.txCost = { wPrev: vectorFor(wPrev, this.tickers, "EfficientFrontier.addTransactionCost", "wPrev"), k };
    return this;
  }

  /** Adds a linear constraint on the weights. */
  addConstraint(c: LinearConstraint): this {
    const a = isArrayLike(c.coefficients) ? vectorFor(c.coefficients, this.tickers, "EfficientFrontier.addConstraint", "coefficients") : sparseCoefficients(c.coefficients, this.tickers);
    if (c.op !== "<=" && c.op !== ">=" && c.op !== "==") throw contextError({ where: "EfficientFrontier.addConstraint", what: "op must be '<=', '>=' or '=='", found: JSON.stringify(c.op) });
    if (!Number.isFinite(c.rhs)) throw contextError({ where: "EfficientFrontier.addConstraint", what: "rhs must be finite", found: String(c.rhs) });
    this.constraints.push({ a, op: c.op, rhs: c.rhs });
    return this;
  }

  /**
   * Sector constraints (pypfopt `add_sector_constraints`): for each sector in `upper`, sum of its weights <= upper;
   * for each in `lower`, >= lower. `mapper` maps every ticker to its sector.
   */
  addSectorConstraints(mapper: Readonly<Record<string, string>>, lower: Readonly<Record<string, number>>, upper: Readonly<Record<string, number>>): this {
    for (const t of this.tickers) if (!(t in mapper)) throw contextError({ where: "EfficientFrontier.addSectorConstraints", what: `ticker '${t}' has no sector in the mapper` });
    const member = (sector: string) => Float64Array.from(this.tickers, (t) => (mapper[t] === sector ? 1 : 0));
    for (const [sector, u] of Object.entries(upper)) this.constraints.push({ a: member(sector), op: "<=", rhs: u });
    for (const [sector, l] of Object.entries(lower)) this.constraints.push({ a: member(sector), op: ">=", rhs: l });
    return this;
  }

  /** Minimum-variance portfolio: minimise w'Sw (+ extra objectives) subject to sum w = 1 and the constraints. */
  minVolatility(): Record<string, number> {
    return this.solveStandard({ variance: 1, returns: 0 }, false);
  }

  /** Maximise mu'w - (delta/2) w'Sw (pypfopt `max_quadratic_utility`, default riskAversion 1). */
  maxQuadraticUtility(opts: { riskAversion?: number; marketNeutral?: boolean } = {}): Record<string, number> {
    const delta = opts.riskAversion ?? 1;
    if (!(delta > 0)) throw contextError({ where: "EfficientFrontier.maxQuadraticUtility", what: "riskAversion must be greater than zero", found: String(delta) });
    this.needReturns("maxQuadraticUtility");
    return this.solveStandard({ variance: delta / 2, returns: 1 }, opts.marketNeutral ?? false);
  }

  /** Minimise variance subject to mu'w >= targetReturn (pypfopt `efficient_return`). */
  efficientReturn(targetReturn: number, opts: { marketNeutral?: boolean } = {}): Record<string, number> {
    const mu = this.needReturns("efficientReturn");
    if (!Number.isFinite(targetReturn)) throw contextError({ where: "EfficientFrontier.efficientReturn", what: "targetReturn must be a finite number", found: String(targetReturn) });
    const maxRet = this.maxReturn();
    if (targetReturn > maxRet + 1e-12) throw contextError({ where: "EfficientFrontier.efficientReturn", what: `targetReturn ${targetReturn} is above the maximum possible return`, expected: `at most ${maxRet}` });
    return this.solveStandard({ variance: 1, returns: 0 }, opts.marketNeutral ?? false, [{ a: mu, op: ">=", rhs: targetReturn }]);
  }

  /**
   * Maximise mu'w subject to w'Sw <= targetVolatility^2 (pypfopt `efficient_risk`). Throws if the target is below the
   * minimum achievable volatility under the constraints.
   */
  efficientRisk(targetVolatility: number, opts: { marketNeutral?: boolean } = {}): Record<string, number> {
    this.needReturns("efficientRisk");
    const where = "EfficientFrontier.efficientRisk";
    if (!(targetVolatility > 0)) throw contextError({ where, what: "targetVolatility must be a positive number", found: String(targetVolatility) });
    const marketNeutral = opts.marketNeutral ?? false;
    const target2 = targetVolatility * targetVolatility;
    const variance = (w: ArrayLike<number>) => quadForm(this.cov, this.n, w);
    const solveAt = (lambda: number) => {
      this.solveStandard({ variance: lambda, returns: 1 }, marketNeutral);
      return variance(this.weights!);
    };
    // lambda = 0: pure return maximisation (with any regularisation); if it already meets the target, done.
    let v0: number;
    try {
      v0 = solveAt(0);
    } catch {
      v0 = Infinity;
    }
    if (v0 <= target2) {
      this.lastSolve!.varianceMultiplier = 0;
      return this.output();
    }
    let lo = 0;
    let hi = 1;
    let vhi = solveAt(hi);
    while (vhi > target2) {
      lo = hi;
      hi *= 8;
      if (hi > 1e12) {
        this.weights = null;
        throw contextError({ where, what: `no portfolio has volatility ${targetVolatility}`, expected: `at least the minimum volatility ${Math.sqrt(vhi)}` });
      }
      vhi = solveAt(hi);
    }
    // Bisection on log(lambda) (variance is non-increasing in lambda), then keep the feasible end.
    for (let it = 0; it < 200 && hi - lo > 1e-13 * hi; it++) {
      const mid = lo === 0 ? hi / 2 : Math.sqrt(lo * hi);
      let v: number;
      try {
        v = solveAt(mid);
      } catch {
        // Near lambda = 0 the QP is almost an LP and can be too ill-conditioned for the interior-point method;
        // the answer lies at larger lambda in that case (the target binds), so move the lower end up.
        lo = mid;
        continue;
      }
      if (v > target2) lo = mid;
      else hi = mid;
      if (Math.abs(Math.sqrt(v) - targetVolatility) < 1e-10) {
        this.lastSolve!.varianceMultiplier = mid;
        return this.output();
      }
    }
    solveAt(hi);
    this.lastSolve!.varianceMultiplier = hi;
    return this.output();
  }

  /**
   * Maximum Sharpe ratio (tangency) portfolio via the Cornuejols-Tutuncu transformation (see the file comment).
   * Default riskFreeRate 0.02, in the same period as the expected returns.
   */
  maxSharpe(opts: { riskFreeRate?: number } = {}): Record<string, number> {
    const where = "EfficientFrontier.maxSharpe";
    const mu = this.needReturns("maxSharpe");
    const rf = opts.riskFreeRate ?? 0.02;
    if (!Number.isFinite(rf)) throw contextError({ where, what: "riskFreeRate must be a finite number", found: String(rf) });
    if (this.txCost) throw contextError({ where, what: "a transaction cost cannot be used with maxSharpe", hint: "Use maxQuadraticUtility or efficientRisk with a transaction cost" });
    if (mu.every((m) => m <= rf)) throw contextError({ where, what: "no asset has an expected return above the risk-free rate", expected: `some return above ${rf}` });
    const n = this.n;
    const N = n + 1; // y (n) and kappa
    const P = new Float64Array(N * N);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) P[i * N + j] = 2 * this.cov[i * n + j]!;
    for (let i = 0; i < n; i++) P[i * N + i]! += 2 * this.l2Gamma;
    const all = range(n);
    const A: SparseRow[] = [
      { index: all, value: Array.from(mu, (m) => m - rf) },
      { index: [...all, n], value: [...Array(n).fill(1), -1] },
    ];
    const b = [1, 0];
    const G: SparseRow[] = [];
    const h: number[] = [];
    const lower = new Float64Array(N).fill(-Infinity);
    const upper = new Float64Array(N).fill(Infinity);
    lower[n] = 0;
    // Bounds scale with kappa: l_i kappa <= y_i <= u_i kappa. A zero bound is a plain bound on y_i; when every lower
    // bound is >= 0, y >= 0 and sum y = kappa give y_i <= kappa, so an upper bound u_i >= 1 can never bind and is
    // left out (same optimum, far fewer inequality rows for the long-only case).
    const longOnly = this.lower.every((l) => l >= 0);
    for (let i = 0; i < n; i++) {
      const u = this.upper[i]!;
      const l = this.lower[i]!;
      if (u === 0) upper[i] = 0;
      else if (Number.isFinite(u) && !(longOnly && u >= 1)) G.push({ index: [i, n], value: [1, -u] }), h.push(0);
      if (l === 0) lower[i] = 0;
      else if (Number.isFinite(l)) G.push({ index: [i, n], value: [-1, l] }), h.push(0);
    }
    for (const c of this.constraints) {
      const row = denseRow(c.a);
      const withK = { index: [...row.index, n], value: [...row.value, -c.rhs] };
      if (c.op === "==") A.push(withK), b.push(0);
      else if (c.op === "<=") G.push(withK), h.push(0);
      else G.push({ index: withK.index, value: withK.value.map((v) => -v) }), h.push(0);
    }
    const problem: QpProblem = { n: N, P, A, b, G, h, lower, upper };
    this.lastSolve = { problem, solution: null as unknown as QpSolution };
    const solution = solveQp(problem);
    const kappa = solution.x[n]!;
    this.lastSolve = { problem, solution };
    this.weights = Float64Array.from(solution.x.subarray(0, n), (v) => v / kappa);
    this.riskFreeRate = rf;
    return this.output();
  }

  /** Expected return, volatility and Sharpe ratio of the current weights (see the file comment for rf). */
  portfolioPerformance(opts: { riskFreeRate?: number } = {}): Performance {
    if (!this.weights) throw contextError({ where: "EfficientFrontier.portfolioPerformance", what: "there are no weights yet", hint: "Call an optimisation method first" });
    return portfolioPerformance(this.weights, this.expectedReturns, this.cov, this.n, opts.riskFreeRate ?? this.riskFreeRate ?? 0.02);
  }

  /** The current weights, cleaned like pypfopt `clean_weights` (cutoff 1e-4, 5 decimals by default). */
  cleanWeights(opts: CleanWeightsOptions = {}): Record<string, number> {
    if (!this.weights) throw contextError({ where: "EfficientFrontier.cleanWeights", what: "there are no weights yet", hint: "Call an optimisation method first" });
    return cleanWeights(this.output(), opts);
  }

  /** The maximum return achievable under the bounds and constraints (an LP). */
  maxReturn(): number {
    const mu = this.needReturns("maxReturn");
    const saved = { weights: this.weights, last: this.lastSolve, l2: this.l2Gamma, tx: this.txCost };
    this.l2Gamma = 0;
    this.txCost = null;
    try {
      this.solveStandard({ variance: 0, returns: 1 }, false);
      return dot(mu, this.weights!);
    } finally {
      this.weights = saved.weights;
      this.lastSolve = saved.last;
      this.l2Gamma = saved.l2;
      this.txCost = saved.tx;
    }
  }

  private needReturns(method: string): Float64Array {
    if (!this.expectedReturns) throw contextError({ where: `EfficientFrontier.${method}`, what: "expected returns are needed", hint: "Construct the EfficientFrontier with expected returns" });
    return this.expectedReturns;
  }

  private output(): Record<string, number> {
    return toRecord(this.tickers, Array.from(this.weights!, (v) => v + 0));
  }

  /**
   * minimise  variance * w'Sw - returns * mu'w + gamma ||w||^2 + k ||w - wPrev||_1
   * s.t. sum w = 1 (or 0), bounds, linear constraints (+ extra).
   */
  private solveStandard(weights: { variance: number; returns: number }, marketNeutral: boolean, extra: { a: Float64Array; op: "<=" | ">=" | "=="; rhs: number }[] = []): Record<string, number> {
    const n = this.n;
    const tx = this.txCost;
    const N = tx ? 2 * n : n;
    const P = new Float64Array(N * N);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) P[i * N + j] = 2 * weights.variance * this.cov[i * n + j]!;
    for (let i = 0; i < n; i++) P[i * N + i]! += 2 * this.l2Gamma;
    const q = new Float64Array(N);
    if (weights.returns !== 0) {
      const mu = this.needReturns("optimise");
      for (let i = 0; i < n; i++) q[i] = -weights.returns * mu[i]!;
    }
    let lower = this.lower;
    let upper = this.upper;
    if (marketNeutral && !this.lower.some((l) => l < 0)) {
      process.emitWarning("Market neutrality requires shorting - bounds have been amended to [-1, 1].", "RuntimeWarning");
      lower = new Float64Array(n).fill(-1);
      upper = new Float64Array(n).fill(1);
    }
    const A: SparseRow[] = [{ index: range(n), value: Array(n).fill(1) }];
    const b = [marketNeutral ? 0 : 1];
    const G: SparseRow[] = [];
    const h: number[] = [];
    for (const c of [...this.constraints, ...extra]) {
      const row = denseRow(c.a);
      if (c.op === "==") A.push(row), b.push(c.rhs);
      else if (c.op === "<=") G.push(row), h.push(c.rhs);
      else G.push({ index: row.index, value: row.value.map((v) => -v) }), h.push(-c.rhs);
    }
    const lo = new Float64Array(N).fill(-Infinity);
    const up = new Float64Array(N).fill(Infinity);
    lo.set(lower);
    up.set(upper);
    if (tx) {
      // t_i >= |w_i - wPrev_i|: w_i - t_i <= wPrev_i, -w_i - t_i <= -wPrev_i; objective + k sum t.
      for (let i = 0; i < n; i++) {
        q[n + i] = tx.k;
        G.push({ index: [i, n + i], value: [1, -1] }), h.push(tx.wPrev[i]!);
        G.push({ index: [i, n + i], value: [-1, -1] }), h.push(-tx.wPrev[i]!);
        lo[n + i] = 0;
      }
    }
    const problem: QpProblem = { n: N, P, q, A, b, G, h, lower: lo, upper: up };
    const solution = solveQp(problem);
    this.lastSolve = { problem, solution };
    this.weights = Float64Array.from(solution.x.subarray(0, n));
    return this.output();
  }
}

/** Performance of weights: mu'w, sqrt(w'Sw), (mu'w - rf)/vol (return and Sharpe NaN without expected returns). */
export function portfolioPerformance(w: ArrayLike<number>, mu: ArrayLike<number> | null, cov: Float64Array, n: number, riskFreeRate: number): Performance {
  const volatility = Math.sqrt(Math.max(0, dot(w, matVec(cov, n, w))));
  const expectedReturn = mu ? dot(w, mu) : NaN;
  return { expectedReturn, volatility, sharpe: (expectedReturn - riskFreeRate) / volatility };
}

function mapBounds(bounds: WeightBounds, n: number): { lower: Float64Array; upper: Float64Array } {
  const where = "EfficientFrontier weightBounds";
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  const isPairList = Array.isArray(bounds) && bounds.length === n && Array.isArray(bounds[0]);
  for (let i = 0; i < n; i++) {
    const pair = (isPairList ? (bounds as ReadonlyArray<readonly [number | null, number | null]>)[i] : bounds) as readonly [number | null, number | null];
    if (!Array.isArray(pair) || pair.length !== 2) throw contextError({ where, what: "bounds must be a [lower, upper] pair or one pair per asset", found: JSON.stringify(bounds) });
    const l = pair[0] === null ? -1 : pair[0];
    const u = pair[1] === null ? 1 : pair[1];
    if (typeof l !== "number" || typeof u !== "number" || Number.isNaN(l) || Number.isNaN(u) || l > u) throw contextError({ where, what: `asset ${i} has invalid bounds`, expected: "lower <= upper", found: JSON.stringify(pair) });
    lower[i] = l;
    upper[i] = u;
  }
  return { lower, upper };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function denseRow(a: Float64Array): { index: number[]; value: number[] } {
  const index: number[] = [];
  const value: number[] = [];
  a.forEach((v, i) => {
    if (v !== 0) index.push(i), value.push(v);
  });
  return { index, value };
}

function sparseCoefficients(c: Readonly<Record<string, number>>, tickers: readonly string[]): Float64Array {
  const a = new Float64Array(tickers.length);
  for (const [t, v] of Object.entries(c)) {
    const i = tickers.indexOf(t);
    if (i < 0) throw contextError({ where: "EfficientFrontier.addConstraint", what: `unknown ticker '${t}'`, expected: `one of ${tickers.join(", ")}` });
    a[i] = v;
  }
  return a;
}

function isArrayLike(x: unknown): x is ArrayLike<number> {
  return Array.isArray(x) || ArrayBuffer.isView(x);
}
