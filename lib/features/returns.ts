import { nans, toF64, type Series } from "./series.js";

/**
 * Simple returns r_t = p_t / p_{t-lag} - 1. The first `lag` outputs are NaN; a NaN price gives NaN returns where
 * it is used. Causal: r_t reads p_t and p_{t-lag} only.
 */
export function simpleReturns(prices: Series, lag = 1): Float64Array {
  const p = toF64(prices, "simpleReturns", "prices");
  const out = nans(p.length);
  for (let i = lag; i < p.length; i++) out[i] = p[i]! / p[i - lag]! - 1;
  return out;
}

/** Log returns r_t = ln(p_t / p_{t-lag}). The first `lag` outputs are NaN. Causal. */
export function logReturns(prices: Series, lag = 1): Float64Array {
  const p = toF64(prices, "logReturns", "prices");
  const out = nans(p.length);
  for (let i = lag; i < p.length; i++) out[i] = Math.log(p[i]! / p[i - lag]!);
  return out;
}
