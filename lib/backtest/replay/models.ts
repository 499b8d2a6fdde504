/**
 * The pluggable models of the replay backtester: order latency, queue position and fees. Each builder validates
 * its arguments and returns a frozen description that the native engine runs (native/src/replay/*_models.hpp).
 *
 *   Backtest.builder().latency(constantLatency({ entryNs: 150_000n, responseNs: 100_000n }))
 *     .queue(powerProbQueue(3)).fees(makerTaker(-0.0001, 0.0004))
 *
 * Units: nanoseconds (bigint or safe-integer number) for latencies; quantities in lots; fee rates as fractions
 * of notional (0.0004 = 4 bp), negative for rebates, in multiples of 1e-8.
 */
import { checkKeys, contextError } from "../../util/errors.js";

export type Nanos = bigint | number;

// --- latency ------------------------------------------------------------------------------------------------------

export interface ConstantLatencyModel {
  readonly kind: "constant";
  readonly entryNs: bigint;
  readonly responseNs: bigint;
  readonly cancelDelayNs: bigint;
}
export interface JitterLatencyModel {
  readonly kind: "normal" | "lognormal";
  /** normal: mean; lognormal: median (ns). */
  readonly entryNs: bigint;
  readonly responseNs: bigint;
  /** normal: standard deviation in ns; lognormal: sigma of the log latency. */
  readonly entryJitter: number;
  readonly responseJitter: number;
  /** Floor of a drawn latency (ns). */
  readonly minNs: bigint;
  readonly cancelDelayNs: bigint;
}
export interface TableLatencyModel {
  readonly kind: "table";
  readonly reqTs: BigInt64Array;
  readonly exchTs: BigInt64Array;
  readonly respTs: BigInt64Array;
  readonly cancelDelayNs: bigint;
}
export type LatencyModel = ConstantLatencyModel | JitterLatencyModel | TableLatencyModel;

function nanos(v: unknown, where: string, name: string, dflt?: bigint): bigint {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v === "bigint" && v >= 0n && v < 1n << 62n) return v;
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  throw contextError({ where, what: `${name} is ${String(v)}`, expected: "a non-negative integer number of nanoseconds" });
}

function nonNegative(v: unknown, where: string, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v === "number" && Number.isFinite(v) && v >= 0) return v;
  throw contextError({ where, what: `${name} is ${String(v)}`, expected: "a finite number >= 0" });
}


/**
 * Constant order latency (hftbacktest's ConstantLatency): every request reaches the venue `entryNs` after it is
 * sent, every response reaches the strategy `responseNs` after the venue produced it. Cancels and replaces wait
 * `cancelDelayNs` more (default 0).
 */
export function constantLatency(opts: { entryNs: Nanos; responseNs: Nanos; cancelDelayNs?: Nanos }): ConstantLatencyModel {
  const where = "constantLatency";
  const o = checkKeys(opts, ["entryNs", "responseNs", "cancelDelayNs"], where);
  return Object.freeze({
    kind: "constant",
    entryNs: nanos(o.entryNs, where, "entryNs"),
    responseNs: nanos(o.responseNs, where, "responseNs"),
    cancelDelayNs: nanos(o.cancelDelayNs, where, "cancelDelayNs", 0n),
  });
}

/**
 * Normally distributed latency: `entryNs + entrySdNs * z` (one standard normal z per message, seeded by the
 * backtest's seed), floored at `minNs` (default 0); the same for responses.
 */
export function normalLatency(opts: {
  entryNs: Nanos;
  responseNs: Nanos;
  entrySdNs: number;
  responseSdNs: number;
  minNs?: Nanos;
  cancelDelayNs?: Nanos;
}): JitterLatencyModel {
  const where = "normalLatency";
  const o = checkKeys(opts, ["entryNs", "responseNs", "entrySdNs", "responseSdNs", "minNs", "cancelDelayNs"], where);
  return Object.freeze({
    kind: "normal",
    entryNs: nanos(o.entryNs, where, "entryNs"),
    responseNs: nanos(o.responseNs, where, "responseNs"),
    entryJitter: nonNegative(o.entrySdNs, where, "entrySdNs", 0),
    responseJitter: nonNegative(o.responseSdNs, where, "responseSdNs", 0),
    minNs: nanos(o.minNs, where, "minNs", 0n),
    cancelDelayNs: nanos(o.cancelDelayNs, where, "cancelDelayNs", 0n),
  });
}

