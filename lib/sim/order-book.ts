/**
 * A price-time priority limit order book for one instrument, matched in native C++ (native/src/book).
 *
 *   const book = new OrderBook({ tickSize: 0.01, stp: "cancelNewest" });
 *   book.submit({ id: 1, side: "sell", price: 10_005, qty: 10 });          // -> [accepted]
 *   book.submit({ id: 2, side: "buy", type: "market", qty: 4 });           // -> [accepted, trade, partiallyFilled, filled]
 *   book.bbo(); book.depth(5); book.queue("sell", 10_005); book.queuePosition(1);
 *
 * Two ways in, one engine: per-order calls return decoded events for notebooks; `processBatch(columns)` takes
 * typed-array columns (see batch.ts, `BatchBuilder`) and returns typed-array event columns (see events.ts) with
 * one native call per batch. Prices are integer ticks (`toTicks`/`fromTicks` convert), quantities integers,
 * timestamps nanoseconds.
 *
 * Bad orders are reject events, never exceptions (see `RejectReason`). Exceptions are for misuse of the API
 * itself: unknown keys, wrong JavaScript types, typed arrays of the wrong kind or length.
 *
 * Semantics in full: lib/sim/reference-book.ts.
 */
import { BatchBuilder } from "./batch.js";
import type { BatchColumns, IntLike, OrderRequest, ReplaceRequest } from "./batch.js";
import { OrderState, OrderType, Side, StpMode, TimeInForce, names } from "./codes.js";
import type { OrderStateName, OrderTypeName, SideName, TimeInForceName } from "./codes.js";
import { resolveBookConfig } from "./config.js";
import type { BookConfig, ResolvedBookConfig } from "./config.js";
import { bookAddon } from "./addon.js";
import type { BookAddon, NativeBookHandle, NativeOrder } from "./addon.js";
import { decodeEvents, sliceEventColumns } from "./events.js";
import type { BookEvent, EventColumns } from "./events.js";
import type { Bbo, BookSnapshot, BookStats, Depth, LatencyStats, OrderInfo, PriceLevel, QueueEntry, QueuePosition } from "./views.js";

export interface ProcessOptions {
  /**
   * Reusable output columns (`allocateEventColumns(capacity)`): when the events fit, they are written there and
   * the result is a view of them, valid until the next batch written into the same columns.
   */
  into?: EventColumns;
  /** Time every operation in C++ with the steady clock into the book's latency histogram (see `latency()`). */
  measureLatency?: boolean;
}

const SIDE_NAMES = names(Side);
const TYPE_NAMES = names(OrderType);
const TIF_NAMES = names(TimeInForce);
const STATE_NAMES = names(OrderState);

export function orderInfo(o: NativeOrder): OrderInfo {
  return {
    id: o.id,
    side: SIDE_NAMES[o.side] as SideName,
    type: TYPE_NAMES[o.type] as OrderTypeName,
    tif: TIF_NAMES[o.tif] as TimeInForceName,
    state: STATE_NAMES[o.state] as OrderStateName,
    price: o.price,
    remaining: o.remaining,
    visible: o.visible,
    displayQty: o.displayQty,
    stopPrice: o.stopPrice,
    trail: o.trail,
    expireNs: o.expireNs,
    owner: o.owner,
  };
}

function sideCode(side: unknown, where: string): number {
  if (side === "buy") return Side.buy;
  if (side === "sell") return Side.sell;
  throw new TypeError(`${where}: side must be 'buy' or 'sell', found ${JSON.stringify(side) ?? String(side)}.`);
}

export class OrderBook {
  readonly config: ResolvedBookConfig;
  private readonly addon: BookAddon;
  private readonly handle: NativeBookHandle;
  private readonly one = new BatchBuilder(1);
  private readonly invTick: number | undefined;

  constructor(config: BookConfig) {
    this.config = resolveBookConfig(config);
    this.addon = bookAddon();
    this.handle = this.addon.bookCreate({
      minPrice: this.config.minPrice,
      maxPrice: this.config.maxPrice,
      stp: StpMode[this.config.stp],
    });
    const inv = 1 / this.config.tickSize;
    this.invTick = Math.abs(inv - Math.round(inv)) < 1e-9 * Math.max(1, inv) ? Math.round(inv) : undefined;
  }

  /** Submits one order; returns its events (and those of any stops it triggers). */
  submit(order: OrderRequest): BookEvent[] {
    return this.runOne(this.one.clear().submit(order));
  }

