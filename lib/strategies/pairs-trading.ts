/**
 * Statistical-arbitrage pairs trading on bars: a hedge regression y = alpha + beta x (fixed, rolling OLS or a
 * Kalman filter), the spread's z-score, and a flat/long/short state machine with entry, exit and stop thresholds.
 *
 * The same `PairsSignal` drives the strategy (one bar at a time through the ports) and `pairsSignals` (a whole
 * array at once, for sweeps and plots), so both paths take identical decisions. Every quantity at bar t uses bars
 * <= t only; on a bar host the orders placed after bar t fill at bar t+1 (next open by default).
 */
import { checkKeys, contextError } from "../util/errors.js";
import { KalmanHedgeFilter, type KalmanHedgeOptions } from "../stats/kalman.js";
import { olsWindow } from "../stats/rolling-ols.js";
import type { Strategy, StrategyContext } from "../trading/ports/index.js";
import { orderToTarget } from "../backtest/bars/sizing.js";

/** How the hedge ratio is estimated at each bar. */
export type HedgeSpec =
  /** Constant alpha and beta (e.g. from a formation-window Engle-Granger regression). */
  | { method: "fixed"; beta: number; alpha?: number }
  /** OLS of y on x over the trailing `window` bars (bar t included). */
  | { method: "rolling"; window: number }
  /**
   * Kalman filter (see `kalmanHedge`). `zscore` "innovation" (default, Chan 2013): z is the filter's standardised
   * one-step forecast error e_t / sqrt(Q_t), which depends on obsVar and delta; "spread": the rolling z-score
   * (zWindow) of y_k - beta_t x_k with the filter's current slope, as for the rolling hedge.
   */
  | ({ method: "kalman"; zscore?: "innovation" | "spread" } & KalmanHedgeOptions);

export interface PairsParams {
  /** Instrument index of the y leg (the regressand) on the host. Default 0. */
  y?: number;
  /** Instrument index of the x leg. Default 1. */
  x?: number;
  hedge: HedgeSpec;
  /**
   * Bars in the spread's rolling z-score for the fixed and rolling hedges: z_t = (s_t - mean) / std (ddof 1) over
   * the last zWindow spreads s_k = y_k - alpha_t - beta_t x_k, all with bar t's alpha and beta. Default: the
   * rolling window (then the mean is 0 and z is the residual over the residual std); required for "fixed".
   */
  zWindow?: number;
  /** Enter when |z| >= entryZ: short the spread above, long below. Default 2. */
  entryZ?: number;
  /** Leave a long spread when z >= -exitZ, a short one when z <= exitZ. Default 0.5; must be < entryZ (may be < 0). */
  exitZ?: number;
  /**
   * Stop out when the spread runs further: long when z <= -stopZ, short when z >= stopZ. Default Infinity (off);
   * must be > entryZ. After a stop no new entry until |z| < entryZ again.
   */
  stopZ?: number;
  /** Leave after this many bars in a position. Default Infinity. */
  maxHoldBars?: number;
  /** Bars fed to the estimators before the first entry. Default 0 (fixed, rolling: the windows already warm up), 20 for Kalman. */
  warmup?: number;
  /** Regress log prices (beta is then a ratio of dollar values) instead of prices. Default false. */
  logPrices?: boolean;
  /**
   * Size of the y leg in quote currency at entry; the x leg is beta times it (in shares, or in dollars with
   * logPrices). Lots are rounded down for y and to the nearest for x. Default 100,000.
   */
  notional?: number;
  /** First bar (date, ISO day or ns timestamp) on which the strategy may open a position; earlier bars only warm up. */
  tradeFrom?: Date | string | bigint;
}

export type PairsEvent = "long" | "short" | "exit" | "stop" | "timeout";

/** What `PairsSignal.update` decides at a bar. */
export interface PairsStep {
  /** Spread z-score (NaN while warming up or when the spread window has no variance). */
  z: number;
  alpha: number;
  beta: number;
  /** s_t = y_t - alpha_t - beta_t x_t (for Kalman with the innovation z-score: the forecast error), in (log) price units. */
  spread: number;
  /** Target spread position after this bar: +1 long y / short beta x, -1 the reverse, 0 flat. */
  position: -1 | 0 | 1;
  /** Hedge ratio fixed at entry and kept for the life of the position (NaN when flat). */
  entryBeta: number;
  event?: PairsEvent;
}

interface Config {
  hedge: HedgeSpec;
  zWindow: number;
  entryZ: number;
  exitZ: number;
  stopZ: number;
  maxHoldBars: number;
  warmup: number;
  logPrices: boolean;
  notional: number;
  y: number;
  x: number;
  tradeFromNs: bigint | undefined;
}

