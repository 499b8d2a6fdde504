/**
 * Matching engine throughput on the exchange-core mix, through the TypeScript batch API, against
 * nodejs-order-book (the peer) on the same operation stream in the same run.
 *
 * Data: a seeded stream (mulberry32) of OPS operations generated up front: 82% move (replace to a nearby price,
 * keeping the quantity; a move up to the opposite touch trades), 9% GTC limit, 6% cancel, 3% IOC, on a book held
 * around 1,000 resting orders over about 750 price levels (averages measured and printed). The generator keeps
 * an exact view of the book through a shadow native book, so every move and cancel targets a live order. A
 * pre-fill of 1,000 orders is applied (untimed) to both engines before the timed stream.
 *
 * Ours: `OrderBook.processBatch` in batches of BATCH operations written into reused event columns (`into`),
 * RUNS runs, each on a fresh book. Value: operations per second from the sum over batches of each batch's median
 * time across runs (robust to a batch being preempted now and then on a shared machine); the plain wall-clock
 * median/best and a CPU-time figure are printed too. The peer is timed the same way over PEER_RUNS runs
 * (`limit` for GTC/IOC, `modify(id, { price })`, `cancel`).
 * Latency: a separate run with `measureLatency`, which times every operation inside C++ with the steady clock
 * into a log-linear histogram (two clock reads per operation, so that run is slower): p50/p99/p99.9 per
 * operation. Batch-derived latency (batch time / batch size) is printed too.
 * Sanity: the final books of both engines must be identical level by level (`final_book_equals_peer`).
 *
 * Run: npm run bench -- matching   (OMQ_BENCH_MATCHING_OPS, _RUNS, _PEER_RUNS, _BATCH change the sizes)
 */
import { OrderBook as PeerBook } from "nodejs-order-book";
import type { Side as PeerSide } from "nodejs-order-book";
import { bookAddon } from "../../lib/sim/addon.js";
import { EventType, Flag, Op, OrderBook, TimeInForce, allocateEventColumns } from "../../lib/sim/index.js";
import type { BatchColumns } from "../../lib/sim/index.js";
import { machine, prng, report } from "./lib.js";

const OPS = Number(process.env.OMQ_BENCH_MATCHING_OPS ?? 3_000_000);
const RUNS = Number(process.env.OMQ_BENCH_MATCHING_RUNS ?? 7);
const PEER_RUNS = Number(process.env.OMQ_BENCH_MATCHING_PEER_RUNS ?? 2);
const BATCH = Number(process.env.OMQ_BENCH_MATCHING_BATCH ?? 8192);
const SEED = 20240607;
const TARGET_ORDERS = 1000;
const SPREAD = 1200; // passive orders sit within SPREAD ticks of the mid
const MID0 = 1_000_000;

// --- the stream --------------------------------------------------------------------------------------------------

const KIND_MOVE = 0;
const KIND_GTC = 1;
const KIND_CANCEL = 2;
const KIND_IOC = 3;

interface Stream {
  cols: Required<Pick<BatchColumns, "op" | "id" | "side" | "tif" | "price" | "qty" | "flags">>;
  kind: Uint8Array;
  n: number;
}

function allocate(n: number): Stream {
  return {
    cols: {
      op: new Uint8Array(n),
      id: new BigInt64Array(n),
      side: new Uint8Array(n),
      tif: new Uint8Array(n),
      price: new BigInt64Array(n),
      qty: new BigInt64Array(n),
      flags: new Uint8Array(n),
    },
    kind: new Uint8Array(n),
    n,
  };
}

/**
 * Generates the pre-fill and the timed stream with an exact view of the book. Operations that cannot trade have
 * effects known in advance (a move changes a price, a passive GTC rests, a cancel removes), so they are applied to
 * the generator's state at once and sent to a shadow native book in runs; an operation that may trade (an IOC, or
 * a GTC or move at or through the opposite touch) first flushes the run, then goes alone, and its events update
 * the state. The touch estimate is exact after every flush and only ever too aggressive in between (an
 * improvement is seen at once, a retreat at the next flush), so "cannot trade" is never wrong.
 */
