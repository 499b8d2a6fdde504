// The Backtest facade and the StrategyContext adapter: determinism by seed, Monte Carlo, results tables and
// summary, order states as the strategy sees them, step mode, chunked and repeated sources, progress.
import { describe, expect, it } from "vitest";
import { Backtest, dataWarnings } from "./backtest.js";
import { constantLatency, logProbQueue, makerTaker, normalLatency, powerProbQueue, riskAverseQueue } from "./models.js";
import { quoteAroundMid } from "./quote-around-mid.js";
import { repeatedEvents } from "./source.js";
import { syntheticMarketEvents } from "./synthetic.js";
import { marketEvents } from "./rows.js";
import type { OrderState, Strategy } from "../../trading/ports/index.js";

const ev = syntheticMarketEvents({ events: 40_000, seed: 5, levels: 6, levelQty: 8, tradeProb: 0.3 });
const jitter = normalLatency({ entryNs: 500_000, responseNs: 300_000, entrySdNs: 200_000, responseSdNs: 200_000 });
const params = { stepNs: 20_000_000n, halfSpread: 1, qty: 2, maxPosition: 20 };

const fillRows = (r: Awaited<ReturnType<Backtest["run"]>>) =>
  (r.fills.objects() as { tsNs: bigint; orderId: number; price: number; qty: number }[]).map((f) => [f.tsNs, f.orderId, f.price, f.qty]);

describe("determinism", () => {
  it("the same seed gives the same fills; another seed with jitter gives different ones", async () => {
    const bt = Backtest.builder().data(ev).latency(jitter).queue(powerProbQueue(3)).fees(makerTaker(-0.0001, 0.0004)).seed(1).build();
    const a = await bt.run(quoteAroundMid, params);
    const b = await bt.run(quoteAroundMid, params);
    const c = await bt.run(quoteAroundMid, params, { seed: 2 });
    expect(fillRows(a).length).toBeGreaterThan(20);
    expect(fillRows(b)).toEqual(fillRows(a));
    expect(b.totals).toEqual(a.totals);
    expect(fillRows(c)).not.toEqual(fillRows(a));
  });

  it("queue randomisation draws from the seed", async () => {
    const bt = Backtest.builder()
      .data(ev)
      .latency(constantLatency({ entryNs: 500_000, responseNs: 300_000 }))
      .queue(logProbQueue({ randomise: true }))
      .build();
    const a = await bt.run(quoteAroundMid, params, { seed: 1 });
    const a2 = await bt.run(quoteAroundMid, params, { seed: 1 });
    const b = await bt.run(quoteAroundMid, params, { seed: 9 });
    expect(fillRows(a2)).toEqual(fillRows(a));
    expect(fillRows(b)).not.toEqual(fillRows(a));
  });
});

describe("Monte Carlo", () => {
  it("returns one row per seed; constant latency and a deterministic queue give one outcome", async () => {
    const fixed = Backtest.builder().data(ev).latency(constantLatency({ entryNs: 500_000, responseNs: 300_000 })).queue(riskAverseQueue()).build();
    const mc = await fixed.monteCarlo(quoteAroundMid, params, { seeds: 3 });
    expect(mc.runs.numRows()).toBe(3);
    expect(mc.runs.array("seed")).toEqual([1, 2, 3]);
    expect(mc.pnl.std).toBe(0);

    const noisy = Backtest.builder().data(ev).latency(jitter).queue(riskAverseQueue()).build();
    const done: number[] = [];
    const mc2 = await noisy.monteCarlo(quoteAroundMid, params, { seeds: [11, 12, 13, 14], progress: (d) => done.push(d) });
    expect(done).toEqual([1, 2, 3, 4]);
    expect(mc2.pnl.std).toBeGreaterThan(0);
    expect(mc2.pnl.min).toBeLessThanOrEqual(mc2.pnl.p50);
    expect(mc2.pnl.p50).toBeLessThanOrEqual(mc2.pnl.max);
  });
});

