import type { OhlcSeries } from "./atr.js";
import { sma } from "./moving-averages.js";
import { checkInt, nans, sameLength, toF64 } from "./series.js";
import { checkKeys } from "../util/errors.js";

export interface StochasticOptions {
  /** Look-back of the highest high / lowest low (default 14). */
  window?: number;
  /** SMA window of %D (default 3). */
  signal?: number;
}

/**
 * Stochastic oscillator (Lane): %K_t = 100 (C_t - LL) / (HH - LL) over the last `window` bars (HH highest high,
 * LL lowest low, bar t included), %D = SMA(signal) of %K. When HH = LL, %K is 0 (technicalindicators' convention).
 * Warm-up: %K is NaN for the first window-1 outputs, %D for the first window+signal-2. O(n) with monotonic deques.
 * A NaN in the window makes %K NaN (and %D restarts its warm-up).
 */
export function stochastic(bars: OhlcSeries, opts: StochasticOptions = {}): { k: Float64Array; d: Float64Array } {
  const o = checkKeys(opts, ["window", "signal"], "stochastic");
  const window = checkInt(o.window ?? 14, "stochastic", "window");
  const signal = checkInt(o.signal ?? 3, "stochastic", "signal");
  const n = sameLength("stochastic", { high: bars.high, low: bars.low, close: bars.close });
  const h = toF64(bars.high, "stochastic", "high");
  const l = toF64(bars.low, "stochastic", "low");
  const c = toF64(bars.close, "stochastic", "close");
  const k = nans(n);
  const maxQ = new Int32Array(n);
  const minQ = new Int32Array(n);
  let maxHead = 0, maxTail = 0, minHead = 0, minTail = 0;
  let lastNan = -Infinity;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(h[i]!) || Number.isNaN(l[i]!) || Number.isNaN(c[i]!)) lastNan = i;
    while (maxTail > maxHead && h[maxQ[maxTail - 1]!]! <= h[i]!) maxTail--;
    maxQ[maxTail++] = i;
    while (minTail > minHead && l[minQ[minTail - 1]!]! >= l[i]!) minTail--;
    minQ[minTail++] = i;
    while (maxQ[maxHead]! <= i - window) maxHead++;
    while (minQ[minHead]! <= i - window) minHead++;
    if (i + 1 < window || i - lastNan < window) continue;
    const hh = h[maxQ[maxHead]!]!;
    const ll = l[minQ[minHead]!]!;
    k[i] = hh === ll ? 0 : ((c[i]! - ll) / (hh - ll)) * 100;
  }
  return { k, d: sma(k, signal) };
}
