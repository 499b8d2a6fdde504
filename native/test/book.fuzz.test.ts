// Fuzzing the batch boundary of the native matching engine: malformed batches get a clear TypeError, malformed
// values get reject events (the same ones as the reference book), and nothing crashes the process (a crash would
// kill this test worker).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bookAddon } from "../../lib/sim/addon.js";
import { BatchBuilder, OrderBook, ReferenceBook, allocateEventColumns, decodeEvents } from "../../lib/sim/index.js";
import type { BatchColumns } from "../../lib/sim/index.js";

const RUNS = Number(process.env.OMQ_PROPERTY_RUNS ?? 200);

const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);

/** Values that tend to break integer handling, as bigints and as doubles. */
const bigValue = fc.oneof(
  fc.constantFrom(0n, 1n, -1n, 2n, 100n, 101n, I64_MAX, I64_MIN, 1n << 53n, (1n << 53n) - 1n, 1n << 61n, 1n << 62n, -(1n << 62n), (1n << 62n) + 1n),
  fc.bigInt({ min: I64_MIN, max: I64_MAX }),
  fc.bigInt({ min: 95n, max: 105n }),
);
const doubleValue = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, 100, 100.25, NaN, Infinity, -Infinity, 2 ** 53, 2 ** 63, -(2 ** 63), 2 ** 62, 2 ** 64, Number.MAX_VALUE, Number.MIN_VALUE),
  fc.double(),
  fc.integer({ min: 95, max: 105 }),
);

const int64Column = (n: number) =>
  fc.oneof(
    fc.array(bigValue, { minLength: n, maxLength: n }).map((a) => BigInt64Array.from(a)),
    fc.array(doubleValue, { minLength: n, maxLength: n }).map((a) => Float64Array.from(a)),
    fc.constant(undefined),
  );
const u8Column = (n: number) =>
  fc.oneof(
    fc.array(fc.integer({ min: 0, max: 255 }), { minLength: n, maxLength: n }).map((a) => Uint8Array.from(a)),
    fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }).map((a) => Uint8Array.from(a)),
    fc.constant(undefined),
  );

/** Well-formed columns full of bad values: every row must come back as events, never as an exception. */
const badValues = fc.integer({ min: 0, max: 60 }).chain((n) =>
  fc.record({
    op: fc.array(fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 255 })), { minLength: n, maxLength: n }).map((a) => Uint8Array.from(a)),
    id: int64Column(n),
    side: u8Column(n),
    type: u8Column(n),
    tif: u8Column(n),
    price: int64Column(n),
    qty: int64Column(n),
    stopPrice: int64Column(n),
    trail: int64Column(n),
    displayQty: int64Column(n),
    expireNs: int64Column(n),
    ts: int64Column(n),
    owner: fc.oneof(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: n, maxLength: n }).map((a) => Uint32Array.from(a)), fc.constant(undefined)),
    flags: u8Column(n),
  }),
);

function dropUndefined(cols: Record<string, unknown>): BatchColumns {
  return Object.fromEntries(Object.entries(cols).filter(([, v]) => v !== undefined)) as unknown as BatchColumns;
}

