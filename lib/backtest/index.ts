/**
 * omniquant/backtest: the tick/L2/L3 replay backtester (native engine with queue-position fills and latency) and
 * the bar-level backtest engine. Strategies are written against omniquant's ports (lib/trading/ports).
 *
 * Replay:
 *   Backtest.builder().data(events).latency(constantLatency({ entryNs, responseNs })).queue(powerProbQueue(3))
 *     .fees(makerTaker(-0.0001, 0.0004)).exchange("partial").seed(1).build()
 *   await bt.run(strategy, params, { progress }) -> { fills, orders, equity, log, summary, totals }
 *   await bt.monteCarlo(strategy, params, { seeds: 20 }) -> { runs, pnl }
 * Bars: runBarBacktest, vectorBacktest, maCrossoverSweep (./bars).
 */
export { Backtest, dataWarnings, untilEnd, type BacktestConfig, type MonteCarloOptions, type MonteCarloResult, type RunOptions } from "./replay/backtest.js";
export type { BacktestResult, BacktestSummary, InventoryStats } from "./replay/results.js";
export {
  constantLatency,
  normalLatency,
  lognormalLatency,
  latencyTable,
  riskAverseQueue,
  powerProbQueue,
  powerProbQueue2,
  powerProbQueue3,
  logProbQueue,
  logProbQueue2,
  l3FifoQueue,
  makerTaker,
  noFees,
  type ConstantLatencyModel,
  type JitterLatencyModel,
  type TableLatencyModel,
  type LatencyModel,
  type QueueModel,
  type QueueModelKind,
  type FeeModel,
  type Nanos,
} from "./replay/models.js";
export { ReplayEngine, type ReplayConfig, type ReplayResponse, type LocalAccountView } from "./replay/engine.js";
export { ReferenceReplay, type ReferenceConfig, type ReferenceResponse } from "./replay/reference.js";
export { chunksOf, repeatedEvents, type EventChunk, type EventSource } from "./replay/source.js";
export { syntheticMarketEvents, type SyntheticOptions } from "./replay/synthetic.js";
export { marketEvents, type EventRow } from "./replay/rows.js";
export { quoteAroundMid, type QuoteAroundMidParams } from "./replay/quote-around-mid.js";
export { Op, ResponseKind, RejectReason, RunStatus, REJECT_REASON_TEXT } from "./replay/codes.js";
export { BacktestContext, type BacktestContextOptions } from "../trading/adapters/backtest/context.js";
export * from "./bars/index.js";
export { walkForward, type WalkForwardOptions, type WalkForwardResult, type Optimiser, type TrainingPrices, type RebalanceInfo } from "./walk-forward.js";