const KEYS = ["y", "x", "hedge", "zWindow", "entryZ", "exitZ", "stopZ", "maxHoldBars", "warmup", "logPrices", "notional", "tradeFrom"];

/** Validates and completes the parameters (unknown keys rejected). */
export function pairsConfig(params: PairsParams, where = "pairsTrading"): Readonly<Config> {
  if (params === undefined) throw contextError({ where, what: "params are missing", expected: "{ y, x, hedge, ... }" });
  checkKeys(params, KEYS, where, "params");
  const h = params.hedge as HedgeSpec | undefined;
  if (!h || typeof h !== "object" || !["fixed", "rolling", "kalman"].includes(h.method)) {
    throw contextError({ where, what: "params.hedge must be { method: 'fixed' | 'rolling' | 'kalman', ... }", found: JSON.stringify(h) });
  }
  if (h.method === "fixed" && !(Number.isFinite(h.beta) && Number.isFinite(h.alpha ?? 0))) {
    throw contextError({ where, what: "hedge.beta and hedge.alpha must be finite numbers", found: `beta ${h.beta}, alpha ${h.alpha}` });
  }
  if (h.method === "rolling" && !(Number.isInteger(h.window) && h.window >= 3)) throw contextError({ where, what: "hedge.window must be an integer >= 3", found: String(h.window) });
  if (h.method === "kalman") {
    new KalmanHedgeFilter(kalmanOptions(h), `${where} hedge`); // validates
    if (h.zscore !== undefined && h.zscore !== "innovation" && h.zscore !== "spread") {
      throw contextError({ where, what: `hedge.zscore '${String(h.zscore)}' is not understood`, expected: "'innovation' or 'spread'" });
    }
  }
  const innovation = h.method === "kalman" && (h.zscore ?? "innovation") === "innovation";
  const zWindow = params.zWindow ?? (h.method === "rolling" ? h.window : NaN);
  if (!innovation && !(Number.isInteger(zWindow) && zWindow >= 3)) {
    throw contextError({ where, what: "zWindow must be an integer >= 3", found: String(params.zWindow), hint: h.method === "rolling" ? undefined : `A ${h.method} hedge with a spread z-score needs zWindow` });
  }
  const entryZ = params.entryZ ?? 2;
  const exitZ = params.exitZ ?? 0.5;
  const stopZ = params.stopZ ?? Infinity;
  if (!(entryZ > 0) || !Number.isFinite(entryZ)) throw contextError({ where, what: "entryZ must be a positive number", found: String(entryZ) });
  if (!(exitZ < entryZ && exitZ > -entryZ)) throw contextError({ where, what: `exitZ must be in (-entryZ, entryZ) = (${-entryZ}, ${entryZ})`, found: String(exitZ) });
  if (!(stopZ > entryZ)) throw contextError({ where, what: `stopZ must be greater than entryZ (${entryZ})`, found: String(stopZ) });
  const maxHoldBars = params.maxHoldBars ?? Infinity;
  if (!(maxHoldBars >= 1)) throw contextError({ where, what: "maxHoldBars must be >= 1", found: String(maxHoldBars) });
  const warmup = params.warmup ?? (h.method === "kalman" ? 20 : 0);
  if (!(Number.isInteger(warmup) && warmup >= 0)) throw contextError({ where, what: "warmup must be an integer >= 0", found: String(warmup) });
  const notional = params.notional ?? 100_000;
  if (!(notional > 0) || !Number.isFinite(notional)) throw contextError({ where, what: "notional must be a positive number", found: String(notional) });
  const y = params.y ?? 0;
  const x = params.x ?? 1;
  if (!Number.isInteger(y) || !Number.isInteger(x) || y < 0 || x < 0 || y === x) {
    throw contextError({ where, what: "y and x must be two different instrument indices", found: `y=${y}, x=${x}` });
  }
  return Object.freeze({ hedge: h, zWindow, entryZ, exitZ, stopZ, maxHoldBars, warmup, logPrices: params.logPrices ?? false, notional, y, x, tradeFromNs: toNs(params.tradeFrom, where) });
}

function kalmanOptions(h: { method: "kalman"; zscore?: string } & KalmanHedgeOptions): KalmanHedgeOptions {
  const { method: _m, zscore: _z, ...rest } = h;
  void _m;
  void _z;
  return rest;
}

