/**
 * Replay-engine throughput (issue 4) on the Binance USD-M BTCUSDT capture of 2024-08-08 (hftbacktest's collector
 * format, datasets/orderbook/hftbacktest_binance_usdm_btcusdt_20240808.gz: ~599k MarketEvents rows of depth
 * updates, trades and BBO over ~345 s), loaded once with `loadBinanceCapture` (`correctLocalTs: true`, as its
 * replay needs: the capture's local clock is ~1.27 s behind Binance's).
 *
 * Every run: constant latency 1 ms entry + 1 ms response, the probabilistic queue `powerProbQueue(2)`, maker
 * -0.5 bp / taker 2 bp, partial fills. Values are events/s = local market rows replayed / wall seconds around the
 * run (appending the data included).
 *  - replay_btcusdt_100ms: `Backtest.run(quoteAroundMid)` (a TypeScript strategy through the StrategyContext,
 *    woken every 100 ms of market time, joining the touch with 10 lots, position limit 100) on the capture
 *    repeated K times with time shifts (`repeatedEvents`, no copy) so that K x rows >= 50M. The order log is off
 *    (`recordOrders(false)`, optional); fills, equity samples every 1 s and trade prints are kept. Target: 5M
 *    events/s (hftbacktest runs a BTCUSDT day in ~1 min 49 s, ~1M events/s).
 *  - replay_btcusdt_every_event: the same strategy woken on every local event (`waitNext`: every market row and
 *    response), on the main line's passes if a one-pass calibration run predicts they take at most
 *    EVERY_EVENT_SECONDS (60) of wall time, else on as many passes as fit (at least one).
 *  - replay_engine_vs_reference: the native `ReplayEngine` and the plain TypeScript `ReferenceReplay` (same
 *    semantics; the oracle of reference.property.test.ts) driven by the same hand-written loop (every 100 ms of
 *    market time: run to that time, then quote a bid and an ask at the touch as quoteAroundMid does) on the
 *    first REF_ROWS (100,000) rows of the capture, data appended to both in chunks of 65,536 rows. Both must
 *    produce the same responses and final accounts (`reference_agrees`). The native loop's rate on the whole
 *    capture is reported beside it.
 * Peer: the reference cannot run through Backtest/StrategyContext (it has no shared-buffer interface), so the peer
 * of the first two lines is the reference's events/s from the hand-written loop, measured in the same run on the
 * same capture (its first 100,000 rows, where the reference is fastest: see REF_ROWS) with the same models and
 * the same 100 ms cadence (`peer_note`).
 *
 * Run: npm run bench -- replay   (~1.5 min; OMQ_BENCH_REPLAY_EVENTS=5000000 for a quick run;
 * OMQ_BENCH_REPLAY_EVERY_SECONDS sets the every-event budget; OMQ_BENCH_REPLAY_REF_ROWS the reference's rows)
 */
import os from "node:os";
import {
  Backtest,
  Op,
  ReferenceReplay,
  ReplayEngine,
  ResponseKind,
  RunStatus,
  constantLatency,
  makerTaker,
  powerProbQueue,
  quoteAroundMid,
  repeatedEvents,
  type QuoteAroundMidParams,
} from "../../lib/backtest/index.js";
import { OrderTypeCode, TifCode } from "../../lib/backtest/replay/codes.js";
import { datasetPath } from "../../lib/data/datasets.js";
import type { MarketEvents } from "../../lib/data/market/events.js";
import { loadBinanceCapture } from "../../lib/data/market/binance-capture.js";
import { nativeInfo } from "../../lib/native/index.js";
import { machine, report } from "./lib.js";

const TARGET_EVENTS = Number(process.env.OMQ_BENCH_REPLAY_EVENTS ?? 50_000_000);
const EVERY_EVENT_SECONDS = Number(process.env.OMQ_BENCH_REPLAY_EVERY_SECONDS ?? 60);
const CHUNK_ROWS = 1 << 20;
/**
 * Chunk size of the hand-written loop, the same for both engines (each sorts a chunk by exchTs on its own, so the
 * chunking must match for identical results).
 */
