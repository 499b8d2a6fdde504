/**
 * LOBSTER's AAPL 2012-06-21 sample (first 999 messages): replaying the converted rows into the reference book must
 * give LOBSTER's own order-book file after every message, 10 levels a side, and the only changes not made by a
 * message must be at levels that were outside the shown range (LOBSTER's level-10 files leave those messages out).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { datasetPath } from "../datasets.js";
import { EventKind } from "./events.js";
import { loadLobster, type LobsterData } from "./lobster.js";
import { ReferenceBook } from "./reference-book.js";
import { validateEvents } from "./validate-events.js";

const MESSAGES = datasetPath("lobster/lobster_AAPL_2012-06-21_34200000_57600000_message_10_first999.csv");
const BOOK = datasetPath("lobster/lobster_AAPL_2012-06-21_34200000_57600000_orderbook_10_first999.csv");
const csv = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => l.split(",").map(Number));

describe("loadLobster on the AAPL sample", () => {
  let data: LobsterData;
  const msgs = csv(MESSAGES);
  const rows = csv(BOOK);
  beforeAll(async () => {
    data = await loadLobster(MESSAGES, BOOK);
  });

  it("turns each message into its L3 rows (and trades), in order, with exact nanosecond times", () => {
    const { events: ev, stats, messageEnd } = data;
    validateEvents(ev);
    expect(ev.instruments).toEqual([{ symbol: "AAPL", tickSize: 0.01, lotSize: 1, venue: "NASDAQ" }]);
    expect(stats).toMatchObject({ messages: 999, byType: { 1: 471, 3: 369, 4: 98, 5: 61 }, halts: [], levels: 10, unexplainedChanges: 0 });
    // 09:30:00.004241176 New York (EDT, UTC-4) = 13:30:00.004241176 UTC.
    const first = messageEnd[0]! - 1;
    expect(ev.kind[first]).toBe(EventKind.L3_ADD);
    expect(ev.localTs[first]).toBe(BigInt(Date.UTC(2012, 5, 21, 13, 30, 0)) * 1_000_000n + 4_241_176n);
    expect(ev.exchTs[first]).toBe(ev.localTs[first]);
    const expectedKinds: Record<number, number[]> = {
      1: [EventKind.L3_ADD],
      2: [EventKind.L3_CANCEL],
      3: [EventKind.L3_DELETE],
      4: [EventKind.TRADE, EventKind.L3_EXECUTE],
      5: [EventKind.TRADE],
    };
    let start = stats.initialLevels + 1;
    const bad: number[] = [];
    msgs.forEach(([t, type, id, size, price, dir], i) => {
      const kinds = [...ev.kind.subarray(start, messageEnd[i])].filter((k) => k !== EventKind.DEPTH);
      const want = expectedKinds[type!]!;
      const k0 = start;
      const ok =
        JSON.stringify(kinds) === JSON.stringify(want) &&
        want.every((kind, j) => {
          const r = k0 + j;
          const side = kind === EventKind.TRADE ? -dir! : dir!;
          const oid = kind === EventKind.TRADE ? 0n : BigInt(id!);
          return (
            ev.side[r] === side &&
            ev.price[r] === BigInt(price! / 100) &&
            ev.qty[r] === BigInt(size!) &&
            ev.orderId[r] === oid &&
            // within a microsecond of the double-precision reading of the 9-decimal seconds
            Math.abs(Number(ev.localTs[r]! - BigInt(Date.UTC(2012, 5, 21, 4)) * 1_000_000n) / 1000 - t! * 1e6) <= 1
          );
        });
      if (!ok) bad.push(i);
      start = messageEnd[i]!;
    });
    expect(bad).toEqual([]);
    // Trades: the aggressor is opposite to the resting order LOBSTER names.
    const firstExec = msgs.findIndex((m) => m[1] === 4);
    const tradeRow = messageEnd[firstExec - 1]!;
    expect(ev.kind[tradeRow]).toBe(EventKind.TRADE);
    expect(ev.side[tradeRow]).toBe(-msgs[firstExec]![5]!);
  });

  it("reproduces LOBSTER's 10-level order book after every one of the 999 messages", () => {
    const { events: ev, messageEnd } = data;
    const book = new ReferenceBook();
    let pos = 0;
    const mismatches: string[] = [];
    rows.forEach((row, i) => {
      book.applyRange(ev, pos, messageEnd[i]);
      pos = messageEnd[i]!;
      const asks = book.levels(-1, 10);
      const bids = book.levels(1, 10);
      for (let l = 0; l < 10; l++) {
        const want = { ask: row[4 * l] === 9999999999 ? null : [row[4 * l]! / 100, row[4 * l + 1]], bid: row[4 * l + 2] === -9999999999 ? null : [row[4 * l + 2]! / 100, row[4 * l + 3]] };
        const got = { ask: asks[l] === undefined ? null : asks[l]!.map(Number), bid: bids[l] === undefined ? null : bids[l]!.map(Number) };
        if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`row ${i + 1} level ${l + 1}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
      }
    });
    expect(mismatches).toEqual([]);
  });

  it("corrects only levels coming into view, which no message in a level-10 file could have changed", () => {
    const { events: ev, messageEnd, stats } = data;
    // The range each row shows: from the best to the 10th level (everything, on a side with fewer levels).
    const inView = (row: number[], side: number, p: number) => {
      const col = side > 0 ? 2 : 0;
      const worst = row[4 * 9 + col]!;
      if (Math.abs(worst) === 9999999999) return true;
      return side > 0 ? p * 100 >= worst : p * 100 <= worst;
    };
    let corrections = 0;
    let start = stats.initialLevels + 1;
    msgs.forEach((_, i) => {
      for (let r = start; r < messageEnd[i]!; r++) {
        if (ev.kind[r] !== EventKind.DEPTH) continue;
        corrections++;
        expect(i, "a correction after the first message").toBeGreaterThan(0);
        expect(inView(rows[i - 1]!, ev.side[r]!, Number(ev.price[r])), `message ${i + 1}: level ${ev.price[r]} was in view`).toBe(false);
      }
      start = messageEnd[i]!;
    });
    expect(corrections).toBe(stats.viewCorrections);
    expect(corrections).toBeGreaterThan(0);
    expect(corrections).toBeLessThan(50);
    console.log(`LOBSTER: ${stats.initialLevels} start levels, ${stats.viewCorrections} view corrections, ${stats.unknownOrders} orders resting before the file`);
  });

  it("notices a change that no message explains", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "omq-lobster-"));
    const lines = readFileSync(BOOK, "utf8").split("\n");
    const f = lines[500]!.split(",");
    f[1] = String(Number(f[1]) + 7); // best ask size, in view before and after
    lines[500] = f.join(",");
    const book = path.join(dir, path.basename(BOOK));
    writeFileSync(book, lines.join("\n"));
    const r = await loadLobster(MESSAGES, book);
    expect(r.stats.unexplainedChanges).toBeGreaterThan(0);
  });

  it("works from the messages alone (no start book, no corrections)", async () => {
    const r = await loadLobster(MESSAGES);
    expect(r.events.kind.length).toBe(471 + 369 + 2 * 98 + 61);
    expect(r.stats.initialLevels).toBe(0);
    expect(r.stats.unknownOrders).toBe(data.stats.unknownOrders);
  });

  it("handles partial cancels, cross trades and halts (hand-made file)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "omq-lobster-"));
    const file = path.join(dir, "XYZ_2020-01-02_34200000_57600000_message_1.csv");
    writeFileSync(file, ["34200.1,1,1,100,1000000,1", "34200.2,2,1,40,1000000,1", "34200.3,6,0,500,1000100,-1", "34200.4,7,0,0,-1,-1", "34200.5,4,1,60,1000000,1"].join("\n"));
    const { events: ev, stats, messageEnd } = await loadLobster(file);
    const K = EventKind;
    expect([...ev.kind]).toEqual([K.L3_ADD, K.L3_CANCEL, K.TRADE, K.TRADE, K.L3_EXECUTE]);
    expect([...ev.side]).toEqual([1, 1, 0, -1, 1]);
    expect([...ev.qty]).toEqual([100n, 40n, 500n, 60n, 60n]);
    expect([...ev.price]).toEqual([10000n, 10000n, 10001n, 10000n, 10000n]);
    expect([...messageEnd]).toEqual([1, 2, 3, 3, 5]);
    expect(stats.halts).toEqual([{ message: 3, state: -1 }]);
    expect(stats.byType).toEqual({ 1: 1, 2: 1, 4: 1, 6: 1, 7: 1 });
    // 2020-01-02 is in EST (UTC-5): 09:30 New York = 14:30 UTC.
    expect(ev.localTs[0]).toBe(BigInt(Date.UTC(2020, 0, 2, 14, 30)) * 1_000_000n + 100_000_000n);
    const book = new ReferenceBook();
    book.applyRange(ev, 0, 2);
    expect(book.levels(1, 5)).toEqual([[10000n, 60n]]);
    book.applyRange(ev, 2);
    expect(book.levels(1, 5)).toEqual([]);
    expect(book.orders.size).toBe(0);
  });

  it("names file, line and field of a bad message", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "omq-lobster-"));
    const write = (line: string) => {
      const lines = readFileSync(MESSAGES, "utf8").split("\n");
      lines[9] = line;
      const file = path.join(dir, path.basename(MESSAGES));
      writeFileSync(file, lines.join("\n"));
      return file;
    };
    let file = write("34200.1,1,123,10,5853350,1");
    await expect(loadLobster(file)).rejects.toThrow(`${file} line 10: the price is wrong, expected a multiple of the tick 0.01 USD (100 in USD * 10000) but found '5853350'.`);
    file = write("34200.1,9,123,10,5853300,1");
    await expect(loadLobster(file)).rejects.toThrow(`${file} line 10: the type is wrong, expected 1, 2, 3, 4, 5, 6 or 7 but found '9'.`);
    file = write("34200.1,1,123,ten,5853300,1");
    await expect(loadLobster(file)).rejects.toThrow(`${file} line 10: the size is wrong`);
    file = write("34200.1,1,123,10,5853300,1");
    await expect(loadLobster(file)).rejects.toThrow(`${file} row 10: the time goes backwards, expected at least 34200.201735987 s but found 34200.1 s.`);
    await expect(loadLobster("/tmp/x.csv")).rejects.toThrow("cannot tell the date from the file name x.csv");
  });
});
