import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { buildBooks, ItchBookBuilder, ItchStreamError, type ItchBooks, type L2Columns } from "../../lib/itch/index.js";
import { packageRoot } from "../../lib/util/package-root.js";
import { encodeMessages, type ItchMessage } from "../../scripts/itch/encode.js";
import { generateMarket, type ExpectedBooks, type ExpectedLevel } from "../../scripts/itch/market.js";
import { writeItchFile } from "../../scripts/itch/write-file.js";
import { TsBook } from "../../scripts/itch/ts-book.js";
import { TsItchDecoder } from "../../scripts/itch/ts-decoder.js";

const RITCH = path.join(packageRoot(), "datasets", "itch", "ritch_ex20101224.TEST_ITCH_50");
const tmp = mkdtempSync(path.join(tmpdir(), "omq-itch-book-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let ts = 34_200_000_000_000;
const msg = (type: ItchMessage["type"], fields: Record<string, string | number | bigint>): ItchMessage => ({
  type,
  fields: { stockLocate: 1, trackingNumber: 0, timestamp: (ts += 1000), ...fields },
});
const add = (ref: number, side: "B" | "S", shares: number, price: number, mpid?: string) =>
  msg(mpid ? "F" : "A", { orderRef: BigInt(ref), side, shares, stock: "TEST", price, ...(mpid ? { attribution: mpid } : {}) });

/** A small day on one stock, every order message once; the expected rows are worked out by hand below. */
const SCENARIO: ItchMessage[] = [
  msg("R", { stock: "TEST", marketCategory: "Q", financialStatusIndicator: "N", roundLotSize: 100, roundLotsOnly: "N", issueClassification: "C", issueSubType: "Z", authenticity: "P", shortSaleThresholdIndicator: "N", ipoFlag: "N", luldReferencePriceTier: "1", etpFlag: "N", etpLeverageFactor: 0, inverseIndicator: "N" }),
  add(1, "B", 100, 100_000), // 1
  add(2, "B", 200, 100_000), // 2
  add(3, "S", 300, 101_000, "NITE"), // 3
  add(4, "B", 50, 99_000), // 4
  msg("E", { orderRef: 1n, executedShares: 40, matchNumber: 1n }), // 5
  msg("C", { orderRef: 3n, executedShares: 300, matchNumber: 2n, printable: "Y", executionPrice: 100_500 }), // 6
  msg("X", { orderRef: 2n, cancelledShares: 50 }), // 7
  msg("U", { originalOrderRef: 2n, newOrderRef: 5n, shares: 100, price: 100_500 }), // 8
  msg("D", { orderRef: 4n }), // 9
  msg("P", { orderRef: 0n, side: "B", shares: 70, stock: "TEST", price: 100_200, matchNumber: 3n }), // 10
  msg("Q", { shares: 1234n, stock: "TEST", crossPrice: 100_300, matchNumber: 4n, crossType: "C" }), // 11
  msg("E", { orderRef: 999n, executedShares: 1, matchNumber: 5n }), // 12: not on the book
];

const rows = <T extends object>(cols: T): Record<string, unknown>[] => {
  const c = cols as Record<string, ArrayLike<unknown>>;
  const n = c.message!.length;
  return Array.from({ length: n }, (_, i) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v[i]])));
};

/** Replays l2 rows into per-(locate, side) maps of price -> [shares, orders]. */
function replayL2(l2: L2Columns): Map<string, Map<number, [number, number]>> {
  const books = new Map<string, Map<number, [number, number]>>();
  for (let i = 0; i < l2.message.length; i++) {
    const key = `${l2.locate[i]}:${l2.side[i]}`;
    const m = books.get(key) ?? new Map<number, [number, number]>();
    books.set(key, m);
    if (l2.shares[i] === 0) m.delete(l2.price[i]!);
    else m.set(l2.price[i]!, [l2.shares[i]!, l2.orders[i]!]);
  }
  return books;
}

const bestFirst = (m: Map<number, [number, number]> | undefined, side: number): ExpectedLevel[] =>
  [...(m ?? new Map()).entries()].sort((a, b) => side * (b[0] - a[0])).map(([p, [s, n]]) => [p, s, n]);

function depthLevels(r: ItchBooks | ItchBookBuilder, stock: number | string, levels = 0): { bids: ExpectedLevel[]; asks: ExpectedLevel[] } {
  const book = r instanceof ItchBookBuilder ? r : r.book;
  const d = book.depth(stock, levels);
  const side = (s: typeof d.bids): ExpectedLevel[] => Array.from(s.price, (p, i) => [p, s.shares[i]!, s.orders[i]!]);
  return { bids: side(d.bids), asks: side(d.asks) };
}

