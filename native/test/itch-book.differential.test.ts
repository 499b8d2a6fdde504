/**
 * The native ITCH book builder against a naive reference (a Map of orders, a Map of levels per stock and side,
 * nothing shared with the native code), on random message sequences that hit every path: adds on top of live
 * references, executions, cancels, deletes and replaces of unknown orders, overfills, replaces onto a live
 * reference, orders named with the wrong stock locate, zero-share orders, levels that empty and come back, and
 * depth limits. Checked after every message: the l2 rows replay into the reference's book (or its top N
 * levels), the bbo rows into its best bid and offer; the orders and trades rows and the anomaly counts equal the
 * reference's exactly.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildBooks } from "../../lib/itch/index.js";
import { encodeMessages, type ItchMessage } from "../../scripts/itch/encode.js";

const STOCKS = ["AAA", "BBB"];
/**
 * References: mostly the first ten, so that orders are often named again (0 and 2^64 - 1 are valid references
 * too), sometimes any of 300.
 */
const REFS = [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 2n ** 64n - 1n, ...Array.from({ length: 290 }, (_, i) => BigInt(1000 + 7 * i))];
/** Prices: mostly the first six, so that levels fill and empty (the largest Price(4) among them), sometimes any of 64. */
const PRICES = [100, 200, 300, 400, 500, 4_294_967_295, ...Array.from({ length: 58 }, (_, i) => 600 + 100 * i)];

type Op =
  | { t: "A" | "F"; ref: number; loc: number; buy: boolean; shares: number; price: number }
  | { t: "E" | "X"; ref: number; loc: number; shares: number }
  | { t: "C"; ref: number; loc: number; shares: number; printable: boolean; price: number }
  | { t: "D"; ref: number; loc: number }
  | { t: "U"; ref: number; newRef: number; loc: number; shares: number; price: number }
  | { t: "P"; loc: number; side: "B" | "S"; shares: number; price: number }
  | { t: "Q"; loc: number; shares: number; price: number }
  | { t: "B"; loc: number };

const pick = (few: number, all: number) =>
  fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: few - 1 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: all - 1 }) });
const ref = pick(10, REFS.length);
const loc = fc.integer({ min: 1, max: STOCKS.length });
const price = pick(6, PRICES.length).map((i) => PRICES[i]!);
/**
 * Prices that move the builder's price window around (native/src/itch/levels.hpp): a busy touch near $50 on the
 * cent grid, levels anywhere from $0.01 to $200 (far outside the window, above and below it), now and then a
 * sub-penny price (the grid changes) and the extremes 0 and 2^32 - 1.
 */
const widePrice = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -12, max: 12 }).map((k) => 100 * (5000 + k)) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((k) => 100 * k) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2_000_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 4_294_967_295) },
);
const shares = fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 1, max: 400 }) }, { weight: 1, arbitrary: fc.constant(0) });

const opsWith = (price: fc.Arbitrary<number>): fc.Arbitrary<Op> => fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constantFrom("A" as const, "F" as const), ref, loc, buy: fc.boolean(), shares, price }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constantFrom("E" as const, "X" as const), ref, loc, shares }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("C" as const), ref, loc, shares, printable: fc.boolean(), price }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("D" as const), ref, loc }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("U" as const), ref, newRef: ref, loc, shares, price }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("P" as const), loc, side: fc.constantFrom("B" as const, "S" as const), shares, price }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("Q" as const), loc, shares, price }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("B" as const), loc }) },
);
const opArb = opsWith(price);
const wideOpArb = opsWith(widePrice);

