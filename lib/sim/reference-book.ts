/**
 * A deliberately simple TypeScript order book with the exact semantics of the native engine, used as the model
 * in differential tests. It favours obviousness over speed: resting orders live in one flat list, the best
 * order is found by scanning it, and fill-or-kill is decided by a dry run on a copy of the book.
 *
 * THE SEMANTICS (the native engine, native/src/book, follows them to the event):
 *
 * Every row of a batch:
 *  1. an unknown `op` is rejected (invalidOp); a non-integer `ts` is rejected (invalidTimestamp); a `ts` earlier
 *     than the book clock is rejected (timeBackwards). A rejected row changes nothing else.
 *  2. The clock moves to `ts`. GTD orders with expireNs <= clock expire (EXPIRED, reason gtdExpired), ordered
 *     by (expireNs, id).
 *  3. The operation runs. REJECTED events carry the row's id (0 if not an integer), its raw side byte, the
 *     reason, and zeros elsewhere. Every event carries the row's ts (0 if not an integer) and index.
 *
 * Submit, validated in this order (first failure wins):
 *  id a positive integer (invalidId); not the id of a live order (duplicateId; ids of finished orders may be
 *  reused); side 0/1 (invalidSide); type (invalidType); tif (invalidTif); qty a positive integer
 *  up to 2^53 - 1 (invalidQuantity); for limit and stopLimit, price an integer (priceOffTick) within [minPrice, maxPrice]
 *  (priceOutOfRange); for stop and stopLimit, stopPrice an integer within the range (invalidStopPrice); for
 *  trailingStop, trail an integer in [1, 2^61] (invalidTrail); displayQty an integer, and when non-zero only on a
 *  limit GTC/DAY/GTD order with 0 < displayQty <= qty (invalidDisplayQty); for GTD, expireNs an integer later
 *  than the clock (invalidExpiry); flags: only post-only bits, not both, and only on limit orders that are not
 *  IOC/FOK (invalidFlags). A post-only order that would cross (buy price >= best ask, sell price <= best bid) is
 *  rejected (crossedPostOnly) or, sliding, re-priced to best ask - 1 / best bid + 1, which must be in range
 *  (priceOutOfRange). Fields that do not apply to the type are ignored.
 *  Then ACCEPTED (price: limit price, 0 for market/stop/trailingStop; qty = remaining = qty).
 *  - stop / stopLimit: if a trade has happened and the last trade price has reached the stop (buy: last >= stop,
 *    sell: last <= stop) it triggers at once (TRIGGERED, price = stop), else it waits.
 *  - trailingStop: waits; its reference price is the last trade price if there is one, else set by the next
 *    trades. A buy trailing stop's trigger is reference + trail (reference = lowest trade since), a sell's is
 *    reference - trail (reference = highest trade since).
 *  - limit / market: executes as a taker (below).
 *
 * Taker execution (new orders, replaced orders that lost priority, triggered stops):
 *  - Market-like orders (market, triggered stop and trailingStop) match at any price and never rest; limit
 *    orders match while the opposite best is at or better than their price. IOC and FOK never rest either.
 *  - FOK: if the order cannot fill completely now, CANCELLED (fokUnfillable) and nothing else.
 *  - Makers are taken in price then time priority. Each fill: TRADE (orderId = taker, otherId = maker, price =
 *    maker price, qty, remaining = taker's remaining, side = taker side), then the maker's FILLED or
 *    PARTIALLY_FILLED (qty = this fill, remaining = maker's open quantity). An iceberg maker whose displayed slice
 *    is used up shows min(displayQty, remaining) again at the back of its level's queue.
 *  - Self-trade prevention (book config; only between equal non-zero owners): cancelNewest stops matching and
 *    cancels the taker's remainder; cancelOldest cancels the maker (CANCELLED, selfTrade) and goes on;
 *    cancelBoth cancels the maker and then the taker's remainder.
 *  - After matching, if it filled at all: the taker's FILLED or PARTIALLY_FILLED with qty = the sum of this
 *    execution's fills and price = the last fill price. Then the remainder, if any: CANCELLED (selfTrade) after
 *    self-trade prevention, CANCELLED (unfilledImmediate) for market-like, IOC and FOK orders, else it rests at
 *    the back of its level (an iceberg shows min(displayQty, remaining)).
 *
 * Stops: after each operation that traded, pending stops are checked against the trades: trailing references
 * move (buy: min with the lowest trade, sell: max with the highest), then every stop whose trigger the last
 * trade price has reached fires. Fired stops are ordered buy before sell, buy by ascending trigger, sell by
 * descending trigger, then by acceptance; each gets a TRIGGERED event (price = its trigger, qty = remaining) in
 * that order, then they execute one by one as takers (stop and trailingStop as market orders, FOK if their tif
 * is FOK; stopLimit as a limit order at its price with its tif). Stops fired by those executions' trades are
 * appended to the queue.
 *
 * Cancel: id a positive integer (invalidId) of a live order, resting or pending (unknownOrder); CANCELLED
 * (userCancel, qty = open quantity, price = limit price).
 *
 * Replace: id checks as for cancel; the order must be resting (notReplaceable); flags only keepPrice/keepQty
 * (invalidFlags); new price unless keepPrice (priceOffTick, priceOutOfRange); new open quantity unless keepQty
 * (invalidQuantity). A post-only order whose new price would cross is rejected or slid as on submit. If the price
 * is unchanged and the quantity not increased: REPLACED with reason priorityKept, same place in the queue (an
 * iceberg's displayed slice shrinks to at most the new quantity). Otherwise REPLACED (reason 0), the order
 * leaves its level and executes as a taker at the new price with its time in force, resting at the back.
 *
 * advanceTime: only steps 1-2. endOfDay: steps 1-2, then every live DAY order (resting or pending) expires
 * (EXPIRED, dayExpired), by id.
 */
