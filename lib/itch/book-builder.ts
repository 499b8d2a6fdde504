/**
 * ItchBookBuilder: per-order (L3) books of every stock (or of the selected symbols) rebuilt from ITCH 5.0 order
 * messages, fed chunk by chunk. Each chunk costs one native call and returns the rows it produced as typed-array
 * columns (see columns.ts for the tables); `depth()` and `bbo()` query the books as they stand.
 */
import { contextError, formatContext } from "../util/errors.js";
import { itchAddon, type BookHandle, type NativeAnomalies, type NativeBookOutputs, type NativeBookResult } from "./addon.js";
import {
  allocateColumns,
  ColumnCollector,
  viewColumns,
  type BboColumns,
  type L2Columns,
  type OrderColumns,
  type StockColumns,
  type TableName,
  type TradeColumns,
} from "./columns.js";
import { countsFrom, type ItchCounts } from "./decoder.js";
import { describeTypeByte } from "./messages.js";
import { checkLevels, checkOptions, checkSymbols } from "./options.js";
import { frameError, ItchStreamError } from "./stream-error.js";

export interface ItchBookOptions {
  /** Only these symbols (as the stock directory names them); default every stock. */
  symbols?: readonly string[];
  /** The l2 table follows only the top `levels` levels of each side (0 or absent: every level). */
  levels?: number;
  /** Which tables to write (default all four); leaving some out makes building faster. */
  tables?: Partial<Record<TableName, boolean>>;
  /** Names the input in errors and notices. */
  source?: string;
  /** Rows per table the native builder writes per call (default 65,536); more calls when a chunk yields more. */
  batchRows?: number;
}

/** The rows one chunk produced; a table with no rows is absent. */
export interface ItchBookBatch {
  orders?: OrderColumns;
  l2?: L2Columns;
  bbo?: BboColumns;
  trades?: TradeColumns;
}

export interface ItchDepthSide {
  /** Best first. Price(4): 1e-4 dollars. */
  price: Uint32Array;
  shares: Float64Array;
  orders: Uint32Array;
}

export interface ItchDepth {
  locate: number;
  symbol: string | undefined;
  bids: ItchDepthSide;
  asks: ItchDepthSide;
}

export interface ItchBbo {
  locate: number;
  symbol: string | undefined;
  /** 0 when the side is empty. */
  bidPrice: number;
  bidShares: number;
  askPrice: number;
  askShares: number;
}

export type ItchAnomalies = NativeAnomalies;

export interface ItchBookStats {
  counts: ItchCounts;
  /** Orders on the books now. */
  liveOrders: number;
  anomalies: ItchAnomalies;
}

const TABLES: readonly TableName[] = ["orders", "l2", "bbo", "trades"];
const DEFAULT_BATCH_ROWS = 1 << 16;

export class ItchBookBuilder {
  readonly source: string;
  private readonly handle: BookHandle;
  private readonly symbols: readonly string[] | undefined;
  private readonly outputs: NativeBookOutputs;
  private symbolIndex: { bySymbol: Map<string, number>; byLocate: Map<number, string> } | undefined;

  constructor(opts: ItchBookOptions = {}) {
    const o = checkOptions<ItchBookOptions>(opts, ["symbols", "levels", "tables", "source", "batchRows"], "ItchBookBuilder");
    const tables = checkOptions<Record<TableName, boolean>>(o.tables, TABLES, "ItchBookBuilder tables");
    for (const [k, v] of Object.entries(tables)) {
      if (typeof v !== "boolean") throw new TypeError(formatContext({ where: "ItchBookBuilder", what: `tables.${k} must be a boolean`, found: String(v) }));
    }
    this.source = o.source ?? "ITCH stream";
    this.symbols = checkSymbols(o.symbols, "ItchBookBuilder");
    const capacity = o.batchRows ?? DEFAULT_BATCH_ROWS;
    if (!Number.isInteger(capacity) || capacity < 64) {
      throw new RangeError(formatContext({ where: "ItchBookBuilder", what: "batchRows must be an integer of at least 64", found: String(capacity) }));
    }
    const enabled = (t: TableName) => tables[t] ?? true;
    this.outputs = { capacity };
    if (enabled("orders")) this.outputs.orders = allocateColumns("orders", capacity);
    if (enabled("l2")) this.outputs.l2 = allocateColumns("l2", capacity);
    if (enabled("bbo")) this.outputs.bbo = allocateColumns("bbo", capacity);
    if (enabled("trades")) this.outputs.trades = allocateColumns("trades", capacity);
    this.handle = itchAddon().itchBookNew(
      {
        levels: checkLevels(o.levels, "ItchBookBuilder"),
        orders: enabled("orders"),
        l2: enabled("l2"),
        bbo: enabled("bbo"),
        trades: enabled("trades"),
        ...(this.symbols ? { symbols: [...this.symbols] } : {}),
      },
      this.outputs,
    );
  }

