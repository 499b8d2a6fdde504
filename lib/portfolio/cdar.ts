/**
 * Conditional drawdown at risk minimisation (Chekhlov, Uryasev & Zabarankin 2005), PyPortfolioOpt `EfficientCDaR`
 * semantics: drawdowns of the uncompounded cumulative return sum_{s<=t} r_s'w, beta = 0.95, per-period units.
 *
 *     min alpha + 1/((1-beta) T) sum_t z_t   s.t.  z_t >= u_t - alpha, z >= 0, u_t >= u_{t-1} - r_t'w, u_0 = 0, u >= 0
 *
 * (u_t is the running maximum minus the cumulative return, i.e. the drawdown), solved as an LP with HiGHS.
 * `efficientRisk` maximises mu'w subject to CDaR <= target; `marketNeutral` makes the weights sum to 0 (bounds become
 * [-1, 1] if none is negative); `addL2Regularisation(gamma)` adds gamma * ||w||^2 to the objective (a HiGHS QP).
 */
import { contextError } from "../util/errors.js";
import { toRecord, type PriceInput } from "./inputs.js";
import { solveHighs } from "./highs.js";
import { solveQp, type QpProblem, type QpSolution, type SparseRow } from "./qp.js";
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
  private l2Gamma = 0;
  /** With L2 regularisation, the QP last solved (qp.ts), for KKT checks; null for the HiGHS LP path. */
  lastQp: { problem: QpProblem; solution: QpSolution } | null = null;

  constructor(expectedReturns: Readonly<Record<string, number>> | null, returns: PriceInput, opts: CdarOptions = {}) {
    this.beta = opts.beta ?? 0.95;
    if (!(this.beta > 0 && this.beta < 1)) throw contextError({ where: "EfficientCDaR", what: "beta must be in (0, 1)", found: String(this.beta) });
    this.s = scenarios(expectedReturns, returns, opts, "EfficientCDaR");
    this.tickers = this.s.tickers;
  }

  /** Adds gamma * ||w||^2 to every objective (pypfopt `objective_functions.L2_reg`, default gamma 1). Cumulative. */
  addL2Regularisation(gamma = 1): this {
    if (!(gamma >= 0)) throw contextError({ where: "EfficientCDaR.addL2Regularisation", what: "gamma must be non-negative", found: String(gamma) });
    this.l2Gamma += gamma;
    return this;
  }

  /** Minimum-CDaR portfolio. */
  async minCdar(opts: { marketNeutral?: boolean } = {}): Promise<Record<string, number>> {
    return this.solve("min", opts.marketNeutral ?? false);
  }

  /** Minimum CDaR subject to mu'w >= targetReturn. */
  async efficientReturn(targetReturn: number, opts: { marketNeutral?: boolean } = {}): Promise<Record<string, number>> {
    if (!this.s.mu) throw contextError({ where: "EfficientCDaR.efficientReturn", what: "expected returns are needed" });
    return this.solve("min", opts.marketNeutral ?? false, { kind: "return", value: targetReturn });
  }

  /** Maximum return subject to CDaR <= targetCdar. */
  async efficientRisk(targetCdar: number, opts: { marketNeutral?: boolean } = {}): Promise<Record<string, number>> {
    if (!this.s.mu) throw contextError({ where: "EfficientCDaR.efficientRisk", what: "expected returns are needed" });
    return this.solve("maxret", opts.marketNeutral ?? false, { kind: "risk", value: targetCdar });
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

  private async solve(objective: "min" | "maxret", marketNeutral: boolean, extra?: { kind: "return" | "risk"; value: number }): Promise<Record<string, number>> {
    const { n, T, R, mu } = this.s;
    // columns: w (n), alpha, u_0..u_T (T+1), z_1..z_T (T)
    const A = n;
    const U = n + 1;
    const Z = U + T + 1;
    const N = Z + T;
    const c = 1 / ((1 - this.beta) * T);
    const cost = new Float64Array(N);
    if (objective === "min") {
      cost[A] = 1;
      for (let t = 0; t < T; t++) cost[Z + t] = c;
    } else for (let i = 0; i < n; i++) cost[i] = -mu![i]!;
    const lower = new Float64Array(N).fill(-Infinity);
    const upper = new Float64Array(N).fill(Infinity);
    lower.set(this.s.lower);
    upper.set(this.s.upper);
    if (marketNeutral && !this.s.lower.some((l) => l < 0)) {
      process.emitWarning("Market neutrality requires shorting - bounds have been amended to [-1, 1].", "RuntimeWarning");
      lower.fill(-1, 0, n), upper.fill(1, 0, n);
    }
    for (let t = 0; t <= T; t++) lower[U + t] = 0;
    upper[U] = 0; // u_0 = 0
    for (let t = 0; t < T; t++) lower[Z + t] = 0;
    const rows: SparseRow[] = [];
    const rl: number[] = [];
    const ru: number[] = [];
    const all = Array.from({ length: n }, (_, i) => i);
    const budget = marketNeutral ? 0 : 1;
    rows.push({ index: all, value: Array(n).fill(1) }), rl.push(budget), ru.push(budget);
    for (let t = 0; t < T; t++) {
      // z_t - u_{t+1} + alpha >= 0
      rows.push({ index: [Z + t, U + t + 1, A], value: [1, -1, 1] }), rl.push(0), ru.push(Infinity);
      // u_{t+1} - u_t + r_t'w >= 0
      rows.push({ index: [U + t + 1, U + t, ...all], value: [1, -1, ...R.subarray(t * n, (t + 1) * n)] }), rl.push(0), ru.push(Infinity);
    }
    if (extra?.kind === "return") rows.push({ index: all, value: Array.from(mu!) }), rl.push(extra.value), ru.push(Infinity);
    if (extra?.kind === "risk") {
      rows.push({ index: [A, ...Array.from({ length: T }, (_, t) => Z + t)], value: [1, ...Array(T).fill(c)] });
      rl.push(-Infinity), ru.push(extra.value);
    }
    if (this.l2Gamma > 0) {
      // HiGHS's QP solver fails on this model (status -1); the native interior-point QP solves it instead.
      this.weights = this.solveL2(cost, lower, upper, rows, rl, ru);
      return toRecord(this.tickers, this.weights);
    }
    const { x } = await solveHighs({ numCols: N, colCost: cost, colLower: lower, colUpper: upper, rows, rowLower: rl, rowUpper: ru }, "EfficientCDaR");
    this.weights = x.slice(0, n);
    return toRecord(this.tickers, this.weights);
  }

  /**
   * The same model plus gamma ||w||^2, through qp.ts. Columns are renumbered in time order (u_0, u_1, z_1, u_2, z_2,
   * ..., then alpha and w) so that the Newton matrix is banded with a few dense rows at the end, which the native
   * Cholesky factors in O((n + 1)^2 T); the CDaR limit of efficientRisk becomes an equality on an extra column v
   * (v = alpha + c sum z, v <= target) so that it adds no dense block.
   */
  private solveL2(cost: Float64Array, lower: Float64Array, upper: Float64Array, rows: SparseRow[], rl: number[], ru: number[]): Float64Array {
    const { n, T } = this.s;
    const A = n;
    const U = n + 1;
    const Z = U + T + 1;
    const N = Z + T;
    // old column -> new column
    const map = new Int32Array(N);
    map[U] = 0;
    for (let t = 0; t < T; t++) {
      map[U + t + 1] = 1 + 2 * t;
      map[Z + t] = 2 + 2 * t;
    }
    map[A] = 2 * T + 1;
    for (let i = 0; i < n; i++) map[i] = 2 * T + 2 + i;
    const W = 2 * T + 2;
    const V = N; // the extra column for a CDaR limit
    const hasRisk = ru.length > 0 && rows[rows.length - 1]!.index[0] === A && rl[rl.length - 1] === -Infinity;
    const M = hasRisk ? N + 1 : N;
    const q = new Float64Array(M);
    const lo = new Float64Array(M).fill(-Infinity);
    const up = new Float64Array(M).fill(Infinity);
    for (let k = 0; k < N; k++) {
      q[map[k]!] = cost[k]!;
      lo[map[k]!] = lower[k]!;
      up[map[k]!] = upper[k]!;
    }
    const P = new Float64Array(M * M);
    for (let i = 0; i < n; i++) P[(W + i) * M + W + i] = 2 * this.l2Gamma;
    const Aeq: SparseRow[] = [];
    const b: number[] = [];
    const G: SparseRow[] = [];
    const h: number[] = [];
    rows.forEach((r, k) => {
      const index = Array.from(r.index, (j) => map[j]!);
      const value = Array.from(r.value);
      if (hasRisk && k === rows.length - 1) {
        // alpha + c sum z - v = 0, v <= target
        Aeq.push({ index: [...index, V], value: [...value, -1] }), b.push(0);
        up[V] = ru[k]!;
        return;
      }
      if (rl[k] === ru[k]) Aeq.push({ index, value }), b.push(rl[k]!);
      else {
        if (Number.isFinite(ru[k]!)) G.push({ index, value }), h.push(ru[k]!);
        if (Number.isFinite(rl[k]!)) G.push({ index, value: value.map((v) => -v) }), h.push(-rl[k]!);
      }
    });
    // ~1,800 columns for 900 days: too many to polish exactly (qp.ts polishes up to 1,500), and the interior point
    // stalls near a 4e-7 dual residual on this model, so it is accepted at a relative tolerance of 1e-8.
    const problem: QpProblem = { n: M, P, q, A: Aeq, b, G, h, lower: lo, upper: up };
    const solution = solveQp(problem, { tolerance: 1e-8 });
    this.lastQp = { problem, solution };
    return solution.x.slice(W, W + n);
  }
}
