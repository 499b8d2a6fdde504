// Example-based behaviour of the matching engine. Every scenario runs through the native book and the TypeScript
// reference book; both must produce the events written here.
import { describe, expect, it } from "vitest";
import {
  BatchBuilder,
  OrderBook,
  ReferenceBook,
  RejectReason,
  EndReason,
  decodeEvents,
  rejectReasonText,
} from "../../lib/sim/index.js";
import type { BookEvent, StpModeName } from "../../lib/sim/index.js";

type Row = (b: BatchBuilder) => BatchBuilder;

/** Runs the rows through both books; returns the events (checked equal) and the native book. */
function run(rows: Row[], config: { stp?: StpModeName; minPrice?: number; maxPrice?: number } = {}) {
  const book = new OrderBook({ tickSize: 0.01, ...config });
  const ref = new ReferenceBook({
    stp: config.stp,
    minPrice: config.minPrice === undefined ? undefined : BigInt(config.minPrice),
    maxPrice: config.maxPrice === undefined ? undefined : BigInt(config.maxPrice),
  });
  const perRow: BookEvent[][] = [];
  for (const row of rows) {
    const cols = row(new BatchBuilder()).build();
    const native = decodeEvents(book.processBatch(cols));
    const model = decodeEvents(ref.processBatch(cols));
    expect(native).toEqual(model);
    perRow.push(native);
  }
  expect(book.snapshot()).toEqual(ref.snapshot());
  return { book, events: perRow, last: perRow[perRow.length - 1]! };
}

/** Events as compact tuples: [type, orderId, otherId, price, qty, remaining, reason]. */
const brief = (evs: BookEvent[]) => evs.map((e) => [e.type, e.orderId, e.otherId, e.price, e.qty, e.remaining, e.reason]);

