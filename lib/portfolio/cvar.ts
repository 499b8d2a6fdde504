/**
 * Conditional value at risk minimisation (Rockafellar & Uryasev 2000, "Optimization of conditional value-at-risk"),
 * PyPortfolioOpt `EfficientCVaR` semantics: historical scenarios (rows with a missing return dropped), beta = 0.95,
 * CVaR as a positive loss per period (not annualised):
 *
 *     CVaR_beta(w) = min_alpha  alpha + 1 / ((1 - beta) T) * sum_t max(-r_t'w - alpha, 0)
 *
 * solved as a linear programme with HiGHS (variables w, alpha, u_t >= 0, u_t >= -r_t'w - alpha); with
 * `addL2Regularisation(gamma)` the objective gains gamma * ||w||^2 (pypfopt `objective_functions.L2_reg`) and it is
 * a QP (HiGHS QP). `efficientRisk` maximises mu'w (minus the L2 term) subject to CVaR <= target.
 */
import { contextError } from "../util/errors.js";
import { toRecord, type PriceInput } from "./inputs.js";
import { solveHighs } from "./highs.js";
import type { SparseRow } from "./qp.js";
import { scenarios, type ScenarioOptions, type Scenarios } from "./scenario.js";

export interface CvarOptions extends ScenarioOptions {
  /** Confidence level in (0, 1), default 0.95. */
  beta?: number;
}

export class EfficientCVaR {
  readonly tickers: string[];
  readonly beta: number;
  weights: Float64Array | null = null;
  private readonly s: Scenarios;
  private l2Gamma = 0;

  /**
   * @param expectedReturns annualised `{ ticker: mu }` (or null for minCvar only)
   * @param returns historical period returns (or prices with `pricesData: true`)
   */
  constructor(expectedReturns: Readonly<Record<string, number>> | null, returns: PriceInput, opts: CvarOptions = {}) {
    this.beta = opts.beta ?? 0.95;
    if (!(this.beta > 0 && this.beta < 1)) throw contextError({ where: "EfficientCVaR", what: "beta must be in (0, 1)", found: String(this.beta) });
    this.s = scenarios(expectedReturns, returns, opts, "EfficientCVaR");
    this.tickers = this.s.tickers;
  }

  /** Adds gamma * ||w||^2 to every objective (pypfopt `objective_functions.L2_reg`, default gamma 1). Cumulative. */
  addL2Regularisation(gamma = 1): this {
    if (!(gamma >= 0)) throw contextError({ where: "EfficientCVaR.addL2Regularisation", what: "gamma must be non-negative", found: String(gamma) });
    this.l2Gamma += gamma;
    return this;
  }

  /** Minimum-CVaR portfolio (sum w = 1, bounds). */
  async minCvar(opts: { marketNeutral?: boolean } = {}): Promise<Record<string, number>> {
    return this.solve("min", opts.marketNeutral ?? false);
  }

  /** Minimum CVaR subject to mu'w >= targetReturn. */
  async efficientReturn(targetReturn: number, opts: { marketNeutral?: boolean } = {}): Promise<Record<string, number>> {
    return this.solve("min", opts.marketNeutral ?? false, { kind: "return", value: targetReturn });
  }

  /** Maximum return subject to CVaR <= targetCvar. */
  async efficientRisk(targetCvar: number, opts: { marketNeutral?: boolean } = {}): Promise<Record<string, number>> {
    return this.solve("maxret", opts.marketNeutral ?? false, { kind: "risk", value: targetCvar });
  }

  /** Expected return mu'w (NaN without expected returns) and the historical CVaR of the weights. */
  portfolioPerformance(): { expectedReturn: number; cvar: number } {
    if (!this.weights) throw contextError({ where: "EfficientCVaR.portfolioPerformance", what: "there are no weights yet", hint: "Call an optimisation method first" });
    return { expectedReturn: this.s.mu ? this.s.mu.reduce((a, m, i) => a + m * this.weights![i]!, 0) : NaN, cvar: historicalCvar(this.s, this.weights, this.beta) };
  }

