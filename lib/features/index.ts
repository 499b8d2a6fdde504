/**
 * omniquant/features: technical, microstructure, cross-sectional and causal features, labels, and a point-in-time
 * feature pipeline. Hot loops (SMA, EMA, WMA, RSI, ATR, rolling z-score, rolling volatility estimators, rolling
 * correlation/beta) run in the native core, one N-API call per series.
 *
 * Conventions shared by the time-series features: outputs have the input's length and output t reads inputs at
 * times <= t only; warm-up outputs are NaN (each function documents how many); a NaN input restarts the warm-up of
 * the native rolling/recursive ones. Labels (labels.ts) look ahead on purpose.
 */
export { simpleReturns, logReturns } from "./returns.js";
export { sma, ema, wma } from "./moving-averages.js";
export { rsi } from "./rsi.js";
export { macd, type Macd, type MacdOptions } from "./macd.js";
export { bollinger, type BollingerBands, type BollingerOptions } from "./bollinger.js";
export { atr, atrWithTrueRange, type OhlcSeries } from "./atr.js";
export { stochastic, type StochasticOptions } from "./stochastic.js";
export { obv } from "./obv.js";
export { rollingZscore } from "./rolling-zscore.js";
export { rollingVolatility, type RollingVolatilityOptions, type VolBars, type VolEstimatorName } from "./rolling-volatility.js";
export { rollingCorrelation, rollingBeta, rollingCorrBeta } from "./rolling-corr.js";
export { spread, midPrice, microprice, bookImbalance, type BookColumns } from "./book.js";
export { orderFlowImbalance, ofiByInterval } from "./order-flow-imbalance.js";
export { tickRuleSigns, tradeSignImbalance, kyleLambda, vpin, type VpinOptions } from "./trades.js";
export { realizedVariance, bipowerVariation } from "./realized.js";
export { readLobster, type LobsterData } from "./lobster.js";
export { rank, zscore, winsorize, demeanByGroup, crossSection } from "./cross-section.js";
export { forwardReturns, tripleBarrier, type TripleBarrierOptions } from "./labels.js";
export { grangerCausality, type GrangerResult } from "./granger.js";
export { transferEntropy, discretize, type TransferEntropyOptions } from "./transfer-entropy.js";
export {
  technicalFeatures,
  computeFeatures,
  computeSymbolFeatures,
  featureTable,
  toBarsF64,
  type Bars,
  type BarsF64,
  type Feature,
  type FeatureSet,
  type ComputeFeaturesOptions,
  type CrossSectionalStep,
} from "./pipeline.js";
export type { Series } from "./series.js";
