// The simulated venue's order handling, by hand: taker walks of the replayed book (marketable limit, IOC, FOK,
// market, post-only), no-double-fill, the no-partial-fill mode, replace semantics, BBO rows, crossing fills and
// exact fees. Book at t = 0 unless said otherwise: bids 100 x 10, 99 x 20; asks 101 x 5, 102 x 7, 103 x 9.
import { describe, expect, it } from "vitest";
import { harness } from "./harness.test-util.js";
import { makerTaker, powerProbQueue, riskAverseQueue } from "./models.js";
import { RejectReason, ResponseKind } from "./codes.js";
import type { EventRow } from "./rows.js";

const ladder: EventRow[] = [
  { ts: 0, kind: "DEPTH_CLEAR", side: 0 },
  { ts: 0, kind: "DEPTH_SNAPSHOT", side: 1, price: 100, qty: 10 },
  { ts: 0, kind: "DEPTH_SNAPSHOT", side: 1, price: 99, qty: 20 },
  { ts: 0, kind: "DEPTH_SNAPSHOT", side: -1, price: 101, qty: 5 },
  { ts: 0, kind: "DEPTH_SNAPSHOT", side: -1, price: 102, qty: 7 },
  { ts: 0, kind: "DEPTH_SNAPSHOT", side: -1, price: 103, qty: 9 },
];

const fillsOf = (h: ReturnType<typeof harness>) => h.fills().map((f) => [f.price, f.qty, f.leaves, f.maker]);

describe("taker orders walk the replayed book", () => {
  it("a marketable limit takes each level up to its price; the rest (GTC) fills at its limit as taker", () => {
    const h = harness(ladder);
    h.to(0);
    h.buy(1, 102, 15);
    h.to(100);
    expect(fillsOf(h)).toEqual([
      [101, 5, 10, false],
      [102, 7, 3, false],
      [102, 3, 0, false],
    ]);
  });

  it("IOC expires what the book up to its limit does not cover", () => {
    const h = harness(ladder);
    h.to(0);
    h.buy(1, 102, 15, "IOC");
    h.to(100);
    expect(h.kinds()).toEqual(["fill", "fill", "expired"]);
    expect(h.responses[2]!.qty).toBe(3);
  });

  it("FOK executes only when the displayed quantity up to its limit covers it", () => {
    const h = harness(ladder);
    h.to(0);
    h.buy(1, 102, 13, "FOK"); // 12 available up to 102
    h.buy(2, 103, 13, "FOK"); // 21 available up to 103
    h.to(100);
    expect(h.responses.map((r) => [r.orderId, ResponseKind.expired === r.kind ? "expired" : r.price, r.qty])).toEqual([
      [1, "expired", 13],
      [2, 101, 5],
      [2, 102, 7],
      [2, 103, 1],
    ]);
  });

  it("a market order walks the whole side and expires the rest; on an empty side it expires whole", () => {
    const h = harness(ladder);
    h.to(0);
    h.market(1, -1, 40); // bids: 10 + 20
    h.to(100);
    expect(fillsOf(h)).toEqual([
      [100, 10, 30, false],
      [99, 20, 10, false],
    ]);
    expect(h.kinds().at(-1)).toBe("expired");
    expect(h.responses.at(-1)!.reason).toBe(RejectReason.noLiquidity);

    const empty = harness([{ ts: 0, kind: "DEPTH_SNAPSHOT", side: -1, price: 101, qty: 5 }]);
    empty.to(0);
    empty.market(1, -1, 1);
    empty.to(100);
    expect(empty.kinds()).toEqual(["expired"]);
  });

  it("a post-only order is rejected if it would take, accepted otherwise", () => {
    const h = harness(ladder);
    h.to(0);
    h.sell(1, 100, 1, "GTX");
    h.sell(2, 101, 1, "GTX");
    h.to(100);
    expect(h.responses.map((r) => [r.orderId, r.kind, r.reason])).toEqual([
      [1, ResponseKind.rejected, RejectReason.postOnlyWouldCross],
      [2, ResponseKind.accepted, 0],
    ]);
  });

  it("by default takes the same displayed liquidity again; with no-double-fill it waits for a book update", () => {
    const rows: EventRow[] = [...ladder, { ts: 50, kind: "DEPTH", side: -1, price: 101, qty: 5 }];
    const again = harness(rows);
    again.to(0);
    again.buy(1, 101, 5, "IOC");
    again.buy(2, 101, 5, "IOC");
    again.to(30);
    expect(again.fills().map((f) => [f.orderId, f.qty])).toEqual([
      [1, 5],
      [2, 5],
    ]);

    const once = harness(rows, { noDoubleFill: true });
    once.to(0);
    once.buy(1, 101, 5, "IOC");
    once.buy(2, 101, 5, "IOC");
    once.to(30);
    expect(once.fills().map((f) => [f.orderId, f.qty])).toEqual([[1, 5]]);
    expect(once.kinds()).toEqual(["fill", "expired"]);
    once.buy(3, 101, 5, "IOC"); // at 30: still consumed
    once.to(45);
    once.buy(4, 101, 5, "IOC"); // arrives at 55, after the update at 50 replaced the level
    once.to(200);
    expect(once.fills().map((f) => [f.orderId, f.qty])).toEqual([
      [1, 5],
      [4, 5],
    ]);
  });

  it("in no-partial-fill mode a marketable order fills whole at the best price", () => {
    const h = harness(ladder, { exchange: "noPartial" });
    h.to(0);
    h.buy(1, 103, 15);
    h.to(100);
    expect(fillsOf(h)).toEqual([[101, 15, 0, false]]);
  });
});

