/**
 * Conditional drawdown at risk minimisation (Chekhlov, Uryasev & Zabarankin 2005), PyPortfolioOpt `EfficientCDaR`
 * semantics: drawdowns of the uncompounded cumulative return sum_{s<=t} r_s'w, beta = 0.95, per-period units.
 *
 *     min alpha + 1/((1-beta) T) sum_t z_t   s.t.  z_t >= u_t - alpha, z >= 0, u_t >= u_{t-1} - r_t'w, u_0 = 0, u >= 0
 *
 * (u_t is the running maximum minus the cumulative return, i.e. the drawdown), solved as an LP with HiGHS.
 */
import { contextError } from "../util/errors.js";
import { toRecord, type PriceInput } from "./inputs.js";
import { solveHighs } from "./highs.js";
import type { SparseRow } from "./qp.js";
import { scenarios, type ScenarioOptions, type Scenarios } from "./scenario.js";

export interface CdarOptions extends ScenarioOptions {
  /** Confidence level in (0, 1), default 0.95. */
  beta?: number;
}

export class EfficientCDaR {
  readonly tickers: string[];
  readonly beta: number;
  weights: Float64Array | null = null;
  private readonly s: Scenarios;

  constructor(expectedReturns: Readonly<Record<string, number>> | null, returns: PriceInput, opts: CdarOptions = {}) {
    this.beta = opts.beta ?? 0.95;
    if (!(this.beta > 0 && this.beta < 1)) throw contextError({ where: "EfficientCDaR", what: "beta must be in (0, 1)", found: String(this.beta) });
    this.s = scenarios(expectedReturns, returns, opts, "EfficientCDaR");
    this.tickers = this.s.tickers;
  }

  /** Minimum-CDaR portfolio. */
  async minCdar(): Promise<Record<string, number>> {
    return this.solve();
  }

  /** Minimum CDaR subject to mu'w >= targetReturn. */
  async efficientReturn(targetReturn: number): Promise<Record<string, number>> {
    if (!this.s.mu) throw contextError({ where: "EfficientCDaR.efficientReturn", what: "expected returns are needed" });
    return this.solve(targetReturn);
  }

  /** mu'w and the CDaR of the weights (the LP objective re-evaluated on the drawdown series). */
  portfolioPerformance(): { expectedReturn: number; cdar: number } {
    if (!this.weights) throw contextError({ where: "EfficientCDaR.portfolioPerformance", what: "there are no weights yet" });
    const { n, T, R, mu } = this.s;
    let cum = 0;
    let peak = 0;
    const dd: number[] = [];
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < n; i++) cum += R[t * n + i]! * this.weights[i]!;
      peak = Math.max(peak, cum);
      dd.push(peak - cum);
    }
    dd.sort((a, b) => a - b);
    const c = 1 / ((1 - this.beta) * T);
    let best = Infinity;
    for (const alpha of dd) best = Math.min(best, alpha + c * dd.reduce((a, d) => a + Math.max(d - alpha, 0), 0));
    return { expectedReturn: mu ? mu.reduce((a, m, i) => a + m * this.weights![i]!, 0) : NaN, cdar: best };
  }

  private async solve(targetReturn?: number): Promise<Record<string, number>> {
    const { n, T, R, mu } = this.s;
    // columns: w (n), alpha, u_0..u_T (T+1), z_1..z_T (T)
    const A = n;
    const U = n + 1;
    const Z = U + T + 1;
    const N = Z + T;
    const c = 1 / ((1 - this.beta) * T);
    const cost = new Float64Array(N);
    cost[A] = 1;
    for (let t = 0; t < T; t++) cost[Z + t] = c;
    const lower = new Float64Array(N).fill(-Infinity);
    const upper = new Float64Array(N).fill(Infinity);
    lower.set(this.s.lower);
    upper.set(this.s.upper);
    for (let t = 0; t <= T; t++) lower[U + t] = 0;
    upper[U] = 0; // u_0 = 0
    for (let t = 0; t < T; t++) lower[Z + t] = 0;
    const rows: SparseRow[] = [];
    const rl: number[] = [];
    const ru: number[] = [];
    const all = Array.from({ length: n }, (_, i) => i);
    rows.push({ index: all, value: Array(n).fill(1) }), rl.push(1), ru.push(1);
    for (let t = 0; t < T; t++) {
      // z_t - u_{t+1} + alpha >= 0
      rows.push({ index: [Z + t, U + t + 1, A], value: [1, -1, 1] }), rl.push(0), ru.push(Infinity);
      // u_{t+1} - u_t + r_t'w >= 0
      rows.push({ index: [U + t + 1, U + t, ...all], value: [1, -1, ...R.subarray(t * n, (t + 1) * n)] }), rl.push(0), ru.push(Infinity);
    }
    if (targetReturn !== undefined) rows.push({ index: all, value: Array.from(mu!) }), rl.push(targetReturn), ru.push(Infinity);
    const { x } = await solveHighs({ numCols: N, colCost: cost, colLower: lower, colUpper: upper, rows, rowLower: rl, rowUpper: ru }, "EfficientCDaR");
    this.weights = x.slice(0, n);
    return toRecord(this.tickers, this.weights);
  }
}