/** The wire messages: the stock directory, then the operations. */
function messagesOf(ops: Op[]): ItchMessage[] {
  let ts = 34_200_000_000_000;
  let match = 0n;
  const m = (type: ItchMessage["type"], locate: number, fields: Record<string, string | number | bigint>): ItchMessage => ({
    type,
    fields: { stockLocate: locate, trackingNumber: 0, timestamp: (ts += 1000), ...fields },
  });
  const out: ItchMessage[] = STOCKS.map((stock, i) =>
    m("R", i + 1, { stock, marketCategory: "Q", financialStatusIndicator: "N", roundLotSize: 100, roundLotsOnly: "N", issueClassification: "C", issueSubType: "Z", authenticity: "P", shortSaleThresholdIndicator: "N", ipoFlag: "N", luldReferencePriceTier: "1", etpFlag: "N", etpLeverageFactor: 0, inverseIndicator: "N" }),
  );
  for (const o of ops) {
    const stock = STOCKS[o.loc - 1]!;
    switch (o.t) {
      case "A":
      case "F":
        out.push(m(o.t, o.loc, { orderRef: REFS[o.ref]!, side: o.buy ? "B" : "S", shares: o.shares, stock, price: o.price, ...(o.t === "F" ? { attribution: "NITE" } : {}) }));
        break;
      case "E":
        out.push(m("E", o.loc, { orderRef: REFS[o.ref]!, executedShares: o.shares, matchNumber: ++match }));
        break;
      case "C":
        out.push(m("C", o.loc, { orderRef: REFS[o.ref]!, executedShares: o.shares, matchNumber: ++match, printable: o.printable ? "Y" : "N", executionPrice: o.price }));
        break;
      case "X":
        out.push(m("X", o.loc, { orderRef: REFS[o.ref]!, cancelledShares: o.shares }));
        break;
      case "D":
        out.push(m("D", o.loc, { orderRef: REFS[o.ref]! }));
        break;
      case "U":
        out.push(m("U", o.loc, { originalOrderRef: REFS[o.ref]!, newOrderRef: REFS[o.newRef]!, shares: o.shares, price: o.price }));
        break;
      case "P":
        out.push(m("P", o.loc, { orderRef: 0n, side: o.side, shares: o.shares, stock, price: o.price, matchNumber: ++match }));
        break;
      case "Q":
        out.push(m("Q", o.loc, { shares: BigInt(o.shares), stock, crossPrice: o.price, matchNumber: ++match, crossType: "C" }));
        break;
      case "B":
        out.push(m("B", o.loc, { matchNumber: match }));
        break;
    }
  }
  return out;
}

type Row = (number | bigint)[];
interface RefOrder {
  locate: number;
  side: number;
  price: number;
  shares: number;
}

/** The naive book: what the builder's header comment says it does, written the obvious way. */
class NaiveBooks {
  readonly orders = new Map<bigint, RefOrder>();
  /** `${locate}:${side}` -> price -> [shares, orders]. */
  readonly levels = new Map<string, Map<number, [number, number]>>();
  readonly anomalies = { unknownOrderRef: 0, duplicateOrderRef: 0, overfill: 0, locateMismatch: 0, brokenTrades: 0 };
  readonly orderRows: Row[] = [];
  readonly tradeRows: Row[] = [];

  side(locate: number, side: number): Map<number, [number, number]> {
    const k = `${locate}:${side}`;
    let m = this.levels.get(k);
    if (!m) this.levels.set(k, (m = new Map()));
    return m;
  }

  private change(o: RefOrder, shares: number, orders: number): void {
    const m = this.side(o.locate, o.side);
    const l = m.get(o.price) ?? [0, 0];
    l[0] += shares;
    l[1] += orders;
    if (l[1] === 0) m.delete(o.price);
    else m.set(o.price, l);
  }

  private enter(r: bigint, o: RefOrder): void {
    const old = this.orders.get(r);
    if (old) {
      this.anomalies.duplicateOrderRef++;
      this.change(old, -old.shares, -1);
    }
    this.orders.set(r, o);
    this.change(o, o.shares, 1);
  }

  private find(r: bigint, locate: number): RefOrder | undefined {
    const o = this.orders.get(r);
    if (!o) this.anomalies.unknownOrderRef++;
    else if (o.locate !== locate) this.anomalies.locateMismatch++;
    return o;
  }

