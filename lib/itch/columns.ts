/**
 * The tables the ITCH book builder writes, as typed-array columns (pass one to Arquero's `table()` as is).
 *
 * Units and codes, the same in every table:
 * - `message`: index of the ITCH message in the stream (0-based), to line rows of different tables up;
 * - `timestamp`: nanoseconds since midnight (ITCH's 6-byte timestamp), exact in a double;
 * - `locate`: the stock locate code; `stocks` maps it to the symbol;
 * - `price`: Price(4) integers, 1e-4 dollars (divide by 1e4 only to display, see `priceToDollars`);
 * - `side`: +1 buy / bid, -1 sell / ask, 0 none (cross trades);
 * - `kind`: the ITCH message type as a character code (`String.fromCharCode(kind[i])`: "A", "E", ...);
 * - order reference and match numbers are 64-bit (BigUint64Array), as on the wire.
 */

/** Every order event applied to a book: A F E C X D U (the L3 event log). */
export interface OrderColumns {
  message: Float64Array;
  timestamp: Float64Array;
  locate: Uint16Array;
  /** "A" "F" add, "E" "C" executed, "X" cancelled, "D" deleted, "U" replaced (as char codes). */
  kind: Uint8Array;
  orderRef: BigUint64Array;
  /** The new reference of a "U" replace, 0 otherwise. */
  newOrderRef: BigUint64Array;
  side: Int8Array;
  /** Shares added (A F U), executed (E C), cancelled (X) or removed (D). */
  shares: Uint32Array;
  /** The order's limit price (for "U" the new one). */
  price: Uint32Array;
  /** Shares left on the order after the event. */
  remaining: Uint32Array;
}

/** Changes of aggregated price levels: the level's new size; `shares` 0 means the level is gone. */
export interface L2Columns {
  message: Float64Array;
  timestamp: Float64Array;
  locate: Uint16Array;
  side: Int8Array;
  price: Uint32Array;
  shares: Float64Array;
  orders: Uint32Array;
}

/** Best bid and offer after each message that changed either; price 0 and shares 0 mean an empty side. */
export interface BboColumns {
  message: Float64Array;
  timestamp: Float64Array;
  locate: Uint16Array;
  bidPrice: Uint32Array;
  bidShares: Float64Array;
  askPrice: Uint32Array;
  askShares: Float64Array;
}

/**
 * Trades: "E" and "C" executions of displayed orders (side and, for "E", price of the resting order; "C" at its
 * execution price, `printable` from the message), "P" non-displayed trades and "Q" crosses (side 0, order 0).
 */
export interface TradeColumns {
  message: Float64Array;
  timestamp: Float64Array;
  locate: Uint16Array;
  kind: Uint8Array;
  side: Int8Array;
  price: Uint32Array;
  shares: Float64Array;
  matchNumber: BigUint64Array;
  orderRef: BigUint64Array;
  /** 1 if the execution counts in time and sales and volume, 0 if not ("C" with printable "N"). */
  printable: Uint8Array;
}

/** The stock directory (R messages) in stream order. */
export interface StockColumns {
  locate: Uint16Array;
  symbol: string[];
  marketCategory: string[];
  financialStatus: string[];
  roundLotSize: Uint32Array;
  timestamp: Float64Array;
  /** 1 if the stock is selected by the `symbols` option (every stock when there is none). */
  active: Uint8Array;
}

export type ColumnArray = Float64Array | Uint8Array | Int8Array | Uint16Array | Uint32Array | BigUint64Array;

type Ctor = { new (n: number): ColumnArray };

