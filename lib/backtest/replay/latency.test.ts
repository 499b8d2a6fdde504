// Latency ordering: an order cannot fill before it reaches the venue; cancel races are decided at the venue; the
// strategy sees every response only after the response latency; messages never overtake each other; the jitter
// and table models behave as specified.
import { describe, expect, it } from "vitest";
import { book, harness } from "./harness.test-util.js";
import { constantLatency, latencyTable, lognormalLatency, normalLatency, riskAverseQueue } from "./models.js";
import { RejectReason, ResponseKind } from "./codes.js";
import type { EventRow } from "./rows.js";
import { syntheticMarketEvents } from "./synthetic.js";
import { ReplayEngine } from "./engine.js";
import { Op } from "./codes.js";

const slow = constantLatency({ entryNs: 100, responseNs: 50 });

describe("an order cannot fill before it arrives at the venue", () => {
  // Bid 100 x 0 (empty level): a resting buy at 100 is at the head of the queue; any sell print at 100 fills it.
  const rows: EventRow[] = [
    { ts: 0, kind: "DEPTH_SNAPSHOT", side: -1, price: 101, qty: 10 },
    { ts: 50, kind: "TRADE", side: -1, price: 100, qty: 5 }, // before arrival (t = 100)
    { ts: 99, kind: "TRADE", side: -1, price: 99, qty: 5 }, //  through our price, still before arrival
    { ts: 150, kind: "TRADE", side: -1, price: 100, qty: 2 }, // after arrival
  ];

  it("ignores prints before the entry latency has passed and fills on the first one after", () => {
    const h = harness(rows, { latency: slow });
    h.to(0);
    h.buy(1, 100, 3);
    h.to(1000);
    expect(h.kinds()).toEqual(["accepted", "fill"]);
    const [ack, fill] = h.responses;
    expect([ack!.exchTs, ack!.ts]).toEqual([100n, 150n]);
    expect([fill!.exchTs, fill!.ts, fill!.qty, fill!.leaves]).toEqual([150n, 200n, 2, 1]);
  });

  it("shows the fill to the strategy only after the response latency", () => {
    const h = harness(rows, { latency: slow });
    h.to(0);
    h.buy(1, 100, 3);
    h.to(199);
    expect(h.fills()).toEqual([]);
    expect(h.engine.localAccount().position).toBe(0);
    expect(h.engine.totals().exchange[0]!.position).toBe(2n); // the venue already executed it
    h.to(200);
    expect(h.fills().map((f) => f.qty)).toEqual([2]);
    expect(h.engine.localAccount().position).toBe(2);
  });
});

describe("cancel races", () => {
  const rows: EventRow[] = [...book(0, 10), { ts: 300, kind: "TRADE", side: -1, price: 100, qty: 3 }];

  it("a cancel that arrives after the fill does not cancel", () => {
    const h = harness(rows, { latency: slow });
    h.to(0);
    h.buy(1, 100, 3);
    h.to(250); // sent at 250, arrives at 350 > 300
    h.cancel(1);
    h.to(1000);
    expect(h.kinds()).toEqual(["accepted", "fill", "cancelRejected"]);
    const rej = h.responses[2]!;
    expect([rej.exchTs, rej.ts, rej.reason]).toEqual([350n, 400n, RejectReason.notOpen]);
    expect(h.engine.totals().exchange[0]!.position).toBe(3n);
  });

  it("a cancel that arrives before the trade cancels, and the trade fills nothing", () => {
    const h = harness(rows, { latency: slow });
    h.to(0);
    h.buy(1, 100, 3);
    h.to(150); // arrives at 250 < 300
    h.cancel(1);
    h.to(1000);
    expect(h.kinds()).toEqual(["accepted", "cancelled"]);
    expect([h.responses[1]!.exchTs, h.responses[1]!.qty]).toEqual([250n, 3]);
    expect(h.engine.totals().exchange[0]!.position).toBe(0n);
  });

  it("a replace racing a fill is rejected; one that arrives first moves the order out of the way", () => {
    const late = harness(rows, { latency: slow });
    late.to(0);
    late.buy(1, 100, 3);
    late.to(250);
    late.replace(1, 98, 3);
    late.to(1000);
    expect(late.kinds()).toEqual(["accepted", "fill", "replaceRejected"]);

    const early = harness(rows, { latency: slow });
    early.to(0);
    early.buy(1, 100, 3);
    early.to(150);
    early.replace(1, 98, 3);
    early.to(1000);
    expect(early.kinds()).toEqual(["accepted", "replaced"]);
    expect(early.responses[1]!.price).toBe(98);
  });

  it("cancel delay makes a cancel lose a race it would otherwise win", () => {
    const h = harness(rows, { latency: constantLatency({ entryNs: 100, responseNs: 50, cancelDelayNs: 100 }) });
    h.to(0);
    h.buy(1, 100, 3);
    h.to(150); // the cancel now arrives at 150 + 100 + 100 = 350 > 300
    h.cancel(1);
    h.to(1000);
    expect(h.kinds()).toEqual(["accepted", "fill", "cancelRejected"]);
    expect(h.responses[2]!.exchTs).toBe(350n);
  });
});

