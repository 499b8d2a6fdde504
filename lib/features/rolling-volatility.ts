import { featuresAddon, type VolEstimatorName } from "./addon.js";
import { checkInt, checkNumber, sameLength, toF64, type Series } from "./series.js";
import { checkKeys } from "../util/errors.js";

/** Bars for the volatility estimators: close always; high/low for the range estimators; open for GK, RS, YZ. */
export interface VolBars {
  open?: Series;
  high?: Series;
  low?: Series;
  close: Series;
}

export type { VolEstimatorName } from "./addon.js";

export interface RollingVolatilityOptions {
  /** Estimator (default "close-to-close"). */
  estimator?: VolEstimatorName;
  /** Multiply by sqrt(periodsPerYear), e.g. 252 for daily bars. Default 0: volatility per bar, not annualised. */
  periodsPerYear?: number;
}

/**
 * Rolling volatility over trailing windows of `window` bars, natively in one call. Per bar (not annualised) unless
 * `periodsPerYear` is given. Estimators (all of log prices):
 * - "close-to-close": sample std (ddof 1) of ln(C_t/C_{t-1}); warm-up: first `window` outputs NaN.
 * - "parkinson" (Parkinson 1980): sqrt(mean((ln H/L)^2) / (4 ln 2)); needs high, low; first window-1 NaN.
 * - "garman-klass" (Garman & Klass 1980): sqrt(mean(0.5 (ln H/L)^2 - (2 ln 2 - 1)(ln C/O)^2)); first window-1 NaN.
 * - "rogers-satchell" (Rogers & Satchell 1991): sqrt(mean(ln(H/C) ln(H/O) + ln(L/C) ln(L/O))); first window-1 NaN.
 * - "yang-zhang" (Yang & Zhang 2000): sqrt(V_o + k V_c + (1-k) V_rs), V_o and V_c sample variances (ddof 1) of
 *   overnight ln(O_t/C_{t-1}) and open-to-close ln(C_t/O_t) returns, V_rs the Rogers-Satchell mean,
 *   k = 0.34 / (1.34 + (window+1)/(window-1)); window >= 2; first `window` outputs NaN.
 * The range estimators average per-bar variances with mean (divide by window), i.e. assume zero drift.
 * A bar with a NaN or non-positive price restarts the warm-up.
 */
export function rollingVolatility(bars: VolBars, window: number, opts: RollingVolatilityOptions = {}): Float64Array {
  const where = "rollingVolatility";
  const o = checkKeys(opts, ["estimator", "periodsPerYear"], where);
  checkInt(window, where, "window");
  const estimator = o.estimator ?? "close-to-close";
  const ppy = checkNumber(o.periodsPerYear ?? 0, where, "periodsPerYear", 0);
  const close = toF64(bars.close, where, "close");
  const pick = (s: Series | undefined, name: string, needed: boolean): Float64Array => {
    if (s === undefined) {
      if (needed) throw new TypeError(`${where}: the ${estimator} estimator needs bars.${name}.`);
      return close;
    }
    return toF64(s, where, name);
  };
  const needsOpen = estimator === "garman-klass" || estimator === "rogers-satchell" || estimator === "yang-zhang";
  const needsHl = estimator !== "close-to-close";
  const open = pick(bars.open, "open", needsOpen);
  const high = pick(bars.high, "high", needsHl);
  const low = pick(bars.low, "low", needsHl);
  sameLength(where, { close, open, high, low });
  if (estimator === "yang-zhang" && window < 2) checkInt(window, where, "window (yang-zhang)", 2);
  return featuresAddon().featuresRollingVolatility(estimator, open, high, low, close, window, ppy);
}
