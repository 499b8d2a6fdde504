/**
 * Moving-average crossover parameter sweep: for every (fast, slow) window pair, the vectorised backtest of a
 * long-only (or long/short) SMA crossover on every asset of a panel, equal 1/N sleeves rebalanced each bar, and
 * its metrics. The native kernel (native/src/bars/ma_sweep.cpp) shares prefix sums across parameter sets and costs
 * O(1) per bar-step (parameter set x asset x day); `maCrossoverSweepTs` is the same algorithm in TypeScript and
 * `maCrossoverSweepNaive` the loop a user would write (fresh rolling means per parameter set).
 *
 * Conventions (identical to `vectorBacktest` with positions pos / N, see native/src/bars/ma_sweep.hpp):
 * - SMA_w(t) = mean of the w closes up to and including t, defined when they are all present;
 *   pos(t) = +1 when SMA_fast(t) > SMA_slow(t), -1 when below and `longShort`, else 0 (also while undefined);
 * - the position decided at close t earns the return from t to t+1; a change costs costBps * 1e-4 per unit of
 *   sleeve, on the bar it happens;
 * - metrics over the T portfolio returns: totalReturn = prod(1 + r) - 1; sharpe = mean / std (ddof 1) *
 *   sqrt(periodsPerYear); maxDrawdown a positive fraction of the curve starting at 1; trades = position changes
 *   summed over assets.
 * - The kernel compares sum_fast * slow > sum_slow * fast on prefix sums of closes shifted by the asset's first
 *   close; on prices whose sums are exact (e.g. multiples of 1/64) this equals comparing the rolling means, and
 *   otherwise can differ only when the two means agree to ~1e-12 relative.
 */
import { nativeAddon } from "../../native/index.js";
import { contextError } from "../../util/errors.js";
import { toPanel } from "./panel.js";
import type { BarInput } from "./types.js";

export interface MaSweepOptions {
  /** Cost per unit of sleeve traded, basis points. Default 0. */
  costBps?: number;
  /** Short when the fast SMA is below the slow one. Default false (long or flat). */
  longShort?: boolean;
  /** Default 252. */
  periodsPerYear?: number;
  /** Native only: split the parameter sets over this many threads. Default 1. */
  threads?: number;
}

/** Metrics per parameter set, index-aligned with the window arrays. */
export interface MaSweepResult {
  totalReturn: Float64Array;
  sharpe: Float64Array;
  maxDrawdown: Float64Array;
  trades: Float64Array;
}

interface BarsAddon {
  barsMaCrossoverSweepSync(closes: Float64Array, assets: number, fast: Int32Array, slow: Int32Array, costBps: number, longShort: boolean, periodsPerYear: number, threads?: number): MaSweepResult;
  barsMaCrossoverSweep(closes: Float64Array, assets: number, fast: Int32Array, slow: Int32Array, costBps: number, longShort: boolean, periodsPerYear: number, threads?: number): Promise<MaSweepResult>;
}

/** A closes matrix in the layout the kernel takes: assets x days, asset-major. */
export interface ClosesMatrix {
  closes: Float64Array;
  assets: number;
  days: number;
  symbols?: string[];
}

/** Packs a bar input (or per-asset columns) into an asset-major closes matrix. */
export function closesMatrix(input: BarInput | ReadonlyArray<ArrayLike<number>>): ClosesMatrix {
  let cols: ArrayLike<number>[];
  let symbols: string[] | undefined;
  if (Array.isArray(input) && (input.length === 0 || typeof (input[0] as ArrayLike<number>).length === "number")) {
    cols = [...(input as ReadonlyArray<ArrayLike<number>>)];
  } else {
    const p = toPanel(input as BarInput, "closesMatrix");
    cols = p.close;
    symbols = p.symbols;
  }
  const assets = cols.length;
  if (assets === 0) throw contextError({ where: "closesMatrix", what: "there are no assets", expected: "at least one column of closes" });
  const days = cols[0]!.length;
  const closes = new Float64Array(assets * days);
  cols.forEach((c, a) => {
    if (c.length !== days) throw contextError({ where: `closesMatrix, column ${a}`, what: "the columns differ in length", expected: String(days), found: String(c.length) });
    for (let t = 0; t < days; t++) closes[a * days + t] = c[t]!;
  });
  return symbols ? { closes, assets, days, symbols } : { closes, assets, days };
}

interface Checked {
  closes: Float64Array;
  assets: number;
  days: number;
  fast: Int32Array;
  slow: Int32Array;
  costBps: number;
  longShort: boolean;
  periodsPerYear: number;
  threads: number;
}