describe("rejects cost a round trip", () => {
  it("a post-only order that would cross is rejected after entry + response latency", () => {
    const h = harness(book(), { latency: slow });
    h.to(0);
    h.buy(1, 101, 1, "GTX");
    h.to(1000);
    expect(h.responses.map((r) => [r.kind, r.reason, r.exchTs, r.ts])).toEqual([
      [ResponseKind.rejected, RejectReason.postOnlyWouldCross, 100n, 150n],
    ]);
  });
});

describe("messages are FIFO per direction", () => {
  it("with normal jitter, requests arrive and responses are received in the order sent", () => {
    const ev = syntheticMarketEvents({ events: 20_000, seed: 7, levels: 5, levelQty: 5 });
    const e = new ReplayEngine({
      instruments: ev.instruments,
      latency: normalLatency({ entryNs: 200_000, responseNs: 200_000, entrySdNs: 150_000, responseSdNs: 150_000 }),
      queue: riskAverseQueue(),
      fees: { kind: "makerTaker", makerPpb: 0, takerPpb: 0 },
      seed: 3,
    });
    e.append(ev);
    e.finish();
    let t = ev.localTs[0]!;
    let id = 1;
    const acks: { id: number; exch: bigint; ts: bigint }[] = [];
    const sentAt = new Map<number, bigint>();
    const all: bigint[] = [];
    for (let k = 0; k < 200; k++) {
      const { responses, status } = e.runCollect(t);
      for (const r of responses) {
        all.push(r.ts);
        if (r.kind === ResponseKind.accepted || r.kind === ResponseKind.expired || r.kind === ResponseKind.fill) acks.push({ id: r.orderId, exch: r.exchTs, ts: r.ts });
      }
      if (status === 4) break;
      const top = e.top();
      // Three orders sent at the same instant, far from the touch so they rest.
      for (let j = 0; j < 3; j++) {
        sentAt.set(id, e.now);
        e.submit(Op.new, id++, 0, 1, top.bidPrice - 50 - j, 1);
      }
      t += 1_000_000n;
    }
    // Each new order's first response (accepted) comes in id order, with venue times in id order.
    const firstById = new Map<number, { exch: bigint; ts: bigint }>();
    for (const a of acks) if (!firstById.has(a.id)) firstById.set(a.id, a);
    const ids = [...firstById.keys()];
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const exch = ids.map((i) => firstById.get(i)!.exch);
    for (let k = 1; k < exch.length; k++) expect(exch[k]! >= exch[k - 1]!).toBe(true);
    for (let k = 1; k < all.length; k++) expect(all[k]! >= all[k - 1]!).toBe(true);
    // The jitter is real: entry latencies (venue time - send time) are not all equal.
    expect(new Set(ids.map((i) => firstById.get(i)!.exch - sentAt.get(i)!)).size).toBeGreaterThan(10);
  });

  it("lognormal latency has the configured median", () => {
    const ev = syntheticMarketEvents({ events: 2_000, seed: 1, levels: 3 });
    const e = new ReplayEngine({
      instruments: ev.instruments,
      latency: lognormalLatency({ entryMedianNs: 1_000_000, responseMedianNs: 1, sigma: 0.5, responseSigma: 0 }),
      queue: riskAverseQueue(),
      fees: { kind: "makerTaker", makerPpb: 0, takerPpb: 0 },
      seed: 11,
    });
    e.append(ev);
    e.finish();
    e.runCollect(ev.localTs[0]!);
    const lat: number[] = [];
    let t = e.now;
    for (let k = 0; k < 400; k++) {
      // One far-away order, then wait long enough for its ack (FIFO keeps later ones behind it).
      e.submit(Op.new, k + 1, 0, 1, 1, 1);
      const sent = e.now;
      t += 50_000_000n;
      const { responses } = e.runCollect(t);
      for (const r of responses) if (r.kind === ResponseKind.accepted) lat.push(Number(r.exchTs - sent));
    }
    lat.sort((a, b) => a - b);
    const median = lat[lat.length >> 1]!;
    expect(lat.length).toBe(400);
    expect(median).toBeGreaterThan(0.85e6);
    expect(median).toBeLessThan(1.15e6);
    // sigma 0.5: the 84th percentile is about e^0.5 = 1.65 times the median.
    const p84 = lat[Math.floor(lat.length * 0.8413)]!;
    expect(p84 / median).toBeGreaterThan(1.4);
    expect(p84 / median).toBeLessThan(1.95);
  });
});