const LOOP_CHUNK_ROWS = 1 << 16;
/**
 * Rows of the capture the reference replays (its first ~55 s of market time). The reference's book is a Map that
 * it scans for the best price on every depth row and sorts on every BBO row, so its cost per event grows with the
 * book (2,000 levels per side at the start of this capture, 5,000 at the end): a whole pass took 274 s (2.2k
 * events/s) against ~6k events/s on this prefix. The prefix keeps the benchmark short and flatters the peer.
 */
const REF_ROWS = 100_000;
const STEP_NS = 100_000_000n;
const ENTRY_NS = 1_000_000n;
const RESPONSE_NS = 1_000_000n;
const QUEUE_N = 2;
const MAKER = -0.00005;
const TAKER = 0.0002;
const PARAMS: QuoteAroundMidParams = { stepNs: STEP_NS, halfSpread: 0, qty: 10, maxPosition: 100 };
const FILE = "orderbook/hftbacktest_binance_usdm_btcusdt_20240808.gz";

const log = (s: string) => process.stderr.write(`replay.bench: ${s}\n`);
const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
const fmt = (n: number) => n.toLocaleString("en-US");
const benchStart = performance.now();

// --- data --------------------------------------------------------------------------------------------------------

const tLoad = performance.now();
const capture = await loadBinanceCapture(datasetPath(FILE), { correctLocalTs: true });
const loadMs = performance.now() - tLoad;
const events = capture.events;
const ROWS = events.kind.length;
const spanS = Number(events.localTs[ROWS - 1]! - events.localTs[0]!) / 1e9;
log(`loaded ${FILE}: ${fmt(ROWS)} rows, ${spanS.toFixed(1)} s of market time, in ${(loadMs / 1000).toFixed(2)} s`);

const models = {
  latency: constantLatency({ entryNs: ENTRY_NS, responseNs: RESPONSE_NS }),
  queue: powerProbQueue(QUEUE_N),
  fees: makerTaker(MAKER, TAKER),
};

// --- Backtest + quoteAroundMid -------------------------------------------------------------------------------------

interface StrategyRun {
  events: number;
  wallS: number;
  eventsPerS: number;
  fills: number;
  makerFills: number;
  orders: number;
  pnl: number;
  repeats: number;
}

async function runStrategy(label: string, repeats: number, params: QuoteAroundMidParams): Promise<StrategyRun> {
  const total = repeats * ROWS;
  const bt = Backtest.builder()
    .data(repeatedEvents(events, repeats, { chunkRows: CHUNK_ROWS }), { totalEvents: total })
    .latency(models.latency)
    .queue(models.queue)
    .fees(models.fees)
    .recordOrders(false)
    .build();
  let mark = 10_000_000;
  const t0 = performance.now();
  const r = await bt.run(quoteAroundMid, params, {
    progress: (done) => {
      if (done < mark) return;
      const s = (performance.now() - t0) / 1000;
      log(`${label}: ${fmt(done)} / ${fmt(total)} events, ${s.toFixed(1)} s, ${((done / s) / 1e6).toFixed(2)}M events/s`);
      while (mark <= done) mark += 10_000_000;
    },
  });
  const wallS = (performance.now() - t0) / 1000;
  const s = r.summary;
  return {
    events: s.events,
    wallS,
    eventsPerS: s.events / wallS,
    fills: s.fills,
    makerFills: s.makerFills,
    orders: s.orders,
    pnl: s.pnl,
    repeats,
  };
}

// --- the hand-written loop driving both engines ---------------------------------------------------------------

