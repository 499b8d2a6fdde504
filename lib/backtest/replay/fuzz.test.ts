// Fuzz: malformed market data and malformed request batches never crash the engine. A bad row is an error naming
// the row and the field; a bad request is a reject after a round trip; the engine keeps working afterwards.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MarketEvents } from "../../data/market/events.js";
import { OmniQuantError } from "../../util/errors.js";
import { ReplayEngine } from "./engine.js";
import { constantLatency, l3FifoQueue, noFees, powerProbQueue, riskAverseQueue } from "./models.js";
import { Op, ResponseKind, RunStatus } from "./codes.js";
import { syntheticMarketEvents } from "./synthetic.js";
import { marketEvents } from "./rows.js";

const spec = { symbol: "X", tickSize: 0.01, lotSize: 1 };
// Tiny output buffers so that every run call also exercises the output-full path. The sample interval suits the
// data: 50 ns for the fuzzed rows (timestamps within 1,000 ns), 1 ms for the synthetic data of the request fuzz
// (0.6 s of market time: 50 ns would mean 12M samples per case).
const engine = (l3 = false, sampleNs = 50n) =>
  new ReplayEngine({
    instruments: [spec],
    latency: constantLatency({ entryNs: 10, responseNs: 10 }),
    queue: l3 ? l3FifoQueue() : powerProbQueue(2),
    fees: noFees(),
    sampleNs,
    recordTrades: true,
    capacity: { responses: 8, trades: 4, samples: 4 },
  });

function runToEnd(e: ReplayEngine): number {
  for (let k = 0; k < 1_000_000; k++) {
    const s = e.run((1n << 62n) - 1n);
    if (s === RunStatus.needData) e.finish();
    else if (s !== RunStatus.outputFull) return s;
  }
  throw new Error("no end");
}

const rowArb = fc.record({
  exch: fc.bigInt({ min: -5n, max: 1000n }),
  local: fc.bigInt({ min: -5n, max: 1000n }),
  kind: fc.integer({ min: 0, max: 12 }),
  side: fc.integer({ min: -3, max: 3 }),
  price: fc.oneof(fc.bigInt({ min: 90n, max: 110n }), fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n })),
  qty: fc.bigInt({ min: -3n, max: 30n }),
  orderId: fc.bigInt({ min: 0n, max: 8n }),
  instrument: fc.integer({ min: 0, max: 2 }),
});

type FuzzRow = typeof rowArb extends fc.Arbitrary<infer T> ? T : never;

function columns(rows: FuzzRow[], sortLocal: boolean): MarketEvents {
  const rs = sortLocal ? [...rows].sort((a, b) => (a.local < b.local ? -1 : a.local > b.local ? 1 : 0)) : rows;
  return {
    exchTs: BigInt64Array.from(rs, (r) => r.exch),
    localTs: BigInt64Array.from(rs, (r) => r.local),
    kind: Uint8Array.from(rs, (r) => r.kind),
    side: Int8Array.from(rs, (r) => r.side),
    price: BigInt64Array.from(rs, (r) => r.price),
    qty: BigInt64Array.from(rs, (r) => r.qty),
    orderId: BigUint64Array.from(rs, (r) => r.orderId),
    instrument: Uint16Array.from(rs, (r) => r.instrument),
    instruments: [spec],
  };
}

describe("malformed market data", () => {
  it("is rejected with an error naming the row and field, or replayed without a crash", () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 60 }), fc.boolean(), fc.boolean(), (rows, sortLocal, l3) => {
        const e = engine(l3);
        const ev = columns(rows, sortLocal);
        try {
          e.append(ev);
        } catch (err) {
          expect(err).toBeInstanceOf(OmniQuantError);
          expect((err as Error).message).toMatch(/^MarketEvents row \d+, (exchTs|localTs|kind|side|price|qty|instrument|orderId): /);
          // Nothing of the rejected chunk was kept.
          expect(e.stats().rowsAppended).toBe(0);
        }
        // Orders against whatever book there is, then run to the end.
        e.submit(Op.new, 1, 0, 1, 100, 3);
        e.submit(Op.new, 2, 0, -1, 101, 3);
        e.submit(Op.new, 3, 0, 1, 0, 5, 1, 1);
        expect(runToEnd(e)).toBe(RunStatus.end);
      }),
      { numRuns: 400 },
    );
  });

  it("names the first bad row with expected and found values", () => {
    const e = engine();
    const ev = marketEvents(
      [
        { ts: 5, kind: "DEPTH", side: 1, price: 100, qty: 1 },
        { ts: 6, kind: "DEPTH", side: 1, price: 100, qty: -2 },
      ],
      [spec],
    );
    expect(() => e.append(ev)).toThrow("MarketEvents row 1, qty: qty is negative, expected a quantity >= 0 lots but found -2.");
    const unsorted = marketEvents(
      [
        { ts: 5, kind: "DEPTH", side: 1, price: 100, qty: 1 },
        { ts: 4, kind: "TRADE", side: 1, price: 100, qty: 1 },
      ],
      [spec],
    );
    expect(() => e.append(unsorted)).toThrow(/MarketEvents row 1, localTs: localTs goes back in time .*expected >= 5 .* but found 4/);
    expect(() => e.append(marketEvents([{ ts: 1, kind: 11 }], [spec]))).toThrow(/row 0, kind: kind is not an EventKind code, expected one of 1\.\.10 but found 11/);
    expect(() => e.append(marketEvents([{ ts: 1, kind: "L3_ADD", side: 1, price: 1, qty: 1 }], [spec]))).toThrow(/an L3 event in an L2 replay/);
    // A later chunk: the row is counted within the chunk, the hint gives its place in the replay.
    const ok = marketEvents([{ ts: 10, kind: "DEPTH", side: 1, price: 100, qty: 1 }], [spec]);
    e.append(ok);
    expect(() => e.append(marketEvents([{ ts: 11, kind: "DEPTH", side: 2, price: 100, qty: 1 }], [spec]))).toThrow(
      /MarketEvents row 0, side: .*That is row 1 of the replay/,
    );
  });

  it("rejects columns of the wrong type or length with a TypeError", () => {
    const e = engine();
    const ev = syntheticMarketEvents({ events: 10, seed: 1 });
    expect(() => e.append({ ...ev, price: new Float64Array(10) as unknown as BigInt64Array })).toThrow(
      /events\.price must be a BigInt64Array of length 10 \(one element per event\), found a Float64Array of length 10/,
    );
    expect(() => e.append({ ...ev, side: new Int8Array(3) })).toThrow(TypeError);
  });
});

