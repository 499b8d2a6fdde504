// Property-based tests of the native matching engine:
//  - differential: random streams of every operation, order type, time in force and instruction (including
//    invalid ones), cut into random batches, give the same events as the TypeScript reference book and leave the
//    same book after every batch;
//  - invariants on the native book alone, checked after every operation: never crossed, level totals equal the
//    sum of their queue, FIFO within a level, quantities conserved per order.
// Runs scale with OMQ_PROPERTY_RUNS (default below).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EndReason, EventType, OrderBook, ReferenceBook, RejectReason, StpMode, decodeEvents, rejectReasonText } from "../../lib/sim/index.js";
import type { BatchColumns, BookEvent, BookSnapshot, StpModeName } from "../../lib/sim/index.js";

const RUNS = Number(process.env.OMQ_PROPERTY_RUNS ?? 200);
/** Per-test timeout that grows with the number of runs (the invariant tests snapshot after every operation). */
const TIMEOUT = Math.max(60_000, RUNS * 300);

/** One row with raw codes, possibly invalid. */
interface Row {
  op: number;
  id: number;
  side: number;
  type: number;
  tif: number;
  price: number;
  qty: number;
  stopPrice: number;
  trail: number;
  displayQty: number;
  expireDelta: number;
  tsDelta: number;
  owner: number;
  flags: number;
  /** In a Float64Array batch: add a fraction to price (1), qty (2) or id (4). */
  frac: number;
}

const weighted = (pairs: [number, number][]) => fc.oneof(...pairs.map(([weight, v]) => ({ weight, arbitrary: fc.constant(v) })));

const rowArb: fc.Arbitrary<Row> = fc
  .record({
    op: weighted([[55, 0], [12, 1], [22, 2], [5, 3], [2, 4], [1, 9]]),
    id: fc.oneof({ weight: 40, arbitrary: fc.integer({ min: 1, max: 30 }) }, { weight: 1, arbitrary: fc.integer({ min: -2, max: 0 }) }),
    /** Cancel/replace: aim at one of the ids submitted so far (pick), unless 0. */
    target: weighted([[8, 1], [1, 0]]),
    pick: fc.nat(),
    side: weighted([[50, 0], [50, 1], [1, 2]]),
    type: weighted([[55, 0], [10, 1], [8, 2], [8, 3], [8, 4], [1, 7]]),
    tif: weighted([[45, 0], [12, 1], [10, 2], [12, 3], [12, 4], [1, 6]]),
    price: fc.oneof(
      { weight: 40, arbitrary: fc.integer({ min: 95, max: 105 }) },
      { weight: 1, arbitrary: fc.integer({ min: 80, max: 120 }) },
      { weight: 3, arbitrary: fc.integer({ min: -600, max: 800 }) }, // other pages of the price ladder
    ),
    qty: fc.oneof({ weight: 40, arbitrary: fc.integer({ min: 1, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: -1, max: 0 }) }),
    stopPrice: fc.integer({ min: 94, max: 106 }),
    trail: fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.constant(0) }),
    displayQty: weighted([[40, 0], [4, 1], [4, 2], [2, 3], [1, -1], [1, 20]]),
    expireDelta: fc.integer({ min: -2, max: 40 }),
    tsDelta: fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 0, max: 6 }) }, { weight: 1, arbitrary: fc.constant(-3) }),
    owner: weighted([[10, 0], [3, 1], [3, 2], [1, 3]]),
    postOnly: weighted([[20, 0], [2, 1], [2, 2]]),
    keep: weighted([[3, 0], [4, 4], [4, 8], [1, 12]]),
    badFlags: weighted([[60, 0], [1, 3], [1, 16], [1, 5]]),
    frac: weighted([[40, 0], [1, 1], [1, 2], [1, 4]]),
  })
  .map(({ target, pick, postOnly, keep, badFlags, ...r }) => ({
    ...r,
    id: r.op === 1 || r.op === 2 ? (target ? -1000 - pick : r.id) : r.id,
    // icebergs mostly on orders that can rest, so that display rejects stay a minority
    displayQty: r.type === 0 && r.tif !== 1 && r.tif !== 2 ? r.displayQty : r.displayQty === 20 ? 20 : 0,
    flags: badFlags !== 0 ? badFlags : r.op === 2 ? keep : r.op === 0 && r.type === 0 && r.tif !== 1 && r.tif !== 2 ? postOnly : 0,
  }));