/**
 * Log-normally distributed latency: `entryMedianNs * exp(sigma * z)` (z standard normal per message), floored at
 * `minNs`; `sigma` is the standard deviation of the log latency (0.5 gives a p99/median ratio of about 3.2).
 */
export function lognormalLatency(opts: {
  entryMedianNs: Nanos;
  responseMedianNs: Nanos;
  sigma: number;
  responseSigma?: number;
  minNs?: Nanos;
  cancelDelayNs?: Nanos;
}): JitterLatencyModel {
  const where = "lognormalLatency";
  const o = checkKeys(opts, ["entryMedianNs", "responseMedianNs", "sigma", "responseSigma", "minNs", "cancelDelayNs"], where);
  const sigma = nonNegative(o.sigma, where, "sigma", 0);
  return Object.freeze({
    kind: "lognormal",
    entryNs: nanos(o.entryMedianNs, where, "entryMedianNs"),
    responseNs: nanos(o.responseMedianNs, where, "responseMedianNs"),
    entryJitter: sigma,
    responseJitter: nonNegative(o.responseSigma, where, "responseSigma", sigma),
    minNs: nanos(o.minNs, where, "minNs", 0n),
    cancelDelayNs: nanos(o.cancelDelayNs, where, "cancelDelayNs", 0n),
  });
}

/**
 * Latency interpolated from a recorded table (hftbacktest's IntpOrderLatency): rows of (request local time,
 * venue time, response local time), sorted by request time. Entry latency at time t interpolates
 * venue - request between the rows around t; response latency interpolates response - venue around the venue
 * time. A row with venue time <= 0 records a rejection: requests sent then are rejected and the strategy learns
 * it after the interpolated round trip.
 */
export function latencyTable(
  rows:
    | { reqTs: BigInt64Array; exchTs: BigInt64Array; respTs: BigInt64Array }
    | readonly { reqTs: bigint; exchTs: bigint; respTs: bigint }[],
  opts: { cancelDelayNs?: Nanos } = {},
): TableLatencyModel {
  const where = "latencyTable";
  const o = checkKeys(opts, ["cancelDelayNs"], where);
  let reqTs: BigInt64Array, exchTs: BigInt64Array, respTs: BigInt64Array;
  if (Array.isArray(rows)) {
    const r = rows as readonly { reqTs: bigint; exchTs: bigint; respTs: bigint }[];
    reqTs = BigInt64Array.from(r, (x) => x.reqTs);
    exchTs = BigInt64Array.from(r, (x) => x.exchTs);
    respTs = BigInt64Array.from(r, (x) => x.respTs);
  } else {
    const c = rows as { reqTs: BigInt64Array; exchTs: BigInt64Array; respTs: BigInt64Array };
    if (!(c.reqTs instanceof BigInt64Array) || !(c.exchTs instanceof BigInt64Array) || !(c.respTs instanceof BigInt64Array)) {
      throw contextError({ where, what: "the table columns must be BigInt64Arrays", expected: "{ reqTs, exchTs, respTs }" });
    }
    ({ reqTs, exchTs, respTs } = c);
  }
  if (reqTs.length === 0 || exchTs.length !== reqTs.length || respTs.length !== reqTs.length) {
    throw contextError({ where, what: "the table columns must be non-empty and of equal length", found: `${reqTs.length}, ${exchTs.length}, ${respTs.length}` });
  }
  for (let i = 0; i < reqTs.length; i++) {
    if (i > 0 && reqTs[i]! < reqTs[i - 1]!) {
      throw contextError({ where: `${where} row ${i}`, what: "reqTs goes back in time", expected: `>= ${reqTs[i - 1]}`, found: String(reqTs[i]) });
    }
    if (exchTs[i]! > 0n && (exchTs[i]! < reqTs[i]! || respTs[i]! < exchTs[i]!)) {
      throw contextError({ where: `${where} row ${i}`, what: "a latency is negative", expected: "reqTs <= exchTs <= respTs", found: `${reqTs[i]}, ${exchTs[i]}, ${respTs[i]}` });
    }
  }
  return Object.freeze({ kind: "table", reqTs, exchTs, respTs, cancelDelayNs: nanos(o.cancelDelayNs, where, "cancelDelayNs", 0n) });
}

// --- queue --------------------------------------------------------------------------------------------------------

export type QueueModelKind = "riskAverse" | "power" | "power2" | "power3" | "log" | "log2" | "l3Fifo";

export interface QueueModel {
  readonly kind: QueueModelKind;
  /** Exponent of the power models (1 otherwise). */
  readonly n: number;
  /** Draw the share of level decreases ahead of us (Monte Carlo over queue outcomes) instead of its mean. */
  readonly randomise: boolean;
}