function generate(ops: number) {
  const rnd = prng(SEED);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const addon = bookAddon();
  const shadow = addon.bookCreate({ minPrice: -(1n << 62n), maxPrice: 1n << 62n, stp: 0 });
  const out = allocateEventColumns(1 << 16);

  const maxIds = TARGET_ORDERS + ops + 1;
  const live: number[] = [];
  const pos = new Int32Array(maxIds).fill(-1);
  const sideOf = new Uint8Array(maxIds);
  const priceOf = new Float64Array(maxIds);
  let nextId = 1;
  const stats = { levels: 0, orders: 0, samples: 0, trades: 0 };

  const add = (id: number) => {
    pos[id] = live.length;
    live.push(id);
  };
  const drop = (id: number) => {
    const p = pos[id]!;
    if (p < 0) return;
    const last = live.pop()!;
    if (last !== id) {
      live[p] = last;
      pos[last] = p;
    }
    pos[id] = -1;
  };

  // The touch: passive prices are placed around its mid, IOCs at its far side.
  let bestBid = MID0 - 1;
  let bestAsk = MID0 + 1;
  let mid = MID0;
  const follow = () => {
    const t = addon.bookTop(shadow);
    bestBid = t.bid ? t.bid.price : (t.ask ? t.ask.price : mid) - 2;
    bestAsk = t.ask ? t.ask.price : bestBid + 2;
    mid = Math.round((bestBid + bestAsk) / 2);
  };
  const improve = (side: number, price: number) => {
    if (side === 0 && price > bestBid) bestBid = price;
    if (side === 1 && price < bestAsk) bestAsk = price;
  };

  let s: Stream = allocate(0);
  let pending = 0; // first row not yet sent to the shadow book

  const shadowRows = (from: number, to: number): number => {
    const c = s.cols;
    const cols = {
      op: c.op.subarray(from, to), id: c.id.subarray(from, to), side: c.side.subarray(from, to), tif: c.tif.subarray(from, to),
      price: c.price.subarray(from, to), qty: c.qty.subarray(from, to), flags: c.flags.subarray(from, to),
    };
    return addon.bookProcessBatch(shadow, cols, out, false) as number;
  };
  const flush = (to: number) => {
    if (to > pending) {
      const count = shadowRows(pending, to);
      for (let k = 0; k < count; k++) {
        if (out.type[k] === EventType.trade || out.type[k] === EventType.rejected) throw new Error("generator: a row sent as passive traded or was rejected");
      }
      pending = to;
    }
    follow();
  };
  /** Sends row i alone (it may trade) and follows its events. */
  const trading = (i: number, kind: number) => {
    flush(i);
    const count = shadowRows(i, i + 1);
    pending = i + 1;
    for (let k = 0; k < count; k++) {
      const t = out.type[k]!;
      const id = Number(out.orderId[k]);
      if (t === EventType.accepted && kind === KIND_GTC) add(id);
      else if (t === EventType.filled || t === EventType.cancelled) drop(id);
      else if (t === EventType.replaced) priceOf[id] = Number(out.price[k]);
      else if (t === EventType.trade) stats.trades++;
    }
    follow();
  };

  const put = (i: number, op: number, id: number, side: number, tif: number, price: number, qty: number, flags: number) => {
    const c = s.cols;
    c.op[i] = op;
    c.id[i] = BigInt(id);
    c.side[i] = side;
    c.tif[i] = tif;
    c.price[i] = BigInt(price);
    c.qty[i] = BigInt(qty);
    c.flags[i] = flags;
  };

  /** A GTC order: passive within SPREAD ticks of the mid, or at the opposite touch with probability `aggressive`. */
  const gtc = (i: number, aggressive: number) => {
    const id = nextId++;
    const side = int(0, 1);
    let price: number;
    if (rnd() < aggressive) {
      price = side === 0 ? bestAsk : bestBid;
    } else {
      const d = int(1, SPREAD);
      price = side === 0 ? Math.min(mid - d, bestAsk - 1) : Math.max(mid + d, bestBid + 1);
    }
    sideOf[id] = side;
    priceOf[id] = price;
    put(i, Op.submit, id, side, TimeInForce.GTC, price, int(1, 50), 0);
    if (side === 0 ? price >= bestAsk : price <= bestBid) return trading(i, KIND_GTC);
    add(id);
    improve(side, price);
  };

  // Pre-fill: passive GTC orders up to the target.
  const prefill = allocate(TARGET_ORDERS);
  s = prefill;
  for (let i = 0; i < TARGET_ORDERS; i++) gtc(i, 0);
  flush(TARGET_ORDERS);

  const stream = allocate(ops);
  s = stream;
  pending = 0;
  const mix = [0, 0, 0, 0];
  for (let i = 0; i < ops; i++) {
    const u = rnd();
    let kind = u < 0.82 ? KIND_MOVE : u < 0.91 ? KIND_GTC : u < 0.97 ? KIND_CANCEL : KIND_IOC;
    if ((kind === KIND_MOVE || kind === KIND_CANCEL) && live.length === 0) kind = KIND_GTC;
    mix[kind]!++;
    stream.kind[i] = kind;
    if (kind === KIND_MOVE) {
      // A nearby price, kept within the passive band (reflecting at its far edge); at most up to the opposite
      // touch, where it trades with the best level.
      const id = live[int(0, live.length - 1)]!;
      const side = sideOf[id]!;
      let price = priceOf[id]! + (rnd() < 0.5 ? -int(1, 8) : int(1, 8));
      const far = side === 0 ? mid - SPREAD : mid + SPREAD;
      if (side === 0 ? price < far : price > far) price = 2 * far - price;
      if (side === 0 ? price > bestAsk : price < bestBid) price = side === 0 ? bestAsk : bestBid;
      if (price === priceOf[id]) price += side === 0 ? -1 : 1;
      put(i, Op.replace, id, side, 0, price, 0, Flag.keepQty);
      if (side === 0 ? price >= bestAsk : price <= bestBid) {
        trading(i, KIND_MOVE);
      } else {
        priceOf[id] = price;
        improve(side, price);
      }
    } else if (kind === KIND_GTC) {
      gtc(i, live.length > TARGET_ORDERS ? 0.2 : 0.02);
    } else if (kind === KIND_CANCEL) {
      const id = live[int(0, live.length - 1)]!;
      put(i, Op.cancel, id, sideOf[id]!, 0, 0, 0, 0);
      drop(id);
    } else {
      const id = nextId++;
      const side = int(0, 1);
      sideOf[id] = side;
      const price = side === 0 ? bestAsk + int(0, 2) : bestBid - int(0, 2);
      put(i, Op.submit, id, side, TimeInForce.IOC, price, live.length > TARGET_ORDERS ? int(20, 150) : int(1, 30), 0);
      trading(i, KIND_IOC);
    }
    if (i + 1 - pending >= 64) flush(i + 1);
    if ((i & 1023) === 1023) {
      flush(i + 1);
      const st = addon.bookStats(shadow);
      stats.levels += st.bidLevels + st.askLevels;
      stats.orders += st.orders;
      stats.samples++;
    }
  }
  flush(ops);
  return {
    prefill,
    stream,
    mix: mix.map((m) => m / ops),
    avgLevels: stats.levels / stats.samples,
    avgOrders: stats.orders / stats.samples,
    trades: stats.trades,
    maxId: nextId,
  };
}