/** Resolves cancel/replace targets (ids below -1000) to ids submitted earlier in the stream. */
function resolveTargets(rows: Row[]): Row[] {
  const ids: number[] = [];
  return rows.map((r) => {
    if (r.op === 0 && r.id > 0) ids.push(r.id);
    if (r.id > -1000) return r;
    return { ...r, id: ids.length === 0 ? 1 : ids[(-1000 - r.id) % Math.min(ids.length, 12) + Math.max(0, ids.length - 12)]! };
  });
}

/** Batch boundaries: each batch is a run of rows, in BigInt64Array or Float64Array columns. */
const streamArb = fc.record({
  rows: fc.array(rowArb, { minLength: 1, maxLength: 160, size: "max" }),
  cuts: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 40 }),
  float: fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
  stp: fc.constantFrom<StpModeName>("none", "cancelNewest", "cancelOldest", "cancelBoth"),
  ranged: fc.boolean(),
  base: fc.constantFrom(0, 155, -100, -356, 2 ** 40 + 160, -(2 ** 45)),
});

/**
 * Columns for the rows, timestamps continuing from `clock`, every price shifted by `base` (matching is
 * shift-invariant; bases put the busy prices across boundaries of the ladder's 256-tick pages and of zero).
 */
function columns(rows: Row[], clock: { ts: number }, float: boolean, base = 0): BatchColumns {
  const int = (vals: number[], fracs: boolean[] = []) =>
    float ? Float64Array.from(vals, (v, i) => (fracs[i] ? v + 0.5 : v)) : BigInt64Array.from(vals, (v) => BigInt(v));
  const ts: number[] = [];
  const expire: number[] = [];
  for (const r of rows) {
    if (r.tsDelta < 0) {
      ts.push(clock.ts + r.tsDelta); // rejected (timeBackwards); the clock stays
    } else {
      clock.ts += r.tsDelta;
      ts.push(clock.ts);
    }
    expire.push(clock.ts + r.expireDelta);
  }
  return {
    op: Uint8Array.from(rows, (r) => r.op),
    id: int(rows.map((r) => r.id), rows.map((r) => (r.frac & 4) !== 0)),
    side: Uint8Array.from(rows, (r) => r.side),
    type: Uint8Array.from(rows, (r) => r.type),
    tif: Uint8Array.from(rows, (r) => r.tif),
    price: int(rows.map((r) => r.price + base), rows.map((r) => (r.frac & 1) !== 0)),
    qty: int(rows.map((r) => r.qty), rows.map((r) => (r.frac & 2) !== 0)),
    stopPrice: int(rows.map((r) => r.stopPrice + base)),
    trail: int(rows.map((r) => r.trail)),
    displayQty: int(rows.map((r) => r.displayQty)),
    expireNs: BigInt64Array.from(expire, BigInt),
    ts: BigInt64Array.from(ts, BigInt),
    owner: Uint32Array.from(rows, (r) => r.owner),
    flags: Uint8Array.from(rows, (r) => r.flags),
  };
}

function batches<T>(rows: T[], cuts: number[]): T[][] {
  const out: T[][] = [];
  let i = 0;
  let k = 0;
  while (i < rows.length) {
    const len = cuts[k++ % cuts.length]!;
    out.push(rows.slice(i, i + len));
    i += len;
  }
  return out;
}

const RANGE = { minPrice: 90, maxPrice: 110 };

