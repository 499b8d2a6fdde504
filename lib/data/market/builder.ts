/**
 * Growable MarketEvents columns for the converters, and the stable sort by local timestamp they finish with.
 */
import type { InstrumentSpec, MarketEvents } from "./events.js";

/** Appends rows to growing typed arrays; `finish()` trims them into a `MarketEvents`. */
export class EventsBuilder {
  length = 0;
  exchTs: BigInt64Array;
  localTs: BigInt64Array;
  kind: Uint8Array;
  side: Int8Array;
  price: BigInt64Array;
  qty: BigInt64Array;
  orderId: BigUint64Array;
  instrument: Uint16Array;

  constructor(capacity = 1024) {
    const n = Math.max(16, capacity);
    this.exchTs = new BigInt64Array(n);
    this.localTs = new BigInt64Array(n);
    this.kind = new Uint8Array(n);
    this.side = new Int8Array(n);
    this.price = new BigInt64Array(n);
    this.qty = new BigInt64Array(n);
    this.orderId = new BigUint64Array(n);
    this.instrument = new Uint16Array(n);
  }

  /** Makes room for `extra` more rows. */
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.kind.length) return;
    let cap = this.kind.length;
    while (cap < need) cap *= 2;
    const grow = <T extends BigInt64Array | BigUint64Array | Uint8Array | Int8Array | Uint16Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a as never);
      return b;
    };
    this.exchTs = grow(this.exchTs);
    this.localTs = grow(this.localTs);
    this.kind = grow(this.kind);
    this.side = grow(this.side);
    this.price = grow(this.price);
    this.qty = grow(this.qty);
    this.orderId = grow(this.orderId);
    this.instrument = grow(this.instrument);
  }

  /** Appends one row (grows when needed). */
  push(exchTs: bigint, localTs: bigint, kind: number, side: number, price: bigint, qty: bigint, orderId = 0n, instrument = 0): void {
    if (this.length === this.kind.length) this.reserve(1);
    const i = this.length++;
    this.exchTs[i] = exchTs;
    this.localTs[i] = localTs;
    this.kind[i] = kind;
    this.side[i] = side;
    this.price[i] = price;
    this.qty[i] = qty;
    this.orderId[i] = orderId;
    this.instrument[i] = instrument;
  }

  /** The rows so far as MarketEvents (trimmed copies), stably sorted by localTs unless `sort` is false. */
  finish(instruments: InstrumentSpec[], sort = true): MarketEvents {
    const n = this.length;
    const ev: MarketEvents = {
      exchTs: this.exchTs.slice(0, n),
      localTs: this.localTs.slice(0, n),
      kind: this.kind.slice(0, n),
      side: this.side.slice(0, n),
      price: this.price.slice(0, n),
      qty: this.qty.slice(0, n),
      orderId: this.orderId.slice(0, n),
      instrument: this.instrument.slice(0, n),
      instruments,
    };
    return sort ? sortByLocalTs(ev) : ev;
  }
}

/** Index of the first row whose localTs is smaller than the row before it, or -1 when sorted. */
export function firstUnsorted(ts: BigInt64Array): number {
  for (let i = 1; i < ts.length; i++) if (ts[i]! < ts[i - 1]!) return i;
  return -1;
}

/** The rows reordered by `order` (row k of the result is row order[k] of `ev`). */
export function permuteEvents(ev: MarketEvents, order: Uint32Array): MarketEvents {
  const pick = <T extends BigInt64Array | BigUint64Array | Uint8Array | Int8Array | Uint16Array>(a: T): T => {
    const b = new (a.constructor as new (n: number) => T)(order.length);
    for (let k = 0; k < order.length; k++) b[k] = a[order[k]!]!;
    return b;
  };
  return {
    exchTs: pick(ev.exchTs),
    localTs: pick(ev.localTs),
    kind: pick(ev.kind),
    side: pick(ev.side),
    price: pick(ev.price),
    qty: pick(ev.qty),
    orderId: pick(ev.orderId),
    instrument: pick(ev.instrument),
    instruments: ev.instruments,
  };
}

/** Stable sort by localTs (ties keep their order). Returns `ev` itself when already sorted. */
export function sortByLocalTs(ev: MarketEvents): MarketEvents {
  if (firstUnsorted(ev.localTs) < 0) return ev;
  const ts = ev.localTs;
  const order = Uint32Array.from({ length: ts.length }, (_, i) => i);
  // Array.prototype.sort is stable; compare indices to make the tie order explicit anyway.
  const sorted = Array.from(order).sort((a, b) => (ts[a]! < ts[b]! ? -1 : ts[a]! > ts[b]! ? 1 : a - b));
  return permuteEvents(ev, Uint32Array.from(sorted));
}