function toNs(v: Date | string | bigint | undefined, where: string): bigint | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "bigint") return v;
  const ms = v instanceof Date ? v.getTime() : Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
  if (!Number.isFinite(ms)) throw contextError({ where, what: `tradeFrom '${String(v)}' is not a date`, expected: "a Date, 'YYYY-MM-DD' or ns bigint" });
  return BigInt(ms) * 1_000_000n;
}

/**
 * The pairs decision rule, fed one bar at a time. `update(yPrice, xPrice, canEnter)` updates the hedge and the
 * z-score with the bar's closes and returns the target spread position; `canEnter = false` (before `tradeFrom`)
 * keeps it flat while the estimators warm up.
 */
export class PairsSignal {
  readonly config: Readonly<Config>;
  private readonly ys: number[] = [];
  private readonly xs: number[] = [];
  private readonly kalman: KalmanHedgeFilter | undefined;
  private position: -1 | 0 | 1 = 0;
  private armed = true;
  private held = 0;
  private entryBeta = NaN;
  private barsSeen = 0;
  /** Bars of history the spread z-score (and the rolling OLS) need. */
  private readonly keep: number;
  /** Kalman with the innovation z-score (no price history needed). */
  private readonly innovation: boolean;

  constructor(params: PairsParams | Readonly<Config>) {
    this.config = "tradeFromNs" in params ? params : pairsConfig(params);
    const h = this.config.hedge;
    this.kalman = h.method === "kalman" ? new KalmanHedgeFilter(kalmanOptions(h)) : undefined;
    this.innovation = h.method === "kalman" && (h.zscore ?? "innovation") === "innovation";
    this.keep = h.method === "rolling" ? Math.max(h.window, this.config.zWindow) : this.innovation ? 0 : this.config.zWindow;
  }

  update(yPrice: number, xPrice: number, canEnter = true): PairsStep {
    const c = this.config;
    const yv = c.logPrices ? Math.log(yPrice) : yPrice;
    const xv = c.logPrices ? Math.log(xPrice) : xPrice;
    if (!this.innovation) {
      this.ys.push(yv);
      this.xs.push(xv);
    }
    const n = this.ys.length;
    let alpha = NaN;
    let beta = NaN;
    let spread = NaN;
    let z = NaN;
    const h = c.hedge;
    if (this.kalman) {
      const s = this.kalman.update(yv, xv);
      alpha = s.alpha;
      beta = s.beta;
      spread = yv - alpha - beta * xv;
      if (this.innovation) {
        spread = s.error;
        z = s.zscore;
      } else if (n >= c.zWindow) {
        z = spreadZ(this.ys, this.xs, 0, beta, c.zWindow);
      }
    } else {
      if (h.method === "fixed") {
        alpha = h.alpha ?? 0;
        beta = h.beta;
      } else if (h.method === "rolling" && n >= h.window) {
        const fit = olsWindow(Float64Array.from(this.ys.slice(n - h.window)), Float64Array.from(this.xs.slice(n - h.window)), 0, h.window);
        if (fit) {
          alpha = fit.alpha;
          beta = fit.beta;
        }
      }
      if (Number.isFinite(beta)) {
        spread = yv - alpha - beta * xv;
        if (n >= c.zWindow) z = spreadZ(this.ys, this.xs, alpha, beta, c.zWindow);
      }
    }
    while (this.ys.length > this.keep) {
      this.ys.shift();
      this.xs.shift();
    }
    const warm = this.barsSeen >= c.warmup;
    this.barsSeen++;
    return this.decide(z, alpha, beta, spread, canEnter && warm);
  }

  private decide(z: number, alpha: number, beta: number, spread: number, canEnter: boolean): PairsStep {
    const c = this.config;
    let event: PairsEvent | undefined;
    if (this.position !== 0) this.held++;
    if (Number.isFinite(z)) {
      if (this.position === 1) {
        if (z <= -c.stopZ) event = "stop";
        else if (z >= -c.exitZ) event = "exit";
      } else if (this.position === -1) {
        if (z >= c.stopZ) event = "stop";
        else if (z <= c.exitZ) event = "exit";
      } else {
        if (!this.armed && Math.abs(z) < c.entryZ) this.armed = true;
        if (this.armed && canEnter && Number.isFinite(beta)) {
          if (z >= c.entryZ) event = "short";
          else if (z <= -c.entryZ) event = "long";
        }
      }
    }
    if (event === undefined && this.position !== 0 && this.held >= c.maxHoldBars) event = "timeout";
    if (event === "long" || event === "short") {
      this.position = event === "long" ? 1 : -1;
      this.entryBeta = beta;
      this.held = 0;
    } else if (event !== undefined) {
      if (event === "stop") this.armed = false;
      this.position = 0;
      this.entryBeta = NaN;
    }
    const step: PairsStep = { z, alpha, beta, spread, position: this.position, entryBeta: this.entryBeta };
    if (event) step.event = event;
    return step;
  }
}

