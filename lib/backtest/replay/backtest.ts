/**
 * The replay backtester: a strategy written against the ports (lib/trading/ports) replayed over tick/L2/L3 market
 * events by the native engine, with queue-position fills and latency.
 *
 *   const bt = Backtest.builder()
 *     .data(events)                                                   // MarketEvents, chunks, or a factory
 *     .latency(constantLatency({ entryNs: 150_000n, responseNs: 100_000n }))
 *     .queue(powerProbQueue(3))
 *     .fees(makerTaker(-0.0001, 0.0004))
 *     .exchange("partial")
 *     .seed(1)
 *     .build();
 *   const result = await bt.run(strategy, params, { progress: (done, total) => bar.update(done) });
 *   result.fills; result.equity; result.summary.sharpe;
 *   const mc = await bt.monteCarlo(strategy, params, { seeds: 20 });   // PnL distribution over seeds
 *
 * Defaults: constant zero latency, the risk-averse queue, no fees, partial fills, seed 1, equity sampled every
 * second of market time, trade prints recorded for the strategy, no initial capital.
 */
import type { InstrumentSpec, MarketEvents } from "../../data/market/events.js";
import type { Strategy } from "../../trading/ports/index.js";
import { BacktestContext } from "../../trading/adapters/backtest/context.js";
import { contextError } from "../../util/errors.js";
import { table, type ColumnTable } from "arquero";
import { ReplayEngine } from "./engine.js";
import { constantLatency, noFees, riskAverseQueue } from "./models.js";
import type { FeeModel, LatencyModel, Nanos, QueueModel } from "./models.js";
import { Recorder } from "./recorder.js";
import { buildResult, type BacktestResult } from "./results.js";
import { chunkFactory, isMarketEvents, sourceInstruments, type EventChunk, type EventSource } from "./source.js";

export interface BacktestConfig {
  readonly source: EventSource;
  readonly instruments: readonly InstrumentSpec[];
  readonly latency: LatencyModel;
  readonly queue: QueueModel;
  readonly fees: FeeModel;
  readonly exchange: "partial" | "noPartial";
  readonly noDoubleFill: boolean;
  readonly seed: number;
  readonly sampleNs: bigint;
  readonly recordTrades: boolean;
  readonly recordOrders: boolean;
  readonly initialCapital: number;
  readonly periodsPerYear: number | undefined;
  readonly chunkRows: number;
  readonly totalEvents: number | undefined;
  readonly capacity: { requests?: number; responses?: number; trades?: number; samples?: number } | undefined;
}

export interface RunOptions {
  /** Called with (events replayed, total events if known) about every 100 ms of wall time, and at the end. */
  progress?: (done: number, total: number | undefined) => void;
  /** Print the strategy's log lines as well as recording them. */
  echoLog?: boolean;
  /** Override the configured seed for this run. */
  seed?: number;
}

export interface MonteCarloOptions {
  /** Number of runs (seeds seed, seed + 1, ...) or the list of seeds. */
  seeds: number | readonly number[];
  /** Called after each run with (runs done, runs total). */
  progress?: (done: number, total: number) => void;
}

export interface MonteCarloResult {
  /** One row per seed: seed, pnl, fees, realised, fills, volume, fillRatio, sharpe, maxDrawdown, finalPosition. */
  runs: ColumnTable;
  /** Distribution of the final PnL over the seeds. */
  pnl: { mean: number; std: number; min: number; p05: number; p50: number; p95: number; max: number };
}

class Builder {
  private source: EventSource | undefined;
  private totalEvents: number | undefined;
  private chunkRowsV = 1 << 20;
  private instrumentsV: readonly InstrumentSpec[] | undefined;
  private latencyV: LatencyModel = constantLatency({ entryNs: 0n, responseNs: 0n });
  private queueV: QueueModel = riskAverseQueue();
  private feesV: FeeModel = noFees();
  private exchangeV: "partial" | "noPartial" = "partial";
  private noDoubleFillV = false;
  private seedV = 1;
  private sampleNs = 1_000_000_000n;
  private recordTradesV = true;
  private recordOrdersV = true;
  private capital = 0;
  private ppy: number | undefined;
  private capacityV: BacktestConfig["capacity"];

