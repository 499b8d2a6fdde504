/**
 * The numeric codes of the matching engine's batch columns and event columns, and their names on the per-order
 * path. The values mirror native/src/book/types.hpp and are part of the batch format.
 */

/** Batch column `side`, event column `side`. */
export const Side = { buy: 0, sell: 1 } as const;
export type SideName = keyof typeof Side;

/** Batch column `type`. */
export const OrderType = { limit: 0, market: 1, stop: 2, stopLimit: 3, trailingStop: 4 } as const;
export type OrderTypeName = keyof typeof OrderType;

/** Batch column `tif` (time in force). DAY orders expire at the next end-of-day operation, GTD ones at `expireNs`. */
export const TimeInForce = { GTC: 0, IOC: 1, FOK: 2, DAY: 3, GTD: 4 } as const;
export type TimeInForceName = keyof typeof TimeInForce;

/** Batch column `op`. */
export const Op = { submit: 0, cancel: 1, replace: 2, advanceTime: 3, endOfDay: 4 } as const;
export type OpName = keyof typeof Op;

/**
 * Batch column `flags` (bits). On submit: post-only, rejecting or sliding one tick behind the opposite best when
 * the order would cross. On replace: keep the current price and/or quantity (the price/qty columns are ignored).
 */
export const Flag = { postOnlyReject: 1, postOnlySlide: 2, keepPrice: 4, keepQty: 8 } as const;

/** Event column `type`. */
export const EventType = {
  accepted: 1,
  rejected: 2,
  trade: 3,
  partiallyFilled: 4,
  filled: 5,
  cancelled: 6,
  replaced: 7,
  expired: 8,
  triggered: 9,
} as const;
export type EventTypeName = keyof typeof EventType;

/** Self-trade prevention: what happens when a taker meets a resting order of the same non-zero owner. */
export const StpMode = { none: 0, cancelNewest: 1, cancelOldest: 2, cancelBoth: 3 } as const;
export type StpModeName = keyof typeof StpMode;

/** State of a live order as reported by `order(id)`. */
export const OrderState = { active: 1, resting: 2, pendingStop: 3 } as const;
export type OrderStateName = keyof typeof OrderState;

/** Name of a code in one of the tables above, or undefined. */
export function nameOf<T extends Record<string, number>>(table: T, code: number): keyof T | undefined {
  for (const key of Object.keys(table)) if (table[key] === code) return key as keyof T;
  return undefined;
}

/** Reverse lookup arrays, code -> name, for the hot decoding paths. */
export function names<T extends Record<string, number>>(table: T): (keyof T | undefined)[] {
  const out: (keyof T | undefined)[] = [];
  for (const key of Object.keys(table)) out[table[key]!] = key as keyof T;
  return out;
}
