/**
 * A seeded generator of synthetic L2 market events (MarketEvents columns) for tests, examples and benchmarks when
 * no capture is at hand. The same options give the same events.
 *
 * The stream starts with a snapshot (DEPTH_CLEAR then DEPTH_SNAPSHOT rows, `levels` per side around `mid0`) and
 * then mixes, per step: level updates (adds and cancels at a geometric distance from the touch), trades (an
 * aggressor takes up to the touch quantity, printed as a TRADE followed by the DEPTH update of the touch, as a
 * real feed does), and quotes improving inside the spread. The book it describes is kept internally, so every
 * DEPTH row is consistent with the ones before it and trades happen at the touch. Exchange timestamps advance by
 * exponential gaps; local timestamps add a jittered feed latency, and rows are sorted by localTs (so exchTs is
 * only nearly sorted, as in real captures).
 */
import type { InstrumentSpec, MarketEvents } from "../../data/market/events.js";
import { EventKind } from "../../data/market/events.js";
import { mulberry32 } from "../../util/prng.js";

export interface SyntheticOptions {
  seed?: number;
  /** Number of rows to produce (the snapshot counts). */
  events: number;
  /** Levels per side in the snapshot (default 20). */
  levels?: number;
  /** Mid price at the start, in ticks (default 1_000_000). */
  mid0?: number;
  /** First exchange timestamp (ns since the epoch, default 2024-08-08T00:00:00Z). */
  startNs?: bigint;
  /** Mean gap between exchange events (ns, default 200 µs). */
  meanGapNs?: number;
  /** Mean feed latency (ns, default 1 ms) and its jitter (uniform +-, default 0.3 ms). */
  feedLatencyNs?: number;
  feedJitterNs?: number;
  /** Probability that a step is a trade (default 0.2). */
  tradeProb?: number;
  /** Typical level quantity in lots (default 50). */
  levelQty?: number;
  /** Instrument description (default tick 0.01, lot 0.001). */
  instrument?: InstrumentSpec;
}

interface RawRow {
  exch: number;
  local: number;
  kind: number;
  side: number;
  price: number;
  qty: number;
}

