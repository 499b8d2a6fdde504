/**
 * omniquant/data market: converters of market data into the replay engine's MarketEvents columns (Binance captures
 * in hftbacktest's format, LOBSTER, Tardis.dev CSVs), helpers to merge, slice, repeat and save event sets, a
 * reference order book, and the OHLCV bar loader of the bar engine.
 */
export { EventKind, eventCount, type InstrumentSpec, type MarketEvents } from "./events.js";
export {
  loadBinanceCapture,
  type BinanceCapture,
  type BinanceCaptureOptions,
  type BinanceCaptureStats,
  type BinanceGap,
  type BinanceMarket,
} from "./binance-capture.js";
export { loadLobster, type LobsterData, type LobsterHalt, type LobsterOptions, type LobsterStats } from "./lobster.js";
export { loadTardisCsv, type TardisData, type TardisKind, type TardisOptions, type TardisStats } from "./tardis.js";
export { loadBars, parseBarTime, type Bars, type LoadBarsOptions } from "./bars.js";
export { mergeEvents } from "./merge-events.js";
export { allocEvents, concatEvents, eventsBetween, filterEvents, lowerBoundLocalTs, sliceEvents } from "./slice-events.js";
export { repeatEventChunks, repeatEvents, repeatShift, type RepeatOptions } from "./repeat-events.js";
export { correctLocalTs } from "./correct-local-ts.js";
export { loadEvents, saveEvents } from "./parquet.js";
export { validateEvents } from "./validate-events.js";
export { sortByLocalTs, EventsBuilder } from "./builder.js";
export { ReferenceBook, type RestingOrder } from "./reference-book.js";
export { decimalScale, parseUnits, significantDecimals, type DecimalScale } from "./decimal.js";
export { zonedMidnightNs } from "./zoned-time.js";
export type { Progress, ProgressCallback } from "./lines.js";
export { itchToEvents, type ItchEvents, type ItchEventsOptions } from "./itch-events.js";
