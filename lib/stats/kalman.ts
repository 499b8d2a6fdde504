import { contextError } from "../util/errors.js";
import { checkKeys, finiteSeries } from "./input.js";

export interface KalmanHedgeOptions {
  /**
   * Process noise as a forgetting rate: the coefficients follow random walks with covariance
   * Vw = delta / (1 - delta) I per bar (Chan 2013). 0 freezes them (recursive least squares); larger values
   * track faster. Default 1e-4. In price units: intercept and slope both get per-bar variance Vw.
   */
  delta?: number;
  /** Observation noise variance Ve of y_t around alpha_t + beta_t x_t, in squared y units. Default 1e-3. */
  obsVar?: number;
  /** Prior mean [alpha, beta] before the first bar. Default [0, 0]. */
  initialState?: readonly [number, number];
  /** Prior covariance p0 I before the first bar. Default 0 (as Chan: the first bar's uncertainty is Vw alone);
   *  with delta = 0 use a large p0 (a diffuse prior, e.g. 1e6 for prices of order 10-100), else the filter never
   *  moves. Far larger values (1e10) lose digits in the covariance update. */
  initialCov?: number;
}

export interface KalmanHedge {
  /** Filtered intercept and slope after bar t (they use y_t). */
  alpha: Float64Array;
  beta: Float64Array;
  /** One-step-ahead intercept and slope for bar t (information up to t - 1). */
  alphaPrior: Float64Array;
  betaPrior: Float64Array;
  /** Forecast error e_t = y_t - alphaPrior_t - betaPrior_t x_t: the spread, free of look-ahead. */
  error: Float64Array;
  /** Forecast error variance Q_t = [1 x_t] P_{t|t-1} [1 x_t]' + Ve. */
  errorVar: Float64Array;
  /** e_t / sqrt(Q_t): the spread z-score of the filter. */
  zscore: Float64Array;
}

/**
 * Kalman filter for a time-varying hedge regression y_t = alpha_t + beta_t x_t + eps_t, eps ~ N(0, Ve), with
 * (alpha, beta) a random walk with covariance Vw = delta/(1 - delta) I (Chan, "Algorithmic Trading", 2013, ch. 3).
 * Per bar: P- = P + Vw; e = y - H m; Q = H P- H' + Ve; K = P- H' / Q; m += K e; P = P- - K H P-, H = [1, x_t].
 * With delta = 0 and prior N(m0, p0 I) the filtered state is the ridge estimate (X'X + Ve/p0 I)^-1 (X'y + Ve/p0 m0),
 * i.e. recursive least squares, which tends to OLS on the expanding window as p0 grows.
 */
export function kalmanHedge(y: ArrayLike<number>, x: ArrayLike<number>, opts: KalmanHedgeOptions = {}): KalmanHedge {
  const where = "kalmanHedge";
  const ys = finiteSeries(y, where, "y");
  const xs = finiteSeries(x, where, "x");
  if (xs.length !== ys.length) throw contextError({ where, what: `x has length ${xs.length}`, expected: `the length of y (${ys.length})` });
  const filter = new KalmanHedgeFilter(opts, where);
  const n = ys.length;
  const out: KalmanHedge = {
    alpha: new Float64Array(n),
    beta: new Float64Array(n),
    alphaPrior: new Float64Array(n),
    betaPrior: new Float64Array(n),
    error: new Float64Array(n),
    errorVar: new Float64Array(n),
    zscore: new Float64Array(n),
  };
  for (let t = 0; t < n; t++) {
    const s = filter.update(ys[t]!, xs[t]!);
    out.alphaPrior[t] = s.alphaPrior;
    out.betaPrior[t] = s.betaPrior;
    out.alpha[t] = s.alpha;
    out.beta[t] = s.beta;
    out.error[t] = s.error;
    out.errorVar[t] = s.errorVar;
    out.zscore[t] = s.zscore;
  }
  return out;
}

/** One step of `KalmanHedgeFilter`: the same quantities as `KalmanHedge` for a single bar. */
export interface KalmanStep {
  alpha: number;
  beta: number;
  alphaPrior: number;
  betaPrior: number;
  error: number;
  errorVar: number;
  zscore: number;
}

/** The filter of `kalmanHedge`, one bar at a time (for strategies that see bars as they arrive). */
export class KalmanHedgeFilter {
  private a: number;
  private b: number;
  // Symmetric 2x2 covariance [[paa, pab], [pab, pbb]] of (alpha, beta).
  private paa: number;
  private pab = 0;
  private pbb: number;
  private readonly vw: number;
  private readonly ve: number;

  constructor(opts: KalmanHedgeOptions = {}, where = "KalmanHedgeFilter") {
    checkKeys(opts, ["delta", "obsVar", "initialState", "initialCov"], where);
    const delta = opts.delta ?? 1e-4;
    const ve = opts.obsVar ?? 1e-3;
    const p0 = opts.initialCov ?? 0;
    if (!(delta >= 0 && delta < 1)) throw contextError({ where, what: "delta must be in [0, 1)", found: String(delta) });
    if (!(ve > 0) || !Number.isFinite(ve)) throw contextError({ where, what: "obsVar must be a positive number", found: String(ve) });
    if (!(p0 >= 0) || !Number.isFinite(p0)) throw contextError({ where, what: "initialCov must be a finite number >= 0", found: String(p0) });
    const m0 = opts.initialState ?? [0, 0];
    if (!Array.isArray(m0) || m0.length !== 2 || !m0.every((v) => Number.isFinite(v))) {
      throw contextError({ where, what: "initialState must be [alpha, beta], two finite numbers", found: JSON.stringify(opts.initialState) });
    }
    this.vw = delta / (1 - delta);
    this.ve = ve;
    this.a = m0[0]!;
    this.b = m0[1]!;
    this.paa = p0;
    this.pbb = p0;
  }

  /** Feeds bar (y_t, x_t); returns the prior (one-step-ahead) and filtered states and the forecast error. */
  update(y: number, x: number): KalmanStep {
    this.paa += this.vw;
    this.pbb += this.vw;
    const alphaPrior = this.a;
    const betaPrior = this.b;
    const e = y - alphaPrior - betaPrior * x;
    // P- H' with H = [1, x].
    const ha = this.paa + this.pab * x;
    const hb = this.pab + this.pbb * x;
    const q = ha + hb * x + this.ve;
    const ka = ha / q;
    const kb = hb / q;
    this.a += ka * e;
    this.b += kb * e;
    // P = P- - K (H P-) = P- - K [ha, hb].
    this.paa -= ka * ha;
    this.pab -= ka * hb;
    this.pbb -= kb * hb;
    return { alpha: this.a, beta: this.b, alphaPrior, betaPrior, error: e, errorVar: q, zscore: e / Math.sqrt(q) };
  }
}