/** What the loop needs of an engine: run to a time (feeding data), the local top of book, requests. */
interface Sim {
  /** Runs to `until`, appending data when asked and passing every response to `onResponse`; returns the status. */
  run(until: bigint, onResponse: (kind: number, orderId: number, side: number, qty: number, leaves: number) => void): number;
  top(): { bidPrice: number; askPrice: number };
  submit(op: number, id: number, side: number, price: number, qty: number, type: number, tif: number): void;
  rows(): number;
  account(): { position: number; fills: number; cash: bigint; fees: bigint };
}

function nativeSim(ev: MarketEvents, rows: number): Sim {
  const e = new ReplayEngine({ instruments: ev.instruments, ...models, seed: 1 });
  let next = 0;
  return {
    run(until, onResponse) {
      for (;;) {
        const s = e.run(until);
        const n = e.responseCount;
        for (let k = 0; k < n; k++) {
          const r = e.response(k);
          onResponse(r.kind, r.orderId, r.side, r.qty, r.leaves);
        }
        if (s === RunStatus.needData) {
          if (next < rows) {
            const end = Math.min(rows, next + LOOP_CHUNK_ROWS);
            e.append(ev, { start: next, end });
            next = end;
          } else e.finish();
          continue;
        }
        if (s === RunStatus.outputFull) continue;
        return s;
      }
    },
    top: () => e.top(0),
    submit: (op, id, side, price, qty, type, tif) => void e.submit(op, id, 0, side, price, qty, type, tif),
    rows: () => e.rowsLocal,
    account: () => {
      const a = e.totals().exchange[0]!;
      return { position: Number(a.position), fills: a.fills, cash: BigInt(a.cash), fees: BigInt(a.fees) };
    },
  };
}

function referenceSim(ev: MarketEvents, rows: number): Sim & { appendMs: number } {
  const ref = new ReferenceReplay({ instruments: ev.instruments, ...models });
  let next = 0;
  const sim = {
    appendMs: 0,
    run(until: bigint, onResponse: (kind: number, orderId: number, side: number, qty: number, leaves: number) => void) {
      for (;;) {
        const s = ref.run(until);
        for (const r of ref.delivered) onResponse(r.kind, r.orderId, r.side, r.qty, r.leaves);
        if (s === RunStatus.needData) {
          if (next < rows) {
            const end = Math.min(rows, next + LOOP_CHUNK_ROWS);
            const t = performance.now();
            ref.append(sliceEvents(ev, next, end));
            sim.appendMs += performance.now() - t;
            next = end;
          } else ref.finish();
          continue;
        }
        return s;
      }
    },
    top: () => ref.top(0),
    submit: (op: number, id: number, side: number, price: number, qty: number, type: number, tif: number) => ref.submit(op, id, 0, side, price, qty, type, tif),
    rows: () => rows,
    account: () => {
      const a = ref.accounts[0]!;
      return { position: Number(a.position), fills: a.fills, cash: a.cash, fees: a.fees };
    },
  };
  return sim;
}

/** Rows [start, end) of `ev` as views (no copy). */
function sliceEvents(ev: MarketEvents, start: number, end: number): MarketEvents {
  return {
    ...ev,
    exchTs: ev.exchTs.subarray(start, end),
    localTs: ev.localTs.subarray(start, end),
    kind: ev.kind.subarray(start, end),
    side: ev.side.subarray(start, end),
    price: ev.price.subarray(start, end),
    qty: ev.qty.subarray(start, end),
    orderId: ev.orderId.subarray(start, end),
    instrument: ev.instrument.subarray(start, end),
  };
}

interface LoopRun {
  events: number;
  wallS: number;
  eventsPerS: number;
  wakes: number;
  requests: number;
  responses: number;
  /** Responses by kind, for the cross-check. */
  kinds: number[];
  account: ReturnType<Sim["account"]>;
}

/**
 * quoteAroundMid's logic over a raw engine: every STEP_NS of market time, join the touch on both sides with a
 * post-only order of `qty` lots (replace it when the touch moved, cancel it at the position limit).
 */
