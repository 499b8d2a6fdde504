/**
 * The low-level replay engine: a thin typed wrapper over the native engine (native/src/replay/replay.hpp, whose
 * header comment is the full semantics). Most users want `Backtest` (backtest.ts); the StrategyContext adapter
 * (lib/trading/adapters/backtest) and the benchmark drive this class directly.
 *
 *   const e = new ReplayEngine({ instruments, latency, queue, fees });
 *   e.append(events);  e.finish();                       // data, in as many chunks as you like
 *   e.submit(Op.new, 1, 0, 1, 10_000, 5);                // buffered; sent at the engine's current time
 *   while (e.run(untilNs) === RunStatus.outputFull) read(e);   // responses/trades/samples via the views
 *
 * Every per-call input and output lives in one ArrayBuffer shared with the native engine, so a run call costs
 * one N-API call with no arguments converted; the typed-array views below are that buffer.
 */
import type { InstrumentSpec, MarketEvents } from "../../data/market/events.js";
import { contextError } from "../../util/errors.js";
import { replayAddon } from "./addon.js";
import type { NativeAccount, NativeReplayHandle, ReplayAddon } from "./addon.js";
import { Header, LatencyKind, QueueKind, RunStatus, Stride } from "./codes.js";
import type { FeeModel, LatencyModel, QueueModel } from "./models.js";

export interface ReplayConfig {
  instruments: readonly InstrumentSpec[];
  latency: LatencyModel;
  queue: QueueModel;
  fees: FeeModel;
  /** 'partial' (default): maker fills limited by traded quantity; 'noPartial': fills are all-or-nothing. */
  exchange?: "partial" | "noPartial";
  /** Liquidity our taker orders took is unavailable to our later takers until the book updates that level. */
  noDoubleFill?: boolean;
  /** Seed of latency jitter and queue randomness (default 1). */
  seed?: number | bigint;
  /** Equity sample interval in ns of market time (0 or absent: no samples). */
  sampleNs?: bigint;
  /** Return the local trade prints to the strategy (default false). */
  recordTrades?: boolean;
  /** Buffer capacities in records (defaults: 1024 requests, 4096 responses, 4096 trades, 1024 samples). */
  capacity?: { requests?: number; responses?: number; trades?: number; samples?: number };
}

/** A response as the strategy receives it. */
export interface ReplayResponse {
  /** Local receive time (ns). */
  ts: bigint;
  /** Venue time it was produced (ns). */
  exchTs: bigint;
  kind: number;
  reason: number;
  orderId: number;
  instrument: number;
  side: number;
  price: number;
  qty: number;
  leaves: number;
  maker: boolean;
  /** Fee of a fill in quote currency (negative = rebate). */
  fee: number;
  /** Venue mid (ticks) when a fill happened, NaN otherwise. */
  mid: number;
}

export interface LocalAccountView {
  position: number;
  cash: number;
  fees: number;
  realised: number;
}

const KIND_CODES: Record<QueueModel["kind"], number> = {
  riskAverse: QueueKind.riskAverse,
  power: QueueKind.power,
  power2: QueueKind.power2,
  power3: QueueKind.power3,
  log: QueueKind.log,
  log2: QueueKind.log2,
  l3Fifo: QueueKind.l3Fifo,
};

export class ReplayEngine {
  readonly instruments: readonly InstrumentSpec[];
  readonly requestCapacity: number;
  private readonly addon: ReplayAddon;
  private readonly handle: NativeReplayHandle;
  /** Shared buffer views (valid for the engine's life). */
  readonly headerF64: Float64Array;
  readonly headerI64: BigInt64Array;
  readonly requests: Float64Array;
  readonly responsesI64: BigInt64Array;
  readonly responsesF64: Float64Array;
  readonly tradesI64: BigInt64Array;
  readonly tradesF64: Float64Array;
  readonly samplesI64: BigInt64Array;
  readonly samplesF64: Float64Array;
  private nReq = 0;
  private finished = false;