describe("native order book under malformed input", () => {
  it("answers batches of bad values with the reference book's events and never throws", () => {
    fc.assert(
      fc.property(fc.array(badValues, { minLength: 1, maxLength: 4 }), (batches) => {
        const book = new OrderBook({ tickSize: 1, stp: "cancelBoth" });
        const ref = new ReferenceBook({ stp: "cancelBoth" });
        for (const raw of batches) {
          const cols = dropUndefined(raw);
          const native = decodeEvents(book.processBatch(cols));
          expect(native).toEqual(decodeEvents(ref.processBatch(cols)));
          expect(book.snapshot()).toEqual(ref.snapshot());
          for (const e of native) expect(e.op).toBeLessThan(cols.op.length);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("throws a TypeError naming the column for structurally malformed batches, and keeps working", () => {
    const anyValue = fc.oneof(
      fc.constantFrom(undefined, null, 0, "x", true, [], {}, new ArrayBuffer(8), new Float32Array(2), new Int32Array(3), new BigUint64Array(2)),
      fc.integer({ min: 0, max: 4 }).map((n) => new Uint8Array(n)),
      fc.integer({ min: 0, max: 4 }).map((n) => new BigInt64Array(n)),
      fc.integer({ min: 0, max: 4 }).map((n) => new Float64Array(n)),
      fc.integer({ min: 0, max: 4 }).map((n) => new Uint32Array(n)),
    );
    const names = ["op", "id", "side", "type", "tif", "price", "qty", "stopPrice", "trail", "displayQty", "expireNs", "ts", "owner", "flags"];
    const book = new OrderBook({ tickSize: 1 });
    let thrown = 0;
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), anyValue), (cols) => {
        try {
          book.processBatch(cols as unknown as BatchColumns);
        } catch (e) {
          thrown++;
          expect(e).toBeInstanceOf(TypeError);
          expect((e as Error).message).toMatch(/^processBatch: columns\.\w+ must be .+, found .+\.$/);
        }
      }),
      { numRuns: RUNS * 5 },
    );
    expect(thrown).toBeGreaterThan(0);
    expect(book.submit({ id: 1, side: "buy", price: 1, qty: 1 })[0]!.type).toBe("accepted");
  });

  it("names what is wrong with a batch", () => {
    const book = new OrderBook({ tickSize: 1 });
    const call = (cols: unknown) => () => book.processBatch(cols as BatchColumns);
    expect(call(undefined)).toThrow(/^processBatch: columns must be an object of typed arrays/);
    expect(call({})).toThrow(/^processBatch: columns\.op must be a Uint8Array .*found undefined\.$/);
    expect(call({ op: [0, 0] })).toThrow(/columns\.op must be a Uint8Array .*found an Array\./);
    expect(call({ op: new Uint8Array(3), price: new Float32Array(3) })).toThrow(
      "processBatch: columns.price must be a BigInt64Array or a Float64Array of length 3 (one element per operation) or undefined, found a Float32Array of length 3.",
    );
    expect(call({ op: new Uint8Array(3), qty: new BigInt64Array(2) })).toThrow(/columns\.qty .* of length 3 .*found a BigInt64Array of length 2\./);
    expect(call({ op: new Uint8Array(1), owner: new Int32Array(1) })).toThrow(/columns\.owner must be a Uint32Array/);
    const ok = new BatchBuilder().submit({ id: 1, side: "buy", price: 1, qty: 1 }).build();
    expect(() => book.processBatch(ok, { into: { ...allocateEventColumns(4), price: new Float64Array(4) } as never })).toThrow(/out\.price must be a BigInt64Array/);
    expect(book.stats().orders).toBe(0); // checked before anything ran
  });

  it("rejects a handle that is not an OrderBook with a TypeError", () => {
    const addon = bookAddon();
    const cols = new BatchBuilder().advanceTime(1).build();
    for (const bad of [undefined, null, 1, {}, new Uint8Array(8), () => 0]) {
      expect(() => addon.bookProcessBatch(bad as never, cols, undefined, false)).toThrow(/^processBatch: expected an OrderBook handle, found /);
      expect(() => addon.bookSnapshot(bad as never)).toThrow(TypeError);
    }
  });

  it("survives a getter that detaches a column's buffer while the batch is read", () => {
    const book = new OrderBook({ tickSize: 1 });
    const op = new Uint8Array([0, 0]);
    const cols = { op, id: new BigInt64Array([1n, 2n]), price: new BigInt64Array([5n, 6n]), qty: new BigInt64Array([1n, 1n]) };
    Object.defineProperty(cols, "flags", {
      enumerable: true,
      get() {
        structuredClone(op.buffer, { transfer: [op.buffer] });
        return undefined;
      },
    });
    expect(() => book.processBatch(cols as BatchColumns)).toThrow(TypeError);
    expect(book.stats().orders).toBe(0);
  });

  it("reads columns that are views into shared or offset buffers", () => {
    const book = new OrderBook({ tickSize: 1 });
    const shared = new SharedArrayBuffer(64);
    const id = new BigInt64Array(shared, 8, 2);
    id.set([7n, 8n]);
    const qty = new BigInt64Array(new ArrayBuffer(40), 16, 2);
    qty.set([3n, 4n]);
    const ev = decodeEvents(book.processBatch({ op: new Uint8Array(2), id, qty, price: new BigInt64Array([10n, 11n]) }));
    expect(ev.map((e) => [e.type, e.orderId, e.qty])).toEqual([["accepted", 7, 3], ["accepted", 8, 4]]);
  });

  it("keeps extreme prices apart on sparse pages of the ladder", () => {
    const book = new OrderBook({ tickSize: 1 });
    const prices = [-(2 ** 52), -1, 0, 255, 256, 2 ** 40, 2 ** 52];
    const b = new BatchBuilder();
    prices.forEach((p, i) => b.submit({ id: i + 1, side: "buy", price: p, qty: 1 }));
    book.processBatch(b.build());
    expect(book.depth(100).bids.map((l) => l.price)).toEqual([...prices].reverse());
    for (let i = prices.length; i >= 1; i--) book.cancel(i);
    expect(book.bbo()).toEqual({ bid: undefined, ask: undefined });
    expect(book.submit({ id: 9, side: "sell", type: "market", qty: 1 }).at(-1)!.type).toBe("cancelled");
  });
});
