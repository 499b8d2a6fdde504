/**
 * The backtest host of the strategy ports: a StrategyContext over the native replay engine
 * (lib/backtest/replay/engine.ts). `Backtest.run` (omniquant/backtest) builds one per run; use it directly to
 * drive a strategy over a ReplayEngine you configured yourself.
 *
 * What the strategy sees is the local timeline: market data at local timestamps (after feed latency), responses
 * after the response latency, its own requests leaving at the current local time. `elapse(ns)` replays ns of
 * market time in one native call (plus one per data chunk and per full output buffer); `waitNext()` returns at
 * the next local event (a market row or a response).
 *
 * Order states are "as last acknowledged": pending until the venue's accept arrives, then open, partially
 * filled, filled, cancelled (also for expired IOC/FOK/market remainders, with reason "expired") or rejected.
 * A cancel or replace does not change the state until its response arrives. Portfolio values are the strategy's
 * view (fills received), in quote currency; cash includes the initial capital and is net of fees.
 */
import type {
  Bar,
  Clock,
  DepthLevel,
  ExecutionPort,
  Fill,
  InstrumentSpec,
  LogPort,
  MarketDataPort,
  OrderRequest,
  OrderState,
  PnL,
  PortfolioPort,
  StrategyContext,
  TopOfBook,
  TradePrint,
} from "../../ports/index.js";
import { Op, OrderTypeCode, REJECT_REASON_TEXT, ResponseKind, RunStatus, Stride, TifCode } from "../../../backtest/replay/codes.js";
import type { ReplayEngine, ReplayResponse } from "../../../backtest/replay/engine.js";
import type { EventChunk } from "../../../backtest/replay/source.js";
import { CANCEL_EVENT, REPLACE_EVENT, Recorder, SUBMIT_EVENT } from "../../../backtest/replay/recorder.js";

export interface BacktestContextOptions {
  /** The data chunks still to append (the engine asks for them as it goes). */
  chunks?: Iterator<EventChunk>;
  /** Where to record the order log, fills and equity samples (default: a fresh Recorder). */
  recorder?: Recorder;
  /** Added to cash (quote currency). */
  initialCapital?: number;
  /** Called with (events replayed, total or undefined) at most every `progressMs` of wall time. */
  progress?: (done: number, total: number | undefined) => void;
  progressMs?: number;
  totalEvents?: number;
  /** Echo strategy log lines to the console (default false: they are recorded only). */
  echoLog?: boolean;
  /** Wall time between yields to the event loop (default 50 ms), so timers, progress bars and interrupts run. */
  yieldMs?: number;
}

interface LocalOrder extends OrderState {
  tag: string | null;
}

const TYPE_CODES: Record<string, number> = { limit: OrderTypeCode.limit, market: OrderTypeCode.market };
/** native kUntilEnd: replay to the end without moving the clock past the last event. */
const MAX_TIME = (1n << 63n) - 2n;

export class BacktestContext implements StrategyContext {
  readonly clock: Clock;
  readonly marketData: MarketDataPort;
  readonly execution: ExecutionPort;
  readonly portfolio: PortfolioPort;
  readonly log: LogPort;
  readonly recorder: Recorder;

  private readonly engine: ReplayEngine;
  private readonly chunks: Iterator<EventChunk> | undefined;
  private readonly initialCapital: number;
  private readonly orders = new Map<number, LocalOrder>();
  private readonly open = new Set<number>();
  private nextId = 1;
  private wakeFills: Fill[] = [];
  private wakeTrades: TradePrint[][];
  private tops: (TopOfBook | undefined)[];
  private ended = false;
  private readonly opts: BacktestContextOptions;
  private lastProgress = 0;
  private lastYield = 0;

  constructor(engine: ReplayEngine, opts: BacktestContextOptions = {}) {
    this.engine = engine;
    this.opts = opts;
    this.chunks = opts.chunks;
    this.recorder = opts.recorder ?? new Recorder();
    this.initialCapital = opts.initialCapital ?? 0;
    const n = engine.instruments.length;
    this.wakeTrades = Array.from({ length: n }, () => []);
    this.tops = new Array(n).fill(undefined);
    this.lastYield = performance.now();

    const self = this;
    this.clock = { now: () => engine.now };
    this.marketData = {
      instruments: (): readonly InstrumentSpec[] => engine.instruments,
      top: (i = 0) => self.top(i),
      depth: (i = 0, levels = 10): { bids: DepthLevel[]; asks: DepthLevel[] } => engine.depth(i, levels),
      trades: (i = 0) => self.wakeTrades[i] ?? [],
      bars: (): readonly Bar[] => [],
    };
    this.execution = {
      submit: (o) => self.submit(o),
      cancel: (id) => self.cancel(id),
      replace: (id, price, qty) => self.replace(id, price, qty),
      openOrders: (i?: number) => {
        const out: OrderState[] = [];
        for (const id of self.open) {
          const o = self.orders.get(id)!;
          if (i === undefined || o.instrument === i) out.push(o);
        }
        return out;
      },
      order: (id) => self.orders.get(id),
      fills: () => self.wakeFills,
    };
    this.portfolio = {
      position: (i = 0) => engine.localAccount(i).position,
      cash: () => {
        let c = self.initialCapital;
        for (let i = 0; i < engine.instruments.length; i++) {
          const a = engine.localAccount(i);
          c += a.cash - a.fees;
        }
        return c;
      },
      pnl: (i?: number) => self.pnl(i),
    };
    this.log = {
      info: (message, fields) => self.logLine("info", message, fields),
      warn: (message, fields) => self.logLine("warn", message, fields),
    };
  }

