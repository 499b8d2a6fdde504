import { featuresAddon } from "./addon.js";
import { checkInt, checkOut, toF64, type Series } from "./series.js";
import { checkKeys } from "../util/errors.js";

export interface RsiOptions {
  /** Write the result here (a Float64Array of the input's length, not sharing its memory) and return it. */
  out?: Float64Array;
}

/**
 * Relative strength index (Wilder 1978), natively in one call. Average gain and loss are seeded with the plain
 * mean of the first `window` changes, then smoothed avg_t = (avg_{t-1} (window-1) + g_t) / window.
 * RSI = 100 - 100 / (1 + avgGain / avgLoss), 100 when avgLoss = 0, 0 when avgGain = 0.
 * Warm-up: the first `window` outputs are NaN (window changes need window+1 prices). A NaN restarts the warm-up.
 * Same convention as technicalindicators' RSI except that it rounds to 2 decimals and this does not.
 * Vectorised and, from 2^20 values, multi-threaded like `ema` (see moving-averages.ts): equal to the sequential
 * loop up to rounding (about 1e-14 of the 0..100 scale). `opts.out` writes into a preallocated array.
 */
export function rsi(values: Series, window = 14, opts?: RsiOptions): Float64Array {
  checkInt(window, "rsi", "window");
  const { out } = checkKeys(opts, ["out"], "rsi");
  const x = toF64(values, "rsi");
  return featuresAddon().featuresRsi(x, window, checkOut(out, x, "rsi"));
}
