/**
 * Vectorised backtest of target weights over a price panel: the fast path for parameter sweeps, where positions
 * are a function of prices computed up front (no order handling, no integer lots).
 *
 * Conventions (shared with the native `maCrossoverSweep` kernel)
 * - `prices[i][t]`: close of asset i on bar t (NaN = no bar); `positions[i][t]`: weight of asset i (a signed
 *   fraction of equity) decided at close t and held from close t to close t+1, so it may use prices up to t only.
 *   Signals (-1/0/+1) are weights once scaled, e.g. by 1/N for equal sleeves (`opts.scale`).
 * - Portfolio return on bar t: r(t) = sum_i w_i(t-1) * ret_i(t) - cost * sum_i |w_i(t) - w_i(t-1)|, with
 *   ret_i(t) = p_i(t) / p_i(t-1) - 1 (0 when either price is missing: the last price is carried), w_i(-1) = 0 and
 *   cost = costs.bps * 1e-4 per unit of weight traded, charged on the bar the weight changes. Weights are
 *   rebalanced to their targets every bar (no drift between bars).
 * - equity(t) = prod_{s <= t} (1 + r(s)), starting from 1 before bar 0.
 * - `summary` uses omniquant/analytics conventions (annualised by `periodsPerYear`, Sharpe with ddof 1).
 */
import { summarizePerformance, type PerformanceSummary } from "../../analytics/performance.js";
import { contextError } from "../../util/errors.js";
import { toPanel } from "./panel.js";
import type { BarInput } from "./types.js";

export interface VectorCosts {
  /** Cost per unit of weight traded, in basis points of equity (commission plus slippage). Default 0. */
  bps?: number;
}

export interface VectorBacktestOptions {
  /** Multiplies every position (e.g. 1 / N to turn per-asset signals into equal sleeves). Default 1. */
  scale?: number;
  /** Default 252. */
  periodsPerYear?: number;
}

export interface VectorBacktestResult {
  /** r(t), length T. */
  returns: Float64Array;
  /** Equity after bar t, starting from 1, length T. */
  equity: Float64Array;
  /** sum_i |w_i(t) - w_i(t-1)| per bar (two-way). */
  turnover: Float64Array;
  /** Number of (asset, bar) position changes. */
  trades: number;
  summary: PerformanceSummary;
}

/** Price columns: one array per asset (all of length T), or anything `runBarBacktest` accepts (closes are used). */
export type PriceColumns = ReadonlyArray<ArrayLike<number>> | BarInput;

function isColumns(x: unknown): x is ReadonlyArray<ArrayLike<number>> {
  return Array.isArray(x) && (x.length === 0 || (typeof x[0] === "object" && x[0] !== null && typeof (x[0] as ArrayLike<number>).length === "number"));
}

/** Closes as columns (`prices[i][t]`). */
export function closeColumns(prices: PriceColumns, where = "vectorBacktest"): ArrayLike<number>[] {
  if (isColumns(prices)) return [...prices];
  return toPanel(prices as BarInput, where).close;
}

/**
 * Backtests target weights `positions[i][t]` over `prices[i][t]` with a proportional cost (see the module comment
 * for the exact return, cost and timing conventions).
 */
export function vectorBacktest(prices: PriceColumns, positions: ReadonlyArray<ArrayLike<number>>, costs: VectorCosts = {}, opts: VectorBacktestOptions = {}): VectorBacktestResult {
  const cols = closeColumns(prices);
  const N = cols.length;
  if (N === 0) throw contextError({ where: "vectorBacktest", what: "there are no assets", expected: "at least one price column" });
  const T = cols[0]!.length;
  for (let i = 0; i < N; i++) {
    if (cols[i]!.length !== T) throw contextError({ where: `vectorBacktest, prices column ${i}`, what: "the price columns differ in length", expected: String(T), found: String(cols[i]!.length) });
  }
  if (!Array.isArray(positions) || positions.length !== N) {
    throw contextError({ where: "vectorBacktest", what: "positions must have one column per asset", expected: String(N), found: Array.isArray(positions) ? String(positions.length) : typeof positions });
  }
  for (let i = 0; i < N; i++) {
    if (positions[i]!.length !== T) throw contextError({ where: `vectorBacktest, positions column ${i}`, what: "a positions column has the wrong length", expected: `${T} (one weight per bar)`, found: String(positions[i]!.length) });
  }
  const bps = costs.bps ?? 0;
  if (!(bps >= 0) || !Number.isFinite(bps)) throw contextError({ where: "vectorBacktest", what: "costs.bps must be a finite number >= 0", found: String(costs.bps) });
  const scale = opts.scale ?? 1;
  if (!Number.isFinite(scale)) throw contextError({ where: "vectorBacktest", what: "opts.scale must be finite", found: String(opts.scale) });
  const cost = bps * 1e-4;

  const returns = new Float64Array(T);
  const turnoverOut = new Float64Array(T);
  let trades = 0;
  for (let i = 0; i < N; i++) {
    const p = cols[i]!;
    const w = positions[i]!;
    let prev = 0;
    for (let t = 0; t < T; t++) {
      const raw = w[t]!;
      const wt = Number.isNaN(raw) ? 0 : raw * scale;
      if (!Number.isFinite(wt)) throw contextError({ where: `vectorBacktest, asset ${i} bar ${t}`, what: "a position is not finite", found: String(raw) });
      const r = t > 0 ? p[t]! / p[t - 1]! - 1 : 0;
      const ret = Number.isNaN(r) ? 0 : r;
      const dw = Math.abs(wt - prev);
      returns[t] = returns[t]! + prev * ret - cost * dw;
      turnoverOut[t] = turnoverOut[t]! + dw;
      if (wt !== prev) trades++;
      prev = wt;
    }
  }
  const equity = new Float64Array(T);
  let e = 1;
  for (let t = 0; t < T; t++) {
    e *= 1 + returns[t]!;
    equity[t] = e;
  }
  const curve = new Float64Array(T + 1);
  curve[0] = 1;
  curve.set(equity, 1);
  const summary = summarizePerformance(returns, { periodsPerYear: opts.periodsPerYear ?? 252, equity: curve });
  return { returns, equity, turnover: turnoverOut, trades, summary };
}
