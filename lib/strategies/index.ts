/**
 * omniquant/strategies: strategies written once against the ports of `lib/trading/ports` (they run on any host
 * that provides a `StrategyContext`, e.g. the bar backtester), with their decision rules also available as plain
 * functions over arrays (`pairsSignals`, `momentumSignals`) for sweeps and plots.
 */
export {
  pairsTrading,
  PairsSignal,
  pairsSignals,
  pairsConfig,
  pairsLegLots,
  pairsWeights,
  type PairsWeightOptions,
  type PairsParams,
  type HedgeSpec,
  type PairsStep,
  type PairsEvent,
  type PairsSignals,
} from "./pairs-trading.js";
export { scanPairs, type PairScan, type PairScanRow, type PairScanOptions } from "./pair-scan.js";
export { momentum, MomentumSignal, momentumSignals, momentumConfig, type MomentumParams, type MomentumStep, type MomentumEvent, type MomentumSignals } from "./momentum.js";
export {
  avellanedaStoikov,
  avellanedaStoikovQuote,
  avellanedaStoikovConfig,
  type AvellanedaStoikovParams,
  type AsQuote,
  type AsQuoteInput,
} from "./avellaneda-stoikov.js";
export { fitArrivalIntensity, type ArrivalIntensity, type ArrivalIntensityOptions } from "./arrival-intensity.js";
