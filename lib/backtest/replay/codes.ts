/**
 * Numeric codes shared with the native replay engine (native/src/replay/types.hpp). Never renumber.
 */

/** Request operations (strategy -> venue). */
export const Op = Object.freeze({ new: 1, cancel: 2, replace: 3 });

export const OrderTypeCode = Object.freeze({ limit: 0, market: 1 });
export const TifCode = Object.freeze({ GTC: 0, IOC: 1, FOK: 2, GTX: 3 });

/** Response kinds (venue -> strategy, after the response latency). */
export const ResponseKind = Object.freeze({
  /** A new order rests at the venue (qty = leaves). */
  accepted: 1,
  /** An execution: price, qty, leaves after it, maker flag, fee. */
  fill: 2,
  /** Our cancel took effect (qty = what was cancelled). */
  cancelled: 3,
  /** IOC/FOK/market remainder (or a whole IOC/FOK) that did not execute. */
  expired: 4,
  /** A new order was refused (see `reason`). */
  rejected: 5,
  /** A cancel found no open order: already filled, cancelled, expired or unknown. */
  cancelRejected: 6,
  /** A replace took effect: new price and leaves. */
  replaced: 7,
  /** A replace found no open order or was invalid. */
  replaceRejected: 8,
});
export type ResponseKindName = keyof typeof ResponseKind;
export const RESPONSE_KIND_NAMES: readonly string[] = (() => {
  const names: string[] = [];
  for (const [k, v] of Object.entries(ResponseKind)) names[v] = k;
  return names;
})();

/** Why a request was rejected. */
export const RejectReason = Object.freeze({
  none: 0,
  badQty: 1,
  badPrice: 2,
  badSide: 3,
  badInstrument: 4,
  badType: 5,
  duplicateId: 6,
  postOnlyWouldCross: 7,
  notOpen: 8,
  latencyReject: 9,
  badOp: 10,
  noLiquidity: 11,
  badId: 12,
});
export const REJECT_REASON_TEXT: readonly string[] = [
  "",
  "quantity must be a positive integer number of lots",
  "price must be an integer number of ticks",
  "side must be +1 (buy) or -1 (sell)",
  "no such instrument",
  "unknown order type or time in force",
  "an open order already has this id",
  "post-only order would take liquidity",
  "the order is not open at the venue (filled, cancelled, expired or unknown)",
  "the venue rejected requests at this time (recorded latency table)",
  "unknown request operation",
  "no liquidity on the opposite side",
  "order id must be a positive safe integer",
];

/** Status of one native run call. */
export const RunStatus = Object.freeze({ reached: 0, stepped: 1, needData: 2, outputFull: 3, end: 4 });

/** Queue model kinds (native QueueConfig::Kind). */
export const QueueKind = Object.freeze({ riskAverse: 0, power: 1, power2: 2, power3: 3, log: 4, log2: 5, l3Fifo: 6 });

/** Latency model kinds (native LatencyConfig::Kind). */
export const LatencyKind = Object.freeze({ constant: 0, normal: 1, lognormal: 2, table: 3 });

/** Record strides of the shared buffer (native replay.hpp). */
export const Stride = Object.freeze({ request: 8, responseI64: 2, responseF64: 11, tradeF64: 4, sampleF64: 8 });

/** Header layout (native replay_binding.cpp). */
export const Header = Object.freeze({
  status: 0,
  nResponses: 1,
  nTrades: 2,
  nSamples: 3,
  rowsExchange: 4,
  rowsLocal: 5,
  inFlight: 6,
  openOrders: 7,
  nRequests: 8,
  step: 9,
  instrumentBase: 16,
  perInstrument: 8,
  // BigInt64 header
  now: 0,
  until: 1,
  rowsAppended: 2,
});