  /** True once the data is exhausted and nothing is in flight. */
  get finished(): boolean {
    return this.ended;
  }

  async elapse(ns: bigint): Promise<boolean> {
    if (typeof ns !== "bigint" || ns < 0n) throw new RangeError(`elapse: ns must be a bigint >= 0, found ${String(ns)}.`);
    this.beginWake();
    const s = this.pump(this.engine.now + ns, false);
    await this.maybeYield();
    return s !== RunStatus.end;
  }

  async waitNext(timeoutNs?: bigint): Promise<boolean> {
    if (timeoutNs !== undefined && (typeof timeoutNs !== "bigint" || timeoutNs < 0n)) {
      throw new RangeError(`waitNext: timeoutNs must be a bigint >= 0, found ${String(timeoutNs)}.`);
    }
    this.beginWake();
    const until = timeoutNs === undefined ? MAX_TIME : this.engine.now + timeoutNs;
    const s = this.pump(until, true);
    await this.maybeYield();
    return s !== RunStatus.end;
  }

  /** Replays whatever is left (after the strategy returned) so that every response in flight is received. */
  drainToEnd(): void {
    this.beginWake();
    this.pump(MAX_TIME, false);
  }

  // --- the loop -------------------------------------------------------------------------------------------------

  private beginWake(): void {
    if (this.wakeFills.length) this.wakeFills = [];
    for (let i = 0; i < this.wakeTrades.length; i++) if (this.wakeTrades[i]!.length) this.wakeTrades[i] = [];
  }

  private pump(until: bigint, step: boolean): number {
    const e = this.engine;
    for (;;) {
      const s = e.run(until, step);
      this.drain();
      if (s === RunStatus.needData) {
        if (!this.feed()) e.finish();
        continue;
      }
      if (s === RunStatus.outputFull) continue;
      if (s === RunStatus.end) this.ended = true;
      this.report();
      return s;
    }
  }

  private feed(): boolean {
    if (!this.chunks) return false;
    const r = this.chunks.next();
    if (r.done) return false;
    const c = r.value;
    this.engine.append(c.events, { tsOffsetNs: c.tsOffsetNs, start: c.start, end: c.end });
    return true;
  }

  private drain(): void {
    const e = this.engine;
    for (let i = 0; i < this.tops.length; i++) this.tops[i] = undefined;
    const nr = e.responseCount;
    for (let k = 0; k < nr; k++) this.onResponse(e.response(k));
    const nt = e.tradeCount;
    if (nt > 0) {
      const f = e.tradesF64;
      for (let k = 0; k < nt; k++) {
        const b = k * Stride.tradeF64;
        const inst = f[b]!;
        (this.wakeTrades[inst] ??= []).push({ ts: e.tradesI64[k]!, side: f[b + 1]! as 1 | -1, price: f[b + 2]!, qty: f[b + 3]! });
      }
    }
    const ns = e.sampleCount;
    for (let k = 0; k < ns; k++) this.recorder.sample(e.samplesI64[k]!, e.samplesF64, k * Stride.sampleF64);
  }

  private onResponse(r: ReplayResponse): void {
    const o = this.orders.get(r.orderId);
    this.recorder.response(r, o?.tag ?? null);
    if (!o) return;
    switch (r.kind) {
      case ResponseKind.accepted:
        if (o.status === "pending") o.status = "open";
        break;
      case ResponseKind.fill:
        o.filledQty += r.qty;
        o.status = r.leaves === 0 ? "filled" : "partially_filled";
        this.wakeFills.push({
          orderId: r.orderId,
          ts: r.ts,
          instrument: r.instrument,
          side: r.side as 1 | -1,
          price: r.price,
          qty: r.qty,
          maker: r.maker,
          fee: r.fee,
        });
        break;
      case ResponseKind.cancelled:
        o.status = "cancelled";
        break;
      case ResponseKind.expired:
        o.status = "cancelled";
        o.reason = "expired";
        break;
      case ResponseKind.rejected:
        o.status = "rejected";
        o.reason = REJECT_REASON_TEXT[r.reason] ?? `reason ${r.reason}`;
        break;
      case ResponseKind.replaced:
        o.price = r.price;
        o.qty = o.filledQty + r.leaves;
        if (o.status === "pending") o.status = "open";
        break;
      default:
        // cancelRejected / replaceRejected: the order's state is whatever its other responses say.
        break;
    }
    if (o.status === "filled" || o.status === "cancelled" || o.status === "rejected") this.open.delete(o.id);
  }