function queue(kind: QueueModelKind, n: number, opts: { randomise?: boolean } | undefined, where: string): QueueModel {
  if (!(typeof n === "number" && Number.isFinite(n) && n > 0 && n <= 1e6)) {
    throw contextError({ where, what: `the exponent is ${String(n)}`, expected: "a positive finite number" });
  }
  const o = checkKeys(opts, ["randomise"], where);
  return Object.freeze({ kind, n, randomise: o.randomise === true });
}

/**
 * L2, conservative (hftbacktest's RiskAdverseQueueModel): our order joins the back of its level; the queue ahead
 * shrinks only by trades at our price, and never exceeds the level's quantity (level-shrink rule).
 */
export function riskAverseQueue(): QueueModel {
  return queue("riskAverse", 1, undefined, "riskAverseQueue");
}

/**
 * L2, probabilistic (hftbacktest's ProbQueueModel with PowerProbQueueFunc): a level decrease d not explained by
 * trades is split between the quantity ahead of us (front) and behind (back); the share ahead is
 * f(front) / (f(front) + f(back)) with f(x) = x^n. Larger n assumes cancellations come more from the back.
 */
export function powerProbQueue(n: number, opts?: { randomise?: boolean }): QueueModel {
  return queue("power", n, opts, "powerProbQueue");
}

/** PowerProbQueueFunc2: probability behind = f(back) / f(back + front), f(x) = x^n. */
export function powerProbQueue2(n: number, opts?: { randomise?: boolean }): QueueModel {
  return queue("power2", n, opts, "powerProbQueue2");
}

/** PowerProbQueueFunc3: probability behind = 1 - f(front / (front + back)), f(x) = x^n. */
export function powerProbQueue3(n: number, opts?: { randomise?: boolean }): QueueModel {
  return queue("power3", n, opts, "powerProbQueue3");
}

/**
 * LogProbQueueFunc: share ahead f(front) / (f(front) + f(back)), f(x) = ln(1 + x). This is Rigtorp's estimator
 * (https://rigtorp.se/2013/06/08/estimating-order-queue-position.html) with a logarithmic weighting.
 */
export function logProbQueue(opts?: { randomise?: boolean }): QueueModel {
  return queue("log", 1, opts, "logProbQueue");
}

/** LogProbQueueFunc2: probability behind = f(back) / f(back + front), f(x) = ln(1 + x). */
export function logProbQueue2(opts?: { randomise?: boolean }): QueueModel {
  return queue("log2", 1, opts, "logProbQueue2");
}

/**
 * L3 exact FIFO (hftbacktest's L3FIFOQueueModel): needs market-by-order data (L3_* events). Our orders join
 * the back of their level among the real orders; an execution of an order behind ours fills ours.
 */
export function l3FifoQueue(): QueueModel {
  return queue("l3Fifo", 1, undefined, "l3FifoQueue");
}

// --- fees ---------------------------------------------------------------------------------------------------------

export interface FeeModel {
  readonly kind: "makerTaker";
  /** Maker fee rate in parts per 10^8 of notional (negative = rebate). */
  readonly makerPpb: number;
  readonly takerPpb: number;
}

function ppb(rate: unknown, where: string, name: string): number {
  if (typeof rate !== "number" || !Number.isFinite(rate) || Math.abs(rate) > 1) {
    throw contextError({ where, what: `${name} is ${String(rate)}`, expected: "a fee rate between -1 and 1 (0.0004 = 4 bp)" });
  }
  const v = Math.round(rate * 1e8);
  if (Math.abs(v - rate * 1e8) > 1e-6 * Math.max(1, Math.abs(v))) {
    throw contextError({ where, what: `${name} is ${rate}`, expected: "a multiple of 1e-8 (fees are kept exact in parts per 10^8)" });
  }
  return v;
}

/**
 * Maker/taker fees as fractions of notional: a fill of q lots at p ticks pays p * q * tickSize * lotSize * rate.
 * Negative rates are rebates. Kept exact as integers (parts per 10^8) and converted to currency once.
 */
export function makerTaker(maker: number, taker: number): FeeModel {
  return Object.freeze({ kind: "makerTaker", makerPpb: ppb(maker, "makerTaker", "maker"), takerPpb: ppb(taker, "makerTaker", "taker") });
}

/** No fees. */
export function noFees(): FeeModel {
  return makerTaker(0, 0);
}