describe("native order book vs the reference book", () => {
  it("gives identical events and an identical book after every batch on random streams", () => {
    let events = 0;
    let trades = 0;
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(streamArb, ({ rows: raw, cuts, float, stp, ranged, base }) => {
        const rows = resolveTargets(raw);
        const range = { minPrice: RANGE.minPrice + base, maxPrice: RANGE.maxPrice + base };
        const book = new OrderBook({ tickSize: 1, stp, ...(ranged ? range : {}) });
        const ref = new ReferenceBook({ stp, ...(ranged ? { minPrice: BigInt(range.minPrice), maxPrice: BigInt(range.maxPrice) } : {}) });
        const clock = { ts: 0 };
        batches(rows, cuts).forEach((batch, k) => {
          const cols = columns(batch, clock, float[k % float.length]!, base);
          const native = decodeEvents(book.processBatch(cols));
          const model = decodeEvents(ref.processBatch(cols));
          expect(native).toEqual(model);
          expect(book.snapshot()).toEqual(ref.snapshot());
          events += native.length;
          trades += native.filter((e) => e.type === "trade").length;
          for (const e of native) {
            const key = e.reason === 0 ? e.type : `${e.type}:${e.reasonText}`;
            seen.set(key, (seen.get(key) ?? 0) + 1);
          }
        });
      }),
      { numRuns: RUNS },
    );
    // The generator must actually exercise matching and every kind of outcome.
    expect(trades).toBeGreaterThan(RUNS);
    expect(events).toBeGreaterThan(RUNS * 20);
    const kinds = [...seen.keys()].join("\n");
    for (const type of Object.keys(EventType)) expect(kinds).toContain(type);
    for (const code of Object.values(EndReason)) expect(kinds).toContain(rejectReasonText(code));
    for (const code of [RejectReason.duplicateId, RejectReason.unknownOrder, RejectReason.crossedPostOnly, RejectReason.priceOffTick, RejectReason.timeBackwards]) {
      expect(kinds).toContain(rejectReasonText(code));
    }
  }, TIMEOUT);

  it("agrees with the reference when every operation is its own batch (the per-order path)", () => {
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 80, size: "max" }), fc.constantFrom<StpModeName>(...(Object.keys(StpMode) as StpModeName[])), (raw, stp) => {
        const rows = resolveTargets(raw);
        const book = new OrderBook({ tickSize: 1, stp });
        const ref = new ReferenceBook({ stp });
        const clock = { ts: 0 };
        for (const row of rows) {
          const cols = columns([row], clock, false);
          expect(decodeEvents(book.processBatch(cols))).toEqual(decodeEvents(ref.processBatch(cols)));
        }
        expect(book.snapshot()).toEqual(ref.snapshot());
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);
});

// --- invariants -----------------------------------------------------------------------------------------------

/** The book is never crossed and every level's total is the sum of its queue's displayed quantities. */
function checkBook(s: BookSnapshot): void {
  if (s.bids.length > 0 && s.asks.length > 0) expect(s.bids[0]!.price).toBeLessThan(s.asks[0]!.price);
  for (const [levels, dir] of [[s.bids, -1], [s.asks, 1]] as const) {
    for (let i = 0; i < levels.length; i++) {
      const lv = levels[i]!;
      if (i > 0) expect(Math.sign(lv.price - levels[i - 1]!.price)).toBe(dir);
      expect(lv.orders).toBe(lv.queue.length);
      expect(lv.qty).toBe(lv.queue.reduce((a, e) => a + e.qty, 0));
      for (const e of lv.queue) {
        expect(e.qty).toBeGreaterThan(0);
        expect(e.hidden).toBeGreaterThanOrEqual(0);
      }
    }
  }
}

/**
 * Follows every order's open quantity through the events and checks it against fills, cancels and the book:
 * accepted qty = fills + cancelled + expired + open, replace resets it, each maker fill is matched by a trade.
 * Also records when each order last joined a queue, for the FIFO check.
 */
class Ledger {
  open = new Map<number, number>();
  joined = new Map<number, number>();
  private clock = 0;

