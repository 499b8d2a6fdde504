import { featuresAddon } from "./addon.js";
import { checkInt, toF64, type Series } from "./series.js";

/**
 * Relative strength index (Wilder 1978), natively in one call. Average gain and loss are seeded with the plain
 * mean of the first `window` changes, then smoothed avg_t = (avg_{t-1} (window-1) + g_t) / window.
 * RSI = 100 - 100 / (1 + avgGain / avgLoss), 100 when avgLoss = 0, 0 when avgGain = 0.
 * Warm-up: the first `window` outputs are NaN (window changes need window+1 prices). A NaN restarts the warm-up.
 * Same convention as technicalindicators' RSI except that it rounds to 2 decimals and this does not.
 */
export function rsi(values: Series, window = 14): Float64Array {
  checkInt(window, "rsi", "window");
  return featuresAddon().featuresRsi(toF64(values, "rsi"), window);
}