describe("interpolated latency table", () => {
  // Rows: (request, venue, response) = (0, 100, 300), (1000, 1300, 1600), (2000, 0, 2500) [rejected], (3000, 3100, 3200).
  const table = latencyTable([
    { reqTs: 0n, exchTs: 100n, respTs: 300n },
    { reqTs: 1000n, exchTs: 1300n, respTs: 1600n },
    { reqTs: 2000n, exchTs: 0n, respTs: 2500n },
    { reqTs: 3000n, exchTs: 3100n, respTs: 3200n },
  ]);
  const rows: EventRow[] = [
    ...book(),
    { ts: 500, kind: "DEPTH", side: 1, price: 90, qty: 1 },
    { ts: 2400, kind: "DEPTH", side: 1, price: 90, qty: 2 },
    { ts: 5000, kind: "DEPTH", side: 1, price: 90, qty: 3 },
  ];

  it("interpolates entry latency at the send time and response latency at the venue time", () => {
    const h = harness(rows, { latency: table });
    h.to(500);
    h.buy(1, 95, 1);
    h.to(2000);
    // entry at t=500: between 100 and 300 -> 200; venue time 700. Response at venue time 700: between
    // (100 -> 200) and (1300 -> 300): 200 + 100 * 600/1200 = 250; received at 950.
    expect(h.responses.map((r) => [r.kind, r.exchTs, r.ts])).toEqual([[ResponseKind.accepted, 700n, 950n]]);
  });

  it("rejects requests sent while the table records venue rejections, after the recorded round trip", () => {
    const h = harness(rows, { latency: table });
    h.to(2400);
    h.buy(1, 95, 1);
    h.to(6000);
    // Between rows 2 (round trip 2500 - 2000 = 500) and 3 (3200 - 3000 = 200): 500 - 300 * 400/1000 = 380.
    expect(h.responses.map((r) => [r.kind, r.reason, r.ts])).toEqual([[ResponseKind.rejected, RejectReason.latencyReject, 2780n]]);
  });

  it("uses the first/last row outside the table", () => {
    const h = harness(rows, { latency: table });
    h.to(5000);
    h.buy(1, 95, 1);
    h.to(9000);
    // entry after the last row: 3100 - 3000 = 100 -> venue 5100; response: 3200 - 3100 = 100 -> 5200.
    expect(h.responses.map((r) => [r.exchTs, r.ts])).toEqual([[5100n, 5200n]]);
  });
});
