/**
 * Discrete allocation of weights to whole shares for a budget, PyPortfolioOpt `DiscreteAllocation` semantics:
 *
 * - `greedy`: buy floor(w_i V / p_i) shares in descending weight order, then repeatedly buy one share of the asset
 *   with the largest shortfall (target weight minus current weight) that is still affordable (up to 10 skips).
 * - `integerProgramme`: minimise sum_i |w_i V - x_i p_i| + leftover, x integer >= 0, cost <= V (HiGHS MIP).
 * - Negative weights (shorts): the long and short books are allocated separately, the short book with
 *   `shortRatio * V` (default the sum of |short weights|), as PyPortfolioOpt does; short share counts are negative.
 * Weights are normalised within each book (each book sorted by descending |weight|, as PyPortfolioOpt re-sorts its
 * sub-allocations). Zero-share positions are dropped from the result. `allocationRmse` is PyPortfolioOpt's
 * `_allocation_rmse_error`.
 */
import type { ColumnTable } from "arquero";
import { contextError } from "../util/errors.js";
import { solveHighs } from "./highs.js";
import { toColumns, type PriceInput } from "./inputs.js";
import type { SparseRow } from "./qp.js";

export interface AllocationResult {
  /** Whole shares per ticker (negative = short). */
  allocation: Record<string, number>;
  /** Money not spent (long book plus short proceeds not used). */
  leftover: number;
}

/** The last non-missing price of every ticker (pypfopt `get_latest_prices`, i.e. prices.ffill().iloc[-1]). */
export function latestPrices(prices: PriceInput | ColumnTable): Record<string, number> {
  const c = toColumns(prices as PriceInput, "latestPrices");
  const out: Record<string, number> = {};
  c.tickers.forEach((t, i) => {
    const col = c.columns[i]!;
    for (let r = col.length - 1; r >= 0; r--) if (!Number.isNaN(col[r]!)) { out[t] = col[r]!; return; }
    out[t] = NaN;
  });
  return out;
}

export class DiscreteAllocation {
  readonly weights: [string, number][];
  readonly prices: Record<string, number>;
  readonly totalValue: number;
  readonly shortRatio: number | null;

  constructor(weights: Readonly<Record<string, number>>, latest: Readonly<Record<string, number>>, opts: { totalPortfolioValue?: number; shortRatio?: number } = {}) {
    const where = "DiscreteAllocation";
    this.totalValue = opts.totalPortfolioValue ?? 10000;
    if (!(this.totalValue > 0)) throw contextError({ where, what: "totalPortfolioValue must be positive", found: String(this.totalValue) });
    for (const t of Object.keys(weights)) {
      if (!(latest[t]! > 0)) throw contextError({ where, what: `no positive latest price for '${t}'`, found: String(latest[t]) });
    }
    this.weights = Object.entries(weights).sort((a, b) => b[1] - a[1]);
    this.prices = { ...latest };
    this.shortRatio = opts.shortRatio ?? null;
  }

  /** Greedy rounding (see the file comment). */
  greedy(opts: { reinvest?: boolean } = {}): AllocationResult {
    return this.split((w, value) => this.greedyBook(w, value), opts.reinvest ?? false);
  }

  /** Integer programme (HiGHS MIP) minimising the money-weighted deviation plus leftover. */
  async integerProgramme(opts: { reinvest?: boolean } = {}): Promise<AllocationResult> {
    const longs = this.weights.filter(([, w]) => w > 0);
    const shorts = this.weights.filter(([, w]) => w < 0).map(([t, w]) => [t, -w] as [string, number]).sort((a, b) => b[1] - a[1]);
    if (shorts.length === 0) return this.mipBook(normalise(longs), this.totalValue);
    const shortValue = this.totalValue * (this.shortRatio ?? shorts.reduce((a, [, w]) => a + w, 0));
    const s = await this.mipBook(normalise(shorts), shortValue);
    const l = await this.mipBook(normalise(longs), this.totalValue + (opts.reinvest ? shortValue : 0));
    for (const t of Object.keys(s.allocation)) s.allocation[t] = -s.allocation[t]!;
    return { allocation: { ...l.allocation, ...s.allocation }, leftover: l.leftover + s.leftover };
  }

