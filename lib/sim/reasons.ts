/**
 * Reason codes of the event column `reason`: why an order was rejected (1-31), why it left the book (32-47), and
 * notes (48+). Values mirror native/src/book/types.hpp.
 */
export const RejectReason = {
  invalidId: 1,
  duplicateId: 2,
  unknownOrder: 3,
  invalidSide: 4,
  invalidType: 5,
  invalidTif: 6,
  invalidQuantity: 7,
  priceOffTick: 8,
  priceOutOfRange: 9,
  invalidStopPrice: 10,
  invalidTrail: 11,
  invalidDisplayQty: 12,
  invalidExpiry: 13,
  invalidFlags: 14,
  crossedPostOnly: 15,
  notReplaceable: 16,
  timeBackwards: 17,
  invalidTimestamp: 18,
  invalidOp: 19,
} as const;
export type RejectReasonName = keyof typeof RejectReason;

/** Why a CANCELLED or EXPIRED event happened, and the note on a REPLACED event that kept its queue place. */
export const EndReason = {
  userCancel: 32,
  unfilledImmediate: 33,
  fokUnfillable: 34,
  selfTrade: 35,
  gtdExpired: 36,
  dayExpired: 37,
  priorityKept: 48,
} as const;
export type EndReasonName = keyof typeof EndReason;

/** Every reason code by name. */
export const Reason = { none: 0, ...RejectReason, ...EndReason } as const;
export type ReasonName = keyof typeof Reason;

const TEXT: Record<number, string> = {
  0: "",
  1: "order id must be a positive integer",
  2: "an order with this id is already live",
  3: "no live order has this id",
  4: "side must be 0 (buy) or 1 (sell)",
  5: "unknown order type",
  6: "unknown time in force",
  7: "quantity must be a positive integer no greater than 2^53 - 1",
  8: "price is not an integer number of ticks",
  9: "price is outside the book's price range",
  10: "stop price must be an integer number of ticks inside the book's price range",
  11: "trailing distance must be a positive integer number of ticks no greater than 2^61",
  12: "display quantity must be between 1 and the order quantity, on a GTC, DAY or GTD limit order",
  13: "a GTD order needs an integer expiry later than its timestamp",
  14: "invalid flags for this operation (post-only applies to GTC, DAY or GTD limit orders only)",
  15: "post-only order would cross the book",
  16: "only resting orders can be replaced",
  17: "timestamp is earlier than the book's clock",
  18: "timestamp is not an integer number of nanoseconds",
  19: "unknown operation code",
  32: "cancelled on request",
  33: "unfilled remainder of a market or immediate-or-cancel order",
  34: "fill-or-kill order could not be filled in full",
  35: "self-trade prevention",
  36: "good-till-date expiry reached",
  37: "day order expired at the end of the day",
  48: "kept its queue priority",
};

/**
 * A whole-sentence text for a reason code: `rejectReasonText(RejectReason.duplicateId)` is
 * "an order with this id is already live". Works for every code of `Reason`; unknown codes say so.
 */
export function rejectReasonText(code: number): string {
  return TEXT[code] ?? `unknown reason code ${code}`;
}
