/**
 * The feature pipeline: many features over many symbols, point-in-time correct.
 *
 * A feature is a function of one symbol's bars that returns series index-aligned with the bars, where output t
 * may read bars[0..t] only. Every feature in `technicalFeatures()` satisfies this, and
 * lib/features/pipeline.test.ts proves it property-based (perturb every input after t, outputs at <= t unchanged).
 * Cross-sectional steps read one time row across symbols, so they keep the property. Labels (forward returns,
 * triple barrier) are not features and are kept out of the pipeline.
 */
import { table, type ColumnTable } from "arquero";
import { contextError } from "../util/errors.js";
import { atr } from "./atr.js";
import { bollinger } from "./bollinger.js";
import { crossSection, rank, zscore } from "./cross-section.js";
import { macd } from "./macd.js";
import { ema, sma, wma } from "./moving-averages.js";
import { obv } from "./obv.js";
import { logReturns, simpleReturns } from "./returns.js";
import { rollingCorrBeta } from "./rolling-corr.js";
import { rollingVolatility } from "./rolling-volatility.js";
import { rollingZscore } from "./rolling-zscore.js";
import { rsi } from "./rsi.js";
import { toF64, type Series } from "./series.js";
import { stochastic } from "./stochastic.js";

/** One symbol's bars (close required). */
export interface Bars {
  open?: Series;
  high?: Series;
  low?: Series;
  close: Series;
  volume?: Series;
}

/** Bars as Float64Arrays; missing fields are undefined. */
export interface BarsF64 {
  open?: Float64Array;
  high?: Float64Array;
  low?: Float64Array;
  close: Float64Array;
  volume?: Float64Array;
  /** The benchmark's close over the same times, when the pipeline has one (for beta/correlation). */
  benchmark?: Float64Array;
}

/** A feature: bars -> one series, or several named ones (flattened to "name.key"). Output t reads bars[0..t]. */
export type Feature = (bars: BarsF64) => Float64Array | Record<string, Float64Array>;

export interface CrossSectionalStep {
  /** The (flattened) feature name it transforms. */
  of: string;
  transform: "rank" | "zscore";
}

export interface ComputeFeaturesOptions {
  /** Cross-sectional features computed per time row from per-symbol features, e.g. { rsiRank: { of: "rsi14", transform: "rank" } }. */
  crossSectional?: Record<string, CrossSectionalStep>;
  /** The benchmark's bars, passed to features as `bars.benchmark` (its close). */
  benchmark?: Bars;
}

/** { symbol: { feature: series } }. */
export type FeatureSet = Record<string, Record<string, Float64Array>>;

function need(b: BarsF64, key: "open" | "high" | "low" | "volume" | "benchmark", feature: string): Float64Array {
  const v = b[key];
  if (v === undefined) throw contextError({ where: `feature '${feature}'`, what: `the bars have no ${key}`, expected: `bars.${key}` });
  return v;
}

/**
 * The standard catalogue of technical features (window choices in the names). Features that need high/low/open/
 * volume or a benchmark throw a clear error when the bars lack them; pick a subset with `only`.
 */
export function technicalFeatures(opts: { only?: readonly string[] } = {}): Record<string, Feature> {
  const ohlc = (b: BarsF64, f: string) => ({ open: need(b, "open", f), high: need(b, "high", f), low: need(b, "low", f), close: b.close });
  const all: Record<string, Feature> = {
    ret1: (b) => simpleReturns(b.close),
    logret1: (b) => logReturns(b.close),
    sma20: (b) => sma(b.close, 20),
    ema20: (b) => ema(b.close, 20),
    wma20: (b) => wma(b.close, 20),
    rsi14: (b) => rsi(b.close, 14),
    macd: (b) => ({ ...macd(b.close) }),
    bb20: (b) => ({ ...bollinger(b.close, { window: 20 }) }),
    zscore20: (b) => rollingZscore(b.close, 20),
    atr14: (b) => atr(ohlc(b, "atr14"), 14),
    stoch14: (b) => ({ ...stochastic(ohlc(b, "stoch14"), { window: 14, signal: 3 }) }),
    obv: (b) => obv(b.close, need(b, "volume", "obv")),
    volCc20: (b) => rollingVolatility({ close: b.close }, 20, { periodsPerYear: 252 }),
    volParkinson20: (b) => rollingVolatility(ohlc(b, "volParkinson20"), 20, { estimator: "parkinson", periodsPerYear: 252 }),
    volGk20: (b) => rollingVolatility(ohlc(b, "volGk20"), 20, { estimator: "garman-klass", periodsPerYear: 252 }),
    volRs20: (b) => rollingVolatility(ohlc(b, "volRs20"), 20, { estimator: "rogers-satchell", periodsPerYear: 252 }),
    volYz20: (b) => rollingVolatility(ohlc(b, "volYz20"), 20, { estimator: "yang-zhang", periodsPerYear: 252 }),
    beta60: (b) => {
      const { corr, beta } = rollingCorrBeta(logReturns(b.close), logReturns(need(b, "benchmark", "beta60")), 60);
      return { beta, corr };
    },
  };
  if (opts.only === undefined) return all;
  const picked: Record<string, Feature> = {};
  for (const name of opts.only) {
    if (!(name in all)) throw contextError({ where: "technicalFeatures", what: `unknown feature '${name}'`, expected: `one of ${Object.keys(all).join(", ")}` });
    picked[name] = all[name]!;
  }
  return picked;
}

