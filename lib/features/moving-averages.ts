/**
 * Moving averages, computed natively in one N-API call per series (native/src/features/moving_average.cpp).
 *
 * Shared conventions: output i depends on values[0..i] only; same length as the input; a NaN or infinite input
 * restarts the warm-up (outputs are NaN until `window` finite values in a row have been seen again), so leading
 * NaNs, e.g. before a listing, are skipped.
 *
 * Speed: `sma` and `ema` (and `rsi`) run vectorised kernels (AVX-512 or AVX2, chosen at run time; plain loops on
 * other CPUs) and, from 2^20 values, split the series over up to 4 threads (the machine's cores). The results equal
 * the plain sequential loop up to rounding: within about 1e-14 relative on real and random data (tested at
 * 1e-12 relative to the larger of |value| and 1).
 * `opts.out` writes into a preallocated Float64Array of the same length (no allocation: for loops over many
 * series or parameters, where allocating and page-faulting 8 bytes per point costs more than the computation).
 */
import { featuresAddon } from "./addon.js";
import { checkInt, checkNumber, checkOut, toF64, type Series } from "./series.js";
import { checkKeys } from "../util/errors.js";

export interface MovingAverageOptions {
  /** Write the result here (a Float64Array of the input's length, not sharing its memory) and return it. */
  out?: Float64Array;
}

export interface EmaOptions extends MovingAverageOptions {
  /** Smoothing in (0, 1]; default 2 / (window + 1). 1 / window gives Wilder's smoothing. */
  alpha?: number;
}

/**
 * Simple moving average over trailing windows. Warm-up: the first window-1 outputs are NaN.
 * A sliding sum on values shifted by an anchor taken from the window, recomputed exactly from the window every
 * max(16 window, 4096) values and whenever cancellation has eaten its digits, so long series do not drift.
 */
export function sma(values: Series, window: number, opts?: MovingAverageOptions): Float64Array {
  checkInt(window, "sma", "window");
  const { out } = checkKeys(opts, ["out"], "sma");
  const x = toF64(values, "sma");
  return featuresAddon().featuresSma(x, window, checkOut(out, x, "sma"));
}

/**
 * Exponential moving average, alpha = 2 / (window + 1). Seeding: the first output (index window-1) is the SMA of
 * the first `window` values, then e_t = (x_t - e_{t-1}) alpha + e_{t-1}: technicalindicators' EMA convention (and
 * TA-Lib's), so the outputs compare with it. Warm-up: the first window-1 outputs are NaN. Pass `alpha` to use
 * another smoothing (1 / window gives Wilder's smoothing) with the same seeding.
 */
export function ema(values: Series, window: number, opts?: EmaOptions): Float64Array {
  checkInt(window, "ema", "window");
  const { alpha: a, out } = checkKeys(opts, ["alpha", "out"], "ema");
  const alpha = a === undefined ? 2 / (window + 1) : checkNumber(a, "ema", "alpha", Number.MIN_VALUE, 1);
  const x = toF64(values, "ema");
  return featuresAddon().featuresEma(x, window, alpha, checkOut(out, x, "ema"));
}

/**
 * Linearly weighted moving average: weights 1..window from oldest to newest over window(window+1)/2.
 * Warm-up: the first window-1 outputs are NaN.
 */
export function wma(values: Series, window: number): Float64Array {
  checkInt(window, "wma", "window");
  return featuresAddon().featuresWma(toF64(values, "wma"), window);
}