function expectBooks(r: ItchBooks, expected: ExpectedBooks): void {
  expect(r.counts.messages).toBe(expected.messages);
  for (const [t, n] of Object.entries(expected.counts)) expect(r.counts.byType[t as "A"], t).toBe(n);
  expect(r.liveOrders).toBe(expected.liveOrders);
  for (const s of expected.stocks) expect(depthLevels(r, s.symbol), s.symbol).toEqual({ bids: s.bids, asks: s.asks });
  expect(r.anomalies.unknownOrderRef + r.anomalies.duplicateOrderRef + r.anomalies.overfill).toBe(0);
}

describe("ItchBookBuilder on a hand-built day", () => {
  const bytes = encodeMessages(SCENARIO);

  it("writes the orders, l2, bbo and trades rows message by message", async () => {
    const r = await buildBooks(bytes);
    expect(Array.from(r.stocks.symbol)).toEqual(["TEST"]);
    expect(rows(r.orders).map((o) => [o.message, String.fromCharCode(o.kind as number), o.orderRef, o.newOrderRef, o.side, o.shares, o.price, o.remaining])).toEqual([
      [1, "A", 1n, 0n, 1, 100, 100_000, 100],
      [2, "A", 2n, 0n, 1, 200, 100_000, 200],
      [3, "F", 3n, 0n, -1, 300, 101_000, 300],
      [4, "A", 4n, 0n, 1, 50, 99_000, 50],
      [5, "E", 1n, 0n, 1, 40, 100_000, 60],
      [6, "C", 3n, 0n, -1, 300, 101_000, 0],
      [7, "X", 2n, 0n, 1, 50, 100_000, 150],
      [8, "U", 2n, 5n, 1, 100, 100_500, 100],
      [9, "D", 4n, 0n, 1, 50, 99_000, 0],
    ]);
    expect(rows(r.l2).map((l) => [l.message, l.side, l.price, l.shares, l.orders])).toEqual([
      [1, 1, 100_000, 100, 1],
      [2, 1, 100_000, 300, 2],
      [3, -1, 101_000, 300, 1],
      [4, 1, 99_000, 50, 1],
      [5, 1, 100_000, 260, 2],
      [6, -1, 101_000, 0, 0],
      [7, 1, 100_000, 210, 2],
      [8, 1, 100_000, 60, 1],
      [8, 1, 100_500, 100, 1],
      [9, 1, 99_000, 0, 0],
    ]);
    expect(rows(r.bbo).map((b) => [b.message, b.bidPrice, b.bidShares, b.askPrice, b.askShares])).toEqual([
      [1, 100_000, 100, 0, 0],
      [2, 100_000, 300, 0, 0],
      [3, 100_000, 300, 101_000, 300],
      [5, 100_000, 260, 101_000, 300],
      [6, 100_000, 260, 0, 0],
      [7, 100_000, 210, 0, 0],
      [8, 100_500, 100, 0, 0],
    ]);
    expect(rows(r.trades).map((t) => [t.message, String.fromCharCode(t.kind as number), t.side, t.price, t.shares, t.matchNumber, t.orderRef, t.printable])).toEqual([
      [5, "E", 1, 100_000, 40, 1n, 1n, 1],
      [6, "C", -1, 100_500, 300, 2n, 3n, 1],
      [10, "P", 1, 100_200, 70, 3n, 0n, 1],
      [11, "Q", 0, 100_300, 1234, 4n, 0n, 1],
    ]);
    expect(r.l2.timestamp[0]).toBe(34_200_000_002_000);
    expect(depthLevels(r, "TEST")).toEqual({ bids: [[100_500, 100, 1], [100_000, 60, 1]], asks: [] });
    expect(r.book.bbo("TEST")).toEqual({ locate: 1, symbol: "TEST", bidPrice: 100_500, bidShares: 100, askPrice: 0, askShares: 0 });
    expect(r.liveOrders).toBe(2);
  });

  it("counts an execution of an order that is not on the book, and says so once", async () => {
    const r = await buildBooks(bytes);
    const offset = SCENARIO.slice(0, 12).reduce((n, m) => n + encodeMessages([m]).length, 0);
    expect(r.anomalies.unknownOrderRef).toBe(1);
    expect(r.anomalies.firstUnknownOrderRefOffset).toBe(offset);
    expect(r.notices).toEqual([expect.stringContaining(`1 order messages named an order reference that is not on the book (the first: 'E' (0x45) at byte offset ${offset})`)]);
  });

  it("follows only the top level with levels: 1, writing levels that leave and enter the view", async () => {
    const r = await buildBooks(bytes, { levels: 1 });
    expect(rows(r.l2).map((l) => [l.message, l.side, l.price, l.shares, l.orders])).toEqual([
      [1, 1, 100_000, 100, 1],
      [2, 1, 100_000, 300, 2],
      [3, -1, 101_000, 300, 1],
      [5, 1, 100_000, 260, 2],
      [6, -1, 101_000, 0, 0],
      [7, 1, 100_000, 210, 2],
      [8, 1, 100_000, 60, 1],
      [8, 1, 100_500, 100, 1],
      [8, 1, 100_000, 0, 0],
    ]);
  });

  it("builds the same rows when fed one byte at a time", () => {
    const b = new ItchBookBuilder();
    const l2: unknown[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const batch = b.push(bytes.subarray(i, i + 1));
      if (batch.l2) l2.push(...rows(batch.l2).map((l) => [l.message, l.price, l.shares]));
    }
    b.end();
    expect(l2).toHaveLength(10);
    expect(depthLevels(b, 1)).toEqual({ bids: [[100_500, 100, 1], [100_000, 60, 1]], asks: [] });
  });

  it("rejects bad options with a sentence", () => {
    expect(() => new ItchBookBuilder({ levels: -1 })).toThrow(/levels must be a non-negative integer/);
    expect(() => new ItchBookBuilder({ symbols: ["TOOLONGSYMBOL"] })).toThrow(/symbols must be an array of stock symbols/);
    expect(() => new ItchBookBuilder({ colour: 1 } as never)).toThrow(/unknown key 'colour'/);
    expect(() => new ItchBookBuilder().depth("NOPE")).toThrow(/the symbol 'NOPE' is not in the stock directory/);
  });
});

