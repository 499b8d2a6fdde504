/**
 * omniquant/sim: the native matching engine and its tools.
 *
 * - `OrderBook`: a price-time priority limit order book in C++ (per-order calls and a typed-array batch path).
 * - `BatchBuilder`, `BatchColumns`: the batch format; `decodeEvents`, `EventColumns`: the event format.
 * - `ReferenceBook`: the deliberately simple TypeScript model of the same semantics (tests, documentation).
 * - Codes: `Side`, `OrderType`, `TimeInForce`, `Op`, `Flag`, `EventType`, `StpMode`, `Reason`, `rejectReasonText`.
 */
export { OrderBook } from "./order-book.js";
export type { ProcessOptions } from "./order-book.js";
export { BatchBuilder } from "./batch.js";
export type { BatchColumns, Int64Column, IntLike, OrderRequest, ReplaceRequest } from "./batch.js";
export { allocateEventColumns, decodeEvents, sliceEventColumns } from "./events.js";
export type { BookEvent, EventColumns } from "./events.js";
export { ReferenceBook } from "./reference-book.js";
export type { ReferenceBookConfig } from "./reference-book.js";
export type { BookConfig, ResolvedBookConfig } from "./config.js";
export { EventType, Flag, Op, OrderState, OrderType, Side, StpMode, TimeInForce } from "./codes.js";
export type { EventTypeName, OpName, OrderStateName, OrderTypeName, SideName, StpModeName, TimeInForceName } from "./codes.js";
export { EndReason, Reason, RejectReason, rejectReasonText } from "./reasons.js";
export type { EndReasonName, ReasonName, RejectReasonName } from "./reasons.js";
export type {
  Bbo, BookSnapshot, BookStats, Depth, LatencyStats, OrderInfo, PriceLevel, QueueEntry, QueuePosition, SnapshotLevel,
} from "./views.js";