  /**
   * Applies a chunk of ITCH bytes (any size; a message cut at the end is carried over) and returns the rows it
   * produced, in arrays of their own. A corrupt stream throws an ItchStreamError naming the byte offset, with the
   * rows of the messages before it on `partial`.
   */
  push(chunk: Uint8Array): ItchBookBatch {
    const c = collector();
    try {
      this.pushViews(chunk, c.add);
    } catch (err) {
      if (err instanceof ItchStreamError) err.partial = c.finish();
      throw err;
    }
    return c.finish();
  }

  /** Ends the stream: throws an ItchStreamError if it ends inside a message. */
  end(): ItchBookBatch {
    const c = collector();
    this.endViews(c.add);
    return c.finish();
  }

  /**
   * The fast path of `push`: hands the rows to `onBatch` as views into the builder's own arrays, valid only during
   * the call (copy what you keep), possibly in several batches per chunk. Rows before a stream error are handed
   * over before the ItchStreamError is thrown.
   */
  pushViews(chunk: Uint8Array, onBatch: (batch: ItchBookBatch) => void): void {
    const addon = itchAddon();
    let at = 0;
    for (;;) {
      const r = addon.itchBookPushSync(this.handle, at === 0 ? chunk : chunk.subarray(at));
      this.deliver(r, onBatch);
      at += r.consumed;
      if (at >= chunk.length) return;
      if (r.consumed === 0 && r.orders + r.l2 + r.bbo + r.trades === 0) {
        throw new Error(`ItchBookBuilder: the native builder made no progress at chunk byte ${at} (a bug; please report it).`);
      }
    }
  }

  /** `end` with views, as `pushViews`. */
  endViews(onBatch: (batch: ItchBookBatch) => void): void {
    this.deliver(itchAddon().itchBookEndSync(this.handle), onBatch);
  }

  /** The stock directory read so far (R messages). */
  stocks(): StockColumns {
    return itchAddon().itchBookStocks(this.handle);
  }

  /** The stock locate of `symbol` per the directory read so far. */
  locate(symbol: string): number {
    const locate = this.index().bySymbol.get(symbol);
    if (locate === undefined) {
      throw contextError({ where: this.source, what: `the symbol '${symbol}' is not in the stock directory (R messages) read so far` });
    }
    return locate;
  }

  /** The symbol of a stock locate, if the directory named it. */
  symbol(locate: number): string | undefined {
    return this.index().byLocate.get(locate);
  }

  /** The top `levels` price levels of each side, best first (levels 0: all). */
  depth(stock: number | string, levels = 10): ItchDepth {
    const locate = typeof stock === "string" ? this.locate(stock) : stock;
    const d = itchAddon().itchBookDepth(this.handle, locate, checkLevels(levels, "ItchBookBuilder.depth"));
    return {
      locate,
      symbol: this.symbol(locate),
      bids: { price: d.bidPrice, shares: d.bidShares, orders: d.bidOrders },
      asks: { price: d.askPrice, shares: d.askShares, orders: d.askOrders },
    };
  }

  /** The best bid and offer now. */
  bbo(stock: number | string): ItchBbo {
    const d = this.depth(stock, 1);
    return {
      locate: d.locate,
      symbol: d.symbol,
      bidPrice: d.bids.price[0] ?? 0,
      bidShares: d.bids.shares[0] ?? 0,
      askPrice: d.asks.price[0] ?? 0,
      askShares: d.asks.shares[0] ?? 0,
    };
  }

