/**
 * Position sizing helpers for strategies on any host (they use only the ports): how many lots for a notional, a
 * weight of equity or a volatility target, and orders that move a position (or a whole book) to a target.
 *
 * Units: prices in ticks of the instrument (currency on bar hosts, where tickSize is 1), quantities in integer
 * lots; value of one lot at price p = p * tickSize * lotSize. Lots are truncated toward zero, so a target is never
 * overshot.
 */
import type { InstrumentSpec, OrderRequest, StrategyContext } from "../../trading/ports/index.js";

type Spec = Pick<InstrumentSpec, "tickSize" | "lotSize">;

/** Lots worth `notional` at `price`: trunc(notional / (price * tickSize * lotSize)); 0 for a missing price. */
export function lotsForNotional(notional: number, price: number, spec: Spec = { tickSize: 1, lotSize: 1 }): number {
  const lotValue = price * spec.tickSize * spec.lotSize;
  if (!(lotValue > 0) || !Number.isFinite(notional)) return 0;
  return Math.trunc(notional / lotValue) || 0; // avoid -0
}

/** Lots for a weight (fraction, signed) of `equity` at `price`: lotsForNotional(weight * equity, price). */
export function lotsForWeight(weight: number, equity: number, price: number, spec?: Spec): number {
  return lotsForNotional(weight * equity, price, spec);
}

export interface VolTargetOptions {
  /** Annualised volatility to aim for, e.g. 0.10. */
  targetVolatility: number;
  /** Number of most recent returns used to estimate volatility; default 63. */
  lookback?: number;
  /** Default 252. */
  periodsPerYear?: number;
  /** Cap on the absolute weight; default 1. */
  maxWeight?: number;
}

/**
 * Volatility-targeting weight: targetVolatility / realised volatility, where realised volatility is the sample
 * standard deviation (ddof 1) of the last `lookback` simple returns of `closes` (oldest first; NaNs skipped),
 * times sqrt(periodsPerYear); capped at `maxWeight`. 0 when fewer than 2 returns are available or volatility is 0.
 */
export function volatilityTargetWeight(closes: ArrayLike<number>, opts: VolTargetOptions): number {
  const lookback = opts.lookback ?? 63;
  const ppy = opts.periodsPerYear ?? 252;
  const cap = opts.maxWeight ?? 1;
  const rets: number[] = [];
  for (let t = closes.length - 1; t >= 1 && rets.length < lookback; t--) {
    const r = closes[t]! / closes[t - 1]! - 1;
    if (Number.isFinite(r)) rets.push(r);
  }
  if (rets.length < 2) return 0;
  const mean = rets.reduce((a, b) => a + b, 0) / rets.length;
  const variance = rets.reduce((a, r) => a + (r - mean) * (r - mean), 0) / (rets.length - 1);
  const vol = Math.sqrt(variance * ppy);
  if (!(vol > 0)) return 0;
  return Math.min(cap, opts.targetVolatility / vol);
}

/** Last price of an instrument as the strategy sees it: the last completed bar's close, else the mid of the top of book. */
export function lastPrice(ctx: StrategyContext, instrument: number): number {
  const bars = ctx.marketData.bars(instrument, 1);
  if (bars.length > 0) return bars[bars.length - 1]!.close;
  const top = ctx.marketData.top(instrument);
  return (top.bidPrice + top.askPrice) / 2;
}

/** Equity marked at last prices: cash + sum_i position_i * lastPrice_i * tickSize_i * lotSize_i. */
export function markToMarket(ctx: StrategyContext): number {
  let equity = ctx.portfolio.cash();
  ctx.marketData.instruments().forEach((spec, i) => {
    const q = ctx.portfolio.position(i);
    if (q !== 0) equity += q * lastPrice(ctx, i) * spec.tickSize * spec.lotSize;
  });
  return equity;
}

/** Signed lots still to come from open orders of an instrument (buys positive). */
export function pendingLots(ctx: StrategyContext, instrument: number): number {
  let q = 0;
  for (const o of ctx.execution.openOrders(instrument)) q += o.side * (o.qty - o.filledQty);
  return q;
}

export interface TargetOrderOptions {
  /** Tag for the orders. */
  tag?: string;
  /** Count open orders toward the current position (default true). */
  includePending?: boolean;
}

/**
 * Sends a market order for the difference between `targetLots` and the current position (plus open orders unless
 * `includePending` is false). Returns the order id, or undefined when nothing needs trading.
 */
export function orderToTarget(ctx: StrategyContext, instrument: number, targetLots: number, opts: TargetOrderOptions = {}): number | undefined {
  const current = ctx.portfolio.position(instrument) + (opts.includePending === false ? 0 : pendingLots(ctx, instrument));
  const delta = Math.trunc(targetLots) - current;
  if (delta === 0) return undefined;
  const order: OrderRequest = { instrument, side: delta > 0 ? 1 : -1, price: NaN, qty: Math.abs(delta), type: "market" };
  if (opts.tag !== undefined) order.tag = opts.tag;
  return ctx.execution.submit(order);
}

export interface RebalanceOptions extends TargetOrderOptions {
  /** Equity to size against; default `markToMarket(ctx)`. */
  equity?: number;
  /** Skip trades smaller than this fraction of equity (default 0: trade every difference of a lot or more). */
  minTradeWeight?: number;
}

/**
 * Target-weight rebalancing: for every instrument, target lots = lotsForWeight(w_i, equity, lastPrice_i) and a
 * market order for the difference (`orderToTarget`). Weights are signed fractions of equity, by instrument index
 * (an array) or by symbol (an object; missing symbols get 0). Instruments without a price are left alone.
 * Sells are sent before buys. Returns the ids of the orders sent.
 */
export function rebalanceToWeights(ctx: StrategyContext, weights: ArrayLike<number> | Readonly<Record<string, number>>, opts: RebalanceOptions = {}): number[] {
  const specs = ctx.marketData.instruments();
  const w = new Float64Array(specs.length);
  if (isArrayLike(weights)) {
    if (weights.length !== specs.length) throw new RangeError(`rebalanceToWeights: ${weights.length} weights for ${specs.length} instruments.`);
    for (let i = 0; i < specs.length; i++) w[i] = weights[i]!;
  } else {
    const known = new Set(specs.map((s) => s.symbol));
    for (const key of Object.keys(weights)) if (!known.has(key)) throw new RangeError(`rebalanceToWeights: no instrument '${key}'.`);
    specs.forEach((s, i) => {
      w[i] = (weights as Record<string, number>)[s.symbol] ?? 0;
    });
  }
  const equity = opts.equity ?? markToMarket(ctx);
  const minNotional = (opts.minTradeWeight ?? 0) * Math.abs(equity);
  const sells: [number, number][] = [];
  const buys: [number, number][] = [];
  for (let i = 0; i < specs.length; i++) {
    const price = lastPrice(ctx, i);
    if (!(price > 0)) continue;
    const target = lotsForWeight(w[i]!, equity, price, specs[i]);
    const current = ctx.portfolio.position(i) + (opts.includePending === false ? 0 : pendingLots(ctx, i));
    const delta = target - current;
    if (delta === 0 || Math.abs(delta) * price * specs[i]!.tickSize * specs[i]!.lotSize < minNotional) continue;
    (delta < 0 ? sells : buys).push([i, target]);
  }
  const ids: number[] = [];
  for (const [i, target] of [...sells, ...buys]) {
    const id = orderToTarget(ctx, i, target, opts);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

function isArrayLike(x: unknown): x is ArrayLike<number> {
  return Array.isArray(x) || ArrayBuffer.isView(x);
}
