/**
 * Merging, slicing, repeating, validating and saving MarketEvents: property tests against naive references
 * (a stable sort of the concatenation; bigint additions), and round trips through Parquet.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { datasetPath } from "../datasets.js";
import { loadBinanceCapture } from "./binance-capture.js";
import { EventKind, type InstrumentSpec, type MarketEvents } from "./events.js";
import { mergeEvents } from "./merge-events.js";
import { loadEvents, saveEvents } from "./parquet.js";
import { ReferenceBook } from "./reference-book.js";
import { repeatEventChunks, repeatEvents, repeatShift } from "./repeat-events.js";
import { allocEvents, concatEvents, eventsBetween, filterEvents, sliceEvents } from "./slice-events.js";
import { validateEvents } from "./validate-events.js";

interface Row {
  exchTs: bigint;
  localTs: bigint;
  kind: number;
  side: number;
  price: bigint;
  qty: bigint;
  orderId: bigint;
  instrument: number;
}

function fromRows(rows: Row[], instruments: InstrumentSpec[]): MarketEvents {
  const ev = allocEvents(rows.length, instruments);
  rows.forEach((r, i) => {
    ev.exchTs[i] = r.exchTs;
    ev.localTs[i] = r.localTs;
    ev.kind[i] = r.kind;
    ev.side[i] = r.side;
    ev.price[i] = r.price;
    ev.qty[i] = r.qty;
    ev.orderId[i] = r.orderId;
    ev.instrument[i] = r.instrument;
  });
  return ev;
}

function toRows(ev: MarketEvents): (Row & { symbol: string })[] {
  return [...ev.kind.keys()].map((i) => ({
    exchTs: ev.exchTs[i]!,
    localTs: ev.localTs[i]!,
    kind: ev.kind[i]!,
    side: ev.side[i]!,
    price: ev.price[i]!,
    qty: ev.qty[i]!,
    orderId: ev.orderId[i]!,
    instrument: ev.instrument[i]!,
    symbol: ev.instruments[ev.instrument[i]!]!.symbol,
  }));
}

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "AAPL"];
const spec = (s: string): InstrumentSpec => ({ symbol: s, tickSize: 0.01, lotSize: 0.001, venue: "X" });

/** A random event set sorted by localTs (with ties), 1-3 instruments. */
const eventSet = fc
  .tuple(
    fc.subarray(SYMBOLS, { minLength: 1 }),
    fc.array(
      fc.record({
        dt: fc.bigInt({ min: 0n, max: 3n }),
        lat: fc.bigInt({ min: -5n, max: 5n }),
        kind: fc.integer({ min: 1, max: 10 }),
        side: fc.constantFrom(-1, 0, 1),
        price: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        qty: fc.bigInt({ min: 0n, max: 2n ** 40n }),
        orderId: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        inst: fc.nat(),
      }),
      { maxLength: 40 },
    ),
    fc.bigInt({ min: 1_600_000_000_000_000_000n, max: 1_700_000_000_000_000_000n }),
  )
  .map(([symbols, raw, t0]) => {
    let t = t0;
    const rows: Row[] = raw.map((r) => {
      t += r.dt;
      return { exchTs: t - r.lat, localTs: t, kind: r.kind, side: r.side, price: r.price, qty: r.qty, orderId: r.orderId, instrument: r.inst % symbols.length };
    });
    return fromRows(rows, symbols.map(spec));
  });