  apply(evs: BookEvent[]): void {
    let pendingTrade: BookEvent | undefined;
    let takerFills = 0;
    for (const e of evs) {
      this.clock++;
      switch (e.type) {
        case "accepted":
          expect(this.open.has(e.orderId)).toBe(false);
          this.open.set(e.orderId, e.qty);
          this.joined.set(e.orderId, this.clock);
          takerFills = 0;
          break;
        case "trade":
          expect(e.qty).toBeGreaterThan(0);
          pendingTrade = e;
          takerFills += e.qty;
          break;
        case "partiallyFilled":
        case "filled": {
          const open = this.open.get(e.orderId)!;
          if (pendingTrade !== undefined && pendingTrade.otherId === e.orderId) {
            // maker side of the trade just before
            expect(e.qty).toBe(pendingTrade.qty);
            expect(e.price).toBe(pendingTrade.price);
            this.open.set(e.orderId, open - e.qty);
            pendingTrade = undefined;
          } else {
            // taker summary: the sum of its trades
            expect(e.qty).toBe(takerFills);
            this.open.set(e.orderId, open - e.qty);
            takerFills = 0;
          }
          expect(this.open.get(e.orderId)).toBe(e.remaining);
          if (e.type === "filled") expect(e.remaining).toBe(0);
          if (e.remaining === 0) this.open.delete(e.orderId);
          break;
        }
        case "cancelled":
        case "expired":
          expect(this.open.get(e.orderId)).toBe(e.qty);
          this.open.delete(e.orderId);
          break;
        case "replaced":
          expect(this.open.has(e.orderId)).toBe(true);
          this.open.set(e.orderId, e.qty);
          if (e.reason === 0) this.joined.set(e.orderId, this.clock);
          takerFills = 0;
          break;
        case "triggered":
          expect(this.open.get(e.orderId)).toBe(e.qty);
          this.joined.set(e.orderId, this.clock);
          takerFills = 0;
          break;
        default:
          break;
      }
    }
  }
}

describe("native order book invariants", () => {
  it("is never crossed, conserves quantities and keeps FIFO order within levels, after every operation", () => {
    // No icebergs here: a replenished slice re-joins its queue without an event, which the FIFO check cannot see.
    const noIceberg = rowArb.map((r) => ({ ...r, displayQty: 0, frac: 0 }));
    fc.assert(
      fc.property(fc.array(noIceberg, { minLength: 1, maxLength: 150, size: "max" }), fc.constantFrom<StpModeName>("none", "cancelNewest", "cancelOldest", "cancelBoth"), (raw, stp) => {
        const rows = resolveTargets(raw);
        const book = new OrderBook({ tickSize: 1, stp });
        const ledger = new Ledger();
        const clock = { ts: 0 };
        for (const row of rows) {
          ledger.apply(decodeEvents(book.processBatch(columns([row], clock, false))));
          const s = book.snapshot();
          checkBook(s);
          const live = new Map<number, number>();
          for (const lv of [...s.bids, ...s.asks]) {
            const joined = lv.queue.map((e) => ledger.joined.get(e.id)!);
            expect(joined).toEqual([...joined].sort((a, b) => a - b));
            for (const e of lv.queue) live.set(e.id, e.qty + e.hidden);
          }
          for (const st of s.stops) live.set(st.id, st.remaining);
          expect(new Map([...ledger.open].sort())).toEqual(new Map([...live].sort()));
        }
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it("conserves quantities with icebergs: displayed plus hidden equals what the events leave open", () => {
    fc.assert(
      fc.property(fc.array(rowArb.map((r) => ({ ...r, frac: 0 })), { minLength: 1, maxLength: 150, size: "max" }), (raw) => {
        const rows = resolveTargets(raw);
        const book = new OrderBook({ tickSize: 1, stp: "cancelOldest" });
        const ledger = new Ledger();
        const clock = { ts: 0 };
        for (const row of rows) {
          ledger.apply(decodeEvents(book.processBatch(columns([row], clock, false))));
          const s = book.snapshot();
          checkBook(s);
          const live = new Map<number, number>();
          for (const lv of [...s.bids, ...s.asks]) for (const e of lv.queue) live.set(e.id, e.qty + e.hidden);
          for (const st of s.stops) live.set(st.id, st.remaining);
          expect(new Map([...ledger.open].sort())).toEqual(new Map([...live].sort()));
        }
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);
});