  constructor(config: ReplayConfig) {
    this.instruments = config.instruments;
    this.addon = replayAddon();
    const lat = config.latency;
    const created = this.addon.replayCreate({
      instruments: config.instruments.map((s) => ({ tickSize: s.tickSize, lotSize: s.lotSize })),
      queue: { kind: KIND_CODES[config.queue.kind], n: config.queue.n, randomise: config.queue.randomise },
      latency:
        lat.kind === "table"
          ? {
              kind: LatencyKind.table,
              entryNs: 0n,
              responseNs: 0n,
              entryJitter: 0,
              responseJitter: 0,
              minNs: 0n,
              cancelDelayNs: lat.cancelDelayNs,
              table: { reqTs: lat.reqTs, exchTs: lat.exchTs, respTs: lat.respTs },
            }
          : {
              kind: LatencyKind[lat.kind],
              entryNs: lat.entryNs,
              responseNs: lat.responseNs,
              entryJitter: lat.kind === "constant" ? 0 : lat.entryJitter,
              responseJitter: lat.kind === "constant" ? 0 : lat.responseJitter,
              minNs: lat.kind === "constant" ? 0n : lat.minNs,
              cancelDelayNs: lat.cancelDelayNs,
            },
      fees: { makerPpb: config.fees.makerPpb, takerPpb: config.fees.takerPpb },
      partialFills: (config.exchange ?? "partial") === "partial",
      noDoubleFill: config.noDoubleFill === true,
      seed: BigInt(config.seed ?? 1),
      sampleNs: config.sampleNs ?? 0n,
      recordTrades: config.recordTrades === true,
      capacity: {
        requests: config.capacity?.requests ?? 1024,
        responses: config.capacity?.responses ?? 4096,
        trades: config.capacity?.trades ?? 4096,
        samples: config.capacity?.samples ?? 1024,
      },
    });
    this.handle = created.handle;
    const { buffer, layout } = created;
    const f64 = (name: keyof typeof layout) => new Float64Array(buffer, layout[name][0], layout[name][1]);
    const i64 = (name: keyof typeof layout) => new BigInt64Array(buffer, layout[name][0], layout[name][1]);
    this.headerF64 = f64("headerF64");
    this.headerI64 = i64("headerI64");
    this.requests = f64("requests");
    this.responsesI64 = i64("responsesI64");
    this.responsesF64 = f64("responsesF64");
    this.tradesI64 = i64("tradesI64");
    this.tradesF64 = f64("tradesF64");
    this.samplesI64 = i64("samplesI64");
    this.samplesF64 = f64("samplesF64");
    this.requestCapacity = layout.requests[1] / Stride.request;
  }