  /**
   * The market events: MarketEvents (replayed in chunks of `chunkRows` rows), a function returning chunks (run
   * again for each run, e.g. `repeatedEvents(events, 100)`), or a one-pass iterable of chunks. `totalEvents`
   * feeds progress reports when it cannot be known up front.
   */
  data(source: EventSource, opts: { totalEvents?: number; chunkRows?: number } = {}): this {
    this.source = source;
    this.totalEvents = opts.totalEvents ?? (isMarketEvents(source) ? source.kind.length : undefined);
    if (opts.chunkRows !== undefined) {
      if (!(Number.isInteger(opts.chunkRows) && opts.chunkRows > 0)) {
        throw contextError({ where: "Backtest.data", what: `chunkRows is ${opts.chunkRows}`, expected: "a positive integer" });
      }
      this.chunkRowsV = opts.chunkRows;
    }
    return this;
  }
  /** Instrument specs (default: the data's). */
  instruments(specs: readonly InstrumentSpec[]): this {
    if (!Array.isArray(specs) || specs.length === 0) throw contextError({ where: "Backtest.instruments", what: "no instruments", expected: "a non-empty array" });
    for (const [i, s] of specs.entries()) {
      if (!(s.tickSize > 0) || !(s.lotSize > 0)) {
        throw contextError({ where: `Backtest.instruments[${i}]`, what: `tickSize ${s.tickSize}, lotSize ${s.lotSize}`, expected: "positive numbers" });
      }
    }
    this.instrumentsV = specs;
    return this;
  }
  latency(m: LatencyModel): this {
    this.latencyV = m;
    return this;
  }
  queue(m: QueueModel): this {
    this.queueV = m;
    return this;
  }
  fees(m: FeeModel): this {
    this.feesV = m;
    return this;
  }
  /** 'partial' (fills limited by what trades through our queue position) or 'noPartial' (all or nothing). */
  exchange(mode: "partial" | "noPartial"): this {
    if (mode !== "partial" && mode !== "noPartial") {
      throw contextError({ where: "Backtest.exchange", what: `mode is ${JSON.stringify(mode)}`, expected: "'partial' or 'noPartial'" });
    }
    this.exchangeV = mode;
    return this;
  }
  /** Liquidity our taker orders took is not available to them again until a book update replaces it. */
  noDoubleFill(on = true): this {
    this.noDoubleFillV = on;
    return this;
  }
  seed(s: number): this {
    if (!Number.isSafeInteger(s)) throw contextError({ where: "Backtest.seed", what: `seed is ${s}`, expected: "a safe integer" });
    this.seedV = s;
    return this;
  }
  /** Equity sample interval in market time (ns, default 1 s; 0 = only the final state). */
  sampleEvery(ns: Nanos): this {
    const v = typeof ns === "bigint" ? ns : Number.isSafeInteger(ns) ? BigInt(ns) : -1n;
    if (v < 0n) throw contextError({ where: "Backtest.sampleEvery", what: `interval is ${String(ns)}`, expected: "an integer >= 0 ns" });
    this.sampleNs = v;
    return this;
  }
  /** Deliver the trade prints to the strategy (`ctx.marketData.trades()`); default true. */
  recordTrades(on = true): this {
    this.recordTradesV = on;
    return this;
  }
  /** Keep the order log (every request and response); default true. Fills are always kept. */
  recordOrders(on = true): this {
    this.recordOrdersV = on;
    return this;
  }
  /** Starting cash in quote currency (default 0: statistics then use PnL changes, not returns). */
  initialCapital(x: number): this {
    if (!(Number.isFinite(x) && x >= 0)) throw contextError({ where: "Backtest.initialCapital", what: `capital is ${x}`, expected: "a finite number >= 0" });
    this.capital = x;
    return this;
  }
  /** Annualisation of Sharpe/Sortino (default: 365.25 days of continuous trading / sample interval). */
  periodsPerYear(n: number): this {
    if (!(n > 0 && Number.isFinite(n))) throw contextError({ where: "Backtest.periodsPerYear", what: `value is ${n}`, expected: "a positive number" });
    this.ppy = n;
    return this;
  }
  /** Native buffer capacities (records per call); the defaults suit a strategy waking every 100 ms. */
  capacity(c: { requests?: number; responses?: number; trades?: number; samples?: number }): this {
    this.capacityV = { ...c };
    return this;
  }

