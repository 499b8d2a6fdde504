import { featuresAddon } from "./addon.js";
import { checkInt, toF64, type Series } from "./series.js";
import { checkKeys } from "../util/errors.js";

/**
 * Rolling z-score z_t = (x_t - mean) / std over the trailing window x[t-window+1..t] (x_t included), natively in
 * one call. std uses `ddof` (default 1, the sample std). Warm-up: the first window-1 outputs are NaN; a window
 * with zero std gives NaN; a NaN makes every window that contains it NaN.
 */
export function rollingZscore(values: Series, window: number, opts: { ddof?: number } = {}): Float64Array {
  const o = checkKeys(opts, ["ddof"], "rollingZscore");
  checkInt(window, "rollingZscore", "window");
  const ddof = checkInt(o.ddof ?? 1, "rollingZscore", "ddof", 0);
  return featuresAddon().featuresRollingZscore(toF64(values, "rollingZscore"), window, ddof);
}
