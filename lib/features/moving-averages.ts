/**
 * Moving averages, computed natively in one N-API call per series (native/src/features/moving_average.cpp).
 *
 * Shared conventions: output i depends on values[0..i] only; same length as the input; a NaN or infinite input
 * restarts the warm-up (outputs are NaN until `window` finite values in a row have been seen again), so leading
 * NaNs, e.g. before a listing, are skipped.
 */
import { featuresAddon } from "./addon.js";
import { checkInt, toF64, type Series } from "./series.js";

/** Simple moving average over trailing windows. Warm-up: the first window-1 outputs are NaN. */
export function sma(values: Series, window: number): Float64Array {
  checkInt(window, "sma", "window");
  return featuresAddon().featuresSma(toF64(values, "sma"), window);
}

/**
 * Exponential moving average, alpha = 2 / (window + 1). Seeding: the first output (index window-1) is the SMA of
 * the first `window` values, then e_t = (x_t - e_{t-1}) alpha + e_{t-1}: technicalindicators' EMA convention (and
 * TA-Lib's), so the outputs compare with it. Warm-up: the first window-1 outputs are NaN. Pass `alpha` to use
 * another smoothing (1 / window gives Wilder's smoothing) with the same seeding.
 */
export function ema(values: Series, window: number, opts: { alpha?: number } = {}): Float64Array {
  checkInt(window, "ema", "window");
  const alpha = opts.alpha ?? 2 / (window + 1);
  return featuresAddon().featuresEma(toF64(values, "ema"), window, alpha);
}

/**
 * Linearly weighted moving average: weights 1..window from oldest to newest over window(window+1)/2.
 * Warm-up: the first window-1 outputs are NaN.
 */
export function wma(values: Series, window: number): Float64Array {
  checkInt(window, "wma", "window");
  return featuresAddon().featuresWma(toF64(values, "wma"), window);
}