  /** Cancels a live order (resting or pending stop). */
  cancel(id: IntLike, ts?: IntLike): BookEvent[] {
    return this.runOne(this.one.clear().cancel(id, ts));
  }

  /**
   * Changes a resting order's price and/or open quantity. Keeping the price and not increasing the quantity
   * keeps its queue priority (event reason `priorityKept`); otherwise it re-enters at the back, matching first
   * if the new price crosses.
   */
  replace(id: IntLike, changes: ReplaceRequest): BookEvent[] {
    return this.runOne(this.one.clear().replace(id, changes));
  }

  /** Moves the clock; GTD orders due by `ts` expire. */
  advanceTime(ts: IntLike): BookEvent[] {
    return this.runOne(this.one.clear().advanceTime(ts));
  }

  /** Moves the clock and expires every DAY order. */
  endOfDay(ts: IntLike): BookEvent[] {
    return this.runOne(this.one.clear().endOfDay(ts));
  }

  /**
   * Applies a batch of operations (columns documented in batch.ts) in one native call and returns the events as
   * columns (documented in events.ts). Synchronous: a batch of a million operations takes tens of milliseconds.
   */
  processBatch(cols: BatchColumns, opts: ProcessOptions = {}): EventColumns {
    const res = this.addon.bookProcessBatch(this.handle, cols, opts.into, opts.measureLatency === true);
    if (typeof res === "number") return sliceEventColumns(opts.into!, res);
    return res;
  }

  /** Best bid and offer (displayed quantity, order count). */
  bbo(): Bbo {
    const t = this.addon.bookTop(this.handle);
    return { bid: t.bid ?? undefined, ask: t.ask ?? undefined };
  }

  bestBid(): PriceLevel | undefined {
    return this.addon.bookTop(this.handle).bid ?? undefined;
  }

  bestAsk(): PriceLevel | undefined {
    return this.addon.bookTop(this.handle).ask ?? undefined;
  }

  /** L2: the best `levels` price levels per side, aggregated. */
  depth(levels = 10): Depth {
    return this.addon.bookDepth(this.handle, levels);
  }

  /** L3: the orders resting at `price` on `side`, in time priority. */
  queue(side: SideName, price: IntLike): QueueEntry[] {
    return this.addon.bookQueue(this.handle, sideCode(side, "queue"), price);
  }

  /** A resting order's place in its queue, or undefined when it is not resting. */
  queuePosition(id: IntLike): QueuePosition | undefined {
    const p = this.addon.bookQueuePosition(this.handle, id);
    if (p === undefined) return undefined;
    return { ...p, side: SIDE_NAMES[p.side] as SideName };
  }

  /** A live order (resting or pending stop), or undefined. */
  order(id: IntLike): OrderInfo | undefined {
    const o = this.addon.bookOrder(this.handle, id);
    return o === undefined ? undefined : orderInfo(o);
  }

  /** Every resting order by level and priority, every pending stop, the last trade price and the clock. */
  snapshot(): BookSnapshot {
    const s = this.addon.bookSnapshot(this.handle);
    return { bids: s.bids, asks: s.asks, stops: s.stops.map(orderInfo), lastPrice: s.lastPrice, now: s.now };
  }

  stats(): BookStats {
    return this.addon.bookStats(this.handle);
  }

  /** Per-operation latency recorded by batches run with `measureLatency`; `reset` clears the histogram after. */
  latency(opts: { reset?: boolean } = {}): LatencyStats {
    return this.addon.bookLatency(this.handle, opts.reset === true);
  }

  /**
   * A price in ticks: `price / tickSize`, rounded when within 1e-9 of an integer. Off-grid prices come back as
   * fractions, which the engine rejects with `priceOffTick`.
   */
  toTicks(price: number): number {
    const q = this.invTick !== undefined ? price * this.invTick : price / this.config.tickSize;
    const r = Math.round(q);
    return Math.abs(q - r) <= 1e-9 * Math.max(1, Math.abs(q)) ? r : q;
  }

  /** A price in price units from ticks. */
  fromTicks(ticks: number | bigint): number {
    const t = Number(ticks);
    return this.invTick !== undefined ? t / this.invTick : t * this.config.tickSize;
  }

  private runOne(b: BatchBuilder): BookEvent[] {
    return decodeEvents(this.processBatch(b.build()));
  }
}