  /**
   * Appends a chunk of market events (rows start..end of `events`, default all), shifting both timestamps by
   * `tsOffsetNs`. Throws an OmniQuantError naming the row (counted over everything appended so far) and field
   * when a row is malformed: unsorted localTs, unknown kind, bad side, negative qty, unknown instrument, an L3
   * row in an L2 replay (or the reverse). Nothing of a rejected chunk is kept.
   */
  append(events: MarketEvents, opts: { tsOffsetNs?: bigint; start?: number; end?: number } = {}): void {
    const n = events.kind.length;
    const start = opts.start ?? 0;
    const end = opts.end ?? n;
    if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= n)) {
      throw contextError({ where: "ReplayEngine.append", what: `the row range [${start}, ${end}) is invalid`, expected: `0 <= start <= end <= ${n}` });
    }
    const whole = start === 0 && end === n;
    const cols = whole
      ? events
      : {
          exchTs: events.exchTs.subarray(start, end),
          localTs: events.localTs.subarray(start, end),
          kind: events.kind.subarray(start, end),
          side: events.side.subarray(start, end),
          price: events.price.subarray(start, end),
          qty: events.qty.subarray(start, end),
          orderId: events.orderId?.subarray(start, end),
          instrument: events.instrument?.subarray(start, end),
        };
    const before = this.addon.replayStatsSync(this.handle).rowsAppended;
    const err = this.addon.replayAppendSync(this.handle, cols, opts.tsOffsetNs ?? 0n);
    if (err !== undefined) {
      const local = err.row - before + start;
      throw contextError({
        where: `MarketEvents row ${local}${err.field ? `, ${err.field}` : ""}`,
        what: err.what,
        expected: err.expected || undefined,
        found: err.found || undefined,
        hint: before > 0 ? `That is row ${err.row} of the replay, counting every chunk appended` : undefined,
      });
    }
  }

  /** Declares the data complete: the engine runs to the end instead of asking for more. */
  finish(): void {
    if (!this.finished) this.addon.replayFinishSync(this.handle);
    this.finished = true;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** Rows appended so far. */
  get rowsAppended(): number {
    return this.addon.replayStatsSync(this.handle).rowsAppended;
  }

  /** Requests buffered for the next run call. */
  get pendingRequests(): number {
    return this.nReq;
  }

  /**
   * Buffers a request, sent at the engine's current local time by the next `run`. Returns false when the buffer
   * is full (call `run(now)` to send it first). Values are passed through as numbers: the engine validates them
   * and rejects malformed ones with a reject response after a round trip.
   */
  submit(op: number, id: number, instrument: number, side: number, price: number, qty: number, type = 0, tif = 0): boolean {
    if (this.nReq >= this.requestCapacity) return false;
    const r = this.requests;
    const k = this.nReq * Stride.request;
    r[k] = op;
    r[k + 1] = id;
    r[k + 2] = instrument;
    r[k + 3] = side;
    r[k + 4] = price;
    r[k + 5] = qty;
    r[k + 6] = type;
    r[k + 7] = tif;
    this.nReq++;
    return true;
  }

  /**
   * Sends the buffered requests, then simulates every event up to local time `until` (see RunStatus). In step
   * mode, returns after the first local event (a market row seen locally or a response). Outputs of the call are
   * in the response/trade/sample views until the next call.
   */
  run(until: bigint, step = false): number {
    this.headerI64[Header.until] = until;
    this.headerF64[Header.nRequests] = this.nReq;
    this.headerF64[Header.step] = step ? 1 : 0;
    this.nReq = 0;
    return this.addon.replayRunSync(this.handle);
  }

  /** Runs until `until` and collects every output, appending data from `next()` when the engine asks for it. */
  runCollect(until: bigint, next?: () => boolean): { status: number; responses: ReplayResponse[] } {
    const responses: ReplayResponse[] = [];
    for (;;) {
      const s = this.run(until);
      for (let i = 0; i < this.responseCount; i++) responses.push(this.response(i));
      if (s === RunStatus.outputFull) continue;
      if (s === RunStatus.needData) {
        if (!next || !next()) this.finish();
        continue;
      }
      return { status: s, responses };
    }
  }

  /** The engine's clock (local time, ns). */
  get now(): bigint {
    return this.headerI64[Header.now]!;
  }
  get status(): number {
    return this.headerF64[Header.status]!;
  }
  get responseCount(): number {
    return this.headerF64[Header.nResponses]!;
  }
  get tradeCount(): number {
    return this.headerF64[Header.nTrades]!;
  }
  get sampleCount(): number {
    return this.headerF64[Header.nSamples]!;
  }
  get rowsLocal(): number {
    return this.headerF64[Header.rowsLocal]!;
  }
  get rowsExchange(): number {
    return this.headerF64[Header.rowsExchange]!;
  }
  get inFlight(): number {
    return this.headerF64[Header.inFlight]!;
  }

  /** Response i of the last run call. */
  response(i: number): ReplayResponse {
    const f = this.responsesF64;
    const k = i * Stride.responseF64;
    return {
      ts: this.responsesI64[i * Stride.responseI64]!,
      exchTs: this.responsesI64[i * Stride.responseI64 + 1]!,
      kind: f[k]!,
      reason: f[k + 1]!,
      orderId: f[k + 2]!,
      instrument: f[k + 3]!,
      side: f[k + 4]!,
      price: f[k + 5]!,
      qty: f[k + 6]!,
      leaves: f[k + 7]!,
      maker: f[k + 8]! === 1,
      fee: f[k + 9]!,
      mid: f[k + 10]!,
    };
  }

  /** Top of the local book (what the strategy sees) of instrument i, after the last run call. */
  top(i = 0): { bidPrice: number; bidQty: number; askPrice: number; askQty: number } {
    const b = Header.instrumentBase + i * Header.perInstrument;
    const h = this.headerF64;
    return { bidPrice: h[b]!, bidQty: h[b + 1]!, askPrice: h[b + 2]!, askQty: h[b + 3]! };
  }

  /** Position (lots) and money (currency) as the strategy knows them (fills received), after the last run. */
  localAccount(i = 0): LocalAccountView {
    const b = Header.instrumentBase + i * Header.perInstrument;
    const h = this.headerF64;
    return { position: h[b + 4]!, cash: h[b + 5]!, fees: h[b + 6]!, realised: h[b + 7]! };
  }

  /** Up to `levels` levels per side of the local book, best first. */
  depth(instrument = 0, levels = 10): { bids: { price: number; qty: number }[]; asks: { price: number; qty: number }[] } {
    const d = this.addon.replayDepthSync(this.handle, instrument, levels);
    const unpack = (a: Float64Array) => {
      const out: { price: number; qty: number }[] = [];
      for (let i = 0; i + 1 < a.length; i += 2) out.push({ price: a[i]!, qty: a[i + 1]! });
      return out;
    };
    return { bids: unpack(d.bids), asks: unpack(d.asks) };
  }

  /** Exact integer accounts: the venue's truth and the strategy's view (fills received). */
  totals(): { exchange: NativeAccount[]; local: NativeAccount[] } {
    return this.addon.replayTotalsSync(this.handle);
  }

  /** Market quantity ahead of our open order (queue model estimate; exact in L3), or undefined if not open. */
  queueAhead(orderId: number): number | undefined {
    return this.addon.replayQueueAheadSync(this.handle, orderId);
  }

  stats(): ReturnType<ReplayAddon["replayStatsSync"]> {
    return this.addon.replayStatsSync(this.handle);
  }
}
