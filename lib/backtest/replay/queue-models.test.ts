// Queue models against hand-worked examples: small event sequences written by hand, with the queue position
// (market lots ahead of our order) and the fills each model must produce worked out on paper.
//
// Common setup: bid 100 x 10 and ask 101 x 10 at t = 0; entry and response latency 10 ns; our buy of 3 lots at 100
// is sent at t = 0 and reaches the venue at t = 10, behind the 10 lots there (front = 10).
import { describe, expect, it } from "vitest";
import { book, harness } from "./harness.test-util.js";
import { l3FifoQueue, logProbQueue, logProbQueue2, powerProbQueue, powerProbQueue2, powerProbQueue3, riskAverseQueue } from "./models.js";
import type { QueueModel } from "./models.js";
import type { EventRow } from "./rows.js";

function placeBuy(rows: EventRow[], queue: QueueModel, exchange: "partial" | "noPartial" = "partial") {
  const h = harness([...book(), ...rows], { queue, exchange });
  h.to(0);
  h.buy(1, 100, 3);
  h.to(10);
  return h;
}

describe("risk-averse queue (advance only on trades at our price; level-shrink rule)", () => {
  const rows: EventRow[] = [
    { ts: 30, kind: "TRADE", side: -1, price: 100, qty: 4 }, // front 10 - 4 = 6
    { ts: 31, kind: "DEPTH", side: 1, price: 100, qty: 6 }, //  min(6, 6) = 6
    { ts: 40, kind: "DEPTH", side: 1, price: 100, qty: 2 }, //  cancels: min(6, 2) = 2
    { ts: 50, kind: "DEPTH", side: 1, price: 100, qty: 12 }, // adds behind: stays 2
    { ts: 60, kind: "TRADE", side: -1, price: 100, qty: 3 }, // front -1: 1 lot traded through us
    { ts: 61, kind: "DEPTH", side: 1, price: 100, qty: 9 },
    { ts: 70, kind: "TRADE", side: -1, price: 100, qty: 5 }, // front -6: the other 2 lots
  ];

  it("tracks the queue ahead through trades, cancels and additions", () => {
    const h = placeBuy(rows, riskAverseQueue());
    expect(h.ahead(1)).toBe(10);
    h.to(30);
    expect(h.ahead(1)).toBe(6);
    h.to(40);
    expect(h.ahead(1)).toBe(2);
    h.to(50);
    expect(h.ahead(1)).toBe(2);
  });

  it("fills 1 lot when the trade at t=60 reaches 1 lot past the queue, the rest at t=70", () => {
    const h = placeBuy(rows, riskAverseQueue());
    h.to(1000);
    const fills = h.fills().map((f) => [f.exchTs, f.ts, f.price, f.qty, f.leaves, f.maker]);
    expect(fills).toEqual([
      [60n, 70n, 100, 1, 2, true],
      [70n, 80n, 100, 2, 0, true],
    ]);
    expect(h.ahead(1)).toBeUndefined(); // no longer open
  });

  it("in no-partial-fill mode fills all 3 lots as soon as the queue is passed (t=60)", () => {
    const h = placeBuy(rows, riskAverseQueue(), "noPartial");
    h.to(1000);
    expect(h.fills().map((f) => [f.exchTs, f.qty, f.leaves])).toEqual([[60n, 3, 0]]);
  });

  it("does not move on trades above our price or on the other side", () => {
    const h = placeBuy(
      [
        { ts: 30, kind: "TRADE", side: 1, price: 101, qty: 5 }, // a buyer lifts the ask: not our side
        { ts: 40, kind: "TRADE", side: -1, price: 101, qty: 5 }, // a seller at 101: never reached our bid at 100
      ],
      riskAverseQueue(),
    );
    h.to(100);
    expect(h.ahead(1)).toBe(10);
    expect(h.fills()).toEqual([]);
  });

  it("fills everything when a trade prints through our price or the ask comes down to it", () => {
    const through = placeBuy([{ ts: 30, kind: "TRADE", side: -1, price: 99, qty: 1 }], riskAverseQueue());
    through.to(100);
    expect(through.fills().map((f) => [f.exchTs, f.price, f.qty])).toEqual([[30n, 100, 3]]);

    const crossed = placeBuy([{ ts: 30, kind: "DEPTH", side: -1, price: 100, qty: 4 }], riskAverseQueue());
    crossed.to(100);
    expect(crossed.fills().map((f) => [f.exchTs, f.price, f.qty, f.maker])).toEqual([[30n, 100, 3, true]]);
  });
});