describe("OrderBook matching", () => {
  it("rests a limit order and reports it at the top of the book", () => {
    const { book, last } = run([(b) => b.submit({ id: 1, side: "buy", price: 100, qty: 5 })]);
    expect(brief(last)).toEqual([["accepted", 1, 0, 100, 5, 5, 0]]);
    expect(book.bbo()).toEqual({ bid: { price: 100, qty: 5, orders: 1 }, ask: undefined });
  });

  it("fills a resting bid when a sell crosses it, at the bid's price", () => {
    const { last } = run([
      (b) => b.submit({ id: 1, side: "buy", price: 100, qty: 5 }),
      (b) => b.submit({ id: 2, side: "sell", price: 99, qty: 3 }),
    ]);
    expect(brief(last)).toEqual([
      ["accepted", 2, 0, 99, 3, 3, 0],
      ["trade", 2, 1, 100, 3, 0, 0],
      ["partiallyFilled", 1, 0, 100, 3, 2, 0],
      ["filled", 2, 0, 100, 3, 0, 0],
    ]);
    expect(last[1]!.side).toBe("sell");
  });

  it("matches in price then time priority and rests the remainder", () => {
    const { book, last } = run([
      (b) => b.submit({ id: 1, side: "sell", price: 101, qty: 2 }).submit({ id: 2, side: "sell", price: 100, qty: 2 }).submit({ id: 3, side: "sell", price: 100, qty: 2 }),
      (b) => b.submit({ id: 4, side: "buy", price: 101, qty: 7 }),
    ]);
    expect(last.filter((e) => e.type === "trade").map((e) => [e.otherId, e.price, e.qty])).toEqual([[2, 100, 2], [3, 100, 2], [1, 101, 2]]);
    expect(brief(last).slice(-1)).toEqual([["partiallyFilled", 4, 0, 101, 6, 1, 0]]);
    expect(book.bbo().bid).toEqual({ price: 101, qty: 1, orders: 1 });
    expect(book.bbo().ask).toBeUndefined();
  });

  it("cancels the unfilled part of IOC and market orders", () => {
    const { last, events } = run([
      (b) => b.submit({ id: 1, side: "sell", price: 100, qty: 2 }),
      (b) => b.submit({ id: 2, side: "buy", price: 100, qty: 5, tif: "IOC" }),
      (b) => b.submit({ id: 3, side: "buy", type: "market", qty: 1 }),
    ]);
    expect(events[1]!.at(-1)).toMatchObject({ type: "cancelled", orderId: 2, qty: 3, reason: EndReason.unfilledImmediate });
    expect(brief(last)).toEqual([["accepted", 3, 0, 0, 1, 1, 0], ["cancelled", 3, 0, 0, 1, 0, EndReason.unfilledImmediate]]);
  });

  it("kills a FOK order that cannot fill completely and fills one that can", () => {
    const { events } = run([
      (b) => b.submit({ id: 1, side: "sell", price: 100, qty: 2 }).submit({ id: 2, side: "sell", price: 101, qty: 2 }),
      (b) => b.submit({ id: 3, side: "buy", price: 100, qty: 3, tif: "FOK" }),
      (b) => b.submit({ id: 4, side: "buy", price: 101, qty: 4, tif: "FOK" }),
    ]);
    expect(brief(events[1]!)).toEqual([["accepted", 3, 0, 100, 3, 3, 0], ["cancelled", 3, 0, 100, 3, 0, EndReason.fokUnfillable]]);
    expect(events[2]!.at(-1)).toMatchObject({ type: "filled", orderId: 4, qty: 4 });
  });

  it("rejects a crossing post-only order, or slides it one tick behind the best", () => {
    const { book, events } = run([
      (b) => b.submit({ id: 1, side: "sell", price: 100, qty: 2 }),
      (b) => b.submit({ id: 2, side: "buy", price: 100, qty: 1, postOnly: "reject" }),
      (b) => b.submit({ id: 3, side: "buy", price: 105, qty: 1, postOnly: "slide" }),
    ]);
    expect(events[1]).toMatchObject([{ type: "rejected", orderId: 2, reason: RejectReason.crossedPostOnly, reasonText: "post-only order would cross the book" }]);
    expect(brief(events[2]!)).toEqual([["accepted", 3, 0, 99, 1, 1, 0]]);
    expect(book.bbo().bid?.price).toBe(99);
  });

  it("shows only an iceberg's display and replenishes it at the back of the queue", () => {
    const { book, events } = run([
      (b) => b.submit({ id: 1, side: "sell", price: 100, qty: 10, displayQty: 3 }).submit({ id: 2, side: "sell", price: 100, qty: 2 }),
      (b) => b.submit({ id: 3, side: "buy", price: 100, qty: 4 }),
    ]);
    expect(events[1]!.filter((e) => e.type === "trade").map((e) => [e.otherId, e.qty])).toEqual([[1, 3], [2, 1]]);
    expect(book.queue("sell", 100)).toEqual([
      { id: 2, qty: 1, hidden: 0, owner: 0 },
      { id: 1, qty: 3, hidden: 4, owner: 0 },
    ]);
    expect(book.depth(1).asks).toEqual([{ price: 100, qty: 4, orders: 2 }]);
  });

  it("keeps queue priority when a replace only reduces the quantity, and loses it otherwise", () => {
    const { book, events } = run([
      (b) => b.submit({ id: 1, side: "buy", price: 100, qty: 5 }).submit({ id: 2, side: "buy", price: 100, qty: 5 }),
      (b) => b.replace(1, { qty: 3 }),
      (b) => b.replace(2, { qty: 6 }).replace(1, { price: 99 }).replace(1, { price: 100 }),
    ]);
    expect(brief(events[1]!)).toEqual([["replaced", 1, 0, 100, 3, 3, EndReason.priorityKept]]);
    expect(book.queue("buy", 100).map((e) => e.id)).toEqual([2, 1]);
    expect(book.queuePosition(1)).toEqual({ side: "buy", price: 100, qtyAhead: 6, ordersAhead: 1, visible: 3, remaining: 3 });
  });

  it("matches a replaced order that now crosses", () => {
    const { last } = run([
      (b) => b.submit({ id: 1, side: "sell", price: 101, qty: 2 }).submit({ id: 2, side: "buy", price: 100, qty: 3 }),
      (b) => b.replace(2, { price: 101 }),
    ]);
    expect(brief(last)).toEqual([
      ["replaced", 2, 0, 101, 3, 3, 0],
      ["trade", 2, 1, 101, 2, 1, 0],
      ["filled", 1, 0, 101, 2, 0, 0],
      ["partiallyFilled", 2, 0, 101, 2, 1, 0],
    ]);
  });

  it("rejects invalid input with a reason instead of throwing", () => {
    const { events } = run([
      (b) => b.submit({ id: 1, side: "buy", price: 100, qty: 5 }),
      (b) => b.submit({ id: 1, side: "buy", price: 100, qty: 5 }),
      (b) => b.submit({ id: 2, side: "buy", price: 100, qty: 0 }),
      (b) => b.submit({ id: 3, side: "buy", price: 100.5, qty: 1 }),
      (b) => b.cancel(42),
      (b) => b.submit({ id: 4, side: "buy", price: 1000, qty: 1 }),
      (b) => b.submit({ id: 5, side: "buy", price: 100, qty: 1, ts: 10 }).submit({ id: 6, side: "buy", price: 100, qty: 1, ts: 5 }),
    ], { minPrice: 1, maxPrice: 500 });
    const reasons = events.slice(1).map((evs) => evs.filter((e) => e.type === "rejected").map((e) => e.reason));
    expect(reasons).toEqual([
      [RejectReason.duplicateId],
      [RejectReason.invalidQuantity],
      [RejectReason.priceOffTick],
      [RejectReason.unknownOrder],
      [RejectReason.priceOutOfRange],
      [RejectReason.timeBackwards],
    ]);
    expect(rejectReasonText(RejectReason.unknownOrder)).toBe("no live order has this id");
  });

  it("triggers a stop when the last trade reaches its stop price", () => {
    const { events, book } = run([
      (b) => b.submit({ id: 1, side: "sell", price: 100, qty: 1 }).submit({ id: 2, side: "sell", price: 102, qty: 5 }),
      (b) => b.submit({ id: 3, side: "buy", type: "stop", stopPrice: 100, qty: 2 }),
      (b) => b.submit({ id: 4, side: "buy", price: 100, qty: 1 }),
    ]);
    expect(brief(events[1]!)).toEqual([["accepted", 3, 0, 0, 2, 2, 0]]);
    expect(brief(events[2]!).slice(4)).toEqual([
      ["triggered", 3, 0, 100, 2, 2, 0],
      ["trade", 3, 2, 102, 2, 0, 0],
      ["partiallyFilled", 2, 0, 102, 2, 3, 0],
      ["filled", 3, 0, 102, 2, 0, 0],
    ]);
    expect(book.stats().lastPrice).toBe(102);
  });

  it("fires a trailing stop once the price falls back by the trail", () => {
    const { events } = run([
      (b) => b.submit({ id: 1, side: "buy", price: 100, qty: 1 }).submit({ id: 2, side: "sell", price: 100, qty: 1 }),
      (b) => b.submit({ id: 3, side: "sell", type: "trailingStop", trail: 2, qty: 1 }),
      (b) => b.submit({ id: 4, side: "sell", price: 103, qty: 1 }).submit({ id: 5, side: "buy", price: 103, qty: 1 }),
      (b) => b.submit({ id: 6, side: "buy", price: 101, qty: 1 }).submit({ id: 7, side: "sell", price: 101, qty: 1 }),
      (b) => b.submit({ id: 8, side: "buy", price: 90, qty: 5 }),
    ]);
    expect(events[2]!.some((e) => e.type === "triggered")).toBe(false);
    expect(events[3]!.find((e) => e.type === "triggered")).toMatchObject({ orderId: 3, price: 101 });
  });

  it("expires GTD orders when the clock passes their expiry and DAY orders at the end of the day", () => {
    const { events, book } = run([
      (b) => b.submit({ id: 1, side: "buy", price: 100, qty: 1, tif: "GTD", expireNs: 50n }).submit({ id: 2, side: "buy", price: 99, qty: 1, tif: "DAY" }),
      (b) => b.advanceTime(50n),
      (b) => b.endOfDay(60n),
    ]);
    expect(brief(events[1]!)).toEqual([["expired", 1, 0, 100, 1, 0, EndReason.gtdExpired]]);
    expect(brief(events[2]!)).toEqual([["expired", 2, 0, 99, 1, 0, EndReason.dayExpired]]);
    expect(book.stats().orders).toBe(0);
  });

  it("still expires live GTD orders after thousands of cancelled ones", () => {
    const { events, book } = run([
      (b) => {
        for (let i = 1; i <= 3000; i++) b.submit({ id: i, side: "buy", price: 10, qty: 1, tif: "GTD", expireNs: 1_000_000n + BigInt(i) });
        b.submit({ id: 5000, side: "sell", price: 20, qty: 1, tif: "GTD", expireNs: 100n });
        for (let i = 1; i <= 3000; i++) b.cancel(i);
        return b.submit({ id: 5001, side: "sell", price: 21, qty: 1, tif: "GTD", expireNs: 99n });
      },
      (b) => b.advanceTime(100n),
    ]);
    expect(brief(events[1]!)).toEqual([
      ["expired", 5001, 0, 21, 1, 0, EndReason.gtdExpired],
      ["expired", 5000, 0, 20, 1, 0, EndReason.gtdExpired],
    ]);
    expect(book.stats().orders).toBe(0);
  });

  it.each([
    ["cancelNewest", [["cancelled", 2, 0, 100, 2, 0, EndReason.selfTrade]], [1]],
    ["cancelOldest", [["cancelled", 1, 0, 100, 2, 0, EndReason.selfTrade]], [2]],
    ["cancelBoth", [["cancelled", 1, 0, 100, 2, 0, EndReason.selfTrade], ["cancelled", 2, 0, 100, 2, 0, EndReason.selfTrade]], []],
  ] as const)("applies self-trade prevention %s", (stp, expected, left) => {
    const { last, book } = run([
      (b) => b.submit({ id: 1, side: "sell", price: 100, qty: 2, owner: 7 }),
      (b) => b.submit({ id: 2, side: "buy", price: 100, qty: 2, owner: 7 }),
    ], { stp });
    expect(brief(last).slice(1)).toEqual(expected);
    expect([...book.queue("sell", 100), ...book.queue("buy", 100)].map((e) => e.id)).toEqual(left);
  });
});