function quoteLoop(sim: Sim, t0: bigint, label: string, totalSpanNs: bigint, verbose = false): LoopRun {
  const qty = PARAMS.qty!;
  const maxPos = PARAMS.maxPosition!;
  // slot 0: bid, slot 1: ask; status 0 none, 1 pending, 2 open
  const id = [0, 0];
  const status = [0, 0];
  const last = [NaN, NaN];
  const slotOf = new Map<number, number>();
  const kinds = new Array<number>(9).fill(0);
  let pos = 0;
  let nextId = 1;
  let requests = 0;
  let responses = 0;
  let wakes = 0;
  const onResponse = (kind: number, orderId: number, side: number, q: number, leaves: number) => {
    responses++;
    kinds[kind]!++;
    const slot = slotOf.get(orderId);
    if (kind === ResponseKind.fill) pos += side * q;
    if (slot === undefined || id[slot] !== orderId) return;
    if (kind === ResponseKind.accepted || kind === ResponseKind.replaced) status[slot] = 2;
    else if ((kind === ResponseKind.fill && leaves === 0) || kind === ResponseKind.cancelled || kind === ResponseKind.expired || kind === ResponseKind.rejected) {
      status[slot] = 0;
      slotOf.delete(orderId);
    }
  };
  const start = performance.now();
  let nextMark = 0.1;
  let t = t0;
  for (;;) {
    t += STEP_NS;
    const s = sim.run(t, onResponse);
    if (s === RunStatus.end) break;
    wakes++;
    if (Number(t - t0) / Number(totalSpanNs) >= nextMark && verbose) {
      log(`${label}: ${Math.round(nextMark * 100)}% of the market time, ${((performance.now() - start) / 1000).toFixed(1)} s`);
      nextMark += 0.1;
    }
    const top = sim.top();
    if (Number.isNaN(top.bidPrice) || Number.isNaN(top.askPrice)) continue;
    const mid = Math.floor((top.bidPrice + top.askPrice) / 2);
    const px = [mid, mid + ((top.bidPrice + top.askPrice) % 2 === 0 ? 0 : 1)];
    for (let slot = 0; slot < 2; slot++) {
      const side = slot === 0 ? 1 : -1;
      const room = side > 0 ? pos < maxPos : pos > -maxPos;
      if (room) {
        if (status[slot] === 0) {
          const oid = nextId++;
          id[slot] = oid;
          status[slot] = 1;
          slotOf.set(oid, slot);
          sim.submit(Op.new, oid, side, px[slot]!, qty, OrderTypeCode.limit, TifCode.GTX);
          last[slot] = px[slot]!;
          requests++;
        } else if (status[slot] === 2 && px[slot] !== last[slot]) {
          sim.submit(Op.replace, id[slot]!, side, px[slot]!, qty, 0, 0);
          last[slot] = px[slot]!;
          requests++;
        }
      } else if (status[slot] === 2) {
        sim.submit(Op.cancel, id[slot]!, side, 0, 0, 0, 0);
        requests++;
      }
    }
  }
  const wallS = (performance.now() - start) / 1000;
  const events = sim.rows();
  return { events, wallS, eventsPerS: events / wallS, wakes, requests, responses, kinds, account: sim.account() };
}

// --- run -----------------------------------------------------------------------------------------------------------

const refRows = Math.min(ROWS, Number(process.env.OMQ_BENCH_REPLAY_REF_ROWS ?? REF_ROWS));
const refSpan = events.localTs[refRows - 1]! - events.localTs[0]!;
const fullSpan = events.localTs[ROWS - 1]! - events.localTs[0]!;
const t0 = events.localTs[0]!;
const best = (runs: LoopRun[]) => runs.reduce((x, y) => (y.eventsPerS > x.eventsPerS ? y : x));

