/**
 * MarketEvents from a few hand-written rows, for examples, tests and notebooks:
 *
 *   marketEvents([
 *     { ts: 0, kind: "DEPTH_SNAPSHOT", side: 1, price: 100, qty: 10 },
 *     { ts: 30, kind: "TRADE", side: -1, price: 100, qty: 4 },        // a seller hits the bid
 *   ])
 *
 * `ts` sets both timestamps; `exchTs`/`localTs` set them apart (feed latency = localTs - exchTs). Rows must be
 * given in localTs order (as the contract requires); nothing is sorted here.
 */
import { EventKind, type InstrumentSpec, type MarketEvents } from "../../data/market/events.js";

export interface EventRow {
  ts?: number | bigint;
  exchTs?: number | bigint;
  localTs?: number | bigint;
  kind: keyof typeof EventKind | number;
  side?: number;
  price?: number | bigint;
  qty?: number | bigint;
  orderId?: number | bigint;
  instrument?: number;
}

export function marketEvents(rows: readonly EventRow[], instruments: InstrumentSpec[] = [{ symbol: "TEST", tickSize: 0.01, lotSize: 1 }]): MarketEvents {
  const n = rows.length;
  const ev: MarketEvents = {
    exchTs: new BigInt64Array(n),
    localTs: new BigInt64Array(n),
    kind: new Uint8Array(n),
    side: new Int8Array(n),
    price: new BigInt64Array(n),
    qty: new BigInt64Array(n),
    orderId: new BigUint64Array(n),
    instrument: new Uint16Array(n),
    instruments,
  };
  rows.forEach((r, i) => {
    const ts = BigInt(r.ts ?? 0);
    ev.exchTs[i] = BigInt(r.exchTs ?? ts);
    ev.localTs[i] = BigInt(r.localTs ?? ts);
    ev.kind[i] = typeof r.kind === "number" ? r.kind : EventKind[r.kind];
    ev.side[i] = r.side ?? 0;
    ev.price[i] = BigInt(r.price ?? 0);
    ev.qty[i] = BigInt(r.qty ?? 0);
    ev.orderId[i] = BigInt(r.orderId ?? 0);
    ev.instrument[i] = r.instrument ?? 0;
  });
  return ev;
}