  private async solve(objective: "min" | "maxret", marketNeutral: boolean, extra?: { kind: "return" | "risk"; value: number }): Promise<Record<string, number>> {
    const { n, T, R, mu } = this.s;
    if ((objective === "maxret" || extra?.kind === "return") && !mu) throw contextError({ where: "EfficientCVaR", what: "expected returns are needed" });
    const N = n + 1 + T; // w, alpha, u
    const c = 1 / ((1 - this.beta) * T);
    const cost = new Float64Array(N);
    if (objective === "min") {
      cost[n] = 1;
      for (let t = 0; t < T; t++) cost[n + 1 + t] = c;
    } else for (let i = 0; i < n; i++) cost[i] = -mu![i]!;
    const lower = new Float64Array(N).fill(-Infinity);
    const upper = new Float64Array(N).fill(Infinity);
    lower.set(this.s.lower);
    upper.set(this.s.upper);
    if (marketNeutral && !this.s.lower.some((l) => l < 0)) lower.fill(-1, 0, n), upper.fill(1, 0, n);
    for (let t = 0; t < T; t++) lower[n + 1 + t] = 0;
    const rows: SparseRow[] = [];
    const rl: number[] = [];
    const ru: number[] = [];
    const all = Array.from({ length: n }, (_, i) => i);
    rows.push({ index: all, value: Array(n).fill(1) }), rl.push(marketNeutral ? 0 : 1), ru.push(marketNeutral ? 0 : 1);
    // r_t'w + alpha + u_t >= 0
    for (let t = 0; t < T; t++) {
      rows.push({ index: [...all, n, n + 1 + t], value: [...R.subarray(t * n, (t + 1) * n), 1, 1] });
      rl.push(0), ru.push(Infinity);
    }
    if (extra?.kind === "return") rows.push({ index: all, value: Array.from(mu!) }), rl.push(extra.value), ru.push(Infinity);
    if (extra?.kind === "risk") {
      rows.push({ index: [n, ...Array.from({ length: T }, (_, t) => n + 1 + t)], value: [1, ...Array(T).fill(c)] });
      rl.push(-Infinity), ru.push(extra.value);
    }
    const hessianDiagonal = this.l2Gamma > 0 ? Float64Array.from({ length: N }, (_, k) => (k < n ? 2 * this.l2Gamma : 0)) : undefined;
    const { x } = await solveHighs({ numCols: N, colCost: cost, colLower: lower, colUpper: upper, rows, rowLower: rl, rowUpper: ru, hessianDiagonal }, "EfficientCVaR");
    this.weights = x.slice(0, n);
    return toRecord(this.tickers, this.weights);
  }
}

/** Historical CVaR of weights: alpha + mean excess loss over alpha, alpha the beta-quantile loss (the LP's value). */
export function historicalCvar(s: Pick<Scenarios, "n" | "T" | "R">, w: ArrayLike<number>, beta: number): number {
  const losses = Array.from({ length: s.T }, (_, t) => {
    let v = 0;
    for (let i = 0; i < s.n; i++) v += s.R[t * s.n + i]! * w[i]!;
    return -v;
  }).sort((a, b) => a - b);
  // min over alpha of alpha + 1/((1-beta)T) sum max(L - alpha, 0): attained at a sample point; scan them all.
  const c = 1 / ((1 - beta) * s.T);
  let best = Infinity;
  let tail = losses.reduce((a, b) => a + b, 0);
  for (let k = 0; k < losses.length; k++) {
    const alpha = losses[k]!;
    // sum over L > alpha of (L - alpha) = tail - (count above) * alpha where tail = sum of losses above index k
    tail -= alpha;
    const above = losses.length - k - 1;
    const v = alpha + c * (tail - above * alpha);
    if (v < best) best = v;
  }
  return best;
}