// 1. The hand-written loop: native first (a warm-up pass, then timed passes, best kept), then the reference.
quoteLoop(nativeSim(events, ROWS), t0, "native loop warm-up", fullSpan);
const nativeFull = best([0, 1, 2].map(() => quoteLoop(nativeSim(events, ROWS), t0, "native loop", fullSpan)));
const nativeLoop = best([0, 1, 2, 3, 4].map(() => quoteLoop(nativeSim(events, refRows), t0, "native loop", refSpan)));
log(`native loop: ${(nativeFull.eventsPerS / 1e6).toFixed(2)}M events/s on the whole capture, ${(nativeLoop.eventsPerS / 1e6).toFixed(2)}M on the first ${fmt(refRows)} rows (best of 3 and 5)`);
const refSim = referenceSim(events, refRows);
log(`reference loop: the first ${fmt(refRows)} rows, ${(Number(refSpan) / 1e9).toFixed(1)} s of market time (much slower; progress every 10%)`);
const refLoop = quoteLoop(refSim, events.localTs[0]!, "reference loop", refSpan, true);
log(`reference loop: ${fmt(refLoop.events)} events at ${(refLoop.eventsPerS / 1e6).toFixed(3)}M events/s`);
const a = nativeLoop.account;
const b = refLoop.account;
const agrees =
  JSON.stringify(nativeLoop.kinds) === JSON.stringify(refLoop.kinds) &&
  a.position === b.position &&
  a.fills === b.fills &&
  a.cash === b.cash &&
  a.fees === b.fees &&
  nativeLoop.requests === refLoop.requests;
if (!agrees) {
  log(`WARNING: native and reference disagree: native ${JSON.stringify({ ...a, cash: String(a.cash), fees: String(a.fees), kinds: nativeLoop.kinds, requests: nativeLoop.requests })}`);
  log(`                                   reference ${JSON.stringify({ ...b, cash: String(b.cash), fees: String(b.fees), kinds: refLoop.kinds, requests: refLoop.requests })}`);
}

// 2. Backtest + quoteAroundMid every 100 ms, >= TARGET_EVENTS events.
const repeats = Math.max(1, Math.ceil(TARGET_EVENTS / ROWS));
log(`replay_btcusdt_100ms: ${repeats} passes, ${fmt(repeats * ROWS)} events`);
const main = await runStrategy("100ms", repeats, PARAMS);
log(`replay_btcusdt_100ms: ${(main.eventsPerS / 1e6).toFixed(2)}M events/s, ${main.wallS.toFixed(1)} s, ${fmt(main.fills)} fills`);

// 3. Every event: calibrate on one pass (after a warm-up pass), then the main line's passes if they fit in the
// budget, else as many as fit (at least one).
const every = { ...PARAMS, everyEvent: true };
await runStrategy("every event warm-up", 1, every);
const calib = await runStrategy("every event calibration", 1, every);
const everyRepeats = Math.max(1, Math.min(repeats, Math.floor((EVERY_EVENT_SECONDS * calib.eventsPerS) / ROWS)));
log(`replay_btcusdt_every_event: calibration ${(calib.eventsPerS / 1e6).toFixed(2)}M events/s; ${everyRepeats} passes`);
const everyRun = await runStrategy("every event", everyRepeats, every);
log(`replay_btcusdt_every_event: ${(everyRun.eventsPerS / 1e6).toFixed(2)}M events/s, ${everyRun.wallS.toFixed(1)} s`);

// --- report --------------------------------------------------------------------------------------------------------

const PEER = "TypeScript reference simulator ReferenceReplay (same semantics), hand-written 100 ms quoting loop";
const peerNote =
  "The reference has no StrategyContext adapter, so it is driven by a hand-written loop with quoteAroundMid's logic " +
  `every 100 ms of market time, on the first ${refRows} rows (${round(Number(refSpan) / 1e9, 1)} s) of the same ` +
  "capture with the same latency, queue and fee models, in the same run (see replay_engine_vs_reference for the " +
  "native engine driven by the same loop). Its cost per event grows with the book, so this prefix flatters it " +
  "(a whole pass ran at ~2.2k events/s).";
