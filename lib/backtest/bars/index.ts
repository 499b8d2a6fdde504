/**
 * The bar-level backtest engine: `runBarBacktest` runs a port-based strategy over aligned OHLCV bars with explicit
 * fill rules, commissions, slippage and exact cash accounting; `vectorBacktest` and `maCrossoverSweep` are the
 * vectorised paths for parameter sweeps. Sizing and cost helpers are small functions.
 */
export { runBarBacktest, type BarStrategy, type BarStrategyContext, type BarField } from "./run-bar-backtest.js";
export type {
  BarPanel,
  BarInput,
  FillRule,
  LimitFillRule,
  FillCostInput,
  CommissionModel,
  SlippageModel,
  CommissionSpec,
  SlippageSpec,
  InstrumentOverrides,
  BarBacktestOptions,
  BarBacktestSummary,
  BarBacktestResult,
} from "./types.js";
export { commission, slippage, bpsCommission, perShareCommission, bpsSlippage, fixedSlippage, noCommission, noSlippage } from "./costs.js";
export {
  lotsForNotional,
  lotsForWeight,
  volatilityTargetWeight,
  lastPrice,
  markToMarket,
  pendingLots,
  orderToTarget,
  rebalanceToWeights,
  type VolTargetOptions,
  type TargetOrderOptions,
  type RebalanceOptions,
} from "./sizing.js";
export { toPanel, type Panel } from "./panel.js";
export { toMicros, fromMicros, MICROS } from "./ledger.js";
export { vectorBacktest, closeColumns, type VectorCosts, type VectorBacktestOptions, type VectorBacktestResult, type PriceColumns } from "./vector-backtest.js";
export {
  maCrossoverSweep,
  maCrossoverSweepSync,
  maCrossoverSweepTs,
  maCrossoverSweepNaive,
  closesMatrix,
  type MaSweepOptions,
  type MaSweepResult,
  type ClosesMatrix,
} from "./ma-crossover-sweep.js";