describe("fees are exact", () => {
  it("charges takers and rebates makers per fill, in currency", () => {
    // tick 0.01, lot 1: a 5-lot fill at 101 ticks is 5.05 of notional.
    const h = harness(
      [...ladder, { ts: 50, kind: "TRADE", side: -1, price: 99, qty: 1 }],
      { fees: makerTaker(-0.0001, 0.0004) },
    );
    h.to(0);
    h.buy(1, 101, 5); // taker
    h.buy(2, 99, 2); // rests behind 20 lots at 99: the 1-lot print at 99 does not reach it
    h.to(30);
    h.buy(3, 100, 1); // behind 10 at 100: the print at 99 at t=50 goes through it
    h.to(200);
    const f = h.fills();
    expect(f.map((x) => [x.orderId, x.price, x.qty, x.maker])).toEqual([
      [1, 101, 5, false],
      [3, 100, 1, true],
    ]);
    expect(f[0]!.fee).toBeCloseTo(5.05 * 0.0004, 15);
    expect(f[1]!.fee).toBeCloseTo(-1.0 * 0.0001, 15);
    // Exact: fee units = price * qty * rate_ppb.
    expect(h.engine.totals().exchange[0]!.fees).toBe(101n * 5n * 40_000n + 100n * 1n * -10_000n);
  });
});

describe("replace", () => {
  it("keeps queue priority when only the quantity goes down at the same price", () => {
    const h = harness(ladder, { queue: riskAverseQueue() });
    h.to(0);
    h.buy(1, 100, 5);
    h.to(20);
    expect(h.ahead(1)).toBe(10);
    h.replace(1, 100, 2);
    h.to(40);
    expect(h.ahead(1)).toBe(10);
    expect(h.responses.at(-1)!.kind).toBe(ResponseKind.replaced);
    expect(h.responses.at(-1)!.leaves).toBe(2);
  });

  it("goes to the back of the queue when the quantity goes up or the price changes", () => {
    const rows: EventRow[] = [...ladder, { ts: 15, kind: "DEPTH", side: 1, price: 100, qty: 14 }];
    const h = harness(rows, { queue: powerProbQueue(2) });
    h.to(0);
    h.buy(1, 100, 5);
    h.to(20);
    expect(h.ahead(1)).toBe(10);
    h.replace(1, 100, 6);
    h.to(40);
    expect(h.ahead(1)).toBe(14);
    h.replace(1, 99, 6);
    h.to(60);
    expect(h.ahead(1)).toBe(20);
  });

  it("takes liquidity when the new price crosses; a post-only replace that would cross is rejected", () => {
    const h = harness(ladder);
    h.to(0);
    h.buy(1, 100, 5);
    h.buy(2, 100, 5, "GTX");
    h.to(20);
    h.replace(1, 101, 3);
    h.replace(2, 101, 3);
    h.to(100);
    expect(h.responses.slice(2).map((r) => [r.orderId, r.kind, r.price, r.qty])).toEqual([
      [1, ResponseKind.replaced, 101, 3],
      [1, ResponseKind.fill, 101, 3],
      [2, ResponseKind.replaceRejected, 101, 3],
    ]);
  });
});

describe("BBO rows", () => {
  it("remove the levels better than the quoted best and cross our orders", () => {
    const rows: EventRow[] = [
      ...ladder,
      { ts: 30, kind: "BBO", side: -1, price: 102, qty: 4 }, // asks 101 gone, 102 now 4
      { ts: 40, kind: "BBO", side: -1, price: 100, qty: 1 }, // ask down to 100: crosses our bid
    ];
    const h = harness(rows);
    h.to(0);
    h.buy(1, 100, 2);
    h.to(35);
    expect(h.engine.depth(0, 3).asks).toEqual([
      { price: 102, qty: 4 },
      { price: 103, qty: 9 },
    ]);
    h.to(100);
    expect(h.fills().map((f) => [f.exchTs, f.price, f.qty, f.maker])).toEqual([[40n, 100, 2, true]]);
  });
});