/** Bars to Float64Arrays, checking lengths. */
export function toBarsF64(bars: Bars, where = "bars"): BarsF64 {
  const close = toF64(bars.close, where, "close");
  const out: BarsF64 = { close };
  for (const key of ["open", "high", "low", "volume"] as const) {
    const s = bars[key];
    if (s === undefined) continue;
    const a = toF64(s, where, key);
    if (a.length !== close.length) throw contextError({ where, what: `${key} has length ${a.length}`, expected: `the length of close (${close.length})` });
    out[key] = a;
  }
  return out;
}

/** Runs every feature on one symbol's bars; multi-output features are flattened to "name.key". */
export function computeSymbolFeatures(bars: BarsF64, features: Record<string, Feature>, where = "computeFeatures"): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  const n = bars.close.length;
  const put = (name: string, s: Float64Array) => {
    if (s.length !== n) throw contextError({ where: `${where}: feature '${name}'`, what: `the output has length ${s.length}`, expected: `the length of the bars (${n})` });
    out[name] = s;
  };
  for (const [name, feature] of Object.entries(features)) {
    const r = feature(bars);
    if (r instanceof Float64Array) put(name, r);
    else for (const [k, s] of Object.entries(r)) put(`${name}.${k}`, s);
  }
  return out;
}

/**
 * Computes `features` for every symbol of `panel` (symbols may have different lengths unless cross-sectional
 * steps are asked for, which need aligned rows), then the cross-sectional steps.
 */
export function computeFeatures(panel: Record<string, Bars>, features: Record<string, Feature>, opts: ComputeFeaturesOptions = {}): FeatureSet {
  const benchmark = opts.benchmark === undefined ? undefined : toBarsF64(opts.benchmark, "benchmark").close;
  const set: FeatureSet = {};
  for (const [symbol, bars] of Object.entries(panel)) {
    const b = toBarsF64(bars, `symbol ${symbol}`);
    if (benchmark !== undefined) {
      if (benchmark.length !== b.close.length) throw contextError({ where: `symbol ${symbol}`, what: `the benchmark has length ${benchmark.length}`, expected: `${b.close.length}` });
      b.benchmark = benchmark;
    }
    set[symbol] = computeSymbolFeatures(b, features, `computeFeatures(${symbol})`);
  }
  for (const [name, step] of Object.entries(opts.crossSectional ?? {})) {
    const col: Record<string, Float64Array> = {};
    for (const [symbol, fs] of Object.entries(set)) {
      const s = fs[step.of];
      if (s === undefined) throw contextError({ where: `cross-sectional step '${name}'`, what: `feature '${step.of}' was not computed for ${symbol}` });
      col[symbol] = s;
    }
    const fn = step.transform === "rank" ? (r: Float64Array) => rank(r, { pct: true }) : (r: Float64Array) => zscore(r);
    for (const [symbol, s] of Object.entries(crossSection(col, fn))) set[symbol]![name] = s;
  }
  return set;
}

/** A long Arquero table: one row per (symbol, time index), columns symbol, t (or the given times), then features. */
export function featureTable(set: FeatureSet, opts: { time?: ArrayLike<unknown> } = {}): ColumnTable {
  const symbols: string[] = [];
  const t: unknown[] = [];
  const cols: Record<string, number[]> = {};
  const names = [...new Set(Object.values(set).flatMap((fs) => Object.keys(fs)))];
  for (const name of names) cols[name] = [];
  for (const [symbol, fs] of Object.entries(set)) {
    const n = Object.values(fs)[0]?.length ?? 0;
    for (let i = 0; i < n; i++) {
      symbols.push(symbol);
      t.push(opts.time ? opts.time[i] : i);
      for (const name of names) cols[name]!.push(fs[name]?.[i] ?? NaN);
    }
  }
  return table({ symbol: symbols, t, ...cols });
}