  build(): Backtest {
    if (this.source === undefined) throw contextError({ where: "Backtest.build", what: "no data", hint: "Call .data(events) first" });
    const instruments = this.instrumentsV ?? sourceInstruments(this.source);
    if (!instruments || instruments.length === 0) {
      throw contextError({ where: "Backtest.build", what: "the instruments are unknown", hint: "Call .instruments([...]) (the data's own could not be read)" });
    }
    return new Backtest(
      Object.freeze({
        source: this.source,
        instruments,
        latency: this.latencyV,
        queue: this.queueV,
        fees: this.feesV,
        exchange: this.exchangeV,
        noDoubleFill: this.noDoubleFillV,
        seed: this.seedV,
        sampleNs: this.sampleNs,
        recordTrades: this.recordTradesV,
        recordOrders: this.recordOrdersV,
        initialCapital: this.capital,
        periodsPerYear: this.ppy,
        chunkRows: this.chunkRowsV,
        totalEvents: this.totalEvents,
        capacity: this.capacityV,
      }),
    );
  }
}

export class Backtest {
  static builder(): Builder {
    return new Builder();
  }

  private readonly chunks: () => Iterator<EventChunk>;

  /** Data warnings found when the data is in memory (see `dataWarnings`), reported with every result. */
  readonly warnings: readonly string[];
  private warned = false;

  constructor(readonly config: BacktestConfig) {
    this.chunks = chunkFactory(config.source, config.chunkRows);
    this.warnings = isMarketEvents(config.source) ? dataWarnings(config.source) : [];
  }

  /** A fresh native engine with this configuration (the data is not appended). */
  engine(seed = this.config.seed): ReplayEngine {
    const c = this.config;
    return new ReplayEngine({
      instruments: c.instruments,
      latency: c.latency,
      queue: c.queue,
      fees: c.fees,
      exchange: c.exchange,
      noDoubleFill: c.noDoubleFill,
      seed,
      sampleNs: c.sampleNs,
      recordTrades: c.recordTrades,
      capacity: c.capacity,
    });
  }

  /**
   * Runs `strategy(ctx, params)` over the data and returns its results. The strategy starts at the time of the
   * first event (after the events stamped at that instant) and the run ends when it returns; results cover the
   * venue's state at that time (fills whose response is still in flight count in `totals.exchange` and in the
   * equity curve, not in the fills table, which is what the strategy received).
   */
  async run<P>(strategy: Strategy<P>, params: P, opts: RunOptions = {}): Promise<BacktestResult> {
    const c = this.config;
    const engine = this.engine(opts.seed ?? c.seed);
    const recorder = new Recorder(c.recordOrders);
    const ctx = new BacktestContext(engine, {
      chunks: this.chunks(),
      recorder,
      initialCapital: c.initialCapital,
      progress: opts.progress,
      totalEvents: c.totalEvents,
      echoLog: opts.echoLog,
    });
    const t0 = performance.now();
    // Start the clock: append the first chunk and process the events at its first instant.
    await ctx.elapse(0n);
    await strategy(ctx, params);
    const wallMs = performance.now() - t0;
    opts.progress?.(engine.rowsLocal, c.totalEvents);
    const result = buildResult({
      recorder,
      instruments: c.instruments,
      totals: engine.totals(),
      endTs: engine.now,
      initialCapital: c.initialCapital,
      sampleNs: c.sampleNs,
      periodsPerYear: c.periodsPerYear,
      events: engine.rowsLocal,
      wallMs,
    });
    result.warnings.push(...this.warnings);
    if (this.warnings.length > 0 && !this.warned) {
      this.warned = true;
      for (const w of this.warnings) console.warn(`omniquant/backtest: ${w}`);
    }
    return result;
  }