describe("buildBooks on RITCH's sample file", () => {
  it("builds the books of ALC, BOB and CHAR with every E and P as a trade", async () => {
    const r = await buildBooks(RITCH);
    expect(r.stocks.symbol).toEqual(["ALC", "BOB", "CHAR"]);
    expect(r.counts.messages).toBe(12_012);
    const kinds = Array.from(r.trades.kind, (k) => String.fromCharCode(k));
    expect(kinds.filter((k) => k === "P")).toHaveLength(5000);
    // Executions of orders added before the sample starts are skipped, and said so.
    expect(kinds.filter((k) => k === "E").length + r.anomalies.unknownOrderRef).toBeGreaterThanOrEqual(198);
    expect(r.notices[0]).toMatch(/every length prefix is 0x0000/);
    for (const s of ["ALC", "BOB", "CHAR"]) {
      const replayed = replayL2(r.l2);
      const locate = r.book.locate(s);
      expect(depthLevels(r, s)).toEqual({ bids: bestFirst(replayed.get(`${locate}:1`), 1), asks: bestFirst(replayed.get(`${locate}:-1`), -1) });
    }
  });

  it("ends with the same books as the plain TypeScript book (scripts/itch/ts-book.ts) on this real day", async () => {
    const r = await buildBooks(RITCH, { tables: { orders: false, l2: false, bbo: false, trades: false } });
    expect(r.anomalies.duplicateOrderRef).toBe(0); // the TypeScript book does not handle a reference added twice
    const ts = new TsBook();
    const decoder = new TsItchDecoder((f) => ts.apply(f));
    decoder.push(readFileSync(RITCH));
    decoder.end();
    let levels = 0;
    for (const s of ["ALC", "BOB", "CHAR"]) {
      const locate = r.book.locate(s);
      const native = depthLevels(r, s);
      expect(native).toEqual({ bids: ts.levels(locate, 1), asks: ts.levels(locate, -1) });
      levels += native.bids.length + native.asks.length;
    }
    expect(levels).toBeGreaterThan(100);
  });

  it("reads the gzip file to the same books", async () => {
    const plain = await buildBooks(RITCH, { tables: { orders: false, l2: false, bbo: false, trades: false } });
    const gz = await buildBooks(`${RITCH}.gz`, { tables: { orders: false, l2: false, bbo: false, trades: false } });
    for (const s of ["ALC", "BOB", "CHAR"]) expect(depthLevels(gz, s)).toEqual(depthLevels(plain, s));
  });

  it("keeps the rows before a truncation on the error", async () => {
    const bytes = readFileSync(RITCH).subarray(0, 300_000);
    try {
      await buildBooks(bytes);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ItchStreamError);
      const e = err as ItchStreamError<ItchBooks>;
      expect(e.kind).toBe("truncated");
      expect(e.offset).toBe(299_960);
      expect(e.messageType).toBe("P");
      expect(e.partial!.counts.messages).toBe(7840);
      expect(e.partial!.trades.message.length).toBeGreaterThan(3000);
      expect(Math.max(...e.partial!.l2.message)).toBeLessThan(7840);
    }
  });
});

