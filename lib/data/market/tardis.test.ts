import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { datasetPath } from "../datasets.js";
import { EventKind } from "./events.js";
import { ReferenceBook } from "./reference-book.js";
import { loadTardisCsv } from "./tardis.js";
import { validateEvents } from "./validate-events.js";

const L2 = datasetPath("orderbook/nautilus_tardis_deribit_incremental_book_L2_BTC-PERPETUAL.csv");
const SNAP25 = datasetPath("orderbook/nautilus_tardis_binance-futures_book_snapshot_25_BTCUSDT.csv");
const TRADES = datasetPath("orderbook/nautilus_tardis_bitmex_trades_XBTUSD.csv");
const records = (file: string) => {
  const [head, ...lines] = readFileSync(file, "utf8").trim().split("\n");
  const names = head!.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, k) => [names[k]!, v])));
};
const tmp = mkdtempSync(path.join(tmpdir(), "omq-tardis-"));

describe("loadTardisCsv", () => {
  it("reads Deribit incremental_book_L2: one clear, then the snapshot levels, ticks inferred from the decimals", async () => {
    const { events: ev, stats } = await loadTardisCsv(L2);
    validateEvents(ev);
    const recs = records(L2);
    expect(stats).toMatchObject({ kind: "incremental_book_L2", rows: 15, snapshots: 1, levels: 15 });
    expect(ev.instruments).toEqual([{ symbol: "BTC-PERPETUAL", tickSize: 0.1, lotSize: 1, venue: "deribit" }]);
    expect([...ev.kind]).toEqual([EventKind.DEPTH_CLEAR, ...recs.map(() => EventKind.DEPTH_SNAPSHOT)]);
    recs.forEach((r, k) => {
      const i = k + 1;
      expect([ev.side[i], ev.price[i], ev.qty[i]]).toEqual([-1, BigInt(Math.round(Number(r.price) * 10)), BigInt(r.amount!)]);
      expect(ev.exchTs[i]).toBe(BigInt(r.timestamp!) * 1000n);
      expect(ev.localTs[i]).toBe(BigInt(r.local_timestamp!) * 1000n);
    });
    // Deribit's real tick is 0.5 USD: every price of the sample is a multiple of it.
    const half = await loadTardisCsv(L2, { tickSize: { "BTC-PERPETUAL": 0.5 }, lotSize: 10 });
    expect(half.events.price[1]).toBe(12843n); // 6421.5 / 0.5
    expect(half.events.qty[1]).toBe(1864n); // 18640 / 10
  });

  it("starts a new snapshot when is_snapshot turns true again, and applies updates as absolute amounts", async () => {
    const text = [
      "exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount",
      "deribit,BTC-PERPETUAL,1,2,true,bid,100.5,10",
      "deribit,BTC-PERPETUAL,1,2,true,ask,101,5",
      "deribit,BTC-PERPETUAL,3,4,false,bid,100.5,0",
      "deribit,BTC-PERPETUAL,3,4,false,bid,100,7",
      "deribit,BTC-PERPETUAL,5,6,true,bid,99,1",
      "deribit,BTC-PERPETUAL,5,6,true,ask,102,2",
    ].join("\n");
    const file = path.join(tmp, "l2.csv.gz");
    writeFileSync(file, gzipSync(text));
    const { events: ev, stats } = await loadTardisCsv(file);
    expect(stats.snapshots).toBe(2);
    const K = EventKind;
    expect([...ev.kind]).toEqual([K.DEPTH_CLEAR, K.DEPTH_SNAPSHOT, K.DEPTH_SNAPSHOT, K.DEPTH, K.DEPTH, K.DEPTH_CLEAR, K.DEPTH_SNAPSHOT, K.DEPTH_SNAPSHOT]);
    const book = new ReferenceBook();
    book.applyRange(ev, 0, 5);
    expect([book.bestBid(), book.bestAsk()]).toEqual([[1000n, 7n], [1010n, 5n]]);
    book.applyRange(ev, 5);
    expect([book.levels(1, 5), book.levels(-1, 5)]).toEqual([[[990n, 1n]], [[1020n, 2n]]]);
  });

  it("reads book_snapshot_25 rows as full replacements whose best levels are the file's", async () => {
    const { events: ev, stats } = await loadTardisCsv(SNAP25);
    const recs = records(SNAP25);
    expect(stats).toMatchObject({ kind: "book_snapshot", rows: 10, snapshots: 10, levels: 500 });
    expect(ev.instruments).toEqual([{ symbol: "BTCUSDT", tickSize: 0.01, lotSize: 0.001, venue: "binance-futures" }]);
    const book = new ReferenceBook();
    let k = -1;
    for (let i = 0; i <= ev.kind.length; i++) {
      if (i === ev.kind.length || ev.kind[i] === EventKind.DEPTH_CLEAR) {
        if (k >= 0) {
          const r = recs[k]!;
          const px = (s: string) => BigInt(Math.round(Number(s) * 100));
          const am = (s: string) => BigInt(Math.round(Number(s) * 1000));
          expect(book.levels(1, 25)).toEqual(Array.from({ length: 25 }, (_, l) => [px(r[`bids[${l}].price`]!), am(r[`bids[${l}].amount`]!)]));
          expect(book.levels(-1, 25)).toEqual(Array.from({ length: 25 }, (_, l) => [px(r[`asks[${l}].price`]!), am(r[`asks[${l}].amount`]!)]));
          expect(book.bids.size + book.asks.size).toBe(50);
          expect(ev.localTs[i - 1]).toBe(BigInt(r.local_timestamp!) * 1000n);
        }
        k++;
      }
      if (i < ev.kind.length) book.apply(ev, i);
    }
    expect(k).toBe(10);
  });

  it("reads trades with the aggressor side", async () => {
    const { events: ev, stats } = await loadTardisCsv(TRADES);
    const recs = records(TRADES);
    expect(stats).toMatchObject({ kind: "trades", trades: 10, unknownSide: 0 });
    expect(ev.instruments).toEqual([{ symbol: "XBTUSD", tickSize: 0.1, lotSize: 1, venue: "bitmex" }]);
    expect([...ev.kind]).toEqual(recs.map(() => EventKind.TRADE));
    expect([...ev.side]).toEqual(recs.map((r) => (r.side === "buy" ? 1 : -1)));
    expect([...ev.price]).toEqual(recs.map((r) => BigInt(Math.round(Number(r.price) * 10))));
    expect(ev.exchTs[0]).toBe(1583020803145000000n);
  });

  it("reads quotes as two BBO rows and keeps instruments apart", async () => {
    const file = path.join(tmp, "quotes.csv");
    writeFileSync(
      file,
      [
        "exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount",
        "binance,BTCUSDT,10,12,1.5,100.01,100.00,2",
        "binance,ETHUSDT,11,13,3,5.5,5.4,4",
        "binance,BTCUSDT,14,15,,,99.99,1",
      ].join("\n"),
    );
    const { events: ev, stats } = await loadTardisCsv(file);
    expect(stats.quotes).toBe(3);
    expect(ev.instruments.map((s) => [s.symbol, s.tickSize, s.lotSize])).toEqual([["BTCUSDT", 0.01, 0.1], ["ETHUSDT", 0.1, 1]]);
    expect([...ev.instrument]).toEqual([0, 0, 1, 1, 0]);
    expect([...ev.side]).toEqual([1, -1, 1, -1, 1]);
    expect([...ev.price]).toEqual([10000n, 10001n, 54n, 55n, 9999n]);
    expect([...ev.qty]).toEqual([20n, 15n, 4n, 3n, 10n]);
    expect([...ev.localTs]).toEqual([12000n, 12000n, 13000n, 13000n, 15000n]);
  });

  it("names the file, line and field of a bad row", async () => {
    const lines = readFileSync(L2, "utf8").trim().split("\n");
    lines[4] = lines[4]!.replace(",6423,", ",6423.3,");
    const file = path.join(tmp, "bad.csv");
    writeFileSync(file, lines.join("\n"));
    await expect(loadTardisCsv(file, { tickSize: 0.5 })).rejects.toThrow(`${file} line 5: price '6423.3' is not a multiple of the step 0.5, expected a decimal multiple of 0.5.`);
    lines[4] = lines[4]!.replace(",ask,", ",middle,");
    writeFileSync(file, lines.join("\n"));
    await expect(loadTardisCsv(file)).rejects.toThrow(`${file} line 5: side is 'middle', expected bid or ask.`);
    writeFileSync(file, "a,b,c\n1,2,3\n");
    await expect(loadTardisCsv(file)).rejects.toThrow(`${file} line 1: the header is not one of Tardis's`);
  });
});