describe("malformed request batches", () => {
  const weird = fc.oneof(
    fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.5, 1e300, -1e300, 2 ** 53, 2 ** 62, -(2 ** 62), 255, -1),
    fc.integer({ min: -5, max: 200 }),
    fc.double(),
  );

  it("turn into rejects (or valid orders) and never crash", () => {
    const ev = syntheticMarketEvents({ events: 3_000, seed: 3, levels: 4 });
    fc.assert(
      fc.property(fc.array(fc.array(weird, { minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 40 }), (recs) => {
        const e = engine(false, 1_000_000n);
        e.append(ev);
        e.finish();
        e.run(ev.localTs[0]!);
        const n = Math.min(recs.length, e.requestCapacity);
        for (let k = 0; k < n; k++) e.submit(...(recs[k]! as [number, number, number, number, number, number, number, number]));
        let responses = 0;
        for (;;) {
          const s = e.run((1n << 62n) - 1n);
          responses += e.responseCount;
          for (let i = 0; i < e.responseCount; i++) {
            const r = e.response(i);
            expect(r.kind >= ResponseKind.accepted && r.kind <= ResponseKind.replaceRejected).toBe(true);
          }
          if (s === RunStatus.end) break;
          expect(s === RunStatus.outputFull || s === RunStatus.reached).toBe(true);
        }
        // Every request got at least one response (an accept, a fill, an expiry or a reject).
        expect(responses).toBeGreaterThanOrEqual(n);
        // The engine still works: a valid order afterwards is accepted. The runs above left the clock at 2^62 - 1;
        // run to the end of everything in flight (2^63 - 2, the engine's 'until the end').
        e.submit(Op.new, 1e9, 0, 1, 1, 1);
        e.run((1n << 63n) - 2n);
        expect(e.responseCount).toBeGreaterThan(0);
        expect(e.response(0).kind).toBe(ResponseKind.accepted);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects a bad request count written into the shared header", () => {
    const e = engine();
    e.headerF64[8] = 1e9;
    expect(() => (e as unknown as { addon: { replayRunSync(h: unknown): number }; handle: unknown }).addon.replayRunSync((e as unknown as { handle: unknown }).handle)).toThrow(RangeError);
  });

  it("throws a TypeError for a handle that is not a replay engine", () => {
    const e = engine();
    const addon = (e as unknown as { addon: { replayRunSync(h: unknown): number } }).addon;
    expect(() => addon.replayRunSync({})).toThrow("replayRun: expected a replay engine handle, found an object.");
  });
});

describe("L3 anomalies", () => {
  it("counts events for unknown order ids and keeps going", () => {
    const e = new ReplayEngine({ instruments: [spec], latency: constantLatency({ entryNs: 1, responseNs: 1 }), queue: l3FifoQueue(), fees: noFees() });
    e.append(
      marketEvents(
        [
          { ts: 0, kind: "L3_ADD", side: 1, price: 100, qty: 5, orderId: 1 },
          { ts: 1, kind: "L3_CANCEL", qty: 2, orderId: 9 },
          { ts: 2, kind: "L3_EXECUTE", qty: 2, orderId: 8 },
          { ts: 3, kind: "L3_ADD", side: 1, price: 100, qty: 5, orderId: 1 },
          { ts: 4, kind: "L3_DELETE", orderId: 1 },
          { ts: 5, kind: "L3_DELETE", orderId: 1 },
        ],
        [spec],
      ),
    );
    expect(runToEnd(e)).toBe(RunStatus.end);
    expect(e.stats().l3UnknownIds).toBe(4);
    expect(e.depth(0, 5).bids).toEqual([]);
  });

  it("riskAverse engine rejects L3 rows; L3 engine rejects L2 depth rows", () => {
    const l2 = new ReplayEngine({ instruments: [spec], latency: constantLatency({ entryNs: 1, responseNs: 1 }), queue: riskAverseQueue(), fees: noFees() });
    expect(() => l2.append(marketEvents([{ ts: 0, kind: "L3_DELETE", orderId: 1 }], [spec]))).toThrow(/L3 event in an L2 replay/);
    const l3 = engine(true);
    expect(() => l3.append(marketEvents([{ ts: 0, kind: "DEPTH", side: 1, price: 1, qty: 1 }], [spec]))).toThrow(/L2 depth or BBO event in an L3 replay/);
  });
});
