import { sma } from "./moving-averages.js";
import { checkInt, toF64, type Series } from "./series.js";

/**
 * Realised variance over the last `window` returns: RV_t = sum of r_j^2, j = t-window+1..t (no scaling, no
 * annualisation; feed log returns). The first window-1 outputs are NaN (plus those NaN in the returns).
 */
export function realizedVariance(returns: Series, window: number): Float64Array {
  checkInt(window, "realizedVariance", "window");
  const r = toF64(returns, "realizedVariance", "returns");
  const sq = new Float64Array(r.length);
  for (let i = 0; i < r.length; i++) sq[i] = r[i]! * r[i]!;
  const out = sma(sq, window);
  for (let i = 0; i < out.length; i++) out[i]! *= window;
  return out;
}

/**
 * Bipower variation (Barndorff-Nielsen & Shephard 2004) over the last `window` returns:
 * BV_t = (pi / 2) sum_{j=t-window+2..t} |r_j| |r_{j-1}| (window - 1 products, no finite-sample correction).
 * Robust to jumps: RV - BV estimates the jump part. window >= 2; the first window-1 outputs are NaN.
 */
export function bipowerVariation(returns: Series, window: number): Float64Array {
  checkInt(window, "bipowerVariation", "window", 2);
  const r = toF64(returns, "bipowerVariation", "returns");
  const prod = new Float64Array(r.length).fill(NaN);
  for (let i = 1; i < r.length; i++) prod[i] = Math.abs(r[i]!) * Math.abs(r[i - 1]!);
  const out = sma(prod, window - 1);
  for (let i = 0; i < out.length; i++) out[i]! *= (Math.PI / 2) * (window - 1);
  return out;
}
