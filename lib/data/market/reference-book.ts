/**
 * A deliberately simple order book rebuilt from MarketEvents rows, one instrument at a time: a Map of
 * price -> quantity per side (L2), plus a Map of the L3 orders it has seen added. It is the reference the
 * converters' tests replay their output into, and a readable statement of what each event kind means to a book.
 *
 * - DEPTH / DEPTH_SNAPSHOT set the level (qty 0 deletes it); DEPTH_CLEAR empties `side` (0 = both sides).
 * - L3_ADD adds qty at its level and remembers the order; L3_CANCEL and L3_EXECUTE take qty off the order and
 *   its level; L3_DELETE takes off what remains of a known order (or the row's qty for an order this book never
 *   saw added, e.g. one resting before a LOBSTER file starts); L3_MODIFY moves a known order to its new price and
 *   quantity.
 * - TRADE and BBO rows do not change the book.
 * A level pushed below zero is an error (the events are inconsistent with the book).
 */
import { contextError } from "../../util/errors.js";
import { EventKind, type MarketEvents } from "./events.js";

export interface RestingOrder {
  side: number;
  price: bigint;
  qty: bigint;
}

export class ReferenceBook {
  readonly bids = new Map<bigint, bigint>();
  readonly asks = new Map<bigint, bigint>();
  readonly orders = new Map<bigint, RestingOrder>();
  private bestBidPx: bigint | null = null;
  private bestAskPx: bigint | null = null;
  private bidDirty = false;
  private askDirty = false;

  /** Applies row `i` of `ev` (whatever its instrument: filter before calling when a set mixes instruments). */
  apply(ev: MarketEvents, i: number): void {
    const kind = ev.kind[i]!;
    const side = ev.side[i]!;
    const price = ev.price[i]!;
    const qty = ev.qty[i]!;
    switch (kind) {
      case EventKind.DEPTH:
      case EventKind.DEPTH_SNAPSHOT:
        this.setLevel(side, price, qty, i);
        break;
      case EventKind.DEPTH_CLEAR:
        if (side >= 0) this.clearSide(1);
        if (side <= 0) this.clearSide(-1);
        break;
      case EventKind.L3_ADD: {
        const id = ev.orderId[i]!;
        if (this.orders.has(id)) throw this.error(i, `L3_ADD of order ${id}, which is already resting`);
        this.orders.set(id, { side, price, qty });
        this.addToLevel(side, price, qty, i);
        break;
      }
      case EventKind.L3_CANCEL:
      case EventKind.L3_EXECUTE: {
        const o = this.orders.get(ev.orderId[i]!);
        if (o === undefined) {
          this.addToLevel(side, price, -qty, i);
        } else {
          if (qty > o.qty) throw this.error(i, `order ${ev.orderId[i]} loses ${qty} lots but has ${o.qty}`);
          o.qty -= qty;
          this.addToLevel(o.side, o.price, -qty, i);
          if (o.qty === 0n) this.orders.delete(ev.orderId[i]!);
        }
        break;
      }
      case EventKind.L3_DELETE: {
        const o = this.orders.get(ev.orderId[i]!);
        if (o === undefined) this.addToLevel(side, price, -qty, i);
        else {
          this.addToLevel(o.side, o.price, -o.qty, i);
          this.orders.delete(ev.orderId[i]!);
        }
        break;
      }
      case EventKind.L3_MODIFY: {
        const o = this.orders.get(ev.orderId[i]!);
        if (o === undefined) throw this.error(i, `L3_MODIFY of order ${ev.orderId[i]}, which this book never saw added`);
        this.addToLevel(o.side, o.price, -o.qty, i);
        o.price = price;
        o.qty = qty;
        this.addToLevel(o.side, price, qty, i);
        break;
      }
      default:
        break;
    }
  }

  /** Applies rows [from, to) of instrument `instrument` (default: every row, instrument 0). */
  applyRange(ev: MarketEvents, from = 0, to = ev.kind.length, instrument = 0): void {
    for (let i = from; i < to; i++) if (ev.instrument[i] === instrument) this.apply(ev, i);
  }

  /** Best bid as [price, qty], or null when the bid side is empty. */
  bestBid(): [bigint, bigint] | null {
    if (this.bidDirty) {
      this.bestBidPx = extreme(this.bids, 1);
      this.bidDirty = false;
    }
    return this.bestBidPx === null ? null : [this.bestBidPx, this.bids.get(this.bestBidPx)!];
  }

  /** Best ask as [price, qty], or null when the ask side is empty. */
  bestAsk(): [bigint, bigint] | null {
    if (this.askDirty) {
      this.bestAskPx = extreme(this.asks, -1);
      this.askDirty = false;
    }
    return this.bestAskPx === null ? null : [this.bestAskPx, this.asks.get(this.bestAskPx)!];
  }

  /** The best `n` levels of `side` (+1 bids, -1 asks), best first. */
  levels(side: number, n: number): [bigint, bigint][] {
    const m = side > 0 ? this.bids : this.asks;
    const out = [...m.entries()].sort((a, b) => (a[0] < b[0] ? side : a[0] > b[0] ? -side : 0));
    return out.slice(0, n);
  }

  private setLevel(side: number, price: bigint, qty: bigint, row: number): void {
    if (qty < 0n) throw this.error(row, `the level ${price} is set to ${qty} lots`);
    const m = side > 0 ? this.bids : side < 0 ? this.asks : null;
    if (m === null) throw this.error(row, "a depth row has side 0");
    if (qty === 0n) {
      m.delete(price);
      if (side > 0 ? price === this.bestBidPx : price === this.bestAskPx) this.markDirty(side);
    } else {
      m.set(price, qty);
      this.improve(side, price);
    }
  }

  private addToLevel(side: number, price: bigint, delta: bigint, row: number): void {
    const m = side > 0 ? this.bids : side < 0 ? this.asks : null;
    if (m === null) throw this.error(row, "an L3 row has side 0");
    const q = (m.get(price) ?? 0n) + delta;
    if (q < 0n) throw this.error(row, `the ${side > 0 ? "bid" : "ask"} level ${price} would hold ${q} lots`);
    this.setLevel(side, price, q, row);
  }

  private improve(side: number, price: bigint): void {
    if (side > 0) {
      if (!this.bidDirty && (this.bestBidPx === null || price > this.bestBidPx)) this.bestBidPx = price;
    } else if (!this.askDirty && (this.bestAskPx === null || price < this.bestAskPx)) this.bestAskPx = price;
  }

  private markDirty(side: number): void {
    if (side > 0) this.bidDirty = true;
    else this.askDirty = true;
  }

  private clearSide(side: number): void {
    if (side > 0) {
      this.bids.clear();
      this.bestBidPx = null;
      this.bidDirty = false;
    } else {
      this.asks.clear();
      this.bestAskPx = null;
      this.askDirty = false;
    }
    for (const [id, o] of this.orders) if (o.side === side) this.orders.delete(id);
  }

  private error(row: number, what: string) {
    return contextError({ where: `ReferenceBook row ${row}`, what });
  }
}

function extreme(m: Map<bigint, bigint>, side: number): bigint | null {
  let best: bigint | null = null;
  for (const p of m.keys()) if (best === null || (side > 0 ? p > best : p < best)) best = p;
  return best;
}
