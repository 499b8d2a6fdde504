/**
 * The replay-engine functions of the native addon (native/src/napi/replay_binding.cpp), typed. Loading belongs
 * to lib/native/index.ts, the only module that loads the addon.
 */
import { nativeSection } from "../../native/index.js";

/** Opaque handle of a native replay engine (a type-tagged external). */
export type NativeReplayHandle = { readonly __brand: "ReplayHandle" };

export interface NativeReplayConfig {
  instruments: { tickSize: number; lotSize: number }[];
  queue: { kind: number; n: number; randomise: boolean };
  latency: {
    kind: number;
    entryNs: bigint;
    responseNs: bigint;
    entryJitter: number;
    responseJitter: number;
    minNs: bigint;
    cancelDelayNs: bigint;
    table?: { reqTs: BigInt64Array; exchTs: BigInt64Array; respTs: BigInt64Array };
  };
  fees: { makerPpb: number; takerPpb: number };
  partialFills: boolean;
  noDoubleFill: boolean;
  seed: bigint;
  sampleNs: bigint;
  recordTrades: boolean;
  capacity: { requests: number; responses: number; trades: number; samples: number };
}

export type NativeLayoutName =
  | "headerF64"
  | "headerI64"
  | "requests"
  | "responsesI64"
  | "responsesF64"
  | "tradesI64"
  | "tradesF64"
  | "samplesI64"
  | "samplesF64";

export interface NativeRowError {
  row: number;
  field: string;
  what: string;
  expected: string;
  found: string;
}

/** Exact integer account state: money in notional units (ticks x lots), fees in fee units (x 1e-8). */
export interface NativeAccount {
  position: bigint;
  cash: bigint;
  fees: bigint;
  realised: bigint;
  cost: bigint;
  turnover: bigint;
  volume: bigint;
  fills: number;
  /** Exchange accounts only: bid + ask of the venue's book now (ticks x 2), null if a side is empty. */
  mid2?: bigint | null;
}

export interface ReplayAddon {
  replayCreate(config: NativeReplayConfig): {
    handle: NativeReplayHandle;
    buffer: ArrayBuffer;
    layout: Record<NativeLayoutName, [number, number]>;
  };
  replayAppendSync(h: NativeReplayHandle, events: unknown, tsOffset: bigint): NativeRowError | undefined;
  replayFinishSync(h: NativeReplayHandle): void;
  replayRunSync(h: NativeReplayHandle): number;
  replayDepthSync(h: NativeReplayHandle, instrument: number, levels: number): { bids: Float64Array; asks: Float64Array };
  replayTotalsSync(h: NativeReplayHandle): { exchange: NativeAccount[]; local: NativeAccount[] };
  replayQueueAheadSync(h: NativeReplayHandle, orderId: number): number | undefined;
  replayStatsSync(h: NativeReplayHandle): {
    rowsAppended: number;
    rowsExchange: number;
    rowsLocal: number;
    inFlight: number;
    openOrders: number;
    chunks: number;
    l3UnknownIds: number;
    final: boolean;
  };
}

export function replayAddon(): ReplayAddon {
  return nativeSection<ReplayAddon>("replayCreate", "replay engine", "omniquant/backtest");
}
