import { checkKeys, contextError } from "../util/errors.js";
import { checkInt, sameLength, toF64, type Series } from "./series.js";

export interface TransferEntropyOptions {
  /** Bins per series (default 3). */
  bins?: number;
  /** "quantile" (default: equal-count bins, robust to scale) or "width" (equal-width between min and max). */
  binning?: "quantile" | "width";
  /** Lag of the source (default 1): x_{t+1-lag} informs y_{t+1}. */
  lag?: number;
}

/** Bin indices 0..bins-1 of a finite series. */
export function discretize(values: Float64Array, bins: number, binning: "quantile" | "width"): Int32Array {
  const out = new Int32Array(values.length);
  if (binning === "width") {
    let lo = Infinity, hi = -Infinity;
    for (const v of values) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    const w = (hi - lo) / bins;
    for (let i = 0; i < values.length; i++) out[i] = w > 0 ? Math.min(bins - 1, Math.floor((values[i]! - lo) / w)) : 0;
    return out;
  }
  // Quantile bins: by rank, ties broken by index, so bins hold equal counts (+/- 1).
  const idx = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]! || a - b);
  idx.forEach((i, r) => (out[i] = Math.min(bins - 1, Math.floor((r * bins) / values.length))));
  return out;
}

/**
 * Transfer entropy from x to y (Schreiber 2000), in bits, with history length 1 and binned (plug-in) probabilities:
 *   TE = sum p(y_{t+1}, y_t, x_s) log2[ p(y_{t+1} | y_t, x_s) / p(y_{t+1} | y_t) ],  s = t + 1 - lag
 * over every t where the three exist. Non-negative; 0 when x adds nothing to y's own past. Biased upwards in
 * small samples (plug-in estimator): compare against shuffled x for significance. Series must be finite.
 */
export function transferEntropy(x: Series, y: Series, opts: TransferEntropyOptions = {}): number {
  const where = "transferEntropy";
  const o = checkKeys(opts, ["bins", "binning", "lag"], where);
  const bins = checkInt(o.bins ?? 3, where, "bins", 2);
  const lag = checkInt(o.lag ?? 1, where, "lag");
  const n = sameLength(where, { x, y });
  const xs = toF64(x, where, "x"), ys = toF64(y, where, "y");
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(xs[i]!) || !Number.isFinite(ys[i]!)) throw contextError({ where, what: `x or y is not finite at index ${i}` });
  }
  const bx = discretize(xs, bins, o.binning ?? "quantile");
  const by = discretize(ys, bins, o.binning ?? "quantile");
  const joint = new Float64Array(bins * bins * bins); // (y1, y0, x)
  const yy = new Float64Array(bins * bins); // (y1, y0)
  const yx = new Float64Array(bins * bins); // (y0, x)
  const y0c = new Float64Array(bins);
  let total = 0;
  for (let t = Math.max(0, lag - 1); t + 1 < n; t++) {
    const y1 = by[t + 1]!, y0 = by[t]!, xv = bx[t + 1 - lag]!;
    joint[(y1 * bins + y0) * bins + xv]!++;
    yy[y1 * bins + y0]!++;
    yx[y0 * bins + xv]!++;
    y0c[y0]!++;
    total++;
  }
  let te = 0;
  for (let y1 = 0; y1 < bins; y1++) {
    for (let y0 = 0; y0 < bins; y0++) {
      for (let xv = 0; xv < bins; xv++) {
        const c = joint[(y1 * bins + y0) * bins + xv]!;
        if (c === 0) continue;
        // p(y1|y0,x) / p(y1|y0) = (c / yx) / (yy / y0c)
        te += (c / total) * Math.log2((c * y0c[y0]!) / (yx[y0 * bins + xv]! * yy[y1 * bins + y0]!));
      }
    }
  }
  return te;
}
