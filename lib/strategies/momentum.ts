/**
 * Momentum with z-score entry/exit and a stop loss, as OmniQuant's original Python `MomentumStrategy`
 * (lookback_period 20, entry_threshold 2.0, exit_threshold 0.5, stop_loss 0.05, position_size 100):
 *
 * - signal "return" (the original): over the last `lookback` closes, z = (r_t - mean) / std of the latest simple
 *   return r_t against the previous lookback - 2 returns (population std, ddof 0; z = 0 when std = 0);
 * - signal "price": z = (p_t - mean) / std of the latest close against the previous lookback - 1 closes (ddof 0).
 *
 * Flat: z > entryZ buys, z < -entryZ sells short (when allowShort). Long: exit when z < exitZ or the close is more
 * than stopLoss below the entry close. Short: exit when z > -exitZ or the close is more than stopLoss above it.
 * The entry reference is the close of the signal bar (as the original); on a bar host the order fills at the
 * next bar. Every decision at bar t reads closes <= t only.
 */
import { checkKeys, contextError } from "../util/errors.js";
import type { Strategy, StrategyContext } from "../trading/ports/index.js";
import { orderToTarget } from "../backtest/bars/sizing.js";

export interface MomentumParams {
  /** Instrument index on the host. Default 0. */
  instrument?: number;
  /** Closes in the window (>= 3 for "return", >= 2 for "price"). Default 20. */
  lookback?: number;
  /** Default 2. */
  entryZ?: number;
  /** Default 0.5; must be below entryZ. */
  exitZ?: number;
  /** Fractional adverse move from the entry close that closes the position. Default 0.05; Infinity disables. */
  stopLoss?: number;
  /** "return" (default, as the original) or "price". */
  signal?: "return" | "price";
  /** Position size in lots. Default 100. */
  qty?: number;
  /** Whether to go short on z < -entryZ. Default true. */
  allowShort?: boolean;
}

export type MomentumEvent = "long" | "short" | "exit" | "stop";

export interface MomentumStep {
  z: number;
  /** Target position after this bar: +1, 0 or -1 (times `qty` lots). */
  position: -1 | 0 | 1;
  event?: MomentumEvent;
}

interface Config {
  instrument: number;
  lookback: number;
  entryZ: number;
  exitZ: number;
  stopLoss: number;
  signal: "return" | "price";
  qty: number;
  allowShort: boolean;
}

const KEYS = ["instrument", "lookback", "entryZ", "exitZ", "stopLoss", "signal", "qty", "allowShort"];

export function momentumConfig(params: MomentumParams = {}, where = "momentum"): Readonly<Config> {
  checkKeys(params, KEYS, where, "params");
  const signal = params.signal ?? "return";
  if (signal !== "return" && signal !== "price") throw contextError({ where, what: `signal '${String(signal)}' is not understood`, expected: "'return' or 'price'" });
  const lookback = params.lookback ?? 20;
  const minLookback = signal === "return" ? 4 : 3;
  if (!(Number.isInteger(lookback) && lookback >= minLookback)) throw contextError({ where, what: `lookback must be an integer >= ${minLookback}`, found: String(lookback) });
  const entryZ = params.entryZ ?? 2;
  const exitZ = params.exitZ ?? 0.5;
  if (!(entryZ > 0) || !Number.isFinite(entryZ)) throw contextError({ where, what: "entryZ must be a positive number", found: String(entryZ) });
  if (!(exitZ < entryZ)) throw contextError({ where, what: `exitZ must be below entryZ (${entryZ})`, found: String(exitZ) });
  const stopLoss = params.stopLoss ?? 0.05;
  if (!(stopLoss > 0)) throw contextError({ where, what: "stopLoss must be positive (Infinity disables it)", found: String(stopLoss) });
  const qty = params.qty ?? 100;
  if (!(Number.isInteger(qty) && qty > 0)) throw contextError({ where, what: "qty must be a positive integer (lots)", found: String(qty) });
  const instrument = params.instrument ?? 0;
  if (!(Number.isInteger(instrument) && instrument >= 0)) throw contextError({ where, what: "instrument must be an index >= 0", found: String(instrument) });
  return Object.freeze({ instrument, lookback, entryZ, exitZ, stopLoss, signal, qty, allowShort: params.allowShort ?? true });
}

/** The momentum rule fed one close at a time. */
export class MomentumSignal {
  readonly config: Readonly<Config>;
  private readonly closes: number[] = [];
  private position: -1 | 0 | 1 = 0;
  private entryPrice = NaN;