describe("probabilistic queue: power(2) (share of an unexplained decrease ahead of us = f(front)/(f(front)+f(back)))", () => {
  // Worked by hand (f(x) = x^2):
  //   t=30 level 10 -> 6, no trades: front 10, back 0, P(behind) = 0/(0+100) = 0: front = 10 - 4 = 6.
  //   t=40 level 6 -> 16: growth, front stays 6.
  //   t=50 level 16 -> 12: front 6, back 10, P = 100/136; front = 6 - (36/136)*4 = 4.94117647...
  //   t=60 trade 3 at 100: front 1.94117647, cum_trade 3; t=61 level 12 -> 9 is explained by it (d = 0).
  //   t=70 trade 3: front -1.0588...: 1 lot traded through us -> fill 1.
  //   t=80 trade 2: front -3.0588...: 3 lots through us, 2 of them in this trade -> fill the remaining 2.
  const rows: EventRow[] = [
    { ts: 30, kind: "DEPTH", side: 1, price: 100, qty: 6 },
    { ts: 40, kind: "DEPTH", side: 1, price: 100, qty: 16 },
    { ts: 50, kind: "DEPTH", side: 1, price: 100, qty: 12 },
    { ts: 60, kind: "TRADE", side: -1, price: 100, qty: 3 },
    { ts: 61, kind: "DEPTH", side: 1, price: 100, qty: 9 },
    { ts: 70, kind: "TRADE", side: -1, price: 100, qty: 3 },
    { ts: 71, kind: "DEPTH", side: 1, price: 100, qty: 6 },
    { ts: 80, kind: "TRADE", side: -1, price: 100, qty: 2 },
  ];
  const after50 = 6 - (36 / 136) * 4;

  it("moves the queue position as worked out", () => {
    const h = placeBuy(rows, powerProbQueue(2));
    h.to(30);
    expect(h.ahead(1)).toBe(6);
    h.to(40);
    expect(h.ahead(1)).toBe(6);
    h.to(50);
    expect(h.ahead(1)).toBeCloseTo(after50, 12);
    h.to(61);
    expect(h.ahead(1)).toBeCloseTo(after50 - 3, 12);
  });

  it("fills 1 lot at t=70 and 2 at t=80", () => {
    const h = placeBuy(rows, powerProbQueue(2));
    h.to(1000);
    expect(h.fills().map((f) => [f.exchTs, f.qty, f.leaves])).toEqual([
      [70n, 1, 2],
      [80n, 2, 0],
    ]);
  });

  it("risk-averse on the same data waits longer (cancels never move it past the level-shrink rule)", () => {
    const h = placeBuy(rows, riskAverseQueue());
    h.to(50);
    expect(h.ahead(1)).toBe(6); // min(10, 6) at t=30, nothing after
    h.to(1000);
    // front: 6 -> 3 (t=60) -> 0 (t=70) -> -2 (t=80): 2 lots at t=80, 1 left open.
    expect(h.fills().map((f) => [f.exchTs, f.qty, f.leaves])).toEqual([[80n, 2, 1]]);
  });
});

describe("the other probability functions on one decrease (front 6, back 10, level 16 -> 12)", () => {
  const rows: EventRow[] = [
    { ts: 20, kind: "DEPTH", side: 1, price: 100, qty: 6 }, // front 6 (nobody behind yet)
    { ts: 30, kind: "DEPTH", side: 1, price: 100, qty: 16 }, // 10 behind
    { ts: 40, kind: "DEPTH", side: 1, price: 100, qty: 12 }, // 4 lots cancelled somewhere
  ];
  // front' = front - (1 - P) * 4 where P is the probability that the decrease is behind us.
  const cases: [string, QueueModel, number][] = [
    ["power(1): P = 10/16", powerProbQueue(1), 10 / 16],
    ["power(3): P = 1000/(1000+216)", powerProbQueue(3), 1000 / 1216],
    ["power2(2): P = 10^2/16^2", powerProbQueue2(2), 100 / 256],
    ["power3(2): P = 1 - (6/16)^2", powerProbQueue3(2), 1 - (6 / 16) ** 2],
    ["log: P = ln 11/(ln 11 + ln 7)", logProbQueue(), Math.log(11) / (Math.log(11) + Math.log(7))],
    ["log2: P = ln 11/ln 17", logProbQueue2(), Math.log(11) / Math.log(17)],
  ];
  for (const [name, model, p] of cases) {
    it(name, () => {
      const h = placeBuy(rows, model);
      h.to(30);
      expect(h.ahead(1)).toBe(6);
      h.to(40);
      expect(h.ahead(1)).toBeCloseTo(6 - (1 - p) * 4, 12);
    });
  }

  it("a decrease larger than the back can absorb takes the excess from the front (power(3), level 16 -> 2)", () => {
    // front 6, back 10, d = 14, P = 1000/1216: the back's share P*d = 11.51 exceeds its 10 lots, so
    // front' = 6 - (1 - P)*14 + (10 - P*14) = 6 + 10 - 14 = 2 (everything left is ahead of us).
    const h = placeBuy([...rows.slice(0, 2), { ts: 40, kind: "DEPTH", side: 1, price: 100, qty: 2 }], powerProbQueue(3));
    h.to(40);
    expect(h.ahead(1)).toBeCloseTo(2, 12);
  });

  it("cancellations never take the queue ahead below zero (log model, 1 ahead and a large decrease)", () => {
    // front 1, back 20, d = 10, P = ln 21/(ln 21 + ln 2): unclamped front' = 1 - (1 - P) * 10 < 0 -> 0.
    const h = placeBuy(
      [
        { ts: 20, kind: "DEPTH", side: 1, price: 100, qty: 1 },
        { ts: 30, kind: "DEPTH", side: 1, price: 100, qty: 21 },
        { ts: 40, kind: "DEPTH", side: 1, price: 100, qty: 11 },
        { ts: 50, kind: "TRADE", side: -1, price: 100, qty: 1 },
      ],
      logProbQueue(),
    );
    const p = Math.log(21) / (Math.log(21) + Math.log(2));
    expect(1 - (1 - p) * 10).toBeLessThan(0);
    h.to(40);
    expect(h.ahead(1)).toBe(0);
    h.to(100);
    // We are at the head: the 1-lot trade fills 1 lot.
    expect(h.fills().map((f) => [f.exchTs, f.qty])).toEqual([[50n, 1]]);
  });
});