/** z of the last spread among the last `w` spreads y_k - alpha - beta x_k (ddof 1); NaN with zero variance. */
function spreadZ(ys: readonly number[], xs: readonly number[], alpha: number, beta: number, w: number): number {
  const n = ys.length;
  let mean = 0;
  for (let k = n - w; k < n; k++) mean += ys[k]! - alpha - beta * xs[k]!;
  mean /= w;
  let ss = 0;
  for (let k = n - w; k < n; k++) ss += (ys[k]! - alpha - beta * xs[k]! - mean) ** 2;
  const sd = Math.sqrt(ss / (w - 1));
  const last = ys[n - 1]! - alpha - beta * xs[n - 1]!;
  return sd > 1e-12 * (Math.abs(mean) + 1) ? (last - mean) / sd : NaN;
}

function barNs(d: Date | string | number, where: string): bigint {
  if (typeof d === "number") return BigInt(Math.round(d)) * 1_000_000n;
  return toNs(d, where)!;
}

/** Target lots of the two legs for a spread position, entry hedge ratio and prices (see `PairsParams.notional`). */
export function pairsLegLots(
  position: -1 | 0 | 1,
  beta: number,
  yPrice: number,
  xPrice: number,
  cfg: { notional: number; logPrices: boolean },
  yShareOfLot = 1,
  xShareOfLot = 1,
): { y: number; x: number } {
  if (position === 0 || !Number.isFinite(beta)) return { y: 0, x: 0 };
  const yShares = Math.floor(cfg.notional / yPrice / yShareOfLot) * yShareOfLot;
  const xShares = cfg.logPrices ? (beta * yShares * yPrice) / xPrice : beta * yShares;
  return { y: position * (yShares / yShareOfLot), x: -position * Math.round(xShares / xShareOfLot) };
}

export interface PairsSignals {
  z: Float64Array;
  alpha: Float64Array;
  beta: Float64Array;
  spread: Float64Array;
  /** Target spread position after each bar (held on bars where a price is missing). */
  position: Int8Array;
  /** Target lots of each leg after each bar (position sized at entry, as the strategy does). */
  yLots: Float64Array;
  xLots: Float64Array;
  /** Bars with an event. */
  events: { bar: number; event: PairsEvent; z: number }[];
}

/**
 * `PairsSignal` over whole price arrays (closes of y and x on the same dates): the decisions the strategy takes,
 * bar by bar, without a host. Bars where either price is not finite are skipped (outputs NaN, position held).
 * With `params.tradeFrom`, pass the bar `dates` (Dates, ISO days or epoch ms) so it can be located.
 */
export function pairsSignals(y: ArrayLike<number>, x: ArrayLike<number>, params: PairsParams, dates?: ArrayLike<Date | string | number>): PairsSignals {
  const where = "pairsSignals";
  if (y.length !== x.length) throw contextError({ where, what: `x has length ${x.length}`, expected: `the length of y (${y.length})` });
  const cfg = pairsConfig(params, where);
  if (cfg.tradeFromNs !== undefined && (dates === undefined || dates.length !== y.length)) {
    throw contextError({ where, what: "params.tradeFrom needs the bar dates", expected: `a dates array of length ${y.length}` });
  }
  const sig = new PairsSignal(cfg);
  const n = y.length;
  const out: PairsSignals = {
    z: new Float64Array(n).fill(NaN),
    alpha: new Float64Array(n).fill(NaN),
    beta: new Float64Array(n).fill(NaN),
    spread: new Float64Array(n).fill(NaN),
    position: new Int8Array(n),
    yLots: new Float64Array(n),
    xLots: new Float64Array(n),
    events: [],
  };
  let pos: -1 | 0 | 1 = 0;
  let lots = { y: 0, x: 0 };
  for (let t = 0; t < n; t++) {
    const py = y[t]!;
    const px = x[t]!;
    if (Number.isFinite(py) && Number.isFinite(px) && py > 0 && px > 0) {
      const s = sig.update(py, px, cfg.tradeFromNs === undefined || barNs(dates![t]!, where) >= cfg.tradeFromNs);
      out.z[t] = s.z;
      out.alpha[t] = s.alpha;
      out.beta[t] = s.beta;
      out.spread[t] = s.spread;
      if (s.event) out.events.push({ bar: t, event: s.event, z: s.z });
      if (s.position !== pos) lots = pairsLegLots(s.position, s.entryBeta, py, px, sig.config);
      pos = s.position;
    }
    out.position[t] = pos;
    out.yLots[t] = lots.y;
    out.xLots[t] = lots.x;
  }
  return out;
}