export function syntheticMarketEvents(opts: SyntheticOptions): MarketEvents {
  const rnd = mulberry32(opts.seed ?? 1);
  const n = Math.max(0, Math.floor(opts.events));
  const levels = opts.levels ?? 20;
  const mid0 = opts.mid0 ?? 1_000_000;
  const meanGap = opts.meanGapNs ?? 200_000;
  const feed = opts.feedLatencyNs ?? 1_000_000;
  const jitter = opts.feedJitterNs ?? 300_000;
  const tradeProb = opts.tradeProb ?? 0.2;
  const levelQty = opts.levelQty ?? 50;
  const start = opts.startNs ?? 1_723_075_200_000_000_000n;
  const instrument = opts.instrument ?? { symbol: "SYNTH", tickSize: 0.01, lotSize: 0.001, venue: "synthetic" };

  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  let bestBid = mid0 - 1;
  let bestAsk = mid0 + 1;
  const rows: RawRow[] = [];
  let t = 0; // ns after start (exchange)
  const qtyDraw = () => 1 + Math.floor(rnd() * 2 * levelQty);
  const push = (kind: number, side: number, price: number, qty: number) => {
    const local = t + feed + Math.round((rnd() * 2 - 1) * jitter);
    rows.push({ exch: t, local: Math.max(local, t), kind, side, price, qty });
  };
  const findBest = (m: Map<number, number>, isBid: boolean, from: number) => {
    // The book is dense near the touch; scan outward from the old best.
    if (m.size === 0) return isBid ? mid0 - 1 : mid0 + 1;
    let best = isBid ? -Infinity : Infinity;
    for (const p of m.keys()) if (isBid ? p > best : p < best) best = p;
    return Number.isFinite(best) ? best : from;
  };

  // Snapshot.
  push(EventKind.DEPTH_CLEAR, 0, 0, 0);
  for (let i = 0; i < levels && rows.length < n; i++) {
    const bp = mid0 - 1 - i;
    const ap = mid0 + 1 + i;
    const bq = qtyDraw();
    const aq = qtyDraw();
    bids.set(bp, bq);
    asks.set(ap, aq);
    push(EventKind.DEPTH_SNAPSHOT, 1, bp, bq);
    if (rows.length < n) push(EventKind.DEPTH_SNAPSHOT, -1, ap, aq);
  }

  while (rows.length < n) {
    t += Math.max(1, Math.round(-Math.log(1 - rnd()) * meanGap));
    const u = rnd();
    const isBid = rnd() < 0.5;
    const book = isBid ? bids : asks;
    const side = isBid ? 1 : -1;
    if (u < tradeProb) {
      // An aggressor takes from the touch on `side` (the aggressor is the other side).
      const best = isBid ? bestBid : bestAsk;
      const have = book.get(best) ?? 0;
      if (have <= 0) continue;
      const q = 1 + Math.floor(rnd() * Math.min(have, levelQty));
      push(EventKind.TRADE, -side, best, q);
      if (rows.length >= n) break;
      const left = have - q;
      if (left > 0) book.set(best, left);
      else book.delete(best);
      push(EventKind.DEPTH, side, best, left);
      if (left === 0) {
        if (isBid) bestBid = findBest(bids, true, bestBid);
        else bestAsk = findBest(asks, false, bestAsk);
      }
      // Keep some depth: refill the far end.
      if (book.size < levels / 2 && rows.length < n) {
        const far = isBid ? bestBid - levels : bestAsk + levels;
        const q2 = qtyDraw();
        book.set(far, (book.get(far) ?? 0) + q2);
        push(EventKind.DEPTH, side, far, book.get(far)!);
      }
    } else if (u < tradeProb + 0.05 && bestAsk - bestBid > 1) {
      // A quote improves inside the spread.
      const p = isBid ? bestBid + 1 : bestAsk - 1;
      const q = qtyDraw();
      book.set(p, q);
      push(EventKind.DEPTH, side, p, q);
      if (isBid) bestBid = p;
      else bestAsk = p;
    } else {
      // Add to or cancel from a level near the touch.
      let d = 0;
      while (rnd() < 0.6 && d < levels) d++;
      const best = isBid ? bestBid : bestAsk;
      const p = isBid ? best - d : best + d;
      const have = book.get(p) ?? 0;
      let q: number;
      if (have > 0 && rnd() < 0.5) q = Math.max(0, have - 1 - Math.floor(rnd() * Math.min(have, levelQty)));
      else q = have + qtyDraw();
      if (q > 0) book.set(p, q);
      else book.delete(p);
      push(EventKind.DEPTH, side, p, q);
      if (q === 0 && p === best) {
        if (isBid) bestBid = findBest(bids, true, bestBid);
        else bestAsk = findBest(asks, false, bestAsk);
      }
      if (book.size > 3 * levels && rows.length < n) {
        // Forget the farthest level so the book stays near the touch.
        let far = best;
        for (const k of book.keys()) if (isBid ? k < far : k > far) far = k;
        book.delete(far);
        push(EventKind.DEPTH, side, far, 0);
      }
      if (bids.size === 0 || asks.size === 0) {
        // Never leave a side empty for long: re-quote one tick off the other side.
        const other = bids.size === 0 ? bestAsk : bestBid;
        const s = bids.size === 0 ? 1 : -1;
        const np = s > 0 ? other - 1 : other + 1;
        const nq = qtyDraw();
        (s > 0 ? bids : asks).set(np, nq);
        if (s > 0) bestBid = np;
        else bestAsk = np;
        if (rows.length < n) push(EventKind.DEPTH, s, np, nq);
      }
    }
  }
  rows.length = Math.min(rows.length, n);
  // Sorted by local time (stable: ties keep generation order).
  const order = rows.map((_, i) => i).sort((a, b) => rows[a]!.local - rows[b]!.local || a - b);
  const m = order.length;
  const ev: MarketEvents = {
    exchTs: new BigInt64Array(m),
    localTs: new BigInt64Array(m),
    kind: new Uint8Array(m),
    side: new Int8Array(m),
    price: new BigInt64Array(m),
    qty: new BigInt64Array(m),
    orderId: new BigUint64Array(m),
    instrument: new Uint16Array(m),
    instruments: [instrument],
  };
  for (let i = 0; i < m; i++) {
    const r = rows[order[i]!]!;
    ev.exchTs[i] = start + BigInt(r.exch);
    ev.localTs[i] = start + BigInt(r.local);
    ev.kind[i] = r.kind;
    ev.side[i] = r.side;
    ev.price[i] = BigInt(r.price);
    ev.qty[i] = BigInt(r.qty);
  }
  return ev;
}