function check(fn: string, closes: Float64Array, assets: number, fast: Int32Array, slow: Int32Array, opts: MaSweepOptions): Checked {
  if (!(closes instanceof Float64Array)) throw contextError({ where: fn, what: "closes must be a Float64Array (assets x days, asset-major)", found: typeof closes });
  if (!Number.isInteger(assets) || assets < 1 || closes.length % assets !== 0) {
    throw contextError({ where: fn, what: "assets must be a positive integer dividing closes.length", expected: `a divisor of ${closes.length}`, found: String(assets) });
  }
  if (!(fast instanceof Int32Array) || !(slow instanceof Int32Array)) throw contextError({ where: fn, what: "fast and slow windows must be Int32Arrays", found: `${fast?.constructor?.name} and ${slow?.constructor?.name}` });
  if (fast.length !== slow.length) throw contextError({ where: fn, what: "fast and slow must have the same length", found: `${fast.length} and ${slow.length}` });
  for (let i = 0; i < fast.length; i++) {
    if (fast[i]! < 1 || slow[i]! < 1) throw contextError({ where: `${fn}, window pair ${i}`, what: "windows must be >= 1", found: `(${fast[i]}, ${slow[i]})` });
  }
  for (const key of Object.keys(opts)) {
    if (!["costBps", "longShort", "periodsPerYear", "threads"].includes(key)) throw contextError({ where: fn, what: `unknown option '${key}'`, expected: "costBps, longShort, periodsPerYear or threads" });
  }
  const costBps = opts.costBps ?? 0;
  if (!(costBps >= 0) || !Number.isFinite(costBps)) throw contextError({ where: fn, what: "costBps must be a finite number >= 0", found: String(opts.costBps) });
  const periodsPerYear = opts.periodsPerYear ?? 252;
  if (!(periodsPerYear > 0) || !Number.isFinite(periodsPerYear)) throw contextError({ where: fn, what: "periodsPerYear must be a finite positive number", found: String(opts.periodsPerYear) });
  const threads = opts.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw contextError({ where: fn, what: "threads must be an integer in [1, 256]", found: String(opts.threads) });
  return { closes, assets, days: closes.length / assets, fast, slow, costBps, longShort: opts.longShort ?? false, periodsPerYear, threads };
}

function addon(): BarsAddon {
  return nativeAddon() as unknown as BarsAddon;
}

/** The sweep in the native kernel, on the calling thread (conventions in the module comment). */
export function maCrossoverSweepSync(closes: Float64Array, assets: number, fast: Int32Array, slow: Int32Array, opts: MaSweepOptions = {}): MaSweepResult {
  const c = check("maCrossoverSweepSync", closes, assets, fast, slow, opts);
  return addon().barsMaCrossoverSweepSync(c.closes, c.assets, c.fast, c.slow, c.costBps, c.longShort, c.periodsPerYear, c.threads);
}

/** The sweep in the native kernel, off the JavaScript thread (inputs are copied first, so they may be reused). */
export async function maCrossoverSweep(closes: Float64Array, assets: number, fast: Int32Array, slow: Int32Array, opts: MaSweepOptions = {}): Promise<MaSweepResult> {
  const c = check("maCrossoverSweep", closes, assets, fast, slow, opts);
  return addon().barsMaCrossoverSweep(c.closes, c.assets, c.fast, c.slow, c.costBps, c.longShort, c.periodsPerYear, c.threads);
}

function metrics(acc: Float64Array, periodsPerYear: number, out: MaSweepResult, p: number, trades: number): void {
  const T = acc.length;
  let sum = 0;
  let equity = 1;
  let peak = 1;
  let worst = 0;
  for (let t = 0; t < T; t++) {
    const r = acc[t]!;
    sum += r;
    equity *= 1 + r;
    if (equity >= peak) peak = equity;
    else worst = Math.max(worst, 1 - equity / peak);
  }
  out.totalReturn[p] = equity - 1;
  out.maxDrawdown[p] = worst;
  out.trades[p] = trades;
  if (T < 2) {
    out.sharpe[p] = NaN;
    return;
  }
  const mean = sum / T;
  let ss = 0;
  for (let t = 0; t < T; t++) ss += (acc[t]! - mean) * (acc[t]! - mean);
  const sd = Math.sqrt(ss / (T - 1));
  out.sharpe[p] = sd === 0 ? (mean === 0 ? NaN : mean > 0 ? Infinity : -Infinity) : (mean / sd) * Math.sqrt(periodsPerYear);
}

function emptyResult(n: number): MaSweepResult {
  return { totalReturn: new Float64Array(n), sharpe: new Float64Array(n), maxDrawdown: new Float64Array(n), trades: new Float64Array(n) };
}

/**
 * The same algorithm as the native kernel in plain TypeScript (prefix sums per asset shared across parameter
 * sets, O(1) per bar-step): the benchmark's peer. Same results as the kernel up to float rounding.
 */
