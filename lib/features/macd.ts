import { ema } from "./moving-averages.js";
import { checkInt, toF64, type Series } from "./series.js";
import { checkKeys } from "../util/errors.js";

export interface MacdOptions {
  fast?: number;
  slow?: number;
  signal?: number;
}

export interface Macd {
  macd: Float64Array;
  signal: Float64Array;
  histogram: Float64Array;
}

/**
 * MACD (Appel): macd = EMA(fast) - EMA(slow), signal = EMA(signal) of macd, histogram = macd - signal; defaults
 * 12/26/9. EMAs seeded with an SMA (see `ema`); the signal EMA starts at the first defined macd value.
 * Warm-up: macd is NaN for the first slow-1 outputs, signal and histogram for the first slow+signal-2.
 * Matches technicalindicators' MACD with SimpleMAOscillator and SimpleMASignal false.
 */
export function macd(values: Series, opts: MacdOptions = {}): Macd {
  const o = checkKeys(opts, ["fast", "slow", "signal"], "macd");
  const fast = checkInt(o.fast ?? 12, "macd", "fast");
  const slow = checkInt(o.slow ?? 26, "macd", "slow");
  const signalWindow = checkInt(o.signal ?? 9, "macd", "signal");
  const x = toF64(values, "macd");
  const f = ema(x, fast);
  const s = ema(x, slow);
  const line = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) line[i] = f[i]! - s[i]!;
  const signal = ema(line, signalWindow);
  const histogram = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) histogram[i] = line[i]! - signal[i]!;
  return { macd: line, signal, histogram };
}