  constructor(params: MomentumParams | Readonly<Config> = {}) {
    this.config = momentumConfig(params); // a Config is itself valid params
  }

  update(close: number): MomentumStep {
    const c = this.config;
    this.closes.push(close);
    if (this.closes.length > c.lookback) this.closes.shift();
    if (this.closes.length < c.lookback) return { z: NaN, position: this.position };
    const z = c.signal === "return" ? returnZ(this.closes) : lastVsPrevious(this.closes);
    let event: MomentumEvent | undefined;
    if (this.position === 0) {
      if (z > c.entryZ) event = "long";
      else if (z < -c.entryZ && c.allowShort) event = "short";
    } else if (this.position === 1) {
      const pnl = (close - this.entryPrice) / this.entryPrice;
      if (pnl < -c.stopLoss) event = "stop";
      else if (z < c.exitZ) event = "exit";
    } else {
      const pnl = (this.entryPrice - close) / this.entryPrice;
      if (pnl < -c.stopLoss) event = "stop";
      else if (z > -c.exitZ) event = "exit";
    }
    if (event === "long" || event === "short") {
      this.position = event === "long" ? 1 : -1;
      this.entryPrice = close;
    } else if (event) {
      this.position = 0;
      this.entryPrice = NaN;
    }
    return event ? { z, position: this.position, event } : { z, position: this.position };
  }
}

/** z of the last simple return against the earlier returns of the window (ddof 0), 0 when they do not vary. */
function returnZ(p: readonly number[]): number {
  const m = p.length - 1; // returns
  let mean = 0;
  for (let i = 1; i < m; i++) mean += (p[i]! - p[i - 1]!) / p[i - 1]!;
  mean /= m - 1;
  let ss = 0;
  for (let i = 1; i < m; i++) ss += ((p[i]! - p[i - 1]!) / p[i - 1]! - mean) ** 2;
  const sd = Math.sqrt(ss / (m - 1));
  const last = (p[m]! - p[m - 1]!) / p[m - 1]!;
  return sd > 0 ? (last - mean) / sd : 0;
}

/** z of the last value against the earlier values of the window (ddof 0), 0 when they do not vary. */
function lastVsPrevious(p: readonly number[]): number {
  const m = p.length - 1;
  let mean = 0;
  for (let i = 0; i < m; i++) mean += p[i]!;
  mean /= m;
  let ss = 0;
  for (let i = 0; i < m; i++) ss += (p[i]! - mean) ** 2;
  const sd = Math.sqrt(ss / m);
  return sd > 0 ? (p[m]! - mean) / sd : 0;
}

export interface MomentumSignals {
  z: Float64Array;
  /** Target position after each bar in {-1, 0, 1} (held where the close is missing). */
  position: Int8Array;
  events: { bar: number; event: MomentumEvent; z: number }[];
}

/** `MomentumSignal` over a whole close series (non-finite closes skipped): the strategy's decisions without a host. */
export function momentumSignals(close: ArrayLike<number>, params: MomentumParams = {}): MomentumSignals {
  const sig = new MomentumSignal(momentumConfig(params, "momentumSignals"));
  const n = close.length;
  const out: MomentumSignals = { z: new Float64Array(n).fill(NaN), position: new Int8Array(n), events: [] };
  let pos = 0;
  for (let t = 0; t < n; t++) {
    const p = close[t]!;
    if (Number.isFinite(p) && p > 0) {
      const s = sig.update(p);
      out.z[t] = s.z;
      pos = s.position;
      if (s.event) out.events.push({ bar: t, event: s.event, z: s.z });
    }
    out.position[t] = pos;
  }
  return out;
}

/** The momentum strategy on a bar host: one `MomentumSignal`, market orders to reach position x qty lots. */
export const momentum: Strategy<MomentumParams> = async (ctx: StrategyContext, params: MomentumParams) => {
  const cfg = momentumConfig(params);
  if (ctx.marketData.instruments()[cfg.instrument] === undefined) {
    throw contextError({ where: "momentum", what: `instrument ${cfg.instrument} does not exist`, expected: `an index below ${ctx.marketData.instruments().length}` });
  }
  const sig = new MomentumSignal(cfg);
  while (await ctx.waitNext()) {
    const bar = ctx.marketData.bars(cfg.instrument, 1)[0];
    if (!bar || bar.ts !== ctx.clock.now()) continue;
    const s = sig.update(bar.close);
    orderToTarget(ctx, cfg.instrument, s.position * cfg.qty, { tag: "momentum" });
  }
};
