/**
 * omniquant/analytics: performance statistics of returns and equity curves (empyrical's conventions, stated per
 * function in performance.ts).
 */
export {
  returnsFromEquity,
  equityFromReturns,
  totalReturn,
  cagr,
  annualVolatility,
  sharpeRatio,
  downsideRisk,
  sortinoRatio,
  drawdown,
  maxDrawdown,
  calmarRatio,
  hitRate,
  weightTurnover,
  turnover,
  summarizePerformance,
  type AnnualisationOptions,
  type SharpeOptions,
  type SortinoOptions,
  type Drawdown,
  type PerformanceSummary,
} from "./performance.js";
