/**
 * The ports a strategy is written against. One strategy module runs unchanged in a backtest (adapter over the
 * native replay engine, `omniquant/backtest`), in paper mode and live: each host provides a `StrategyContext`.
 *
 * Units: time in nanoseconds since the Unix epoch (bigint); prices in integer ticks and quantities in integer
 * lots of the instrument (see `InstrumentSpec`), so no price is ever a float inside a strategy's order flow.
 * Money (cash, PnL, fees) is reported in quote currency as numbers converted once from exact integer sums.
 *
 * The loop is pulled by the strategy: `await ctx.elapse(100_000_000n)` lets 100 ms of market time pass (the host
 * replays it in one native batch) and returns false when the data is exhausted; `await ctx.waitNext()` returns
 * at the next market event or order response.
 */
import type { InstrumentSpec } from "../../data/market/events.js";

export type { InstrumentSpec };

export type Side = 1 | -1;
export type TimeInForce = "GTC" | "IOC" | "FOK" | "GTX";
export type OrderType = "limit" | "market";
export type OrderStatus = "pending" | "open" | "partially_filled" | "filled" | "cancelled" | "rejected";

export interface Clock {
  /** Current local time (ns). */
  now(): bigint;
}

export interface TopOfBook {
  /** Best bid in ticks, or NaN when the side is empty. */
  bidPrice: number;
  bidQty: number;
  askPrice: number;
  askQty: number;
}

export interface DepthLevel {
  price: number;
  qty: number;
}

export interface TradePrint {
  ts: bigint;
  /** Aggressor side. */
  side: Side;
  price: number;
  qty: number;
}

/**
 * One OHLCV bar. Prices are in ticks of the instrument like every other price here, but may be fractional
 * (adjusted daily series are not on the tick grid); volume in lots.
 */
export interface Bar {
  ts: bigint;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface MarketDataPort {
  instruments(): readonly InstrumentSpec[];
  /** Top of the replayed book as the strategy sees it (after feed latency). */
  top(instrument?: number): TopOfBook;
  /** Up to `levels` levels per side, best first. */
  depth(instrument?: number, levels?: number): { bids: DepthLevel[]; asks: DepthLevel[] };
  /** Trades received since the previous wake-up. */
  trades(instrument?: number): readonly TradePrint[];
  /** The last `n` completed bars (oldest first) on bar-driven hosts; empty on tick hosts without bars. */
  bars(instrument?: number, n?: number): readonly Bar[];
}

export interface OrderRequest {
  instrument?: number;
  side: Side;
  /** Limit price in ticks (ignored for market orders). */
  price: number;
  /** Quantity in lots, > 0. */
  qty: number;
  type?: OrderType;
  tif?: TimeInForce;
  /** Client tag echoed in the order log. */
  tag?: string;
}

export interface OrderState {
  id: number;
  instrument: number;
  side: Side;
  price: number;
  qty: number;
  filledQty: number;
  status: OrderStatus;
  /** Reason text when rejected. */
  reason?: string;
}

export interface Fill {
  orderId: number;
  ts: bigint;
  instrument: number;
  side: Side;
  price: number;
  qty: number;
  /** True when our order was resting (maker). */
  maker: boolean;
  /** Fee in quote currency (negative = rebate). */
  fee: number;
}

export interface ExecutionPort {
  /** Sends an order; it reaches the exchange after the entry latency. Returns our order id. */
  submit(order: OrderRequest): number;
  cancel(orderId: number): void;
  /** Cancel/replace: new price and/or quantity; loses queue priority as at the venue. */
  replace(orderId: number, price: number, qty: number): void;
  /** Orders that are not final (pending, open, partially filled), as last acknowledged. */
  openOrders(instrument?: number): readonly OrderState[];
  order(orderId: number): OrderState | undefined;
  /** Fills received since the previous wake-up. */
  fills(): readonly Fill[];
}

export interface PnL {
  realised: number;
  unrealised: number;
  fees: number;
  /** realised + unrealised - fees. */
  total: number;
}

export interface PortfolioPort {
  /** Position in lots (signed). */
  position(instrument?: number): number;
  /** Cash in quote currency. */
  cash(): number;
  pnl(instrument?: number): PnL;
}

export interface LogPort {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface StrategyContext {
  clock: Clock;
  marketData: MarketDataPort;
  execution: ExecutionPort;
  portfolio: PortfolioPort;
  log: LogPort;
  /** Lets `ns` of market time pass. Resolves false when the data is exhausted. */
  elapse(ns: bigint): Promise<boolean>;
  /** Waits for the next market event or order response (or `timeoutNs`). Resolves false at the end. */
  waitNext(timeoutNs?: bigint): Promise<boolean>;
}

/** A strategy: an async function that drives its own loop over a context. */
export type Strategy<P = Record<string, unknown>> = (ctx: StrategyContext, params: P) => Promise<void>;