export interface PairsWeightOptions {
  /** Gross exposure |w_y| + |w_x| while in a position, as a fraction of equity. Default 1. */
  gross?: number;
  /** Bars between the decision and the weight taking effect. Default 1. */
  lag?: number;
}

/**
 * Leg weights (signed fractions of equity) for the vectorised path (`vectorBacktest` in omniquant/backtest), from
 * `pairsSignals`: at each entry the legs' dollar values at the decision bar's closes, yLots * y and xLots * x, are
 * scaled to `gross` and held until the exit. The vector path rebalances to these weights every bar, while the
 * event-driven strategy holds its share quantities, so the two agree only approximately.
 *
 * `vectorBacktest` holds w(t) from close t to close t+1 (a fill at close t). With the default lag 1 the weight
 * decided at close t is held from close t+1, as a next-open fill on close-only bars (where the open is the close).
 */
export function pairsWeights(sig: PairsSignals, y: ArrayLike<number>, x: ArrayLike<number>, opts: PairsWeightOptions = {}): [Float64Array, Float64Array] {
  const gross = opts.gross ?? 1;
  const lag = opts.lag ?? 1;
  if (!(Number.isFinite(gross) && gross >= 0)) throw contextError({ where: "pairsWeights", what: "gross must be a finite number >= 0", found: String(opts.gross) });
  if (!(Number.isInteger(lag) && lag >= 0)) throw contextError({ where: "pairsWeights", what: "lag must be an integer >= 0", found: String(opts.lag) });
  const n = sig.position.length;
  const wy = new Float64Array(n);
  const wx = new Float64Array(n);
  let cy = 0;
  let cx = 0;
  for (let t = 0; t < n; t++) {
    const changed = t === 0 ? sig.yLots[0] !== 0 || sig.xLots[0] !== 0 : sig.yLots[t] !== sig.yLots[t - 1] || sig.xLots[t] !== sig.xLots[t - 1];
    if (changed) {
      const dy = sig.yLots[t]! * y[t]!;
      const dx = sig.xLots[t]! * x[t]!;
      const total = Math.abs(dy) + Math.abs(dx);
      cy = total > 0 ? (gross * dy) / total : 0;
      cx = total > 0 ? (gross * dx) / total : 0;
    }
    if (t + lag < n) {
      wy[t + lag] = cy;
      wx[t + lag] = cx;
    }
  }
  return [wy, wx];
}

/**
 * The pairs strategy on a bar host: at each bar, feed both closes to `PairsSignal`; when the target position
 * changes, size the legs with the closes of the decision bar; every bar, send market orders for the difference
 * between the target lots and the current positions plus open orders (`orderToTarget`). Bars where either leg
 * has no new bar are skipped.
 */
export const pairsTrading: Strategy<PairsParams> = async (ctx: StrategyContext, params: PairsParams) => {
  const cfg = pairsConfig(params);
  const sig = new PairsSignal(cfg);
  const specs = ctx.marketData.instruments();
  for (const i of [cfg.y, cfg.x]) {
    if (specs[i] === undefined) throw contextError({ where: "pairsTrading", what: `instrument ${i} does not exist`, expected: `an index below ${specs.length}` });
  }
  const ySpec = specs[cfg.y]!;
  const xSpec = specs[cfg.x]!;
  let target = { y: 0, x: 0 };
  let pos: -1 | 0 | 1 = 0;
  while (await ctx.waitNext()) {
    const now = ctx.clock.now();
    const by = ctx.marketData.bars(cfg.y, 1)[0];
    const bx = ctx.marketData.bars(cfg.x, 1)[0];
    if (!by || !bx || by.ts !== now || bx.ts !== now) continue;
    // Currency prices (ticks x tickSize), so the hedge ratio is in currency whatever the tick sizes.
    const py = by.close * ySpec.tickSize;
    const px = bx.close * xSpec.tickSize;
    const s = sig.update(py, px, cfg.tradeFromNs === undefined || now >= cfg.tradeFromNs);
    if (s.position !== pos) {
      target = pairsLegLots(s.position, s.entryBeta, py, px, cfg, ySpec.lotSize, xSpec.lotSize);
      pos = s.position;
    }
    orderToTarget(ctx, cfg.y, target.y, { tag: "pairs y" });
    orderToTarget(ctx, cfg.x, target.x, { tag: "pairs x" });
  }
};