describe("results", () => {
  it("has fills, an order log, an equity curve sampled every second and a consistent summary", async () => {
    let seen: [number, number | undefined] = [0, undefined];
    const bt = Backtest.builder().data(ev).latency(constantLatency({ entryNs: 200_000, responseNs: 200_000 })).queue(powerProbQueue(2)).fees(makerTaker(-0.0001, 0.0004)).build();
    const r = await bt.run(quoteAroundMid, params, { progress: (d, t) => (seen = [d, t]) });
    const s = r.summary;
    expect(seen).toEqual([ev.kind.length, ev.kind.length]);
    expect(s.events).toBe(ev.kind.length);
    expect(s.fills).toBe(r.fills.numRows());
    expect(s.makerFills + s.takerFills).toBe(s.fills);
    expect(s.makerFills).toBe(s.fills); // post-only quotes only
    expect(s.fillRatio).toBeGreaterThan(0);
    expect(s.fillRatio).toBeLessThanOrEqual(1);
    // Quotes 1 tick from the mid capture about a tick when filled (mid at the fill vs our price).
    expect(s.spreadCapturedTicks).toBeGreaterThan(0);
    expect(Number.isFinite(s.sharpe)).toBe(true);
    expect(s.maxDrawdown).toBeGreaterThanOrEqual(0);
    expect(s.inventory[0]!.maxAbs).toBeLessThanOrEqual(params.maxPosition + params.qty);
    // Equity rows every second of market time (aligned), plus the final one.
    const ts = r.equity.array("tsNs") as BigInt64Array;
    expect(ts.length).toBeGreaterThan(3);
    for (let k = 1; k < ts.length - 1; k++) expect(ts[k]! - ts[k - 1]!).toBe(1_000_000_000n);
    expect(ts[0]! % 1_000_000_000n).toBe(0n);
    // Order log: every fill appears in it; the first events are submits.
    const events = r.orders.array("event") as string[];
    expect(events.filter((e) => e === "fill").length).toBe(s.fills);
    expect(events[0]).toBe("submit");
    expect(s.orders).toBe(events.filter((e) => e === "submit").length);
  });

  it("replays a repeated source with time shifts, in chunks", async () => {
    const small = syntheticMarketEvents({ events: 5_000, seed: 8, levels: 4 });
    const bt = Backtest.builder().data(repeatedEvents(small, 3, { chunkRows: 777 }), { totalEvents: 15_000 }).instruments(small.instruments).build();
    const r = await bt.run(quoteAroundMid, params);
    expect(r.summary.events).toBe(15_000);
    const span = small.localTs[small.kind.length - 1]! - small.localTs[0]!;
    expect(r.endTs - small.localTs[0]! >= 2n * span).toBe(true);
  });
});

describe("the StrategyContext adapter", () => {
  const rows = marketEvents([
    { ts: 0, kind: "DEPTH_SNAPSHOT", side: 1, price: 100, qty: 0 },
    { ts: 0, kind: "DEPTH_SNAPSHOT", side: -1, price: 101, qty: 5 },
    { ts: 0, kind: "DEPTH_SNAPSHOT", side: 1, price: 99, qty: 5 },
    { ts: 1_000, kind: "TRADE", side: -1, price: 100, qty: 1 },
    { ts: 2_000, kind: "TRADE", side: -1, price: 100, qty: 5 },
    { ts: 3_000, kind: "DEPTH", side: 1, price: 98, qty: 1 },
  ]);

  it("reports order states as acknowledged, fills and trades per wake-up, and the position", async () => {
    const log: string[] = [];
    const strategy: Strategy<Record<string, never>> = async (ctx) => {
      const show = (o: OrderState | undefined) => `${o?.status}:${o?.filledQty}`;
      const id = ctx.execution.submit({ side: 1, price: 100, qty: 3, tag: "b" });
      const bad = ctx.execution.submit({ side: 1, price: 100, qty: 0 });
      log.push(`t=${ctx.clock.now()} ${show(ctx.execution.order(id))} open=${ctx.execution.openOrders().length}`);
      await ctx.elapse(500n);
      log.push(`t=${ctx.clock.now()} ${show(ctx.execution.order(id))} bad=${ctx.execution.order(bad)?.status}`);
      await ctx.elapse(1_000n);
      log.push(`t=${ctx.clock.now()} ${show(ctx.execution.order(id))} fills=${ctx.execution.fills().length} trades=${ctx.marketData.trades().length} pos=${ctx.portfolio.position()}`);
      await ctx.elapse(1_000n);
      log.push(`t=${ctx.clock.now()} ${show(ctx.execution.order(id))} fills=${ctx.execution.fills().map((f) => f.qty)} pos=${ctx.portfolio.position()} open=${ctx.execution.openOrders().length}`);
      ctx.execution.cancel(id);
      await ctx.elapse(1_000n);
      log.push(`t=${ctx.clock.now()} fills=${ctx.execution.fills().length} reason=${ctx.execution.order(bad)?.reason}`);
      const top = ctx.marketData.top();
      const depth = ctx.marketData.depth(0, 5);
      log.push(`top ${top.bidPrice}/${top.askPrice} depth ${depth.bids.map((l) => `${l.price}x${l.qty}`)} | ${depth.asks.map((l) => `${l.price}x${l.qty}`)}`);
      const pnl = ctx.portfolio.pnl();
      log.push(`pnl ${pnl.realised.toFixed(4)} ${pnl.unrealised.toFixed(4)} cash ${ctx.portfolio.cash().toFixed(4)}`);
    };
    const bt = Backtest.builder().data(rows).latency(constantLatency({ entryNs: 100, responseNs: 100 })).build();
    await bt.run(strategy, {});
    expect(log).toEqual([
      "t=0 pending:0 open=2",
      "t=500 open:0 bad=rejected",
      "t=1500 partially_filled:1 fills=1 trades=1 pos=1",
      "t=2500 filled:3 fills=2 pos=3 open=0",
      "t=3500 fills=0 reason=quantity must be a positive integer number of lots",
      "top 99/101 depth 99x5,98x1 | 101x5",
      // Bought 3 at 100 ticks (tick 0.01, lot 1): cash -3, mid 100 -> unrealised 0.
      "pnl 0.0000 0.0000 cash -3.0000",
    ]);
  });

  it("waitNext wakes on every local event: each market row and each response", async () => {
    let wakes = 0;
    const strategy: Strategy<Record<string, never>> = async (ctx) => {
      ctx.execution.submit({ side: 1, price: 100, qty: 1 });
      while (await ctx.waitNext()) wakes++;
    };
    const bt = Backtest.builder().data(rows).latency(constantLatency({ entryNs: 100, responseNs: 100 })).build();
    await bt.run(strategy, {});
    // Rows at t=0 are consumed before the strategy starts; then one wake each for the 3 later rows, the accept
    // (t=200) and the fill (t=1100); the call after the last event (t=3000) resolves false.
    expect(wakes).toBe(3 + 2);
  });
});

