import { featuresAddon } from "./addon.js";
import { checkInt, sameLength, toF64, type Series } from "./series.js";

/**
 * Rolling Pearson correlation of x and y over trailing windows of `window` pairs, natively in one call.
 * Warm-up: the first window-1 outputs are NaN; NaN when either series is constant in the window; a NaN in either
 * series restarts the warm-up.
 */
export function rollingCorrelation(x: Series, y: Series, window: number): Float64Array {
  return rollingCorrBeta(x, y, window).corr;
}

/**
 * Rolling beta of `asset` on `market`: the OLS slope (with intercept) cov(asset, market) / var(market) over
 * trailing windows of `window` pairs (ddof cancels). Warm-up as `rollingCorrelation`; NaN when market is constant.
 */
export function rollingBeta(asset: Series, market: Series, window: number): Float64Array {
  return rollingCorrBeta(asset, market, window).beta;
}

/** Both at once (one pass): corr(x, y) and beta of x on y. */
export function rollingCorrBeta(x: Series, y: Series, window: number): { corr: Float64Array; beta: Float64Array } {
  checkInt(window, "rollingCorrBeta", "window");
  sameLength("rollingCorrBeta", { x, y });
  return featuresAddon().featuresRollingCorrBeta(toF64(x, "rollingCorrBeta", "x"), toF64(y, "rollingCorrBeta", "y"), window);
}
