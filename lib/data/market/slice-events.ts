/**
 * Slicing and concatenation of MarketEvents. Results are copies (they share no memory with their inputs).
 */
import { contextError } from "../../util/errors.js";
import type { InstrumentSpec, MarketEvents } from "./events.js";
import { isIdentity, unionInstruments } from "./instruments.js";

/** A set of `n` zeroed rows. */
export function allocEvents(n: number, instruments: InstrumentSpec[] = []): MarketEvents {
  return {
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
}

/** Rows [start, end) as a new set (negative indices count from the end, as in Array.prototype.slice). */
export function sliceEvents(ev: MarketEvents, start = 0, end = ev.kind.length): MarketEvents {
  return {
    exchTs: ev.exchTs.slice(start, end),
    localTs: ev.localTs.slice(start, end),
    kind: ev.kind.slice(start, end),
    side: ev.side.slice(start, end),
    price: ev.price.slice(start, end),
    qty: ev.qty.slice(start, end),
    orderId: ev.orderId.slice(start, end),
    instrument: ev.instrument.slice(start, end),
    instruments: ev.instruments.map((s) => ({ ...s })),
  };
}

/** First row index whose localTs is >= ts (binary search; `ev` must be sorted by localTs). */
export function lowerBoundLocalTs(ev: MarketEvents, ts: bigint): number {
  let lo = 0;
  let hi = ev.localTs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ev.localTs[mid]! < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Rows with fromNs <= localTs < toNs (`ev` sorted by localTs). */
export function eventsBetween(ev: MarketEvents, fromNs: bigint, toNs: bigint): MarketEvents {
  if (toNs < fromNs) {
    throw contextError({ where: "eventsBetween", what: `the window ends (${toNs}) before it starts (${fromNs})`, expected: "fromNs <= toNs" });
  }
  return sliceEvents(ev, lowerBoundLocalTs(ev, fromNs), lowerBoundLocalTs(ev, toNs));
}

/** The rows for which `keep(i)` is true, in order (instruments unchanged). */
export function filterEvents(ev: MarketEvents, keep: (row: number, ev: MarketEvents) => boolean): MarketEvents {
  const rows: number[] = [];
  for (let i = 0; i < ev.kind.length; i++) if (keep(i, ev)) rows.push(i);
  const out = allocEvents(rows.length, ev.instruments.map((s) => ({ ...s })));
  rows.forEach((i, o) => {
    out.exchTs[o] = ev.exchTs[i]!;
    out.localTs[o] = ev.localTs[i]!;
    out.kind[o] = ev.kind[i]!;
    out.side[o] = ev.side[i]!;
    out.price[o] = ev.price[i]!;
    out.qty[o] = ev.qty[i]!;
    out.orderId[o] = ev.orderId[i]!;
    out.instrument[o] = ev.instrument[i]!;
  });
  return out;
}

/**
 * The sets one after another (no sorting: use `mergeEvents` to interleave by time), instrument indices remapped
 * onto the union of the sets' instruments.
 */
export function concatEvents(sets: readonly MarketEvents[]): MarketEvents {
  const { instruments, maps } = unionInstruments(sets);
  const total = sets.reduce((n, ev) => n + ev.kind.length, 0);
  const out = allocEvents(total, instruments);
  let o = 0;
  sets.forEach((ev, s) => {
    out.exchTs.set(ev.exchTs, o);
    out.localTs.set(ev.localTs, o);
    out.kind.set(ev.kind, o);
    out.side.set(ev.side, o);
    out.price.set(ev.price, o);
    out.qty.set(ev.qty, o);
    out.orderId.set(ev.orderId, o);
    const map = maps[s]!;
    if (isIdentity(map)) out.instrument.set(ev.instrument, o);
    else for (let i = 0; i < ev.kind.length; i++) out.instrument[o + i] = map[ev.instrument[i]!]!;
    o += ev.kind.length;
  });
  return out;
}