export function maCrossoverSweepTs(closes: Float64Array, assets: number, fast: Int32Array, slow: Int32Array, opts: MaSweepOptions = {}): MaSweepResult {
  const c = check("maCrossoverSweepTs", closes, assets, fast, slow, opts);
  const { days: T, assets: N } = c;
  const prefix = new Float64Array(N * (T + 1));
  const rets = new Float64Array(N * T);
  const lastMissing = new Int32Array(N * T);
  for (let a = 0; a < N; a++) {
    let base = NaN;
    for (let t = 0; t < T; t++) {
      if (!Number.isNaN(closes[a * T + t]!)) {
        base = closes[a * T + t]!;
        break;
      }
    }
    let last = -1;
    for (let t = 0; t < T; t++) {
      const x = closes[a * T + t]!;
      const missing = Number.isNaN(x);
      if (missing) last = t;
      lastMissing[a * T + t] = last;
      prefix[a * (T + 1) + t + 1] = prefix[a * (T + 1) + t]! + (missing ? 0 : x - base);
      const prev = t > 0 ? closes[a * T + t - 1]! : NaN;
      rets[a * T + t] = t > 0 && !missing && !Number.isNaN(prev) ? x / prev - 1 : 0;
    }
  }
  const out = emptyResult(fast.length);
  const acc = new Float64Array(T);
  const cost = c.costBps * 1e-4;
  const shortValue = c.longShort ? -1 : 0;
  for (let p = 0; p < fast.length; p++) {
    const f = fast[p]!;
    const s = slow[p]!;
    const maxw = Math.max(f, s);
    acc.fill(0);
    let trades = 0;
    for (let a = 0; a < N; a++) {
      const so = a * (T + 1);
      const ro = a * T;
      let prev = 0;
      for (let t = maxw - 1; t < T; t++) {
        let pos = 0;
        if (t + 1 - maxw > lastMissing[ro + t]!) {
          const sf = prefix[so + t + 1]! - prefix[so + t + 1 - f]!;
          const ss = prefix[so + t + 1]! - prefix[so + t + 1 - s]!;
          const lhs = sf * s;
          const rhs = ss * f;
          pos = lhs > rhs ? 1 : lhs < rhs ? shortValue : 0;
        }
        acc[t] = acc[t]! + (prev * rets[ro + t]! - cost * Math.abs(pos - prev));
        if (pos !== prev) trades++;
        prev = pos;
      }
    }
    for (let t = 0; t < T; t++) acc[t] = acc[t]! / N;
    metrics(acc, c.periodsPerYear, out, p, trades);
  }
  return out;
}

/**
 * The sweep as a user would write it without sharing work: for each parameter set, fresh rolling-mean arrays of
 * each asset (a sliding window sum, restarted after a missing close), then the crossover positions and returns.
 * Compares rolling means directly. The reference for the differential test and the benchmark's naive line.
 */
export function maCrossoverSweepNaive(closes: Float64Array, assets: number, fast: Int32Array, slow: Int32Array, opts: MaSweepOptions = {}): MaSweepResult {
  const c = check("maCrossoverSweepNaive", closes, assets, fast, slow, opts);
  const { days: T, assets: N } = c;
  const out = emptyResult(fast.length);
  const cost = c.costBps * 1e-4;
  const rolling = (a: number, w: number): Float64Array => {
    const m = new Float64Array(T).fill(NaN);
    for (let t = w - 1; t < T; t++) {
      let sum = 0;
      let ok = true;
      for (let k = t - w + 1; k <= t; k++) {
        const x = closes[a * T + k]!;
        if (Number.isNaN(x)) {
          ok = false;
          break;
        }
        sum += x;
      }
      if (ok) m[t] = sum / w;
    }
    return m;
  };
  for (let p = 0; p < fast.length; p++) {
    const r = new Float64Array(T);
    let trades = 0;
    for (let a = 0; a < N; a++) {
      const mf = rolling(a, fast[p]!);
      const ms = rolling(a, slow[p]!);
      let prev = 0;
      for (let t = 0; t < T; t++) {
        const x = closes[a * T + t]!;
        const xp = t > 0 ? closes[a * T + t - 1]! : NaN;
        const ret = t > 0 && !Number.isNaN(x) && !Number.isNaN(xp) ? x / xp - 1 : 0;
        let pos = 0;
        if (!Number.isNaN(mf[t]!) && !Number.isNaN(ms[t]!)) pos = mf[t]! > ms[t]! ? 1 : mf[t]! < ms[t]! && c.longShort ? -1 : 0;
        r[t] = r[t]! + (prev * ret - cost * Math.abs(pos - prev));
        if (pos !== prev) trades++;
        prev = pos;
      }
    }
    for (let t = 0; t < T; t++) r[t] = r[t]! / N;
    metrics(r, c.periodsPerYear, out, p, trades);
  }
  return out;
}
