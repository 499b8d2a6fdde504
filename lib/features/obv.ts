import { sameLength, toF64, type Series } from "./series.js";

/**
 * On-balance volume (Granville): OBV_0 = 0, OBV_t = OBV_{t-1} + V_t if C_t > C_{t-1}, - V_t if C_t < C_{t-1},
 * unchanged otherwise. No warm-up (defined from the first bar; technicalindicators starts its output at the
 * second bar with the same values). A NaN close or volume leaves OBV unchanged at that bar.
 */
export function obv(close: Series, volume: Series): Float64Array {
  const n = sameLength("obv", { close, volume });
  const c = toF64(close, "obv", "close");
  const v = toF64(volume, "obv", "volume");
  const out = new Float64Array(n);
  let acc = 0;
  for (let i = 1; i < n; i++) {
    const vol = v[i]!;
    if (c[i]! > c[i - 1]! && !Number.isNaN(vol)) acc += vol;
    else if (c[i]! < c[i - 1]! && !Number.isNaN(vol)) acc -= vol;
    out[i] = acc;
  }
  return out;
}