const ORDER_COLUMNS: Record<keyof OrderColumns, Ctor> = {
  message: Float64Array,
  timestamp: Float64Array,
  locate: Uint16Array,
  kind: Uint8Array,
  orderRef: BigUint64Array,
  newOrderRef: BigUint64Array,
  side: Int8Array,
  shares: Uint32Array,
  price: Uint32Array,
  remaining: Uint32Array,
};
const L2_COLUMNS: Record<keyof L2Columns, Ctor> = {
  message: Float64Array,
  timestamp: Float64Array,
  locate: Uint16Array,
  side: Int8Array,
  price: Uint32Array,
  shares: Float64Array,
  orders: Uint32Array,
};
const BBO_COLUMNS: Record<keyof BboColumns, Ctor> = {
  message: Float64Array,
  timestamp: Float64Array,
  locate: Uint16Array,
  bidPrice: Uint32Array,
  bidShares: Float64Array,
  askPrice: Uint32Array,
  askShares: Float64Array,
};
const TRADE_COLUMNS: Record<keyof TradeColumns, Ctor> = {
  message: Float64Array,
  timestamp: Float64Array,
  locate: Uint16Array,
  kind: Uint8Array,
  side: Int8Array,
  price: Uint32Array,
  shares: Float64Array,
  matchNumber: BigUint64Array,
  orderRef: BigUint64Array,
  printable: Uint8Array,
};

export const TABLE_COLUMNS = { orders: ORDER_COLUMNS, l2: L2_COLUMNS, bbo: BBO_COLUMNS, trades: TRADE_COLUMNS } as const;
export type TableName = keyof typeof TABLE_COLUMNS;
export interface Tables {
  orders: OrderColumns;
  l2: L2Columns;
  bbo: BboColumns;
  trades: TradeColumns;
}

/** Number of rows of a columns object (the length of its `message` column). */
export function rowCount(columns: { message: ArrayLike<unknown> }): number {
  return columns.message.length;
}

/** Fresh columns of `capacity` rows for `table`. */
export function allocateColumns<N extends TableName>(table: N, capacity: number): Tables[N] {
  const out: Record<string, ColumnArray> = {};
  for (const [name, ctor] of Object.entries(TABLE_COLUMNS[table] as Record<string, Ctor>)) out[name] = new ctor(capacity);
  return out as unknown as Tables[N];
}

/** The first `rows` rows of `columns`, as views (no copy). */
export function viewColumns<T extends object>(columns: T, rows: number): T {
  const out: Record<string, ColumnArray> = {};
  for (const [name, col] of Object.entries(columns)) out[name] = (col as ColumnArray).subarray(0, rows);
  return out as T;
}

/** A copy of `columns` that owns its memory. */
export function copyColumns<T extends object>(columns: T): T {
  const out: Record<string, ColumnArray> = {};
  for (const [name, col] of Object.entries(columns)) out[name] = (col as ColumnArray).slice();
  return out as T;
}

/**
 * Appends batches of one table (views are fine: rows are copied in) into growing columns, so a large table costs
 * about one copy of its rows.
 */
export class ColumnCollector<N extends TableName> {
  private cols: Tables[N] | undefined;
  private capacity = 0;
  private rows = 0;

  constructor(readonly table: N) {}

  add(part: Tables[N] | undefined): void {
    const n = part?.message.length ?? 0;
    if (part === undefined || n === 0) return;
    if (this.rows + n > this.capacity) {
      const capacity = Math.max(this.capacity * 2, this.rows + n, 1024);
      const next = allocateColumns(this.table, capacity) as unknown as Record<string, ColumnArray>;
      if (this.cols) {
        for (const [name, col] of Object.entries(this.cols as unknown as Record<string, ColumnArray>)) {
          (next[name] as Uint8Array).set((col as Uint8Array).subarray(0, this.rows));
        }
      }
      this.cols = next as unknown as Tables[N];
      this.capacity = capacity;
    }
    const dst = this.cols as unknown as Record<string, ColumnArray>;
    for (const [name, col] of Object.entries(part as unknown as Record<string, ColumnArray>)) {
      (dst[name] as Uint8Array).set(col as Uint8Array, this.rows);
    }
    this.rows += n;
  }

  get length(): number {
    return this.rows;
  }

  /** The collected columns, trimmed to their rows (empty typed arrays when nothing was added). */
  finish(): Tables[N] {
    if (!this.cols) return allocateColumns(this.table, 0);
    const cols = this.cols as unknown as Record<string, ColumnArray>;
    const out: Record<string, ColumnArray> = {};
    const trim = this.capacity > this.rows * 1.25;
    for (const [name, col] of Object.entries(cols)) out[name] = trim ? col.slice(0, this.rows) : col.subarray(0, this.rows);
    return out as unknown as Tables[N];
  }
}
