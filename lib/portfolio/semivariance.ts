/**
 * Semivariance minimisation (Markowitz 1959; Estrada 2008), PyPortfolioOpt `EfficientSemivariance` semantics:
 * benchmark 0 per period, frequency 252, historical scenarios (rows with a missing return dropped):
 *
 *     min sum_t n_t^2  s.t.  (r_t - B)'w / sqrt(T) - p_t + n_t = 0,  p, n >= 0,  sum w = 1, bounds
 *
 * (solved in the equivalent form n_t >= -(r_t - B)'w / sqrt(T), n_t >= 0), a QP solved with the dense interior-point solver of qp.ts.
 * `portfolioPerformance` gives mu'w, the annualised semideviation sqrt(sum_t min(r_t'w - B, 0)^2 / T * frequency)
 * and the Sortino ratio (mu'w - rf) / semideviation, rf 0.02 by default.
 */
import { contextError } from "../util/errors.js";
import { toRecord, type PriceInput } from "./inputs.js";
import { solveQp, type SparseRow } from "./qp.js";
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
  private readonly s: Scenarios;

  constructor(expectedReturns: Readonly<Record<string, number>> | null, returns: PriceInput, opts: SemivarianceOptions = {}) {
    this.benchmark = opts.benchmark ?? 0;
    this.frequency = opts.frequency ?? 252;
    this.s = scenarios(expectedReturns, returns, opts, "EfficientSemivariance");
    this.tickers = this.s.tickers;
  }

  /** Minimum-semivariance portfolio. */
  async minSemivariance(): Promise<Record<string, number>> {
    return this.solve();
  }

  /** Minimum semivariance subject to mu'w >= targetReturn. */
  async efficientReturn(targetReturn: number): Promise<Record<string, number>> {
    if (!this.s.mu) throw contextError({ where: "EfficientSemivariance.efficientReturn", what: "expected returns are needed" });
    return this.solve(targetReturn);
  }

  portfolioPerformance(opts: { riskFreeRate?: number } = {}): { expectedReturn: number; semideviation: number; sortino: number } {
    if (!this.weights) throw contextError({ where: "EfficientSemivariance.portfolioPerformance", what: "there are no weights yet" });
    const { n, T, R, mu } = this.s;
    let ss = 0;
    for (let t = 0; t < T; t++) {
      let v = 0;
      for (let i = 0; i < n; i++) v += R[t * n + i]! * this.weights[i]!;
      const d = Math.min(v - this.benchmark, 0);
      ss += d * d;
    }
    const semideviation = Math.sqrt((ss / T) * this.frequency);
    const expectedReturn = mu ? mu.reduce((a, m, i) => a + m * this.weights![i]!, 0) : NaN;
    return { expectedReturn, semideviation, sortino: (expectedReturn - (opts.riskFreeRate ?? 0.02)) / semideviation };
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  private async solve(targetReturn?: number): Promise<Record<string, number>> {
    const { n, T, R, mu } = this.s;
    // Equivalent smaller form: n_t >= -(r_t - B)'w / sqrt(T), n_t >= 0 (p_t = n_t + (r_t - B)'w / sqrt(T) eliminated).
    const Nc = n;
    const N = n + T;
    const lower = new Float64Array(N).fill(0);
    const upper = new Float64Array(N).fill(Infinity);
    lower.set(this.s.lower);
    upper.set(this.s.upper);
    const hess = new Float64Array(N);
    for (let t = 0; t < T; t++) hess[Nc + t] = 2;
    const rows: SparseRow[] = [];
    const rl: number[] = [];
    const ru: number[] = [];
    const all = Array.from({ length: n }, (_, i) => i);
    rows.push({ index: all, value: Array(n).fill(1) }), rl.push(1), ru.push(1);
    const sq = Math.sqrt(T);
    for (let t = 0; t < T; t++) {
      const coef = Array.from(R.subarray(t * n, (t + 1) * n), (r) => (r - this.benchmark) / sq);
      rows.push({ index: [...all, Nc + t], value: [...coef, 1] }), rl.push(0), ru.push(Infinity);
    }
    if (targetReturn !== undefined) rows.push({ index: all, value: Array.from(mu!) }), rl.push(targetReturn), ru.push(Infinity);
    // HiGHS's QP solvers (active set, IPM) fail on this model in the wasm build (status -1), so it goes to the
    // dense interior-point QP: O((n + T)^3) per iteration, about a second for 20 assets and 900 days.
    const P = new Float64Array(N * N);
    for (let k = 0; k < N; k++) P[k * N + k] = hess[k]!;
    const Gq = rows.slice(1).map((r, k) => ({ index: r.index, value: Array.from(r.value, (v) => -v), rhs: -rl[k + 1]! }));
    const { x } = solveQp({ n: N, P, A: [rows[0]!], b: [1], G: Gq, h: Gq.map((g) => g.rhs), lower, upper });
    this.weights = x.slice(0, n);
    return toRecord(this.tickers, this.weights);
  }
}
