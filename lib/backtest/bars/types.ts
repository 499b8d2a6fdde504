/**
 * Types of the bar-level backtest engine (`runBarBacktest`): its inputs (an aligned date x instrument panel of
 * OHLCV bars), its options (fill rule, commission, slippage, initial cash) and its results (Arquero tables and a
 * summary).
 *
 * Units on a bar host
 * - Prices are in currency per share (each instrument's `tickSize` is 1 unless given), so a "tick" price in the
 *   ports is simply the price. They may be fractional (adjusted daily series are not on a tick grid).
 * - Quantities are integer lots; a lot is `lotSize` shares (1 unless given). Give a small `lotSize` (e.g. 1e-6)
 *   to approximate fractional shares.
 * - Notional of a fill = price * qty * tickSize * lotSize, in quote currency.
 * - Time: a bar's `ts` is its date at 00:00 UTC in nanoseconds since the epoch (bigint).
 */
import type { ColumnTable } from "arquero";
import type { WideMatrix } from "../../portfolio/inputs.js";
import type { PerformanceSummary } from "../../analytics/performance.js";
import type { Bar, InstrumentSpec, Side } from "../../trading/ports/index.js";

export type { Bar, InstrumentSpec, Side };

/**
 * Bars of several instruments aligned on one date index: `close[i][t]` is instrument `symbols[i]` on `dates[t]`.
 *
 * An instrument has a bar on date t iff `close[i][t]` is finite (NaN before listing or after delisting): without a
 * bar it cannot trade on that date. `open` defaults to the close when the array (or the cell) is missing; `high`
 * and `low` default to max/min(open, close). Given values must satisfy low <= min(open, close) and
 * high >= max(open, close).
 */
export interface BarPanel {
  /** Strictly increasing: Dates, "YYYY-MM-DD" strings or epoch milliseconds. */
  dates: ReadonlyArray<Date | string | number>;
  symbols: readonly string[];
  close: ReadonlyArray<ArrayLike<number>>;
  open?: ReadonlyArray<ArrayLike<number>>;
  high?: ReadonlyArray<ArrayLike<number>>;
  low?: ReadonlyArray<ArrayLike<number>>;
  /** In shares; 0 when missing. */
  volume?: ReadonlyArray<ArrayLike<number>>;
}

/**
 * What `bars` accepts: a `BarPanel`, a wide Arquero table of closes as `loadPrices()` returns it (a `date` column
 * plus one column per ticker, NaN before listing), or a `{ tickers, rows, dates }` matrix of closes. Close-only
 * inputs give bars with open = high = low = close.
 */
export type BarInput = BarPanel | ColumnTable | (WideMatrix & { dates: ReadonlyArray<Date | string | number> });

/**
 * When market orders fill.
 * - "next_open" (default): an order submitted after bar t (i.e. while the strategy looks at bar t) fills at bar
 *   t+1's open. No look-ahead: the decision uses bar t's close, the fill happens later.
 * - "close": it fills at bar t's close, the price the decision was made on (optimistic; explicit opt-in).
 */
export type FillRule = "next_open" | "close";

/**
 * How a resting limit order is judged against a bar's range.
 * - "through" (default): a buy at L fills on a bar whose low < L (the market traded through the price), a sell
 *   at L on a bar whose high > L.
 * - "touch": low <= L (high >= L) is enough.
 * Price: a buy fills at min(open, L) (a gap through the limit at the open fills at the open, a taker fill), a
 * sell at max(open, L). Limit orders fill completely or not at all (no volume model), and get no slippage.
 */
export type LimitFillRule = "through" | "touch";

/** One fill as the cost models see it. */
export interface FillCostInput {
  instrument: number;
  symbol: string;
  side: Side;
  /** Execution price (after slippage), currency per share. */
  price: number;
  /** Lots. */
  qty: number;
  /** qty * lotSize. */
  shares: number;
  /** |price * shares * tickSize|, quote currency. */
  notional: number;
  /** True for a resting limit filled inside the bar, false for market orders and fills at the open/close. */
  maker: boolean;
}