import type { BatchColumns, Int64Column } from "./batch.js";
import { EventType, Flag, Op, OrderType, Side, StpMode, TimeInForce, names } from "./codes.js";
import type { OrderStateName, OrderTypeName, SideName, StpModeName, TimeInForceName } from "./codes.js";
import { EventWriter } from "./events.js";
import type { EventColumns } from "./events.js";
import { EndReason, RejectReason } from "./reasons.js";
import type { BookSnapshot, OrderInfo, QueueEntry, SnapshotLevel } from "./views.js";

export interface ReferenceBookConfig {
  minPrice?: bigint;
  maxPrice?: bigint;
  stp?: StpModeName;
}

interface RefOrder {
  id: bigint;
  side: number;
  type: number;
  tif: number;
  price: bigint;
  remaining: bigint;
  visible: bigint;
  peak: bigint;
  owner: number;
  postOnly: number;
  market: boolean;
  expire: bigint;
  stop: bigint;
  trail: bigint;
  ref: bigint | null;
  seq: number;
  /** Queue time: smaller is earlier in its level. */
  time: number;
  state: "active" | "resting" | "pending";
}

const LIMIT = 1n << 62n;
const MAX_TRAIL = 1n << 61n;
const MAX_QTY = (1n << 53n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Element i of an int64 column as a bigint, or null when it is a double that is not an exact int64. */
function readInt(col: Int64Column | undefined, i: number): bigint | null {
  if (col === undefined) return 0n;
  const v = col[i]!;
  if (typeof v === "bigint") return v;
  if (!Number.isInteger(v)) return null;
  const b = BigInt(v);
  return b >= INT64_MIN && b <= INT64_MAX ? b : null;
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

interface State {
  orders: RefOrder[]; // every live order: resting, pending stops
  seq: number;
  time: number;
  lastPrice: bigint | null;
  /** Trades since stops were last checked: [highest, lowest]. */
  window: [bigint, bigint] | null;
}

export class ReferenceBook {
  private readonly minPrice: bigint;
  private readonly maxPrice: bigint;
  private readonly stp: number;
  private s: State = { orders: [], seq: 0, time: 0, lastPrice: null, window: null };
  private now: bigint | null = null;
  private readonly out = new EventWriter();
  private emitting = true;
  private ts = 0n;
  private opIndex = 0;

  constructor(config: ReferenceBookConfig = {}) {
    this.minPrice = config.minPrice ?? -LIMIT;
    this.maxPrice = config.maxPrice ?? LIMIT;
    this.stp = StpMode[config.stp ?? "none"];
  }

  processBatch(cols: BatchColumns): EventColumns {
    for (let i = 0; i < cols.op.length; i++) this.apply(cols, i);
    return this.out.take();
  }

  snapshot(): BookSnapshot {
    const level = (side: number): SnapshotLevel[] => {
      const resting = this.s.orders.filter((o) => o.state === "resting" && o.side === side);
      const prices = [...new Set(resting.map((o) => o.price))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (side === Side.buy) prices.reverse();
      return prices.map((p) => {
        const queue = resting.filter((o) => o.price === p).sort((a, b) => a.time - b.time);
        return {
          price: Number(p),
          qty: Number(queue.reduce((acc, o) => acc + o.visible, 0n)),
          orders: queue.length,
          queue: queue.map((o): QueueEntry => ({ id: Number(o.id), qty: Number(o.visible), hidden: Number(o.remaining - o.visible), owner: o.owner })),
        };
      });
    };
    const stops = this.s.orders
      .filter((o) => o.state === "pending")
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((o) => this.info(o));
    return { bids: level(Side.buy), asks: level(Side.sell), stops, lastPrice: this.s.lastPrice === null ? null : Number(this.s.lastPrice), now: this.now };
  }

  private info(o: RefOrder): OrderInfo {
    const trailing = o.type === OrderType.trailingStop;
    let stopPrice: number | null = null;
    if (!trailing && (o.type === OrderType.stop || o.type === OrderType.stopLimit)) stopPrice = Number(o.stop);
    if (trailing && o.state === "pending" && o.ref !== null) stopPrice = Number(this.trigger(o));
    return {
      id: Number(o.id),
      side: names(Side)[o.side] as SideName,
      type: names(OrderType)[o.type] as OrderTypeName,
      tif: names(TimeInForce)[o.tif] as TimeInForceName,
      state: (o.state === "pending" ? "pendingStop" : o.state) as OrderStateName,
      price: Number(o.price),
      remaining: Number(o.remaining),
      visible: o.state === "resting" ? Number(o.visible) : 0,
      displayQty: Number(o.peak),
      stopPrice,
      trail: Number(o.trail),
      expireNs: o.expire,
      owner: o.owner,
    };
  }

  // --- one row -------------------------------------------------------------------------------------------------

  private emit(type: number, id: bigint, other: bigint, price: bigint, qty: bigint, remaining: bigint, side: number, reason: number): void {
    if (this.emitting) this.out.push(type, id, other, price, qty, remaining, side, reason, this.ts, this.opIndex);
  }

  private reject(id: bigint, side: number, reason: number): void {
    this.emit(EventType.rejected, id, 0n, 0n, 0n, 0n, side, reason);
  }

  private apply(c: BatchColumns, i: number): void {
    this.opIndex = i;
    const ts = readInt(c.ts, i);
    this.ts = ts ?? 0n;
    const id = readInt(c.id, i) ?? 0n;
    const idOk = readInt(c.id, i) !== null;
    const side = c.side?.[i] ?? 0;
    const op = c.op[i]!;
    if (op > Op.endOfDay) return this.reject(id, side, RejectReason.invalidOp);
    if (ts === null) return this.reject(id, side, RejectReason.invalidTimestamp);
    if (this.now !== null && ts < this.now) return this.reject(id, side, RejectReason.timeBackwards);
    this.now = ts;
    this.expireGtd();
    if (op === Op.advanceTime) return;
    if (op === Op.endOfDay) return this.endOfDay();
    if (!idOk || id <= 0n) return this.reject(id, side, RejectReason.invalidId);
    if (op === Op.submit) this.submit(c, i, id, side);
    else if (op === Op.cancel) this.cancel(id, side);
    else this.replace(c, i, id, side);
    this.runTriggers();
  }

  private expireGtd(): void {
    const due = this.s.orders
      .filter((o) => o.tif === TimeInForce.GTD && o.type !== OrderType.market && o.expire <= this.now!)
      .sort((a, b) => (a.expire !== b.expire ? (a.expire < b.expire ? -1 : 1) : a.id < b.id ? -1 : 1));
    for (const o of due) {
      this.emit(EventType.expired, o.id, 0n, o.price, o.remaining, 0n, o.side, EndReason.gtdExpired);
      this.remove(o);
    }
  }

  private endOfDay(): void {
    const day = this.s.orders.filter((o) => o.tif === TimeInForce.DAY).sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const o of day) {
      this.emit(EventType.expired, o.id, 0n, o.price, o.remaining, 0n, o.side, EndReason.dayExpired);
      this.remove(o);
    }
  }

  private find(id: bigint): RefOrder | undefined {
    return this.s.orders.find((o) => o.id === id);
  }

  private remove(o: RefOrder): void {
    this.s.orders = this.s.orders.filter((x) => x !== o);
  }

  private inRange(p: bigint): boolean {
    return p >= this.minPrice && p <= this.maxPrice;
  }

  private best(side: number): bigint | null {
    let best: bigint | null = null;
    for (const o of this.s.orders) {
      if (o.state !== "resting" || o.side !== side) continue;
      if (best === null || (side === Side.buy ? o.price > best : o.price < best)) best = o.price;
    }
    return best;
  }

  /** Post-only: null when it would not cross; else the slid price, or a reject reason. */
  private postOnlyPrice(side: number, price: bigint, mode: number): { price: bigint } | { reject: number } {
    const opp = this.best(side === Side.buy ? Side.sell : Side.buy);
    if (opp === null || (side === Side.buy ? price < opp : price > opp)) return { price };
    if (mode === Flag.postOnlyReject) return { reject: RejectReason.crossedPostOnly };
    const slid = side === Side.buy ? opp - 1n : opp + 1n;
    return this.inRange(slid) ? { price: slid } : { reject: RejectReason.priceOutOfRange };
  }

  private submit(c: BatchColumns, i: number, id: bigint, side: number): void {
    const R = RejectReason;
    if (this.find(id)) return this.reject(id, side, R.duplicateId);
    if (side > 1) return this.reject(id, side, R.invalidSide);
    const type = c.type?.[i] ?? 0;
    if (type > OrderType.trailingStop) return this.reject(id, side, R.invalidType);
    const tif = c.tif?.[i] ?? 0;
    if (tif > TimeInForce.GTD) return this.reject(id, side, R.invalidTif);
    const qty = readInt(c.qty, i);
    if (qty === null || qty <= 0n || qty > MAX_QTY) return this.reject(id, side, R.invalidQuantity);
    let price = 0n;
    if (type === OrderType.limit || type === OrderType.stopLimit) {
      const p = readInt(c.price, i);
      if (p === null) return this.reject(id, side, R.priceOffTick);
      if (!this.inRange(p)) return this.reject(id, side, R.priceOutOfRange);
      price = p;
    }
    let stop = 0n;
    if (type === OrderType.stop || type === OrderType.stopLimit) {
      const p = readInt(c.stopPrice, i);
      if (p === null || !this.inRange(p)) return this.reject(id, side, R.invalidStopPrice);
      stop = p;
    }
    let trail = 0n;
    if (type === OrderType.trailingStop) {
      const t = readInt(c.trail, i);
      if (t === null || t <= 0n || t > MAX_TRAIL) return this.reject(id, side, R.invalidTrail);
      trail = t;
    }
    const display = readInt(c.displayQty, i);
    if (display === null) return this.reject(id, side, R.invalidDisplayQty);
    if (display !== 0n) {
      const restingTif = tif === TimeInForce.GTC || tif === TimeInForce.DAY || tif === TimeInForce.GTD;
      if (type !== OrderType.limit || !restingTif || display < 0n || display > qty) return this.reject(id, side, R.invalidDisplayQty);
    }
    let expire = 0n;
    if (tif === TimeInForce.GTD) {
      const e = readInt(c.expireNs, i);
      if (e === null || e <= this.now!) return this.reject(id, side, R.invalidExpiry);
      expire = e;
    }
    const flags = c.flags?.[i] ?? 0;
    const postOnlyBits = Flag.postOnlyReject | Flag.postOnlySlide;
    if ((flags & ~postOnlyBits) !== 0 || flags === postOnlyBits) return this.reject(id, side, R.invalidFlags);
    if (flags !== 0 && (type !== OrderType.limit || tif === TimeInForce.IOC || tif === TimeInForce.FOK)) {
      return this.reject(id, side, R.invalidFlags);
    }
    if (flags !== 0) {
      const r = this.postOnlyPrice(side, price, flags);
      if ("reject" in r) return this.reject(id, side, r.reject);
      price = r.price;
    }

    const o: RefOrder = {
      id, side, type, tif, price, remaining: qty, visible: qty, peak: display === qty ? 0n : display,
      owner: c.owner?.[i] ?? 0, postOnly: flags, market: type === OrderType.market, expire, stop, trail,
      ref: null, seq: ++this.s.seq, time: 0, state: "active",
    };
    this.s.orders.push(o);
    this.emit(EventType.accepted, id, 0n, price, qty, qty, side, 0);
    if (type === OrderType.stop || type === OrderType.stopLimit) {
      const last = this.s.lastPrice;
      if (last !== null && (side === Side.buy ? last >= stop : last <= stop)) {
        this.emit(EventType.triggered, id, 0n, stop, qty, qty, side, 0);
        this.activate(o);
      } else {
        o.state = "pending";
      }
      return;
    }
    if (type === OrderType.trailingStop) {
      o.ref = this.s.lastPrice;
      o.state = "pending";
      return;
    }
    this.execute(o);
  }

  private cancel(id: bigint, side: number): void {
    const o = this.find(id);
    if (!o) return this.reject(id, side, RejectReason.unknownOrder);
    this.emit(EventType.cancelled, id, 0n, o.price, o.remaining, 0n, o.side, EndReason.userCancel);
    this.remove(o);
  }

  private replace(c: BatchColumns, i: number, id: bigint, side: number): void {
    const R = RejectReason;
    const o = this.find(id);
    if (!o) return this.reject(id, side, R.unknownOrder);
    if (o.state !== "resting") return this.reject(id, side, R.notReplaceable);
    const flags = c.flags?.[i] ?? 0;
    if ((flags & ~(Flag.keepPrice | Flag.keepQty)) !== 0) return this.reject(id, side, R.invalidFlags);
    let price = o.price;
    if ((flags & Flag.keepPrice) === 0) {
      const p = readInt(c.price, i);
      if (p === null) return this.reject(id, side, R.priceOffTick);
      if (!this.inRange(p)) return this.reject(id, side, R.priceOutOfRange);
      price = p;
    }
    let qty = o.remaining;
    if ((flags & Flag.keepQty) === 0) {
      const q = readInt(c.qty, i);
      if (q === null || q <= 0n || q > MAX_QTY) return this.reject(id, side, R.invalidQuantity);
      qty = q;
    }
    if (o.postOnly !== 0 && price !== o.price) {
      const r = this.postOnlyPrice(o.side, price, o.postOnly);
      if ("reject" in r) return this.reject(id, side, r.reject);
      price = r.price;
    }
    if (price === o.price && qty <= o.remaining) {
      o.visible = min(o.visible, qty);
      o.remaining = qty;
      this.emit(EventType.replaced, id, 0n, price, qty, qty, o.side, EndReason.priorityKept);
      return;
    }
    o.price = price;
    o.remaining = qty;
    o.state = "active";
    this.emit(EventType.replaced, id, 0n, price, qty, qty, o.side, 0);
    this.execute(o);
  }

  // --- matching ------------------------------------------------------------------------------------------------

  /** The opposite side's first order in price-time priority that `t` may trade with, if any. */
  private bestMaker(t: RefOrder): RefOrder | undefined {
    let best: RefOrder | undefined;
    for (const o of this.s.orders) {
      if (o.state !== "resting" || o.side === t.side) continue;
      if (!t.market && (t.side === Side.buy ? o.price > t.price : o.price < t.price)) continue;
      if (best === undefined) {
        best = o;
        continue;
      }
      const better = t.side === Side.buy ? o.price < best.price : o.price > best.price;
      if (better || (o.price === best.price && o.time < best.time)) best = o;
    }
    return best;
  }

  /** Matches `t` against the book; returns what it filled, the last fill price and whether STP cancelled it. */
  private match(t: RefOrder): { filled: bigint; lastPx: bigint; stpCancel: boolean } {
    let filled = 0n;
    let lastPx = 0n;
    while (t.remaining > 0n) {
      const m = this.bestMaker(t);
      if (m === undefined) break;
      if (this.stp !== StpMode.none && t.owner !== 0 && m.owner === t.owner) {
        if (this.stp === StpMode.cancelNewest) return { filled, lastPx, stpCancel: true };
        this.emit(EventType.cancelled, m.id, 0n, m.price, m.remaining, 0n, m.side, EndReason.selfTrade);
        this.remove(m);
        if (this.stp === StpMode.cancelBoth) return { filled, lastPx, stpCancel: true };
        continue;
      }
      const q = min(t.remaining, m.visible);
      t.remaining -= q;
      m.remaining -= q;
      m.visible -= q;
      filled += q;
      lastPx = m.price;
      this.s.lastPrice = m.price;
      this.s.window = this.s.window === null ? [m.price, m.price] : [max(this.s.window[0], m.price), min(this.s.window[1], m.price)];
      this.emit(EventType.trade, t.id, m.id, m.price, q, t.remaining, t.side, 0);
      if (m.remaining === 0n) {
        this.emit(EventType.filled, m.id, 0n, m.price, q, 0n, m.side, 0);
        this.remove(m);
      } else {
        this.emit(EventType.partiallyFilled, m.id, 0n, m.price, q, m.remaining, m.side, 0);
        if (m.visible === 0n) {
          m.visible = min(m.peak, m.remaining);
          m.time = ++this.s.time;
        }
      }
    }
    return { filled, lastPx, stpCancel: false };
  }

  /** Would `t` fill completely right now? Runs the matching on a copy of the book, silently. */
  private fillsCompletely(t: RefOrder): boolean {
    const saved = this.s;
    this.s = structuredClone(saved);
    this.emitting = false;
    try {
      const copy = { ...t };
      this.match(copy);
      return copy.remaining === 0n;
    } finally {
      this.s = saved;
      this.emitting = true;
    }
  }

  private execute(t: RefOrder): void {
    const immediate = t.market || t.tif === TimeInForce.IOC || t.tif === TimeInForce.FOK;
    if (t.tif === TimeInForce.FOK && !this.fillsCompletely(t)) {
      this.emit(EventType.cancelled, t.id, 0n, t.price, t.remaining, 0n, t.side, EndReason.fokUnfillable);
      this.remove(t);
      return;
    }
    const { filled, lastPx, stpCancel } = this.match(t);
    if (filled > 0n) {
      this.emit(t.remaining === 0n ? EventType.filled : EventType.partiallyFilled, t.id, 0n, lastPx, filled, t.remaining, t.side, 0);
    }
    if (t.remaining === 0n) {
      this.remove(t);
    } else if (stpCancel) {
      this.emit(EventType.cancelled, t.id, 0n, t.price, t.remaining, 0n, t.side, EndReason.selfTrade);
      this.remove(t);
    } else if (immediate) {
      this.emit(EventType.cancelled, t.id, 0n, t.price, t.remaining, 0n, t.side, EndReason.unfilledImmediate);
      this.remove(t);
    } else {
      t.state = "resting";
      t.visible = t.peak !== 0n ? min(t.peak, t.remaining) : t.remaining;
      t.time = ++this.s.time;
    }
  }

  // --- stops ---------------------------------------------------------------------------------------------------

  private trigger(o: RefOrder): bigint {
    if (o.type !== OrderType.trailingStop) return o.stop;
    return o.side === Side.buy ? o.ref! + o.trail : o.ref! - o.trail;
  }

  private activate(o: RefOrder): void {
    o.state = "active";
    if (o.type !== OrderType.stopLimit) {
      o.market = true;
      o.price = 0n;
    }
    this.execute(o);
  }

  private runTriggers(): void {
    const queue: RefOrder[] = [];
    for (;;) {
      const w = this.s.window;
      if (w !== null) {
        this.s.window = null;
        const last = this.s.lastPrice!;
        const fired: RefOrder[] = [];
        for (const o of this.s.orders) {
          if (o.state !== "pending") continue;
          if (o.type === OrderType.trailingStop) {
            o.ref = o.side === Side.buy ? (o.ref === null ? w[1] : min(o.ref, w[1])) : o.ref === null ? w[0] : max(o.ref, w[0]);
          }
          const trig = this.trigger(o);
          if (o.side === Side.buy ? last >= trig : last <= trig) fired.push(o);
        }
        fired.sort((a, b) => {
          if (a.side !== b.side) return a.side - b.side;
          const ta = this.trigger(a);
          const tb = this.trigger(b);
          if (ta !== tb) return (a.side === Side.buy ? ta < tb : ta > tb) ? -1 : 1;
          return a.seq - b.seq;
        });
        for (const o of fired) {
          o.state = "active";
          this.emit(EventType.triggered, o.id, 0n, this.trigger(o), o.remaining, o.remaining, o.side, 0);
          queue.push(o);
        }
      }
      const next = queue.shift();
      if (next === undefined) break;
      this.activate(next);
    }
  }
}