describe("data warnings", () => {
  it("flags rows the strategy would see before the venue produced them, and only those", async () => {
    const early = marketEvents([
      { exchTs: 0, localTs: 0, kind: "DEPTH_SNAPSHOT", side: 1, price: 100, qty: 5 },
      { exchTs: 0, localTs: 0, kind: "DEPTH_SNAPSHOT", side: -1, price: 101, qty: 5 },
      { exchTs: 2_000_000, localTs: 500_000, kind: "TRADE", side: -1, price: 100, qty: 1 },
      { exchTs: 3_000_000, localTs: 3_100_000, kind: "TRADE", side: 1, price: 101, qty: 1 },
    ]);
    expect(dataWarnings(early)).toEqual([
      "1 of 4 rows reach the strategy before the venue produced them (localTs < exchTs, by up to 1.500 ms): the strategy sees those events early and fills against them look ahead. Correct the receive clock first (e.g. loadBinanceCapture(file, { correctLocalTs: true }), or correctLocalTs(events)).",
    ]);
    const warn = console.warn;
    const printed: string[] = [];
    console.warn = (m: string) => printed.push(m);
    try {
      const bt = Backtest.builder().data(early).build();
      const r = await bt.run(async (ctx) => void (await ctx.elapse(10_000_000n)), {});
      await bt.run(async () => {}, {});
      expect(r.warnings).toEqual(dataWarnings(early));
      expect(printed.length).toBe(1); // once per Backtest, not per run
    } finally {
      console.warn = warn;
    }
    expect(dataWarnings(ev)).toEqual([]);
    expect((await Backtest.builder().data(ev).build().run(quoteAroundMid, params)).warnings).toEqual([]);
  });
});

describe("mark-out", () => {
  it("is the mid at the first sample 1 s after a maker fill against the fill price (a hand-worked fall)", async () => {
    const S = 1_000_000_000;
    const rows = marketEvents([
      { ts: 0, kind: "DEPTH_SNAPSHOT", side: 1, price: 99, qty: 5 },
      { ts: 0, kind: "DEPTH_SNAPSHOT", side: -1, price: 101, qty: 5 },
      { ts: 1_000, kind: "TRADE", side: -1, price: 100, qty: 1 }, // a seller takes our bid at 100 (mid 100)
      { ts: S / 2, kind: "DEPTH", side: 1, price: 99, qty: 0 },
      { ts: S / 2, kind: "DEPTH", side: 1, price: 96, qty: 5 },
      { ts: S / 2, kind: "DEPTH", side: -1, price: 101, qty: 0 },
      { ts: S / 2, kind: "DEPTH", side: -1, price: 98, qty: 5 }, // mid 97 from 0.5 s on
      { ts: 2.5 * S, kind: "TRADE", side: -1, price: 96, qty: 1 },
    ]);
    const bt = Backtest.builder().data(rows).build();
    const r = await bt.run(async (ctx) => {
      ctx.execution.submit({ side: 1, price: 100, qty: 1, tif: "GTX" });
      while (await ctx.elapse(500_000_000n));
    }, {});
    expect(r.summary.makerFills).toBe(1);
    expect(r.summary.spreadCapturedTicks).toBe(0); // bought at the mid
    // First sample at or after 1 s + 1,000 ns is the one at 2 s: mid 97, bought at 100: -3 ticks.
    expect(r.summary.markout1sTicks).toBe(-3);
    expect(r.summary.markout1sBps).toBeCloseTo((-3 / 97) * 1e4, 10);
    // Sampling off: the only sample is the final state (2.5 s, mid 97), still at least 1 s after the fill.
    const finalOnly = await Backtest.builder().data(rows).sampleEvery(0).build().run(async (ctx) => {
      ctx.execution.submit({ side: 1, price: 100, qty: 1, tif: "GTX" });
      while (await ctx.elapse(500_000_000n));
    }, {});
    expect(finalOnly.equity.numRows()).toBe(1);
    expect(finalOnly.summary.markout1sTicks).toBe(-3);
    // A run that ends within 1 s of its only fill has no mark-out.
    const short = await Backtest.builder().data(rows).build().run(async (ctx) => {
      ctx.execution.submit({ side: 1, price: 100, qty: 1, tif: "GTX" });
      await ctx.elapse(600_000_000n);
    }, {});
    expect(short.summary.makerFills).toBe(1);
    expect(short.summary.markout1sTicks).toBeNaN();
  });
});