// --- ours --------------------------------------------------------------------------------------------------------

function chunks(s: Stream, size: number): BatchColumns[] {
  const out: BatchColumns[] = [];
  for (let from = 0; from < s.n; from += size) {
    const to = Math.min(s.n, from + size);
    out.push({
      op: s.cols.op.subarray(from, to),
      id: s.cols.id.subarray(from, to),
      side: s.cols.side.subarray(from, to),
      tif: s.cols.tif.subarray(from, to),
      price: s.cols.price.subarray(from, to),
      qty: s.cols.qty.subarray(from, to),
      flags: s.cols.flags.subarray(from, to),
    });
  }
  return out;
}

function runOurs(prefill: Stream, batches: BatchColumns[], measureLatency: boolean) {
  const book = new OrderBook({ tickSize: 0.01 });
  const into = allocateEventColumns(BATCH * 4);
  book.processBatch(prefill.cols);
  let events = 0;
  let trades = 0;
  let rejects = 0;
  const batchNs: number[] = [];
  let ns = 0;
  let cpuUs = 0;
  for (const b of batches) {
    const cpu0 = process.cpuUsage();
    const tb = process.hrtime.bigint();
    const ev = book.processBatch(b, { into, measureLatency });
    const dt = Number(process.hrtime.bigint() - tb);
    const cpu = process.cpuUsage(cpu0);
    cpuUs += cpu.user + cpu.system;
    ns += dt;
    batchNs.push(dt);
    // reading the events is the caller's business: outside the timed call
    events += ev.count;
    for (let k = 0; k < ev.count; k++) {
      if (ev.type[k] === EventType.trade) trades++;
      else if (ev.type[k] === EventType.rejected) rejects++;
    }
  }
  return { ns, cpuUs, events, trades, rejects, batchNs, book };
}

