/**
 * The typed view of the ITCH functions of OmniQuant's native addon (native/src/napi/itch_binding.cpp). The addon
 * itself is loaded by omniquant/native; nothing else in lib/itch touches it directly.
 */
import { nativeAddon } from "../native/index.js";
import type { BboColumns, L2Columns, OrderColumns, StockColumns, TradeColumns } from "./columns.js";

/** Opaque handles: type-tagged externals, checked by the addon on every call. */
export type DecoderHandle = { readonly __itchDecoder: unique symbol };
export type BookHandle = { readonly __itchBook: unique symbol };

/** How the native framer describes a bad stream. */
export interface NativeFrameError {
  kind: "unknown-type" | "bad-length" | "truncated";
  /** Byte offset of the bad message's length prefix. */
  offset: number;
  /** Type byte found, -1 when the stream ended before it. */
  type: number;
  lengthPrefix: number;
  /** The fixed length of `type` (0 if not an ITCH type). */
  expectedLength: number;
  /** Bytes of the message present when the stream ended ("truncated"). */
  have: number;
}

export interface NativeFieldSpec {
  name: string;
  offset: number;
  width: number;
  kind: "char" | "u16" | "u32" | "timestamp" | "u64" | "price4" | "price8" | "alpha";
}

export interface NativeMessageSpec {
  type: string;
  name: string;
  length: number;
  fields: NativeFieldSpec[];
}

/** An alphanumeric column, dictionary-encoded by the addon. */
export interface NativeAlphaColumn {
  codes: Uint32Array;
  dict: string[];
}

export interface NativeBatch {
  type: string;
  count: number;
  columns: Record<string, Float64Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array | NativeAlphaColumn>;
}

export interface NativeFramingStats {
  counts: Float64Array;
  messages: number;
  bytes: number;
  carried: number;
  zeroPrefixMessages: number;
  firstZeroPrefixOffset: number;
}

/** Stream anomalies the book builder counted (it keeps going; `buildBooks` turns them into notices). */
export interface NativeAnomalies {
  /** E C X D U messages naming an order that is not on the book (skipped). */
  unknownOrderRef: number;
  firstUnknownOrderRefOffset: number;
  firstUnknownOrderRefType: string | undefined;
  /** A F U adding a reference that is already live (the older order is dropped). */
  duplicateOrderRef: number;
  firstDuplicateOrderRefOffset: number;
  /** E C X taking more shares than the order has left (clamped). */
  overfill: number;
  firstOverfillOffset: number;
  /** Order messages whose stock locate differs from the order's. */
  locateMismatch: number;
  /** B messages (counted; the trades table is not rewritten). */
  brokenTrades: number;
}

export interface NativeBookStats extends NativeFramingStats {
  liveOrders: number;
  anomalies: NativeAnomalies;
}

/** Rows each output received in this call (from index 0), and the bytes of the chunk consumed. */
export interface NativeBookResult {
  consumed: number;
  orders: number;
  l2: number;
  bbo: number;
  trades: number;
  error?: NativeFrameError;
}

/** Columns of `capacity` rows the builder writes into, one object per enabled table. */
export interface NativeBookOutputs {
  capacity: number;
  orders?: OrderColumns;
  l2?: L2Columns;
  bbo?: BboColumns;
  trades?: TradeColumns;
}

export interface NativeDepth {
  bidPrice: Uint32Array;
  bidShares: Float64Array;
  bidOrders: Uint32Array;
  askPrice: Uint32Array;
  askShares: Float64Array;
  askOrders: Uint32Array;
}

export interface NativeBookOptions {
  levels?: number;
  orders?: boolean;
  l2?: boolean;
  bbo?: boolean;
  trades?: boolean;
  symbols?: string[];
}

export interface ItchAddon {
  itchSpecs(): NativeMessageSpec[];
  itchDecoderNew(types?: string): DecoderHandle;
  itchDecoderPushSync(h: DecoderHandle, chunk: Uint8Array): { batches?: NativeBatch[]; error?: NativeFrameError } | undefined;
  itchDecoderEndSync(h: DecoderHandle): { batches?: NativeBatch[]; error?: NativeFrameError } | undefined;
  itchDecoderStats(h: DecoderHandle): NativeFramingStats;
  itchBookNew(opts?: NativeBookOptions, outputs?: NativeBookOutputs): BookHandle;
  itchBookPushSync(h: BookHandle, chunk: Uint8Array): NativeBookResult;
  itchBookEndSync(h: BookHandle): NativeBookResult;
  itchBookStats(h: BookHandle): NativeBookStats;
  itchBookStocks(h: BookHandle): StockColumns;
  itchBookDepth(h: BookHandle, locate: number, levels: number): NativeDepth;
}

/** The addon's ITCH functions (loads the addon on first use). */
export function itchAddon(): ItchAddon {
  return nativeAddon() as unknown as ItchAddon;
}
