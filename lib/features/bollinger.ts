import { rollingMeanStd } from "../native/index.js";
import { checkInt, checkNumber, toF64, type Series } from "./series.js";
import { checkKeys } from "../util/errors.js";

export interface BollingerOptions {
  /** Window (default 20). */
  window?: number;
  /** Band width in standard deviations (default 2). */
  k?: number;
  /** Delta degrees of freedom of the std (default 0, the population std, as Bollinger and technicalindicators). */
  ddof?: number;
}

export interface BollingerBands {
  middle: Float64Array;
  upper: Float64Array;
  lower: Float64Array;
  /** %B = (x - lower) / (upper - lower). */
  pb: Float64Array;
}

/**
 * Bollinger bands: middle = SMA(window), upper/lower = middle +/- k * std over the same window; the std is the
 * population one (ddof 0) by default, as in Bollinger's definition and technicalindicators. Warm-up: the first
 * window-1 outputs are NaN. Computed natively (omniquant/native rollingMeanStd), one call.
 */
export function bollinger(values: Series, opts: BollingerOptions = {}): BollingerBands {
  const o = checkKeys(opts, ["window", "k", "ddof"], "bollinger");
  const window = checkInt(o.window ?? 20, "bollinger", "window");
  const k = checkNumber(o.k ?? 2, "bollinger", "k", 0);
  const ddof = checkInt(o.ddof ?? 0, "bollinger", "ddof", 0);
  const x = toF64(values, "bollinger");
  const { mean, std } = rollingMeanStd(x, window, { ddof });
  const n = x.length;
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const pb = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    upper[i] = mean[i]! + k * std[i]!;
    lower[i] = mean[i]! - k * std[i]!;
    pb[i] = (x[i]! - lower[i]!) / (upper[i]! - lower[i]!);
  }
  return { middle: mean, upper, lower, pb };
}
