/**
 * Semivariance optimisation (Markowitz 1959; Estrada 2008), PyPortfolioOpt `EfficientSemivariance` semantics:
 * benchmark 0 per period, frequency 252, historical scenarios (rows with a missing return dropped). With
 * B = (R - benchmark) / sqrt(T), downside n_t >= max(-B_t w, 0), so sum_t n_t^2 is the per-period semivariance:
 *
 * - `minSemivariance`: min sum n^2 (+ L2)
 * - `efficientReturn(target)`: min sum n^2 (+ L2) s.t. mu'w >= target
 * - `maxQuadraticUtility(delta)`: min -mu'w / frequency + delta/2 sum n^2 (+ L2)
 * - `efficientRisk(target)`: max mu'w (- L2) s.t. frequency * sum n^2 <= target^2 (a search on the constraint's
 *   multiplier lambda, each step a QP, as EfficientFrontier.efficientRisk)
 *
 * with sum w = 1 (0 when market neutral; bounds become [-1, 1] if none is negative) and the weight bounds. L2
 * regularisation adds gamma * ||w||^2 like PyPortfolioOpt (unscaled, next to the per-period semivariance).
 * Each is a QP solved by qp.ts with the scenario variables ordered before the weights, which makes the Newton
 * matrix an arrowhead that the native Cholesky factors in O(n^2 T).
 * `portfolioPerformance` gives mu'w, the annualised semideviation sqrt(sum_t min(r_t'w - B, 0)^2 / T * frequency)
 * and the Sortino ratio (mu'w - rf) / semideviation, rf 0.02 by default.
 */
import { contextError } from "../util/errors.js";
import { toRecord, type PriceInput } from "./inputs.js";
import { solveQp, type QpProblem, type QpSolution, type SparseRow } from "./qp.js";
import { scenarios, type ScenarioOptions, type Scenarios } from "./scenario.js";

export interface SemivarianceOptions extends ScenarioOptions {
  /** Benchmark return per period (default 0). */
  benchmark?: number;
  /** Periods per year (default 252). */
  frequency?: number;
}

export class EfficientSemivariance {
  readonly tickers: string[];
  readonly benchmark: number;
  readonly frequency: number;
  weights: Float64Array | null = null;
  /** The last QP solved (variables: n_0..n_{T-1}, then w), for KKT checks. */
  lastSolve: { problem: QpProblem; solution: QpSolution; riskMultiplier?: number } | null = null;
  private readonly s: Scenarios;
  private l2Gamma = 0;

  constructor(expectedReturns: Readonly<Record<string, number>> | null, returns: PriceInput, opts: SemivarianceOptions = {}) {
    this.benchmark = opts.benchmark ?? 0;
    this.frequency = opts.frequency ?? 252;
    if (!(this.frequency > 0)) throw contextError({ where: "EfficientSemivariance", what: "frequency must be positive", found: String(this.frequency) });
    this.s = scenarios(expectedReturns, returns, opts, "EfficientSemivariance");
    this.tickers = this.s.tickers;
  }

  /** Adds gamma * ||w||^2 to every objective (pypfopt `objective_functions.L2_reg`, default gamma 1). Cumulative. */
  addL2Regularisation(gamma = 1): this {
    if (!(gamma >= 0)) throw contextError({ where: "EfficientSemivariance.addL2Regularisation", what: "gamma must be non-negative", found: String(gamma) });
    this.l2Gamma += gamma;
    return this;
  }

  /** Minimum-semivariance portfolio. */
  async minSemivariance(opts: { marketNeutral?: boolean } = {}): Promise<Record<string, number>> {
    return this.solve({ semivariance: 1, returns: 0 }, opts.marketNeutral ?? false);
  }

  /** Minimum semivariance subject to mu'w >= targetReturn. */
  async efficientReturn(targetReturn: number, opts: { marketNeutral?: boolean } = {}): Promise<Record<string, number>> {
    const mu = this.needReturns("efficientReturn");
    if (!(targetReturn >= 0)) throw contextError({ where: "EfficientSemivariance.efficientReturn", what: "targetReturn must be a non-negative number", found: String(targetReturn) });
    const best = Math.max(...Array.from(mu, Math.abs));
    if (targetReturn > best) throw contextError({ where: "EfficientSemivariance.efficientReturn", what: `targetReturn ${targetReturn} is above the largest expected return`, expected: `at most ${best}` });
    return this.solve({ semivariance: 1, returns: 0 }, opts.marketNeutral ?? false, targetReturn);
  }

  /** Maximise mu'w / frequency - (delta / 2) sum n^2 (pypfopt `max_quadratic_utility`, default riskAversion 1). */
  async maxQuadraticUtility(opts: { riskAversion?: number; marketNeutral?: boolean } = {}): Promise<Record<string, number>> {
    this.needReturns("maxQuadraticUtility");
    const delta = opts.riskAversion ?? 1;
    if (!(delta > 0)) throw contextError({ where: "EfficientSemivariance.maxQuadraticUtility", what: "riskAversion must be greater than zero", found: String(delta) });
    return this.solve({ semivariance: delta / 2, returns: 1 / this.frequency }, opts.marketNeutral ?? false);
  }

