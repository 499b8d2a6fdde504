/** Read-only views of a book: what the queries of `OrderBook` (and of the reference book) return. */
import type { OrderStateName, OrderTypeName, SideName, TimeInForceName } from "./codes.js";

/** An aggregated price level (L2). `qty` counts displayed quantity only (iceberg reserves are hidden). */
export interface PriceLevel {
  price: number;
  qty: number;
  orders: number;
}

export interface Bbo {
  bid: PriceLevel | undefined;
  ask: PriceLevel | undefined;
}

export interface Depth {
  /** Best (highest) first. */
  bids: PriceLevel[];
  /** Best (lowest) first. */
  asks: PriceLevel[];
}

/** One order in a level's queue (L3), in time priority. */
export interface QueueEntry {
  id: number;
  /** Displayed quantity. */
  qty: number;
  /** Iceberg reserve not displayed. */
  hidden: number;
  owner: number;
}

/** Where a resting order stands in its queue. */
export interface QueuePosition {
  side: SideName;
  price: number;
  /** Displayed quantity ahead of it in the FIFO (what must trade before it fills). */
  qtyAhead: number;
  ordersAhead: number;
  visible: number;
  remaining: number;
}

/** A live order. */
export interface OrderInfo {
  id: number;
  side: SideName;
  type: OrderTypeName;
  tif: TimeInForceName;
  state: OrderStateName;
  /** Limit price in ticks (0 for market-like orders). */
  price: number;
  /** Open quantity, displayed plus reserve. */
  remaining: number;
  /** Displayed quantity while resting, else 0. */
  visible: number;
  /** Iceberg display size, 0 when not an iceberg. */
  displayQty: number;
  /** Trigger price of a stop; for a trailing stop the current one (null until a trade gives it a reference). */
  stopPrice: number | null;
  /** Trailing distance in ticks (0 unless a trailing stop). */
  trail: number;
  /** GTD expiry (0 unless GTD). */
  expireNs: bigint;
  owner: number;
}

export interface SnapshotLevel extends PriceLevel {
  queue: QueueEntry[];
}

/** The whole book: every resting order in priority order, every pending stop by id, the last trade and clock. */
export interface BookSnapshot {
  bids: SnapshotLevel[];
  asks: SnapshotLevel[];
  stops: OrderInfo[];
  lastPrice: number | null;
  now: bigint | null;
}

export interface BookStats {
  /** Live orders: resting plus pending stops. */
  orders: number;
  bidLevels: number;
  askLevels: number;
  stops: number;
  lastPrice: number | null;
  now: bigint | null;
}

/** Per-operation engine latency measured in C++ with the steady clock (only while `measureLatency` is on). */
export interface LatencyStats {
  count: number;
  meanNs: number;
  p50Ns: number;
  p90Ns: number;
  p99Ns: number;
  p999Ns: number;
  maxNs: number;
}