// --- peer --------------------------------------------------------------------------------------------------------

function runPeer(prefill: Stream, stream: Stream, maxId: number) {
  const ids: string[] = new Array(maxId);
  for (let i = 0; i < maxId; i++) ids[i] = String(i);
  const sides: PeerSide[] = ["buy" as PeerSide, "sell" as PeerSide];
  const n = stream.n;
  const id = Int32Array.from(stream.cols.id, Number);
  const price = Float64Array.from(stream.cols.price, Number);
  const qty = Float64Array.from(stream.cols.qty, Number);
  const side = stream.cols.side;
  const ob = new PeerBook();
  for (let i = 0; i < prefill.n; i++) {
    ob.limit({ id: ids[Number(prefill.cols.id[i])]!, side: sides[prefill.cols.side[i]!]!, size: Number(prefill.cols.qty[i]), price: Number(prefill.cols.price[i]) });
  }
  let errors = 0;
  const ioc = "IOC" as never;
  const batchNs: number[] = [];
  for (let from = 0; from < n; from += BATCH) {
    const to = Math.min(n, from + BATCH);
    const t0 = process.hrtime.bigint();
    for (let i = from; i < to; i++) {
      const kind = stream.kind[i]!;
      if (kind === KIND_MOVE) {
        if (ob.modify(ids[id[i]!]!, { price: price[i]! }).err !== null) errors++;
      } else if (kind === KIND_GTC) {
        if (ob.limit({ id: ids[id[i]!]!, side: sides[side[i]!]!, size: qty[i]!, price: price[i]! }).err !== null) errors++;
      } else if (kind === KIND_CANCEL) {
        if (ob.cancel(ids[id[i]!]!) === undefined) errors++;
      } else if (ob.limit({ id: ids[id[i]!]!, side: sides[side[i]!]!, size: qty[i]!, price: price[i]!, timeInForce: ioc }).err !== null) {
        errors++;
      }
    }
    batchNs.push(Number(process.hrtime.bigint() - t0));
  }
  const [asks, bids] = ob.depth();
  return { batchNs, errors, depth: { bids: bids.map(([p, q]) => [p, q]), asks: asks.map(([p, q]) => [p, q]) } };
}

