/**
 * The matching-engine functions of the native addon (native/src/napi/book_binding.cpp), typed.
 *
 * Loading belongs to lib/native/index.ts, the only module that loads the addon (with its error messages for a
 * missing or broken build).
 */
import { nativeSection } from "../native/index.js";
import type { BatchColumns } from "./batch.js";
import type { EventColumns } from "./events.js";

/** Opaque handle of a native book (a type-tagged external). */
export type NativeBookHandle = { readonly __brand: "OrderBookHandle" };

export interface NativeLevel {
  price: number;
  qty: number;
  orders: number;
}
export interface NativeQueueEntry {
  id: number;
  qty: number;
  hidden: number;
  owner: number;
}
export interface NativeOrder {
  id: number;
  side: number;
  type: number;
  tif: number;
  state: number;
  price: number;
  remaining: number;
  visible: number;
  displayQty: number;
  stopPrice: number | null;
  trail: number;
  expireNs: bigint;
  owner: number;
}

export interface BookAddon {
  bookCreate(config: { minPrice: bigint; maxPrice: bigint; stp: number }): NativeBookHandle;
  bookProcessBatch(h: NativeBookHandle, cols: BatchColumns, out: EventColumns | undefined, measureLatency: boolean): number | EventColumns;
  bookTop(h: NativeBookHandle): { bid: NativeLevel | null; ask: NativeLevel | null };
  bookDepth(h: NativeBookHandle, levels: number): { bids: NativeLevel[]; asks: NativeLevel[] };
  bookQueue(h: NativeBookHandle, side: number, price: number | bigint): NativeQueueEntry[];
  bookQueuePosition(h: NativeBookHandle, id: number | bigint):
    | { side: number; price: number; qtyAhead: number; ordersAhead: number; visible: number; remaining: number }
    | undefined;
  bookOrder(h: NativeBookHandle, id: number | bigint): NativeOrder | undefined;
  bookSnapshot(h: NativeBookHandle): {
    bids: (NativeLevel & { queue: NativeQueueEntry[] })[];
    asks: (NativeLevel & { queue: NativeQueueEntry[] })[];
    stops: NativeOrder[];
    lastPrice: number | null;
    now: bigint | null;
  };
  bookStats(h: NativeBookHandle): { orders: number; bidLevels: number; askLevels: number; stops: number; lastPrice: number | null; now: bigint | null };
  bookLatency(h: NativeBookHandle, reset: boolean): { count: number; meanNs: number; p50Ns: number; p90Ns: number; p99Ns: number; p999Ns: number; maxNs: number };
}

export function bookAddon(): BookAddon {
  return nativeSection<BookAddon>("bookCreate", "matching engine", "omniquant/sim");
}