  apply(op: Op, i: number): void {
    const c = (s: string) => s.charCodeAt(0);
    switch (op.t) {
      case "A":
      case "F": {
        const o = { locate: op.loc, side: op.buy ? 1 : -1, price: op.price, shares: op.shares };
        // The duplicate leaves the book before the new order's row is written, as the old one's level change.
        this.enter(REFS[op.ref]!, o);
        this.orderRows.push([i, op.loc, c(op.t), REFS[op.ref]!, 0n, o.side, o.shares, o.price, o.shares]);
        return;
      }
      case "E":
      case "C":
      case "X": {
        const r = REFS[op.ref]!;
        const o = this.find(r, op.loc);
        if (!o) return;
        let n = op.shares;
        if (n > o.shares) {
          this.anomalies.overfill++;
          n = o.shares;
        }
        const left = o.shares - n;
        if (op.t !== "X") {
          const px = op.t === "C" ? op.price : o.price;
          this.tradeRows.push([i, o.locate, c(op.t), o.side, px, n, r, op.t === "C" && !op.printable ? 0 : 1]);
        }
        this.orderRows.push([i, o.locate, c(op.t), r, 0n, o.side, n, o.price, left]);
        o.shares = left;
        this.change(o, -n, left === 0 ? -1 : 0);
        if (left === 0) this.orders.delete(r);
        return;
      }
      case "D": {
        const r = REFS[op.ref]!;
        const o = this.find(r, op.loc);
        if (!o) return;
        this.orderRows.push([i, o.locate, c("D"), r, 0n, o.side, o.shares, o.price, 0]);
        this.orders.delete(r);
        this.change(o, -o.shares, -1);
        return;
      }
      case "U": {
        const r = REFS[op.ref]!;
        const o = this.find(r, op.loc);
        if (!o) return;
        this.orders.delete(r);
        this.change(o, -o.shares, -1);
        const n = { locate: o.locate, side: o.side, price: op.price, shares: op.shares };
        this.enter(REFS[op.newRef]!, n);
        this.orderRows.push([i, o.locate, c("U"), r, REFS[op.newRef]!, o.side, n.shares, n.price, n.shares]);
        return;
      }
      case "P":
        this.tradeRows.push([i, op.loc, c("P"), op.side === "B" ? 1 : -1, op.price, op.shares, 0n, 1]);
        return;
      case "Q":
        this.tradeRows.push([i, op.loc, c("Q"), 0, op.price, op.shares, 0n, 1]);
        return;
      case "B":
        this.anomalies.brokenTrades++;
        return;
    }
  }

  /** [price, shares, orders] of one side, best first, at most `depth` levels (0: all). */
  top(locate: number, side: number, depth: number): [number, number, number][] {
    const all = [...this.side(locate, side).entries()].sort((a, b) => side * (b[0] - a[0])).map(([p, [s, n]]) => [p, s, n] as [number, number, number]);
    return depth === 0 ? all : all.slice(0, depth);
  }

  bbo(locate: number): number[] {
    const b = this.top(locate, 1, 1)[0];
    const a = this.top(locate, -1, 1)[0];
    return [b?.[0] ?? 0, b?.[1] ?? 0, a?.[0] ?? 0, a?.[1] ?? 0];
  }
}

/** Row `i` of columns `cols`, as the listed columns' values. */
const rowOf = (cols: Record<string, ArrayLike<number | bigint>>, names: string[], i: number): Row => names.map((n) => cols[n]![i]!);

