/**
 * The market-event columns every replay input is converted to: one row per event, one typed array per field.
 *
 * This is the contract between the data converters (`lib/data/market/*`: Binance/hftbacktest captures, LOBSTER,
 * Tardis, the ITCH book builder) and the native replay engine (`native/src/replay/`, facade `omniquant/backtest`).
 *
 * Conventions
 * - Timestamps are nanoseconds since the Unix epoch, `exchTs` as stamped by the venue, `localTs` as received by
 *   us (feed latency = localTs - exchTs). Rows are sorted by `localTs` (ties keep file order).
 * - Prices are integer ticks of the instrument's `tickSize`; quantities are integer lots of its `lotSize`.
 *   So a price in currency is `price * tickSize` and a notional is `price * qty * tickSize * lotSize`.
 * - `side` is +1 for bid/buy, -1 for ask/sell, 0 when the event has no side.
 * - For TRADE, `side` is the aggressor (taker) side: +1 means a buyer lifted the ask.
 * - `orderId` is only meaningful for the L3 kinds (0 otherwise); `instrument` indexes `instruments`.
 */

/** Event kinds (the `kind` column). The numeric values are shared with the C++ core; never renumber. */
export const EventKind = Object.freeze({
  /** L2: set the quantity resting at (side, price) to `qty` (0 deletes the level). */
  DEPTH: 1,
  /** L2: remove every level on `side` (0 = both sides); a snapshot follows as DEPTH_SNAPSHOT rows. */
  DEPTH_CLEAR: 2,
  /** L2: a level of a full snapshot; same effect as DEPTH. */
  DEPTH_SNAPSHOT: 3,
  /** A trade print: `side` is the aggressor, `price` and `qty` the execution. */
  TRADE: 4,
  /** Top of book quote for `side` (bookTicker/NBBO): best price and quantity on that side. */
  BBO: 5,
  /** L3: a new order `orderId` rests at (side, price) with `qty`. */
  L3_ADD: 6,
  /** L3: `orderId` loses `qty` lots by cancellation (partial cancel; qty = remaining means delete). */
  L3_CANCEL: 7,
  /** L3: `orderId` is replaced: new `price` and `qty`, loses its queue priority. */
  L3_MODIFY: 8,
  /** L3: `orderId` executes `qty` lots at `price` (the passive side of a trade). */
  L3_EXECUTE: 9,
  /** L3: `orderId` is removed whatever remains. */
  L3_DELETE: 10,
});
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

/** Static description of one instrument in a market-event set. */
export interface InstrumentSpec {
  symbol: string;
  /** Currency value of one price tick, e.g. 0.01 USDT for Binance BTCUSDT spot. */
  tickSize: number;
  /** Base-asset amount of one quantity lot, e.g. 0.00001 BTC. */
  lotSize: number;
  /** Venue, for display only. */
  venue?: string;
}

/** The columns. All arrays have the same length. */
export interface MarketEvents {
  exchTs: BigInt64Array;
  localTs: BigInt64Array;
  kind: Uint8Array;
  side: Int8Array;
  /** Integer ticks. */
  price: BigInt64Array;
  /** Integer lots. */
  qty: BigInt64Array;
  /** L3 order reference, 0 for L2/trade/BBO rows. */
  orderId: BigUint64Array;
  /** Index into `instruments`. */
  instrument: Uint16Array;
  instruments: InstrumentSpec[];
}

/** Number of rows of a `MarketEvents` set. */
export function eventCount(ev: MarketEvents): number {
  return ev.kind.length;
}