  /**
   * Runs the strategy once per seed (latency jitter and queue randomisation draw from the seed; with constant
   * latency and deterministic queue models every run is the same) and returns the distribution of final PnL.
   */
  async monteCarlo<P>(strategy: Strategy<P>, params: P, opts: MonteCarloOptions): Promise<MonteCarloResult> {
    const seeds: number[] =
      typeof opts.seeds === "number" ? Array.from({ length: opts.seeds }, (_, k) => this.config.seed + k) : [...opts.seeds];
    if (seeds.length === 0 || !seeds.every((s) => Number.isSafeInteger(s))) {
      throw contextError({ where: "Backtest.monteCarlo", what: "no valid seeds", expected: "a count >= 1 or a list of safe integers" });
    }
    const rows = {
      seed: [] as number[],
      pnl: [] as number[],
      fees: [] as number[],
      realised: [] as number[],
      fills: [] as number[],
      volume: [] as number[],
      fillRatio: [] as number[],
      sharpe: [] as number[],
      maxDrawdown: [] as number[],
      finalPosition: [] as number[],
    };
    const quiet = new Backtest({ ...this.config, recordOrders: false });
    for (const [k, seed] of seeds.entries()) {
      const r = await quiet.run(strategy, params, { seed });
      const s = r.summary;
      rows.seed.push(seed);
      rows.pnl.push(s.pnl);
      rows.fees.push(s.fees);
      rows.realised.push(s.realised);
      rows.fills.push(s.fills);
      rows.volume.push(s.volume);
      rows.fillRatio.push(s.fillRatio);
      rows.sharpe.push(s.sharpe);
      rows.maxDrawdown.push(s.maxDrawdown);
      rows.finalPosition.push(s.inventory.reduce((a, b) => a + b.final, 0));
      opts.progress?.(k + 1, seeds.length);
    }
    const sorted = [...rows.pnl].sort((a, b) => a - b);
    const q = (p: number) => {
      const h = (sorted.length - 1) * p;
      const lo = Math.floor(h);
      return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (h - lo);
    };
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    const std = sorted.length > 1 ? Math.sqrt(sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / (sorted.length - 1)) : NaN;
    return {
      runs: table(rows),
      pnl: { mean, std, min: sorted[0]!, p05: q(0.05), p50: q(0.5), p95: q(0.95), max: sorted[sorted.length - 1]! },
    };
  }
}

/** Runs a strategy to the end of the data on a context (helper for strategies that only react to events). */
export async function untilEnd(ctx: { elapse(ns: bigint): Promise<boolean> }, stepNs: bigint, onWake: () => void | Promise<void>): Promise<void> {
  while (await ctx.elapse(stepNs)) await onWake();
}


/**
 * What in the data would make a backtest see the future: rows whose local (receive) time is before their
 * exchange time, i.e. a negative feed latency, usually a capture whose receive clock runs behind the venue's.
 */
export function dataWarnings(ev: MarketEvents): string[] {
  let rows = 0;
  let worst = 0n;
  for (let i = 0; i < ev.kind.length; i++) {
    const d = ev.localTs[i]! - ev.exchTs[i]!;
    if (d < 0n) {
      rows++;
      if (d < worst) worst = d;
    }
  }
  if (rows === 0) return [];
  return [
    `${rows.toLocaleString("en-US")} of ${ev.kind.length.toLocaleString("en-US")} rows reach the strategy before the venue produced them ` +
      `(localTs < exchTs, by up to ${(Number(-worst) / 1e6).toFixed(3)} ms): the strategy sees those events early and fills against them look ahead. ` +
      `Correct the receive clock first (e.g. loadBinanceCapture(file, { correctLocalTs: true }), or correctLocalTs(events)).`,
  ];
}