async function check(ops: Op[], depth: number, chunkSize: number): Promise<void> {
  const msgs = messagesOf(ops);
  const r = await buildBooks(encodeMessages(msgs), { levels: depth, chunkSize, batchRows: 64 });
  const ref = new NaiveBooks();
  const first = STOCKS.length; // message index of ops[0]

  // The l2 and bbo rows, replayed message by message, against the reference after each message.
  const view = new Map<string, Map<number, [number, number]>>();
  const bbo = new Map<number, number[]>();
  let l2At = 0;
  let bboAt = 0;
  const l2 = r.l2 as unknown as Record<string, ArrayLike<number>>;
  const q = r.bbo as unknown as Record<string, ArrayLike<number>>;
  for (let k = 0; k < ops.length; k++) {
    const i = first + k;
    ref.apply(ops[k]!, i);
    for (; l2At < r.l2.message.length && r.l2.message[l2At] === i; l2At++) {
      const key = `${l2.locate![l2At]}:${l2.side![l2At]}`;
      const m = view.get(key) ?? new Map<number, [number, number]>();
      view.set(key, m);
      // A level with no order is gone; a level of zero-share orders stays (its rows have shares 0, orders > 0).
      if (l2.orders![l2At] === 0) m.delete(l2.price![l2At]!);
      else m.set(l2.price![l2At]!, [l2.shares![l2At]!, l2.orders![l2At]!]);
    }
    for (; bboAt < r.bbo.message.length && r.bbo.message[bboAt] === i; bboAt++) {
      const row = rowOf(q, ["bidPrice", "bidShares", "askPrice", "askShares"], bboAt) as number[];
      const locate = q.locate![bboAt]!;
      // A bbo row is written only when the best bid or offer changed.
      if (JSON.stringify(row) === JSON.stringify(bbo.get(locate) ?? [0, 0, 0, 0])) expect.fail(`message ${i}: bbo row ${JSON.stringify(row)} repeats the last one of stock ${locate}`);
      bbo.set(locate, row);
    }
    for (let s = 1; s <= STOCKS.length; s++) {
      for (const side of [1, -1]) {
        const got = [...(view.get(`${s}:${side}`) ?? new Map<number, [number, number]>()).entries()]
          .sort((a, b) => side * (b[0] - a[0]))
          .map(([p, [sh, n]]) => [p, sh, n]);
        const want = ref.top(s, side, depth);
        // (compared as strings first: expect() on every message of a long run would dominate the test's time)
        if (JSON.stringify(got) !== JSON.stringify(want)) expect(got, `message ${i}: l2 rows of stock ${s} side ${side}, depth ${depth}`).toEqual(want);
      }
      const got = bbo.get(s) ?? [0, 0, 0, 0];
      if (JSON.stringify(got) !== JSON.stringify(ref.bbo(s))) expect(got, `message ${i}: bbo of stock ${s}`).toEqual(ref.bbo(s));
    }
  }
  expect(l2At, "l2 rows of messages that are not order messages").toBe(r.l2.message.length);
  expect(bboAt, "bbo rows of messages that are not order messages").toBe(r.bbo.message.length);

  const orders = r.orders as unknown as Record<string, ArrayLike<number | bigint>>;
  const orderNames = ["message", "locate", "kind", "orderRef", "newOrderRef", "side", "shares", "price", "remaining"];
  expect(Array.from({ length: r.orders.message.length }, (_, i) => rowOf(orders, orderNames, i))).toEqual(ref.orderRows);
  const trades = r.trades as unknown as Record<string, ArrayLike<number | bigint>>;
  const tradeNames = ["message", "locate", "kind", "side", "price", "shares", "orderRef", "printable"];
  expect(Array.from({ length: r.trades.message.length }, (_, i) => rowOf(trades, tradeNames, i))).toEqual(ref.tradeRows);

  expect(r.anomalies).toMatchObject(ref.anomalies);
  expect(r.liveOrders).toBe(ref.orders.size);
  for (let s = 1; s <= STOCKS.length; s++) {
    const d = r.book.depth(s, 0);
    const side = (x: typeof d.bids) => Array.from(x.price, (p, j) => [p, x.shares[j]!, x.orders[j]!]);
    expect({ bids: side(d.bids), asks: side(d.asks) }).toEqual({ bids: ref.top(s, 1, 0), asks: ref.top(s, -1, 0) });
  }
}

/** check() on random op sequences of up to `maxLength`, each with a depth limit drawn from `depths`. */
async function agreesOnRandomFlow(ops: fc.Arbitrary<Op>, maxLength: number, depths: number[]): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      fc.array(ops, { minLength: 1, maxLength }),
      fc.constantFrom(...depths),
      fc.integer({ min: 7, max: 600 }),
      async (seq, depth, chunkSize) => check(seq, depth, chunkSize),
    ),
    { numRuns: 150 },
  );
}

/** check() on one long seeded sequence, without and with a depth limit. */
async function agreesOnLongRun(ops: fc.Arbitrary<Op>, seed: number, depth: number): Promise<void> {
  const seq = fc.sample(fc.array(ops, { minLength: 20_000, maxLength: 20_000 }), { numRuns: 1, seed })[0]!;
  await check(seq, 0, 1 << 16);
  await check(seq, depth, 4093);
}

describe("ItchBookBuilder against a naive Map-based book (fast-check)", () => {
  it("agrees after every message on random order flow, with and without a depth limit", async () => {
    await agreesOnRandomFlow(opArb, 400, [0, 0, 1, 2, 3]);
  });

  it("agrees on a long run over many levels (levels appear and disappear at every rank)", async () => {
    await agreesOnLongRun(opArb, 7, 2);
  });

  it("agrees when prices jump far from the touch, leave the cent grid and hit 0 and 2^32 - 1", async () => {
    await agreesOnRandomFlow(wideOpArb, 600, [0, 0, 1, 3, 10]);
    await agreesOnLongRun(wideOpArb, 11, 5);
  });
});