describe("mergeEvents", () => {
  it("equals a stable sort of the concatenation by localTs, keeping each row's instrument", () => {
    fc.assert(
      fc.property(fc.array(eventSet, { minLength: 1, maxLength: 4 }), (sets) => {
        const merged = mergeEvents(sets);
        validateEvents(merged, "merged");
        const reference = sets
          .flatMap((ev, s) => toRows(ev).map((r, i) => ({ r, s, i })))
          .sort((a, b) => (a.r.localTs < b.r.localTs ? -1 : a.r.localTs > b.r.localTs ? 1 : a.s - b.s || a.i - b.i))
          .map(({ r }) => ({ ...r, instrument: 0 }));
        expect(toRows(merged).map((r) => ({ ...r, instrument: 0 }))).toEqual(reference);
        // identical specs are one instrument
        expect(new Set(merged.instruments.map((s) => s.symbol)).size).toBe(merged.instruments.length);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses an unsorted set, naming it and the row", () => {
    const ev = fromRows(
      [0n, 5n, 3n].map((t) => ({ exchTs: t, localTs: t, kind: 4, side: 1, price: 1n, qty: 1n, orderId: 0n, instrument: 0 })),
      [spec("AAPL")],
    );
    expect(() => mergeEvents([allocEvents(0, [spec("X")]), ev])).toThrow("mergeEvents set 1 row 2: the set is not sorted by localTs, expected at least 5 but found 3. Sort it first (sortByLocalTs).");
  });
});

describe("slicing and concatenation", () => {
  it("slices by index and by time window, filters, and concatenates back to the original", () => {
    fc.assert(
      fc.property(eventSet, fc.nat(), fc.nat(), (ev, a, b) => {
        const n = ev.kind.length;
        const cut = n === 0 ? 0 : a % (n + 1);
        const parts = [sliceEvents(ev, 0, cut), sliceEvents(ev, cut)];
        expect(toRows(concatEvents(parts))).toEqual(toRows(ev));
        if (n > 0) {
          const from = ev.localTs[a % n]!;
          const to = ev.localTs[b % n]! + 1n;
          if (from <= to) {
            const win = eventsBetween(ev, from, to);
            expect(toRows(win)).toEqual(toRows(ev).filter((r) => r.localTs >= from && r.localTs < to));
          }
        }
        const trades = filterEvents(ev, (i, e) => e.kind[i] === EventKind.TRADE);
        expect(toRows(trades)).toEqual(toRows(ev).filter((r) => r.kind === EventKind.TRADE));
      }),
      { numRuns: 300 },
    );
  });

  it("remaps instrument indices when concatenating sets with different instruments", () => {
    const a = fromRows([{ exchTs: 1n, localTs: 1n, kind: 4, side: 1, price: 1n, qty: 1n, orderId: 0n, instrument: 0 }], [spec("A")]);
    const b = fromRows([{ exchTs: 2n, localTs: 2n, kind: 4, side: 1, price: 2n, qty: 1n, orderId: 0n, instrument: 1 }], [spec("A"), spec("B")]);
    const c = concatEvents([b, a]);
    expect(c.instruments.map((s) => s.symbol)).toEqual(["A", "B"]);
    expect(toRows(c).map((r) => r.symbol)).toEqual(["B", "A"]);
  });
});

describe("repeatEvents", () => {
  it("appends shifted copies whose times and order ids equal bigint arithmetic, also across 32-bit carries", () => {
    fc.assert(
      fc.property(eventSet, fc.integer({ min: 0, max: 4 }), fc.bigInt({ min: 0n, max: 2n ** 40n }), (ev, n, gap) => {
        const shift = repeatShift(ev, gap);
        const rows = toRows(ev);
        const maxId = rows.reduce((m, r) => (r.orderId > m ? r.orderId : m), 0n);
        if (maxId > 0n && (maxId + 1n) * BigInt(n) > 2n ** 64n - 1n) {
          expect(() => repeatEvents(ev, n, { gapNs: gap })).toThrow("overflow 64 bits");
          return;
        }
        const rep = repeatEvents(ev, n, { gapNs: gap });
        const expected = Array.from({ length: n }, (_, c) =>
          rows.map((r) => ({
            ...r,
            exchTs: BigInt.asIntN(64, r.exchTs + BigInt(c) * shift),
            localTs: BigInt.asIntN(64, r.localTs + BigInt(c) * shift),
            orderId: r.orderId === 0n ? 0n : r.orderId + BigInt(c) * (maxId + 1n),
          })),
        ).flat();
        expect(toRows(rep)).toEqual(expected);
        const chunks = [...repeatEventChunks(ev, n, { gapNs: gap })];
        expect(chunks.flatMap(toRows)).toEqual(expected);
        if (n > 1 && ev.kind.length > 0) {
          // each copy starts after the previous one ended, on both clocks
          const len = ev.kind.length;
          expect(rep.localTs[len]! >= rep.localTs[len - 1]!).toBe(true);
          const exch = [...ev.exchTs];
          expect(rep.exchTs.subarray(len).reduce((m, x) => (x < m ? x : m), rep.exchTs[len]!) >= exch.reduce((m, x) => (x > m ? x : m))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("adds the shift exactly when the low 32 bits carry, and for negative times", () => {
    const t = [0xffffffffn, 0x1_ffff_fffen, -1n, -(2n ** 40n), 2n ** 52n + 0xffff_ffffn];
    const ev = fromRows(
      t.map((x) => ({ exchTs: x, localTs: 0n, kind: 4, side: 1, price: 1n, qty: 1n, orderId: 0n, instrument: 0 })),
      [spec("A")],
    );
    const shift = repeatShift(ev, 5n);
    const rep = repeatEvents(ev, 3, { gapNs: 5n });
    expect([...rep.exchTs]).toEqual([0, 1, 2].flatMap((c) => t.map((x) => x + BigInt(c) * shift)));
    const late = fromRows([{ exchTs: 2n ** 62n, localTs: 0n, kind: 4, side: 1, price: 1n, qty: 1n, orderId: 0n, instrument: 0 }], [spec("A")]);
    expect(() => repeatEvents(late, 3, { gapNs: 2n ** 61n })).toThrow("repeatEvents: 3 copies shifted by");
  });

  it("streams copies in reused buffers without changing their content", () => {
    const ev = fromRows(
      [1n, 2n, 3n].map((x) => ({ exchTs: x, localTs: x + 10n, kind: 4, side: 1, price: x, qty: 1n, orderId: 0n, instrument: 0 })),
      [spec("A")],
    );
    const seen: bigint[][] = [];
    let first: MarketEvents | null = null;
    for (const chunk of repeatEventChunks(ev, 4, { reuse: true, gapNs: 0n })) {
      first ??= chunk;
      expect(chunk).toBe(first);
      seen.push([...chunk.localTs]);
    }
    expect(seen).toEqual([0n, 1n, 2n, 3n].map((c) => [11n + 2n * c, 12n + 2n * c, 13n + 2n * c]));
  });
});

describe("Parquet round trips", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "omq-events-"));

  it("saves and loads random sets bit for bit, instruments included", async () => {
    await fc.assert(
      fc.asyncProperty(eventSet, async (ev) => {
        const file = path.join(dir, "random", "ev.parquet");
        await saveEvents(ev, file);
        const back = await loadEvents(file);
        expect(back.instruments).toEqual(ev.instruments);
        expect(toRows(back)).toEqual(toRows(ev));
      }),
      { numRuns: 15 },
    );
  });

  let real: MarketEvents;
  beforeAll(async () => {
    real = (await loadBinanceCapture(datasetPath("orderbook/hftbacktest_binance_spot_btcusdt_20240808.gz"))).events;
  });

  it("round-trips the Binance spot capture and replays to the same book", async () => {
    const file = path.join(dir, "spot.parquet");
    const t0 = performance.now();
    await saveEvents(real, file);
    const t1 = performance.now();
    const back = await loadEvents(file);
    const t2 = performance.now();
    console.log(`Parquet: ${real.kind.length} rows saved in ${(t1 - t0).toFixed(0)} ms, loaded in ${(t2 - t1).toFixed(0)} ms`);
    for (const c of ["exchTs", "localTs", "kind", "side", "price", "qty", "orderId", "instrument"] as const) {
      expect(Buffer.compare(Buffer.from(back[c].buffer), Buffer.from(real[c].buffer)), c).toBe(0);
    }
    const a = new ReferenceBook();
    const b = new ReferenceBook();
    a.applyRange(real);
    b.applyRange(back);
    expect([...b.bids].sort()).toEqual([...a.bids].sort());
    expect(b.bestAsk()).toEqual(a.bestAsk());
  });

  it("says what is missing from a Parquet file that is not a MarketEvents file", async () => {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const inst = await DuckDBInstance.create(":memory:");
    const c = await inst.connect();
    const file = path.join(dir, "other.parquet");
    await c.run(`COPY (SELECT 1::BIGINT AS exch_ts) TO '${file}' (FORMAT parquet)`);
    c.closeSync();
    inst.closeSync();
    await expect(loadEvents(file)).rejects.toThrow(`${file}: the file has no omniquant.instruments metadata. Pass { instruments }`);
    await expect(loadEvents(file, { instruments: [spec("A")] })).rejects.toThrow(`${file}: the file has no column local_ts, kind, side, price, qty, order_id, instrument`);
  });
});

describe("validateEvents and the reference book", () => {
  it("rejects sets that break the contract, naming row and column", () => {
    const ok = fromRows([{ exchTs: 1n, localTs: 1n, kind: 4, side: 1, price: 1n, qty: 1n, orderId: 0n, instrument: 0 }], [spec("A")]);
    expect(() => validateEvents({ ...ok, side: Int8Array.of(2) }, "ev")).toThrow("ev row 0: side is 2, expected -1, 0 or 1.");
    expect(() => validateEvents({ ...ok, kind: Uint8Array.of(11) }, "ev")).toThrow("ev row 0: kind is 11, expected an EventKind (1..10).");
    expect(() => validateEvents({ ...ok, instrument: Uint16Array.of(1) }, "ev")).toThrow("ev row 0: instrument is 1, expected an index below 1");
    expect(() => validateEvents({ ...ok, qty: new BigInt64Array(2) }, "ev")).toThrow("ev: the column qty has 2 rows, expected 1, as kind.");
    expect(() => validateEvents({ ...ok, price: new Float64Array(1) as never }, "ev")).toThrow("ev: the column price is not a BigInt64Array");
  });

  it("applies L2 and L3 rows as the event kinds say (hand-worked)", () => {
    const K = EventKind;
    const r = (kind: number, side: number, price: bigint, qty: bigint, orderId = 0n): Row => ({ exchTs: 0n, localTs: 0n, kind, side, price, qty, orderId, instrument: 0 });
    const ev = fromRows(
      [
        r(K.DEPTH_CLEAR, 0, 0n, 0n),
        r(K.DEPTH_SNAPSHOT, 1, 100n, 5n),
        r(K.DEPTH_SNAPSHOT, -1, 102n, 4n),
        r(K.L3_ADD, 1, 101n, 3n, 7n), // bid 101: 3
        r(K.L3_ADD, 1, 101n, 2n, 8n), // bid 101: 5
        r(K.L3_EXECUTE, 1, 101n, 1n, 7n), // bid 101: 4, order 7 has 2 left
        r(K.TRADE, -1, 101n, 1n),
        r(K.L3_DELETE, 1, 101n, 0n, 7n), // known order: its 2 lots go, whatever the row's qty
        r(K.L3_MODIFY, 1, 99n, 6n, 8n), // order 8 moves from 101 to 99 with 6 lots
        r(K.L3_CANCEL, -1, 102n, 1n, 99n), // an order never seen added: 1 lot off the ask level
        r(K.BBO, 1, 1n, 1n),
        r(K.DEPTH, -1, 103n, 9n),
      ],
      [spec("A")],
    );
    const book = new ReferenceBook();
    book.applyRange(ev);
    expect(book.levels(1, 10)).toEqual([[100n, 5n], [99n, 6n]]);
    expect(book.levels(-1, 10)).toEqual([[102n, 3n], [103n, 9n]]);
    expect([...book.orders.keys()]).toEqual([8n]);
    const bad = fromRows([r(K.L3_CANCEL, 1, 50n, 1n, 5n)], [spec("A")]);
    expect(() => new ReferenceBook().applyRange(bad)).toThrow("ReferenceBook row 0: the bid level 50 would hold -1 lots.");
  });
});