  /**
   * Maximise mu'w subject to an annualised semideviation of at most `targetSemideviation`. Throws if the target is
   * below the minimum achievable semideviation.
   */
  async efficientRisk(targetSemideviation: number, opts: { marketNeutral?: boolean } = {}): Promise<Record<string, number>> {
    const where = "EfficientSemivariance.efficientRisk";
    this.needReturns("efficientRisk");
    if (!(targetSemideviation > 0)) throw contextError({ where, what: "targetSemideviation must be a positive number", found: String(targetSemideviation) });
    const marketNeutral = opts.marketNeutral ?? false;
    const target = targetSemideviation * targetSemideviation;
    const semivar = () => this.semivariance(this.weights!);
    const solveAt = async (lambda: number) => {
      await this.solve({ semivariance: lambda, returns: 1 }, marketNeutral);
      return semivar();
    };
    // lambda = 0 is pure return maximisation (an LP, or a QP with L2); if it meets the target, the constraint is slack.
    let v0 = Infinity;
    try {
      v0 = await solveAt(0);
    } catch {
      v0 = Infinity;
    }
    if (v0 <= target) {
      this.lastSolve!.riskMultiplier = 0;
      return toRecord(this.tickers, this.weights!);
    }
    let lo = 0;
    let hi = 1;
    let vhi = await solveAt(hi);
    while (vhi > target) {
      lo = hi;
      hi *= 8;
      if (hi > 1e12) throw contextError({ where, what: `no portfolio has semideviation ${targetSemideviation}`, expected: `at least the minimum semideviation ${Math.sqrt(vhi)}` });
      vhi = await solveAt(hi);
    }
    // Bisection on log(lambda): the semivariance is non-increasing in lambda. Keep the feasible end.
    for (let it = 0; it < 100 && hi - lo > 1e-12 * hi; it++) {
      const mid = lo === 0 ? hi / 2 : Math.sqrt(lo * hi);
      let v: number;
      try {
        v = await solveAt(mid);
      } catch {
        lo = mid; // near lambda = 0 the QP is almost an LP; the answer lies at larger lambda then
        continue;
      }
      if (v > target) lo = mid;
      else hi = mid;
      if (Math.abs(Math.sqrt(v) - targetSemideviation) < 1e-10) {
        this.lastSolve!.riskMultiplier = mid;
        return toRecord(this.tickers, this.weights!);
      }
    }
    await solveAt(hi);
    this.lastSolve!.riskMultiplier = hi;
    return toRecord(this.tickers, this.weights!);
  }

  portfolioPerformance(opts: { riskFreeRate?: number } = {}): { expectedReturn: number; semideviation: number; sortino: number } {
    if (!this.weights) throw contextError({ where: "EfficientSemivariance.portfolioPerformance", what: "there are no weights yet" });
    const semideviation = Math.sqrt(this.semivariance(this.weights));
    const mu = this.s.mu;
    const expectedReturn = mu ? mu.reduce((a, m, i) => a + m * this.weights![i]!, 0) : NaN;
    return { expectedReturn, semideviation, sortino: (expectedReturn - (opts.riskFreeRate ?? 0.02)) / semideviation };
  }

  /** Annualised semivariance sum_t min(r_t'w - B, 0)^2 / T * frequency. */
  private semivariance(w: ArrayLike<number>): number {
    const { n, T, R } = this.s;
    let ss = 0;
    for (let t = 0; t < T; t++) {
      let v = 0;
      for (let i = 0; i < n; i++) v += R[t * n + i]! * w[i]!;
      const d = Math.min(v - this.benchmark, 0);
      ss += d * d;
    }
    return (ss / T) * this.frequency;
  }

  private needReturns(method: string): Float64Array {
    if (!this.s.mu) throw contextError({ where: `EfficientSemivariance.${method}`, what: "expected returns are needed" });
    return this.s.mu;
  }

  /** min semivariance * sum n^2 - returns * mu'w + gamma ||w||^2, s.t. budget, bounds, optional mu'w >= target. */
  private async solve(weights: { semivariance: number; returns: number }, marketNeutral: boolean, targetReturn?: number): Promise<Record<string, number>> {
    const { n, T, R, mu } = this.s;
    const W = T; // w starts after the T scenario variables
    const N = T + n;
    const P = new Float64Array(N * N);
    for (let t = 0; t < T; t++) P[t * N + t] = 2 * weights.semivariance;
    for (let i = 0; i < n; i++) P[(W + i) * N + W + i] = 2 * this.l2Gamma;
    const q = new Float64Array(N);
    if (weights.returns !== 0) for (let i = 0; i < n; i++) q[W + i] = -weights.returns * mu![i]!;
    const lower = new Float64Array(N);
    const upper = new Float64Array(N).fill(Infinity);
    let lw = this.s.lower;
    let uw = this.s.upper;
    if (marketNeutral && !lw.some((l) => l < 0)) {
      process.emitWarning("Market neutrality requires shorting - bounds have been amended to [-1, 1].", "RuntimeWarning");
      lw = new Float64Array(n).fill(-1);
      uw = new Float64Array(n).fill(1);
    }
    lower.set(lw, W);
    upper.set(uw, W);
    const wIdx = Array.from({ length: n }, (_, i) => W + i);
    const A: SparseRow[] = [{ index: wIdx, value: Array(n).fill(1) }];
    // n_t >= -B_t w:  -n_t - B_t w <= 0
    const G: SparseRow[] = [];
    const h: number[] = [];
    const sq = Math.sqrt(T);
    for (let t = 0; t < T; t++) {
      G.push({ index: [t, ...wIdx], value: [-1, ...Array.from(R.subarray(t * n, (t + 1) * n), (r) => -(r - this.benchmark) / sq)] });
      h.push(0);
    }
    if (targetReturn !== undefined) G.push({ index: wIdx, value: Array.from(mu!, (m) => -m) }), h.push(-targetReturn);
    const problem: QpProblem = { n: N, P, q, A, b: [marketNeutral ? 0 : 1], G, h, lower, upper };
    const solution = solveQp(problem);
    this.lastSolve = { problem, solution };
    this.weights = solution.x.slice(W);
    return toRecord(this.tickers, this.weights);
  }
}