// --- run ---------------------------------------------------------------------------------------------------------

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Throughput from per-batch times: each batch's median over the runs, summed. A batch (~0.5 ms) preempted in a
 * minority of runs does not count, which keeps the figure meaningful on a shared machine; plain wall-clock and
 * CPU-time figures are reported beside it.
 */
function robustOpsPerSec(runsBatchNs: number[][]): number {
  let total = 0;
  for (let b = 0; b < runsBatchNs[0]!.length; b++) total += median(runsBatchNs.map((r) => r[b]!));
  return (OPS / total) * 1e9;
}

const tg = performance.now();
const gen = generate(OPS);
const genMs = performance.now() - tg;
const batches = chunks(gen.stream, BATCH);

runOurs(gen.prefill, batches, false); // warm-up
const runs = Array.from({ length: RUNS }, () => runOurs(gen.prefill, batches, false));
const value = robustOpsPerSec(runs.map((r) => r.batchNs));
const wallOps = runs.map((r) => (OPS / r.ns) * 1e9);
const cpuOps = runs.map((r) => (OPS / r.cpuUs) * 1e6);
const perOpNs = runs.flatMap((r) => r.batchNs.map((ns, b) => ns / batches[b]!.op.length));

const lat = runOurs(gen.prefill, batches, true);
const l = lat.book.latency();

const peerRuns = Array.from({ length: PEER_RUNS }, () => runPeer(gen.prefill, gen.stream, gen.maxId));
const peerOps = robustOpsPerSec(peerRuns.map((r) => r.batchNs));
const peer = peerRuns[0]!;
// Same semantics, same stream: the final books must agree level by level.
const ourDepth = lat.book.depth(1_000_000);
const sameBook =
  JSON.stringify({ bids: ourDepth.bids.map((l) => [l.price, l.qty]), asks: ourDepth.asks.map((l) => [l.price, l.qty]) }) ===
  JSON.stringify({ bids: [...peer.depth.bids].sort((a, b) => b[0]! - a[0]!), asks: [...peer.depth.asks].sort((a, b) => a[0]! - b[0]!) });

report({
  bench: "matching_exchange_core_mix",
  value: round(value),
  unit: "ops/s",
  peer: "nodejs-order-book 10.1.1",
  peer_value: round(peerOps),
  ratio: round(value / peerOps, 2),
  api: `OrderBook.processBatch, batches of ${BATCH} ops, reused event columns`,
  value_method: `sum over batches of each batch's median wall time over ${RUNS} runs (peer: same, ${PEER_RUNS} runs)`,
  ops: OPS,
  runs: RUNS,
  wall_median_ops_per_sec: round(median(wallOps)),
  wall_best_ops_per_sec: round(Math.max(...wallOps)),
  cpu_time_median_ops_per_sec: round(median(cpuOps)),
  latency_method: "per operation in C++ (steady_clock around each op into a log-linear histogram), separate instrumented run",
  p50_ns: round(l.p50Ns),
  p99_ns: round(l.p99Ns),
  p999_ns: round(l.p999Ns),
  instrumented_ops_per_sec: round((OPS / lat.ns) * 1e9),
  batch_latency_method: "batch wall time / batch size, over all timed batches",
  batch_p50_ns: round(quantile(perOpNs, 0.5), 1),
  batch_p99_ns: round(quantile(perOpNs, 0.99), 1),
  mix: { move: round(gen.mix[KIND_MOVE]!, 4), gtc: round(gen.mix[KIND_GTC]!, 4), cancel: round(gen.mix[KIND_CANCEL]!, 4), ioc: round(gen.mix[KIND_IOC]!, 4) },
  avg_resting_orders: round(gen.avgOrders),
  avg_levels: round(gen.avgLevels),
  events: runs[0]!.events,
  trades: runs[0]!.trades,
  rejects: runs[0]!.rejects,
  peer_errors: peer.errors,
  final_book_equals_peer: sameBook,
  generate_ms: round(genMs),
  seed: SEED,
  ...machine(),
});