describe("buildBooks against the synthetic generator's known books", () => {
  const cases = [
    { name: "length prefixes", seed: 11, messages: 200_000, prefix: "length" as const, gzip: false },
    { name: "zero prefixes, gzip", seed: 12, messages: 100_000, prefix: "zero" as const, gzip: true },
  ];
  for (const c of cases) {
    it(`ends with the generator's L2 book for every stock (${c.name})`, async () => {
      const file = path.join(tmp, `gen-${c.seed}.itch${c.gzip ? ".gz" : ""}`);
      const expected = writeItchFile(file, { seed: c.seed, messages: c.messages, stocks: 6, liveOrders: 3000, prefix: c.prefix, gzip: c.gzip });
      const r = await buildBooks(file);
      expectBooks(r, expected);
      // The l2 rows replay into the same final book, and the last bbo row of each stock is its bbo now.
      const replayed = replayL2(r.l2);
      for (const s of expected.stocks) {
        expect(bestFirst(replayed.get(`${s.locate}:1`), 1)).toEqual(s.bids);
        expect(bestFirst(replayed.get(`${s.locate}:-1`), -1)).toEqual(s.asks);
        let last = -1;
        for (let i = 0; i < r.bbo.locate.length; i++) if (r.bbo.locate[i] === s.locate) last = i;
        const now = r.book.bbo(s.locate);
        expect([r.bbo.bidPrice[last], r.bbo.bidShares[last], r.bbo.askPrice[last], r.bbo.askShares[last]]).toEqual([now.bidPrice, now.bidShares, now.askPrice, now.askShares]);
      }
      expect(r.notices.filter((n) => !/0x0000/.test(n))).toEqual([]);
    });
  }

  it("replays a top-5 l2 table into each stock's top 5 levels, in small native batches", async () => {
    const bytes: Uint8Array[] = [];
    const expected = generateMarket({ seed: 21, messages: 50_000, stocks: 4, liveOrders: 800 }, (c) => bytes.push(c.slice()));
    const r = await buildBooks(Buffer.concat(bytes), { levels: 5, batchRows: 64, chunkSize: 4093 });
    expectBooks(r, expected);
    const replayed = replayL2(r.l2);
    for (const s of expected.stocks) {
      expect(bestFirst(replayed.get(`${s.locate}:1`), 1)).toEqual(s.bids.slice(0, 5));
      expect(bestFirst(replayed.get(`${s.locate}:-1`), -1)).toEqual(s.asks.slice(0, 5));
      expect(depthLevels(r, s.symbol, 5)).toEqual({ bids: s.bids.slice(0, 5), asks: s.asks.slice(0, 5) });
    }
  });

  it("builds only the selected symbols", async () => {
    const bytes: Uint8Array[] = [];
    const expected = generateMarket({ seed: 5, messages: 30_000, stocks: 5, liveOrders: 500 }, (c) => bytes.push(c.slice()));
    const picked = [expected.stocks[1]!, expected.stocks[3]!];
    const r = await buildBooks(Buffer.concat(bytes), { symbols: [...picked.map((s) => s.symbol), "ZZZZ"] });
    expect(new Set(r.l2.locate)).toEqual(new Set(picked.map((s) => s.locate)));
    expect(new Set(r.orders.locate)).toEqual(new Set(picked.map((s) => s.locate)));
    for (const s of expected.stocks) {
      const want = picked.includes(s) ? { bids: s.bids, asks: s.asks } : { bids: [], asks: [] };
      expect(depthLevels(r, s.symbol)).toEqual(want);
    }
    expect(Array.from(r.stocks.active)).toEqual([0, 1, 0, 1, 0]);
    expect(r.notices).toEqual([expect.stringContaining("'ZZZZ' is not in the stock directory")]);
  });

  it("writes the same bytes for the same seed", () => {
    const run = () => {
      const parts: Uint8Array[] = [];
      generateMarket({ seed: 99, messages: 5000 }, (c) => parts.push(c.slice()));
      return Buffer.concat(parts);
    };
    expect(run().equals(run())).toBe(true);
  });

  it("matches the generator's book for random seeds, sizes and chunkings (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 40, max: 4000 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 257 }),
        async (seed, messages, stocks, liveOrders, chunkSize) => {
          const parts: Uint8Array[] = [];
          const expected = generateMarket({ seed, messages: messages + 2 * stocks + 19, stocks, liveOrders }, (c) => parts.push(c.slice()));
          const r = await buildBooks(Buffer.concat(parts), { chunkSize, batchRows: 64 });
          expectBooks(r, expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});
