/**
 * buildBooks: rebuilds the per-order books of a whole ITCH 5.0 file or buffer (plain or gzip) and returns the
 * stock directory, the orders / l2 / bbo / trades tables as typed-array columns (Arquero-ready: `table(r.l2)`)
 * and the final books to query.
 */
import { ItchBookBuilder, type ItchAnomalies, type ItchBookBatch, type ItchBookOptions } from "./book-builder.js";
import { ColumnCollector, type BboColumns, type L2Columns, type OrderColumns, type StockColumns, type TradeColumns } from "./columns.js";
import type { ItchCounts } from "./decoder.js";
import type { ItchProgress } from "./decode-itch.js";
import { checkOptions } from "./options.js";
import { itchChunks, sourceName, type ItchInput } from "./source.js";
import { ItchStreamError } from "./stream-error.js";

export interface BuildBooksOptions extends Omit<ItchBookOptions, "source"> {
  /** Bytes per native call (default 4 MiB). */
  chunkSize?: number;
  /** Called after each chunk. */
  onProgress?: (p: ItchProgress) => void;
  /**
   * Receives the rows batch by batch instead of collecting them: the returned tables are then empty and memory
   * stays bounded whatever the file's size. The batch's arrays are views valid only during the call.
   */
  onBatch?: (batch: ItchBookBatch) => void;
}

export interface ItchBooks {
  /** The stock directory (R messages). */
  stocks: StockColumns;
  orders: OrderColumns;
  l2: L2Columns;
  bbo: BboColumns;
  trades: TradeColumns;
  counts: ItchCounts;
  anomalies: ItchAnomalies;
  /** Orders on the books at the end. */
  liveOrders: number;
  /** Things worth knowing about the stream, each said once. */
  notices: string[];
  /** The books as they stand at the end: `book.depth("AAPL", 10)`, `book.bbo(1)`. */
  book: ItchBookBuilder;
}

/**
 * Builds the books of `input`. A truncated or corrupt stream throws an ItchStreamError naming the byte offset and
 * the type byte found; `err.partial` holds the ItchBooks of every message before it.
 */
export async function buildBooks(input: ItchInput, opts: BuildBooksOptions = {}): Promise<ItchBooks> {
  const o = checkOptions<BuildBooksOptions>(opts, ["symbols", "levels", "tables", "chunkSize", "onProgress", "onBatch", "batchRows"], "buildBooks");
  const source = sourceName(input);
  const book = new ItchBookBuilder({
    source,
    ...(o.symbols !== undefined ? { symbols: o.symbols } : {}),
    ...(o.levels !== undefined ? { levels: o.levels } : {}),
    ...(o.tables !== undefined ? { tables: o.tables } : {}),
    ...(o.batchRows !== undefined ? { batchRows: o.batchRows } : {}),
  });
  const collect = {
    orders: new ColumnCollector("orders"),
    l2: new ColumnCollector("l2"),
    bbo: new ColumnCollector("bbo"),
    trades: new ColumnCollector("trades"),
  };
  const take = (b: ItchBookBatch) => {
    if (o.onBatch) {
      o.onBatch(b);
      return;
    }
    collect.orders.add(b.orders);
    collect.l2.add(b.l2);
    collect.bbo.add(b.bbo);
    collect.trades.add(b.trades);
  };
  const result = (): ItchBooks => {
    const stats = book.stats();
    return {
      stocks: book.stocks(),
      orders: collect.orders.finish(),
      l2: collect.l2.finish(),
      bbo: collect.bbo.finish(),
      trades: collect.trades.finish(),
      counts: stats.counts,
      anomalies: stats.anomalies,
      liveOrders: stats.liveOrders,
      notices: book.notices(),
      book,
    };
  };

  let progress = { bytesRead: 0, totalBytes: 0 };
  try {
    for await (const chunk of itchChunks(input, { chunkSize: o.chunkSize, onRead: (p) => (progress = p) })) {
      book.pushViews(chunk, take);
      o.onProgress?.({ ...progress, messages: book.messages });
    }
    book.endViews(take);
  } catch (err) {
    if (err instanceof ItchStreamError) {
      err.messagesBefore = book.messages;
      err.partial = result();
    }
    throw err;
  }
  return result();
}