  private report(): void {
    const p = this.opts.progress;
    if (!p) return;
    const now = performance.now();
    if (now - this.lastProgress < (this.opts.progressMs ?? 100) && !this.ended) return;
    this.lastProgress = now;
    p(this.engine.rowsLocal, this.opts.totalEvents);
  }

  private async maybeYield(): Promise<void> {
    const now = performance.now();
    if (now - this.lastYield < (this.opts.yieldMs ?? 50)) return;
    this.lastYield = now;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  // --- orders ---------------------------------------------------------------------------------------------------

  private send(op: number, id: number, instrument: number, side: number, price: number, qty: number, type: number, tif: number): void {
    if (!this.engine.submit(op, id, instrument, side, price, qty, type, tif)) {
      // The request buffer is full: send what is buffered now (no time passes), then buffer this one.
      this.pump(this.engine.now, false);
      this.engine.submit(op, id, instrument, side, price, qty, type, tif);
    }
  }

  private submit(o: OrderRequest): number {
    const id = this.nextId++;
    const instrument = o.instrument ?? 0;
    const type = o.type ?? "limit";
    const tif = o.tif ?? "GTC";
    const price = type === "market" ? 0 : o.price;
    const state: LocalOrder = {
      id,
      instrument,
      side: o.side,
      price,
      qty: o.qty,
      filledQty: 0,
      status: "pending",
      tag: o.tag ?? null,
    };
    this.orders.set(id, state);
    this.open.add(id);
    const typeCode = TYPE_CODES[type] ?? 255;
    const tifCode = (TifCode as Record<string, number>)[tif] ?? 255;
    this.recorder.request(this.engine.now, SUBMIT_EVENT, id, instrument, o.side, price, o.qty, state.tag);
    this.send(Op.new, id, instrument, o.side, price, o.qty, typeCode, tifCode);
    return id;
  }

  private cancel(orderId: number): void {
    const o = this.orders.get(orderId);
    this.recorder.request(this.engine.now, CANCEL_EVENT, orderId, o?.instrument ?? 0, o?.side ?? 0, o?.price ?? NaN, NaN, o?.tag ?? null);
    this.send(Op.cancel, orderId, o?.instrument ?? 0, o?.side ?? 0, 0, 0, 0, 0);
  }

  private replace(orderId: number, price: number, qty: number): void {
    const o = this.orders.get(orderId);
    this.recorder.request(this.engine.now, REPLACE_EVENT, orderId, o?.instrument ?? 0, o?.side ?? 0, price, qty, o?.tag ?? null);
    this.send(Op.replace, orderId, o?.instrument ?? 0, o?.side ?? 0, price, qty, 0, 0);
  }

  // --- views ----------------------------------------------------------------------------------------------------

  private top(i: number): TopOfBook {
    let t = this.tops[i];
    if (t === undefined) {
      t = this.engine.top(i);
      this.tops[i] = t;
    }
    return t;
  }

  private pnl(i?: number): PnL {
    const one = (k: number): PnL => {
      const a = this.engine.localAccount(k);
      const t = this.top(k);
      const mid = (t.bidPrice + t.askPrice) / 2;
      const spec = this.engine.instruments[k]!;
      const value = a.position === 0 ? 0 : a.position * mid * spec.tickSize * spec.lotSize;
      const unrealised = a.cash + value - a.realised;
      return { realised: a.realised, unrealised, fees: a.fees, total: a.realised + unrealised - a.fees };
    };
    if (i !== undefined) return one(i);
    const sum: PnL = { realised: 0, unrealised: 0, fees: 0, total: 0 };
    for (let k = 0; k < this.engine.instruments.length; k++) {
      const p = one(k);
      sum.realised += p.realised;
      sum.unrealised += p.unrealised;
      sum.fees += p.fees;
      sum.total += p.total;
    }
    return sum;
  }

  private logLine(level: "info" | "warn", message: string, fields?: Record<string, unknown>): void {
    this.recorder.log.push({ ts: this.engine.now, level, message, fields });
    if (this.opts.echoLog) (level === "warn" ? console.warn : console.log)(`[${this.engine.now}] ${message}`, fields ?? "");
  }
}