  /**
   * Root-mean-square difference between the target weights and the weights the allocation realises, each position's
   * value num * price divided by the net value sum(num * price) (shorts count negative), over every ticker given
   * (pypfopt `DiscreteAllocation._allocation_rmse_error`).
   */
  allocationRmse(allocation: Readonly<Record<string, number>>): number {
    let value = 0;
    for (const [t, k] of Object.entries(allocation)) value += k * this.prices[t]!;
    let sse = 0;
    for (const [t, w] of this.weights) {
      const realised = t in allocation ? (allocation[t]! * this.prices[t]!) / value : 0;
      sse += (w - realised) ** 2;
    }
    return Math.sqrt(sse / this.weights.length);
  }

  private split(book: (w: [string, number][], value: number) => AllocationResult, reinvest: boolean): AllocationResult {
    const longs = this.weights.filter(([, w]) => w > 0);
    const shorts = this.weights.filter(([, w]) => w < 0).map(([t, w]) => [t, -w] as [string, number]).sort((a, b) => b[1] - a[1]);
    if (shorts.length === 0) return book(normalise(longs), this.totalValue);
    const shortValue = this.totalValue * (this.shortRatio ?? shorts.reduce((a, [, w]) => a + w, 0));
    const s = book(normalise(shorts), shortValue);
    const l = book(normalise(longs), this.totalValue + (reinvest ? shortValue : 0));
    for (const t of Object.keys(s.allocation)) s.allocation[t] = -s.allocation[t]!;
    return { allocation: { ...l.allocation, ...s.allocation }, leftover: l.leftover + s.leftover };
  }

  private greedyBook(weights: [string, number][], value: number): AllocationResult {
    let funds = value;
    const shares = weights.map(([t, w]) => {
      const k = Math.floor((w * value) / this.prices[t]!);
      funds -= k * this.prices[t]!;
      return k;
    });
    const price = weights.map(([t]) => this.prices[t]!);
    for (;;) {
      const held = shares.map((k, i) => k * price[i]!);
      const total = held.reduce((a, b) => a + b, 0);
      const deficit = weights.map(([, w], i) => w - (total > 0 ? held[i]! / total : 0));
      let idx = argmax(deficit);
      let counter = 0;
      while (price[idx]! > funds) {
        deficit[idx] = 0;
        idx = argmax(deficit);
        if (deficit[idx]! < 0 || counter === 10) break;
        counter++;
      }
      if (deficit[idx]! <= 0 || counter === 10 || price[idx]! > funds) break;
      shares[idx]!++;
      funds -= price[idx]!;
    }
    const allocation: Record<string, number> = {};
    weights.forEach(([t], i) => {
      if (shares[i]! > 0) allocation[t] = shares[i]!;
    });
    return { allocation, leftover: funds };
  }

  private async mipBook(weights: [string, number][], value: number): Promise<AllocationResult> {
    const n = weights.length;
    // columns: x (n, integer >= 0), u (n, >= 0), r (leftover >= 0)
    const N = 2 * n + 1;
    const cost = new Float64Array(N);
    for (let i = 0; i < n; i++) cost[n + i] = 1;
    cost[2 * n] = 1;
    const lower = new Float64Array(N);
    const upper = new Float64Array(N).fill(Infinity);
    const rows: SparseRow[] = [];
    const rl: number[] = [];
    const ru: number[] = [];
    const p = weights.map(([t]) => this.prices[t]!);
    // r = V - p'x  ->  p'x + r = V
    rows.push({ index: [...Array(n).keys(), 2 * n], value: [...p, 1] }), rl.push(value), ru.push(value);
    weights.forEach(([, w], i) => {
      // |w V - p x| <= u :  p x + u >= w V  and  -p x + u >= -w V
      rows.push({ index: [i, n + i], value: [p[i]!, 1] }), rl.push(w * value), ru.push(Infinity);
      rows.push({ index: [i, n + i], value: [-p[i]!, 1] }), rl.push(-w * value), ru.push(Infinity);
    });
    const { x } = await solveHighs({ numCols: N, colCost: cost, colLower: lower, colUpper: upper, rows, rowLower: rl, rowUpper: ru, integer: [...Array(n).keys()] }, "DiscreteAllocation.integerProgramme");
    const allocation: Record<string, number> = {};
    weights.forEach(([t], i) => {
      const k = Math.round(x[i]!);
      if (k > 0) allocation[t] = k;
    });
    const spent = p.reduce((a, pi, i) => a + Math.round(x[i]!) * pi, 0);
    return { allocation, leftover: value - spent };
  }
}

function normalise(w: [string, number][]): [string, number][] {
  const s = w.reduce((a, [, v]) => a + v, 0);
  return w.map(([t, v]) => [t, v / s]);
}

function argmax(v: number[]): number {
  let k = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[k]!) k = i;
  return k;
}
