import { featuresAddon } from "./addon.js";
import { checkInt, sameLength, toF64, type Series } from "./series.js";

/** High, low, close (and optionally open, volume) bars as parallel series. */
export interface OhlcSeries {
  open?: Series;
  high: Series;
  low: Series;
  close: Series;
  volume?: Series;
}

/**
 * Average true range (Wilder 1978), natively in one call. TR_t = max(H_t - L_t, |H_t - C_{t-1}|, |L_t - C_{t-1}|)
 * from the second bar on; ATR is seeded with the mean of the first `window` TRs (at index `window`) and then
 * smoothed ATR_t = ATR_{t-1} + (TR_t - ATR_{t-1}) / window. Warm-up: the first `window` outputs are NaN.
 * technicalindicators' ATR convention. A bar with a NaN restarts the warm-up.
 */
export function atr(bars: OhlcSeries, window = 14): Float64Array {
  return atrWithTrueRange(bars, window).atr;
}

/** ATR and the true range itself (TR is NaN on the first bar). */
export function atrWithTrueRange(bars: OhlcSeries, window = 14): { atr: Float64Array; trueRange: Float64Array } {
  checkInt(window, "atr", "window");
  sameLength("atr", { high: bars.high, low: bars.low, close: bars.close });
  return featuresAddon().featuresAtr(
    toF64(bars.high, "atr", "high"),
    toF64(bars.low, "atr", "low"),
    toF64(bars.close, "atr", "close"),
    window,
  );
}