describe("several of our orders at one price share a trade's quantity", () => {
  it("gives a 5-lot trade at most 5 lots in total", () => {
    const h = harness(
      [
        { ts: 0, kind: "DEPTH_SNAPSHOT", side: 1, price: 100, qty: 0 },
        { ts: 0, kind: "DEPTH_SNAPSHOT", side: -1, price: 101, qty: 10 },
        { ts: 50, kind: "TRADE", side: -1, price: 100, qty: 5 },
      ],
      { queue: riskAverseQueue() },
    );
    h.to(0);
    h.buy(1, 100, 4);
    h.buy(2, 100, 4);
    h.to(1000);
    expect(h.fills().map((f) => [f.orderId, f.qty])).toEqual([
      [1, 4],
      [2, 1],
    ]);
  });
});

describe("L3 exact FIFO", () => {
  const l3 = (rows: EventRow[]) => {
    const h = harness(
      [
        { ts: 0, kind: "L3_ADD", side: 1, price: 100, qty: 5, orderId: 1 },
        { ts: 0, kind: "L3_ADD", side: 1, price: 100, qty: 5, orderId: 2 },
        { ts: 0, kind: "L3_ADD", side: -1, price: 101, qty: 5, orderId: 3 },
        ...rows,
      ],
      { queue: l3FifoQueue() },
    );
    h.to(0);
    h.buy(7, 100, 2);
    h.to(10);
    return h;
  };

  it("queues our order behind the orders already there and ahead of later ones", () => {
    const h = l3([
      { ts: 20, kind: "L3_ADD", side: 1, price: 100, qty: 5, orderId: 4 },
      { ts: 30, kind: "L3_CANCEL", qty: 5, orderId: 1 },
      { ts: 40, kind: "L3_EXECUTE", qty: 3, orderId: 2 },
      { ts: 50, kind: "L3_EXECUTE", qty: 1, orderId: 4 },
    ]);
    expect(h.ahead(7)).toBe(10);
    h.to(30);
    expect(h.ahead(7)).toBe(5);
    h.to(40);
    expect(h.ahead(7)).toBe(2);
    expect(h.fills()).toEqual([]);
    // Order 4 (behind us) executes: the aggressor went through us first.
    h.to(1000);
    expect(h.fills().map((f) => [f.exchTs, f.qty, f.leaves, f.maker])).toEqual([[50n, 2, 0, true]]);
  });

  it("a modified order loses priority and goes behind us", () => {
    const h = l3([
      { ts: 20, kind: "L3_MODIFY", price: 100, qty: 5, orderId: 1 },
      { ts: 30, kind: "L3_EXECUTE", qty: 1, orderId: 1 },
    ]);
    h.to(20);
    expect(h.ahead(7)).toBe(5);
    h.to(1000);
    expect(h.fills().map((f) => [f.exchTs, f.qty])).toEqual([[30n, 2]]);
  });

  it("an execution at a worse price than ours fills us (we would have been hit first)", () => {
    const h = l3([
      { ts: 20, kind: "L3_ADD", side: 1, price: 99, qty: 5, orderId: 5 },
      { ts: 30, kind: "L3_EXECUTE", qty: 1, orderId: 5 },
    ]);
    h.to(1000);
    expect(h.fills().map((f) => [f.exchTs, f.price, f.qty])).toEqual([[30n, 100, 2]]);
  });

  it("executions ahead of us only move us forward", () => {
    const h = l3([
      { ts: 20, kind: "L3_EXECUTE", qty: 5, orderId: 1 },
      { ts: 30, kind: "L3_EXECUTE", qty: 5, orderId: 2 },
    ]);
    h.to(1000);
    expect(h.ahead(7)).toBe(0);
    expect(h.fills()).toEqual([]);
  });
});
