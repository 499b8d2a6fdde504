/**
 * Labels for supervised learning. These look into the future ON PURPOSE (label at t is a function of prices after
 * t): never use them as features. The feature pipeline keeps them apart.
 */
import { checkInt, checkNumber, nans, toF64, type Series } from "./series.js";
import { checkKeys } from "../util/errors.js";

/** Forward simple return over `horizon` steps: p_{t+h} / p_t - 1; the last `horizon` outputs are NaN. */
export function forwardReturns(prices: Series, horizon = 1, opts: { log?: boolean } = {}): Float64Array {
  checkInt(horizon, "forwardReturns", "horizon");
  const p = toF64(prices, "forwardReturns", "prices");
  const out = nans(p.length);
  for (let i = 0; i + horizon < p.length; i++) {
    out[i] = opts.log ? Math.log(p[i + horizon]! / p[i]!) : p[i + horizon]! / p[i]! - 1;
  }
  return out;
}

export interface TripleBarrierOptions {
  /** Vertical barrier: at most this many steps ahead. */
  horizon: number;
  /** Upper barrier at return +upper * width_t (default 1); Infinity disables it. */
  upper?: number;
  /** Lower barrier at return -lower * width_t (default 1); Infinity disables it. */
  lower?: number;
  /** Barrier width per t (e.g. a rolling volatility of returns, known at t), or one number for all t. Default 0.01. */
  width?: Series | number;
  /** Label when the vertical barrier is hit first: 0 (default) or the sign of the return at the horizon. */
  vertical?: "zero" | "sign";
}

/**
 * Triple-barrier labels (López de Prado 2018, ch. 3): from each t, walk forward over p_{t+1..t+h}; the first
 * return p_s / p_t - 1 that reaches +upper * width_t labels +1, the first that reaches -lower * width_t labels -1;
 * if neither within h steps, the vertical barrier gives 0 (or the return's sign). `touch` is the index s of the
 * barrier hit (t + h for the vertical one) and `ret` the return there. NaN (touch -1) where the window is cut by the
 * end of the data without a hit, or width_t / p_t is NaN.
 */
export function tripleBarrier(
  prices: Series,
  opts: TripleBarrierOptions,
): { label: Float64Array; touch: Int32Array; ret: Float64Array } {
  const o = checkKeys(opts, ["horizon", "upper", "lower", "width", "vertical"], "tripleBarrier");
  const h = checkInt(o.horizon, "tripleBarrier", "horizon");
  const up = o.upper ?? 1;
  const lo = o.lower ?? 1;
  const p = toF64(prices, "tripleBarrier", "prices");
  const n = p.length;
  const width = typeof o.width === "number" || o.width === undefined ? undefined : toF64(o.width, "tripleBarrier", "width");
  const w0 = typeof o.width === "number" ? checkNumber(o.width, "tripleBarrier", "width", 0) : 0.01;
  const label = nans(n);
  const ret = nans(n);
  const touch = new Int32Array(n).fill(-1);
  for (let t = 0; t < n; t++) {
    const w = width ? width[t]! : w0;
    const p0 = p[t]!;
    if (Number.isNaN(w) || Number.isNaN(p0)) continue;
    const last = Math.min(t + h, n - 1);
    for (let s = t + 1; s <= last; s++) {
      const r = p[s]! / p0 - 1;
      if (r >= up * w) {
        label[t] = 1;
      } else if (r <= -lo * w) {
        label[t] = -1;
      } else {
        continue;
      }
      touch[t] = s;
      ret[t] = r;
      break;
    }
    if (touch[t] === -1 && t + h < n) {
      const r = p[t + h]! / p0 - 1;
      label[t] = o.vertical === "sign" ? Math.sign(r) : 0;
      touch[t] = t + h;
      ret[t] = r;
    }
  }
  return { label, touch, ret };
}