/** Commission in quote currency for one fill (>= 0; negative = rebate). */
export type CommissionModel = (fill: FillCostInput) => number;

/** The execution price after slippage for a reference price (open or close) and side; must be finite > 0. */
export type SlippageModel = (price: number, side: Side, fill: { instrument: number; qty: number; bar: Bar }) => number;

/**
 * Plain-object commission: fee = max(minimum, bps * 1e-4 * notional + perShare * shares). Each field defaults
 * to 0. See `commission()` in costs.ts.
 */
export interface CommissionSpec {
  bps?: number;
  perShare?: number;
  minimum?: number;
}

/** Plain-object slippage: price moved against us by bps * 1e-4 * price + fixed (currency per share). */
export interface SlippageSpec {
  bps?: number;
  fixed?: number;
}

/** Per-instrument contract details; a single object applies to every instrument. */
export interface InstrumentOverrides {
  tickSize?: number;
  lotSize?: number;
}

export interface BarBacktestOptions {
  bars: BarInput;
  /** Default "next_open". */
  fill?: FillRule;
  /** Default "through". */
  limitFill?: LimitFillRule;
  /** Default none. */
  commission?: CommissionModel | CommissionSpec;
  /** Default none. Applies to market orders (and limit orders filling at the close under fill "close"). */
  slippage?: SlippageModel | SlippageSpec;
  /** Quote currency, default 1,000,000. */
  initialCash?: number;
  /** Contract details, for all instruments or by symbol. */
  instruments?: InstrumentOverrides | Readonly<Record<string, InstrumentOverrides>>;
  /** Periods per year for the summary statistics (annualisation). Default 252 (daily bars). */
  periodsPerYear?: number;
  /**
   * Whether the strategy may short (hold negative positions). Default true. When false, a sell that would take
   * the position below zero is rejected.
   */
  allowShort?: boolean;
}

/** Engine-specific summary figures on top of the performance statistics of the equity curve. */
export interface BarBacktestSummary extends PerformanceSummary {
  initialCash: number;
  finalEquity: number;
  /** Number of fills. */
  fills: number;
  /** Closed round trips (flat -> flat, or flat -> flip). */
  roundTrips: number;
  /** Fraction of closed round trips with positive PnL (after fees); NaN without closed round trips. */
  tradeHitRate: number;
  /** Total commissions, quote currency. */
  fees: number;
  /** Total traded notional, quote currency. */
  tradedNotional: number;
  /** Annualised one-way turnover: see `turnover` in omniquant/analytics. */
  turnover: number;
}

/**
 * Results. Tables:
 * - `equity`: date, cash, marketValue (signed sum of positions at the close), grossExposure, equity, ret (simple
 *   return vs the previous bar; the first row vs initial cash), one row per bar, recorded at the bar's close after
 *   every fill of that bar (including "close" fills).
 * - `fills`: orderId, date, instrument, symbol, side (+1/-1), qty (lots), price, notional, fee, maker, tag.
 * - `orders`: id, submitted (date of the bar the strategy looked at), instrument, symbol, side, type, tif, price,
 *   qty, filledQty, status, reason, tag.
 * - `positions`: date plus one column per symbol, position in lots at each bar's close.
 * - `trades`: closed round trips: symbol, side (+1 long/-1 short), entryDate, exitDate, qty (max lots held),
 *   pnl (quote currency, after fees), bars (held).
 */
export interface BarBacktestResult {
  equity: ColumnTable;
  fills: ColumnTable;
  orders: ColumnTable;
  positions: ColumnTable;
  trades: ColumnTable;
  summary: BarBacktestSummary;
  /** Final cash in exact integer micro-units of quote currency (1e-6), for reconciliation. */
  cashMicros: bigint;
  instruments: readonly InstrumentSpec[];
}