  stats(): ItchBookStats {
    const s = itchAddon().itchBookStats(this.handle);
    return { counts: countsFrom(s, this.source), liveOrders: s.liveOrders, anomalies: s.anomalies };
  }

  /** Complete messages applied so far. */
  get messages(): number {
    return itchAddon().itchBookStats(this.handle).messages;
  }

  /** What is worth knowing about the stream, each said once: zero length prefixes, orders not on the book... */
  notices(): string[] {
    const { counts, anomalies: a } = this.stats();
    const notes = [...counts.notices];
    const n = (x: number) => x.toLocaleString("en-US");
    if (a.unknownOrderRef > 0) {
      notes.push(
        `${this.source}: ${n(a.unknownOrderRef)} order messages named an order reference that is not on the book (the first: ${describeTypeByte(a.firstUnknownOrderRefType!.charCodeAt(0))} at byte offset ${a.firstUnknownOrderRefOffset}); they were skipped. This is expected when the stream starts after the day's first messages or was filtered.`,
      );
    }
    if (a.duplicateOrderRef > 0) {
      notes.push(`${this.source}: ${n(a.duplicateOrderRef)} orders were added under a reference that was already live (the first at byte offset ${a.firstDuplicateOrderRefOffset}); the older order was dropped.`);
    }
    if (a.overfill > 0) {
      notes.push(`${this.source}: ${n(a.overfill)} executions or cancels took more shares than the order had left (the first at byte offset ${a.firstOverfillOffset}); they were limited to the shares left.`);
    }
    if (a.locateMismatch > 0) {
      notes.push(`${this.source}: ${n(a.locateMismatch)} order messages carried a stock locate other than their order's; the order's was used.`);
    }
    if (this.symbols) {
      const known = this.index().bySymbol;
      const missing = this.symbols.filter((s) => !known.has(s));
      if (missing.length > 0 && counts.messages > 0) {
        notes.push(`${this.source}: ${missing.map((s) => `'${s}'`).join(", ")} ${missing.length === 1 ? "is" : "are"} not in the stock directory (R messages); no book was built for ${missing.length === 1 ? "it" : "them"}.`);
      }
    }
    return notes;
  }

  private index() {
    if (this.symbolIndex === undefined) {
      const s = this.stocks();
      const bySymbol = new Map<string, number>();
      const byLocate = new Map<number, string>();
      s.symbol.forEach((sym, i) => {
        bySymbol.set(sym, s.locate[i]!);
        byLocate.set(s.locate[i]!, sym);
      });
      this.symbolIndex = { bySymbol, byLocate };
    }
    return this.symbolIndex;
  }

  private deliver(r: NativeBookResult, onBatch: (batch: ItchBookBatch) => void): void {
    this.symbolIndex = undefined; // the directory may have grown
    const batch: ItchBookBatch = {};
    const out = this.outputs;
    if (r.orders > 0 && out.orders) batch.orders = viewColumns(out.orders, r.orders);
    if (r.l2 > 0 && out.l2) batch.l2 = viewColumns(out.l2, r.l2);
    if (r.bbo > 0 && out.bbo) batch.bbo = viewColumns(out.bbo, r.bbo);
    if (r.trades > 0 && out.trades) batch.trades = viewColumns(out.trades, r.trades);
    if (r.orders + r.l2 + r.bbo + r.trades > 0) onBatch(batch);
    if (r.error) throw frameError(this.source, r.error, this.messages);
  }
}

/** Collects view batches into arrays of their own. */
function collector() {
  const c = {
    orders: new ColumnCollector("orders"),
    l2: new ColumnCollector("l2"),
    bbo: new ColumnCollector("bbo"),
    trades: new ColumnCollector("trades"),
  };
  return {
    add: (b: ItchBookBatch) => {
      c.orders.add(b.orders);
      c.l2.add(b.l2);
      c.bbo.add(b.bbo);
      c.trades.add(b.trades);
    },
    finish: (): ItchBookBatch => {
      const out: ItchBookBatch = {};
      if (c.orders.length) out.orders = c.orders.finish();
      if (c.l2.length) out.l2 = c.l2.finish();
      if (c.bbo.length) out.bbo = c.bbo.finish();
      if (c.trades.length) out.trades = c.trades.finish();
      return out;
    },
  };
}
