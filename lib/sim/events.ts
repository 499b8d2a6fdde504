/**
 * The engine's output: one row per event as parallel typed-array columns (what `processBatch` returns), and
 * `decodeEvents` to turn them into objects for notebooks.
 *
 * | column      | type          | meaning                                                                       |
 * |-------------|---------------|-------------------------------------------------------------------------------|
 * | `type`      | Uint8Array    | `EventType`                                                                   |
 * | `orderId`   | BigInt64Array | the order concerned; for a trade, the taker                                   |
 * | `otherId`   | BigInt64Array | for a trade, the maker (resting order); else 0                                |
 * | `price`     | BigInt64Array | ticks: trade price, fill price, new price (replaced), trigger (triggered), limit price (others; 0 for market-like orders and rejects) |
 * | `qty`       | BigInt64Array | trade/fill quantity, accepted quantity, cancelled/expired quantity, new open quantity (replaced) |
 * | `remaining` | BigInt64Array | the order's open quantity after the event (trade: the taker's)                |
 * | `side`      | Uint8Array    | the order's side (trade: the aggressor's); rejects echo the row's side byte   |
 * | `reason`    | Uint8Array    | `Reason` code for rejects, cancels, expiries and replaces; else 0             |
 * | `ts`        | BigInt64Array | timestamp of the operation that caused it                                     |
 * | `op`        | Uint32Array   | index of that operation in the batch                                          |
 *
 * Event order for one operation: ACCEPTED (or REJECTED, and nothing else); for each fill TRADE then the maker's
 * PARTIALLY_FILLED/FILLED; the taker's PARTIALLY_FILLED/FILLED summing its fills; CANCELLED for a remainder
 * that cannot rest; then TRIGGERED stops and their own executions.
 */
import { EventType, Side, names } from "./codes.js";
import type { EventTypeName, SideName } from "./codes.js";
import { rejectReasonText } from "./reasons.js";

export interface EventColumns {
  count: number;
  type: Uint8Array;
  orderId: BigInt64Array;
  otherId: BigInt64Array;
  price: BigInt64Array;
  qty: BigInt64Array;
  remaining: BigInt64Array;
  side: Uint8Array;
  reason: Uint8Array;
  ts: BigInt64Array;
  op: Uint32Array;
}

/** One event as an object. Integers are numbers (exact below 2^53); timestamps stay bigint. */
export interface BookEvent {
  type: EventTypeName;
  orderId: number;
  /** The maker of a trade, else 0. */
  otherId: number;
  price: number;
  qty: number;
  remaining: number;
  /** "invalid" only on a reject of a row whose side byte is neither 0 nor 1. */
  side: SideName | "invalid";
  /** Reason code (0 = none); see `Reason`. */
  reason: number;
  /** `rejectReasonText(reason)`, "" when there is no reason. */
  reasonText: string;
  ts: bigint;
  /** Index of the operation in its batch. */
  op: number;
}

const TYPE_NAMES = names(EventType);
const SIDE_NAMES = names(Side);

/** Turns event columns into objects (`count` rows). */
export function decodeEvents(cols: EventColumns): BookEvent[] {
  const out: BookEvent[] = new Array(cols.count);
  for (let i = 0; i < cols.count; i++) {
    const reason = cols.reason[i]!;
    out[i] = {
      type: TYPE_NAMES[cols.type[i]!] ?? ("unknown" as EventTypeName),
      orderId: Number(cols.orderId[i]),
      otherId: Number(cols.otherId[i]),
      price: Number(cols.price[i]),
      qty: Number(cols.qty[i]),
      remaining: Number(cols.remaining[i]),
      side: SIDE_NAMES[cols.side[i]!] ?? "invalid",
      reason,
      reasonText: reason === 0 ? "" : rejectReasonText(reason),
      ts: cols.ts[i]!,
      op: cols.op[i]!,
    };
  }
  return out;
}

/** Empty event columns with room for `capacity` events: pass as `into` to reuse storage across batches. */
export function allocateEventColumns(capacity: number): EventColumns {
  return {
    count: 0,
    type: new Uint8Array(capacity),
    orderId: new BigInt64Array(capacity),
    otherId: new BigInt64Array(capacity),
    price: new BigInt64Array(capacity),
    qty: new BigInt64Array(capacity),
    remaining: new BigInt64Array(capacity),
    side: new Uint8Array(capacity),
    reason: new Uint8Array(capacity),
    ts: new BigInt64Array(capacity),
    op: new Uint32Array(capacity),
  };
}

/** Views of the first `count` rows of `cols`. */
export function sliceEventColumns(cols: EventColumns, count: number): EventColumns {
  return {
    count,
    type: cols.type.subarray(0, count),
    orderId: cols.orderId.subarray(0, count),
    otherId: cols.otherId.subarray(0, count),
    price: cols.price.subarray(0, count),
    qty: cols.qty.subarray(0, count),
    remaining: cols.remaining.subarray(0, count),
    side: cols.side.subarray(0, count),
    reason: cols.reason.subarray(0, count),
    ts: cols.ts.subarray(0, count),
    op: cols.op.subarray(0, count),
  };
}

/** Appends events to growable columns (used by the TypeScript reference book). */
export class EventWriter {
  private cols = allocateEventColumns(64);
  private n = 0;

  push(type: number, orderId: bigint, otherId: bigint, price: bigint, qty: bigint, remaining: bigint, side: number,
    reason: number, ts: bigint, op: number): void {
    if (this.n === this.cols.type.length) {
      const next = allocateEventColumns(this.n * 2);
      for (const key of Object.keys(next) as (keyof EventColumns)[]) {
        if (key !== "count") (next[key] as { set(a: ArrayLike<unknown>): void }).set(this.cols[key] as never);
      }
      this.cols = next;
    }
    const i = this.n++;
    const c = this.cols;
    c.type[i] = type;
    c.orderId[i] = orderId;
    c.otherId[i] = otherId;
    c.price[i] = price;
    c.qty[i] = qty;
    c.remaining[i] = remaining;
    c.side[i] = side;
    c.reason[i] = reason;
    c.ts[i] = ts;
    c.op[i] = op;
  }

  /** The events so far as columns of exactly `count` rows (copies), and forgets them. */
  take(): EventColumns {
    const out = sliceEventColumns(this.cols, this.n);
    const copy = allocateEventColumns(0);
    for (const key of Object.keys(out) as (keyof EventColumns)[]) {
      if (key === "count") continue;
      (copy as unknown as Record<string, unknown>)[key] = (out[key] as Uint8Array).slice();
    }
    copy.count = this.n;
    this.n = 0;
    return copy;
  }
}
