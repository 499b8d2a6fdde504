/**
 * omniquant/itch: NASDAQ TotalView-ITCH 5.0, natively decoded.
 *
 * - `decodeItch(pathOrBytes, { onBatch, types })`: counts per message type, and every field of the selected types
 *   as typed-array columns, streaming a plain or gzip file in bounded memory;
 * - `buildBooks(pathOrBytes, { symbols, levels })`: per-order books per stock, with the orders / l2 / bbo / trades
 *   tables as columns and the final books to query;
 * - `ItchDecoder` / `ItchBookBuilder`: the same, fed chunk by chunk;
 * - truncated or corrupt input throws an `ItchStreamError` naming the byte offset and the type byte found, with
 *   what was decoded before it on `err.partial`.
 *
 * Prices stay Price(4) integers (1e-4 dollars); `priceToDollars` / `formatPrice` convert for display.
 *
 *   import { buildBooks, formatPrice } from "omniquant/itch";
 *   import { table } from "arquero";
 *   const r = await buildBooks("01302019.NASDAQ_ITCH50.gz", { symbols: ["AAPL"], levels: 10 });
 *   table(r.trades).filter((d) => d.kind === 80).view();          // 80 = "P"
 *   const { bids, asks } = r.book.depth("AAPL", 5);                 // best first
 *   formatPrice(bids.price[0]);                                     // "166.4400"
 *
 * `omq itch convert FILE --to parquet DIR` writes the same tables as Parquet (itchToParquet).
 */
export { decodeItch, type DecodeItchOptions, type ItchProgress } from "./decode-itch.js";
export { buildBooks, type BuildBooksOptions, type ItchBooks } from "./build-books.js";
export { ItchDecoder, type ItchBatch, type ItchCounts, type ItchDecoderOptions } from "./decoder.js";
export {
  ItchBookBuilder,
  type ItchAnomalies,
  type ItchBbo,
  type ItchBookBatch,
  type ItchBookOptions,
  type ItchBookStats,
  type ItchDepth,
  type ItchDepthSide,
} from "./book-builder.js";
export type { BboColumns, L2Columns, OrderColumns, StockColumns, TableName, TradeColumns } from "./columns.js";
export {
  ITCH_MESSAGE_LENGTHS,
  ITCH_MESSAGE_TYPES,
  isItchMessageType,
  itchMessageSpecs,
  type ItchFieldKind,
  type ItchFieldSpec,
  type ItchMessageSpec,
  type ItchMessageType,
} from "./messages.js";
export { ItchStreamError, type ItchStreamErrorKind } from "./stream-error.js";
export { DEFAULT_CHUNK_SIZE, itchChunks, type ItchInput } from "./source.js";
export { PRICE4_SCALE, dollarsToPrice, formatPrice, priceToDollars } from "./price.js";
export { itchToParquet, type ItchParquetFile, type ItchToParquetOptions, type ItchToParquetResult } from "./to-parquet.js";
