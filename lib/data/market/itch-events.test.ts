// ITCH 5.0 -> L3 MarketEvents, checked end to end against the synthetic ITCH generator's known final books: the
// rows rebuilt by the TypeScript reference book and by the native L3 replay engine must give exactly the
// generator's levels (price, shares, orders), and the prints must be the executions the stream reports.
import { describe, expect, it } from "vitest";
import { buildBooks } from "../../itch/index.js";
import { constantLatency, l3FifoQueue, noFees } from "../../backtest/replay/models.js";
import { ReplayEngine } from "../../backtest/replay/engine.js";
import { RunStatus } from "../../backtest/replay/codes.js";
import { generateMarket, type ExpectedBooks } from "../../../scripts/itch/market.js";
import { datasetPath } from "../datasets.js";
import { EventKind } from "./events.js";
import { itchToEvents } from "./itch-events.js";
import { ReferenceBook } from "./reference-book.js";
import { zonedMidnightNs } from "./zoned-time.js";

function day(seed: number, messages: number, stocks: number): { bytes: Buffer; expected: ExpectedBooks } {
  const parts: Uint8Array[] = [];
  const expected = generateMarket({ seed, messages, stocks, liveOrders: 600 }, (c) => parts.push(c.slice()));
  return { bytes: Buffer.concat(parts), expected };
}

describe("itchToEvents", () => {
  const { bytes, expected } = day(31, 40_000, 4);

  it("rebuilds every stock's final book exactly (reference book: levels and order counts)", async () => {
    const { events, anomalies } = await itchToEvents(bytes, { date: "2024-03-01" });
    expect(anomalies.unknownOrderRef).toBe(0);
    expect(events.instruments.map((s) => s.symbol)).toEqual(expected.stocks.map((s) => s.symbol));
    expected.stocks.forEach((s, inst) => {
      const book = new ReferenceBook();
      book.applyRange(events, 0, events.kind.length, inst);
      const levels = (side: number) => book.levels(side, 1_000_000).map(([p, q]) => [Number(p), Number(q)]);
      expect(levels(1), `${s.symbol} bids`).toEqual(s.bids.map(([p, q]) => [p, q]));
      expect(levels(-1), `${s.symbol} asks`).toEqual(s.asks.map(([p, q]) => [p, q]));
      // Orders per level, from the live L3 orders.
      const orders = new Map<string, number>();
      for (const o of book.orders.values()) orders.set(`${o.side}:${o.price}`, (orders.get(`${o.side}:${o.price}`) ?? 0) + 1);
      for (const [p, , k] of s.bids) expect(orders.get(`1:${p}`)).toBe(k);
      for (const [p, , k] of s.asks) expect(orders.get(`-1:${p}`)).toBe(k);
    });
  });

  it("replays on the native L3 engine to the same books", async () => {
    const { events } = await itchToEvents(bytes, { date: "2024-03-01", symbols: [expected.stocks[2]!.symbol, expected.stocks[0]!.symbol] });
    const e = new ReplayEngine({ instruments: events.instruments, latency: constantLatency({ entryNs: 0n, responseNs: 0n }), queue: l3FifoQueue(), fees: noFees() });
    e.append(events);
    e.finish();
    let s: number;
    do s = e.run((1n << 63n) - 2n);
    while (s === RunStatus.outputFull);
    expect(s).toBe(RunStatus.end);
    expect(e.stats().l3UnknownIds).toBe(0);
    [expected.stocks[2]!, expected.stocks[0]!].forEach((st, inst) => {
      const d = e.depth(inst, 100_000);
      expect(d.bids.map((l) => [l.price, l.qty])).toEqual(st.bids.map(([p, q]) => [p, q]));
      expect(d.asks.map((l) => [l.price, l.qty])).toEqual(st.asks.map(([p, q]) => [p, q]));
    });
  });

  it("turns every displayed execution and non-displayed trade into a print with the aggressor's side", async () => {
    const { events } = await itchToEvents(bytes, { date: "2024-03-01" });
    const books = await buildBooks(bytes, { tables: { orders: false, l2: false, bbo: false, trades: true } });
    const t = books.trades;
    const want: string[] = [];
    const code = (c: string) => c.charCodeAt(0);
    for (let j = 0; j < t.message.length; j++) {
      const k = t.kind[j]!;
      if ((k === code("E") || (k === code("C") && t.printable[j] === 1) || k === code("P")) && t.side[j] !== 0) want.push(`${-t.side[j]!}:${t.price[j]}:${t.shares[j]}`);
    }
    const got: string[] = [];
    for (let i = 0; i < events.kind.length; i++) if (events.kind[i] === EventKind.TRADE) got.push(`${events.side[i]}:${events.price[i]}:${events.qty[i]}`);
    expect(got.length).toBeGreaterThan(100);
    expect(got.sort()).toEqual(want.sort());
  });

  it("stamps rows with the date's New York midnight plus the ITCH time, and the feed latency", async () => {
    const { events } = await itchToEvents(bytes, { date: "2024-07-01", feedLatencyNs: 250_000n });
    const midnight = zonedMidnightNs("2024-07-01", "America/New_York");
    expect(midnight).toBe(BigInt(Date.parse("2024-07-01T04:00:00Z")) * 1_000_000n);
    for (let i = 0; i < events.kind.length; i++) {
      expect(events.exchTs[i]! >= midnight && events.exchTs[i]! < midnight + 86_400_000_000_000n).toBe(true);
      expect(events.localTs[i]! - events.exchTs[i]!).toBe(250_000n);
      if (i > 0) expect(events.localTs[i]! >= events.localTs[i - 1]!).toBe(true);
    }
  });

  it("converts the RITCH sample and names a missing symbol or date", async () => {
    const file = datasetPath("itch/ritch_ex20101224.TEST_ITCH_50");
    const { events, anomalies } = await itchToEvents(file, { date: "2010-12-24" });
    expect(events.kind.length).toBeGreaterThan(0);
    expect(anomalies.unknownOrderRef).toBeGreaterThan(0); // orders added before the sample starts
    await expect(itchToEvents(file, { date: "2010-12-24", symbols: ["NOPE"] })).rejects.toThrow(/symbol 'NOPE' is not in the file's stock directory/);
    await expect(itchToEvents(file, {} as never)).rejects.toThrow(/no trading date/);
  });
});