const setup = {
  data: `${FILE} (Binance USD-M BTCUSDT, 2024-08-08, ${ROWS} rows, ${round(spanS, 1)} s, correctLocalTs)`,
  latency: `constant, entry ${ENTRY_NS} ns, response ${RESPONSE_NS} ns`,
  queue: `powerProbQueue(${QUEUE_N})`,
  fees: `makerTaker(${MAKER}, ${TAKER})`,
};
const common = { ...setup, load_s: round(loadMs / 1000, 2), load_average_1m: round(os.loadavg()[0]!, 2), addon: nativeInfo().version, ...machine() };
const strategyFields = (r: StrategyRun) => ({
  events: r.events,
  passes: r.repeats,
  wall_s: round(r.wallS, 2),
  fills: r.fills,
  maker_fills: r.makerFills,
  orders: r.orders,
  pnl: round(r.pnl, 2),
});

report({
  bench: "replay_btcusdt_100ms",
  value: round(main.eventsPerS),
  unit: "events/s",
  peer: PEER,
  peer_value: round(refLoop.eventsPerS),
  ratio: round(main.eventsPerS / refLoop.eventsPerS, 2),
  target: "5M events/s (hftbacktest: a BTCUSDT day in ~1 min 49 s, ~1M events/s)",
  target_met: main.eventsPerS >= 5e6,
  strategy: "quoteAroundMid via Backtest.run, woken every 100 ms of market time, halfSpread 0, qty 10, maxPosition 100",
  ...strategyFields(main),
  peer_events: refLoop.events,
  peer_wall_s: round(refLoop.wallS, 2),
  peer_note: peerNote,
  ...common,
});

report({
  bench: "replay_btcusdt_every_event",
  value: round(everyRun.eventsPerS),
  unit: "events/s",
  peer: PEER,
  peer_value: round(refLoop.eventsPerS),
  ratio: round(everyRun.eventsPerS / refLoop.eventsPerS, 2),
  strategy: "quoteAroundMid via Backtest.run with everyEvent: woken on every local market row and response (waitNext)",
  ...strategyFields(everyRun),
  events_note:
    everyRun.events < TARGET_EVENTS
      ? `${everyRun.repeats} pass(es) chosen to fit ~${EVERY_EVENT_SECONDS} s of wall time (below the main line's ${TARGET_EVENTS} events)`
      : undefined,
  calibration_events_per_s: round(calib.eventsPerS),
  peer_note: `${peerNote} The peer is woken every 100 ms, not on every event.`,
  ...common,
});

report({
  bench: "replay_engine_vs_reference",
  value: round(nativeLoop.eventsPerS),
  unit: "events/s",
  peer: "TypeScript reference simulator ReferenceReplay (same semantics)",
  peer_value: round(refLoop.eventsPerS),
  ratio: round(nativeLoop.eventsPerS / refLoop.eventsPerS, 2),
  strategy: "hand-written loop: every 100 ms of market time run(until), then join the touch with 10-lot GTX quotes (replace on moves, limit 100 lots)",
  events: nativeLoop.events,
  wall_s: round(nativeLoop.wallS, 3),
  value_method: `the first ${refRows} rows of the capture for both; best of 5 passes after a warm-up (the reference: one pass); data appends included`,
  native_whole_capture_events_per_s: round(nativeFull.eventsPerS),
  native_whole_capture_wall_s: round(nativeFull.wallS, 3),
  wakes: nativeLoop.wakes,
  requests: nativeLoop.requests,
  responses: nativeLoop.responses,
  fills: nativeLoop.account.fills,
  peer_events: refLoop.events,
  peer_wall_s: round(refLoop.wallS, 2),
  peer_append_s: round(refSim.appendMs / 1000, 2),
  reference_agrees: agrees,
  ...common,
});

log(`done in ${((performance.now() - benchStart) / 1000).toFixed(1)} s`);