describe("OrderBook API", () => {
  it("converts prices to ticks and back", () => {
    const book = new OrderBook({ tickSize: 0.01 });
    expect(book.toTicks(101.37)).toBe(10137);
    expect(book.fromTicks(10137)).toBe(101.37);
    expect(book.toTicks(101.375)).not.toBe(Math.round(101.375 * 100));
  });

  it("answers per-order calls with decoded events and reports orders", () => {
    const book = new OrderBook({ tickSize: 1 });
    expect(book.submit({ id: 1, side: "buy", price: 10, qty: 3, owner: 4 })).toMatchObject([{ type: "accepted", orderId: 1, side: "buy", ts: 0n }]);
    expect(book.order(1)).toMatchObject({ id: 1, side: "buy", type: "limit", tif: "GTC", state: "resting", price: 10, remaining: 3, owner: 4 });
    expect(book.order(2)).toBeUndefined();
    expect(book.cancel(1)).toMatchObject([{ type: "cancelled", reasonText: "cancelled on request" }]);
  });

  it("rejects unknown config keys and misuse of the API with clear errors", () => {
    expect(() => new OrderBook({ tickSize: 0.01, stpMode: "none" } as never)).toThrow(/unknown key 'stpMode'/);
    expect(() => new OrderBook({ tickSize: 0 })).toThrow(/tickSize/);
    const book = new OrderBook({ tickSize: 1 });
    expect(() => book.submit({ id: 1, side: "up" as never, price: 1, qty: 1 })).toThrow(TypeError);
    expect(() => book.submit({ id: 1, side: "buy", qty: 1 })).toThrow(/needs price/);
  });

  it("reuses caller-provided event columns for batches", async () => {
    const { allocateEventColumns } = await import("../../lib/sim/index.js");
    const book = new OrderBook({ tickSize: 1 });
    const into = allocateEventColumns(16);
    const out = book.processBatch(new BatchBuilder().submit({ id: 1, side: "buy", price: 1, qty: 1 }).build(), { into });
    expect(out.count).toBe(1);
    expect(out.type.buffer).toBe(into.type.buffer);
    // more events than `into` holds: the engine switches to its own storage mid-batch and returns fresh columns
    const big = new BatchBuilder();
    for (let i = 1; i <= 20; i++) big.submit({ id: 100 + i, side: "sell", price: 5, qty: 1 });
    big.submit({ id: 200, side: "buy", type: "market", qty: 20 });
    const plain = new OrderBook({ tickSize: 1 });
    plain.submit({ id: 1, side: "buy", price: 1, qty: 1 });
    const overflowed = book.processBatch(big.build(), { into });
    expect(overflowed.count).toBe(20 + 1 + 20 * 2 + 1);
    expect(overflowed.type.buffer).not.toBe(into.type.buffer);
    expect(decodeEvents(overflowed)).toEqual(decodeEvents(plain.processBatch(big.build())));
  });

  it("measures per-operation latency when asked", () => {
    const book = new OrderBook({ tickSize: 1 });
    const b = new BatchBuilder();
    for (let i = 1; i <= 100; i++) b.submit({ id: i, side: i % 2 ? "buy" : "sell", price: i % 2 ? 10 : 11, qty: 1 });
    book.processBatch(b.build(), { measureLatency: true });
    const l = book.latency({ reset: true });
    expect(l.count).toBe(100);
    expect(l.p50Ns).toBeGreaterThan(0);
    expect(l.p99Ns).toBeGreaterThanOrEqual(l.p50Ns);
    expect(book.latency().count).toBe(0);
  });
});
