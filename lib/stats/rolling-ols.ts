import { contextError } from "../util/errors.js";
import { finiteSeries } from "./input.js";

export interface RollingOls {
  /** Intercept and slope of y on x over the trailing window x[t-window+1..t] (bar t included). */
  alpha: Float64Array;
  beta: Float64Array;
  /** Residual of bar t under its own window's fit: y_t - alpha_t - beta_t x_t. */
  resid: Float64Array;
  /** Standard deviation of the window's residuals, sqrt(SSR / (window - ddof)). */
  residStd: Float64Array;
}

/**
 * Rolling OLS hedge ratio: for each bar t >= window - 1, the least-squares fit y = alpha + beta x on the trailing
 * `window` bars (t included, so no look-ahead). Warm-up: the first window - 1 outputs are NaN. Each window is
 * fitted with centred two-pass sums (exact, O(n window)). `ddof` (default 2, the regression's degrees of freedom)
 * sets the residual std denominator. A window where x is constant gives NaN.
 */
export function rollingOls(y: ArrayLike<number>, x: ArrayLike<number>, window: number, opts: { ddof?: number } = {}): RollingOls {
  const where = "rollingOls";
  const ys = finiteSeries(y, where, "y");
  const xs = finiteSeries(x, where, "x");
  if (xs.length !== ys.length) throw contextError({ where, what: `x has length ${xs.length}`, expected: `the length of y (${ys.length})` });
  if (!Number.isInteger(window) || window < 3) throw contextError({ where, what: "window must be an integer >= 3", found: String(window) });
  const ddof = opts.ddof ?? 2;
  if (!Number.isInteger(ddof) || ddof < 0 || ddof >= window) throw contextError({ where, what: `ddof must be an integer in [0, ${window - 1}]`, found: String(ddof) });
  const n = ys.length;
  const out: RollingOls = {
    alpha: new Float64Array(n).fill(NaN),
    beta: new Float64Array(n).fill(NaN),
    resid: new Float64Array(n).fill(NaN),
    residStd: new Float64Array(n).fill(NaN),
  };
  for (let t = window - 1; t < n; t++) {
    const fit = olsWindow(ys, xs, t - window + 1, t + 1);
    if (fit === undefined) continue;
    out.alpha[t] = fit.alpha;
    out.beta[t] = fit.beta;
    out.resid[t] = ys[t]! - fit.alpha - fit.beta * xs[t]!;
    out.residStd[t] = Math.sqrt(fit.ssr / (window - ddof));
  }
  return out;
}

/** OLS of y on [1, x] over indices [from, to) with centred sums; undefined when x is constant there. */
export function olsWindow(ys: Float64Array, xs: Float64Array, from: number, to: number): { alpha: number; beta: number; ssr: number } | undefined {
  const m = to - from;
  let mx = 0;
  let my = 0;
  for (let i = from; i < to; i++) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= m;
  my /= m;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = from; i < to; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0)) return undefined;
  const beta = sxy / sxx;
  return { alpha: my - beta * mx, beta, ssr: Math.max(0, syy - beta * sxy) };
}
