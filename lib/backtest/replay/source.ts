/**
 * Where a replay's market events come from. The engine takes data in chunks (it keeps only the chunks its two
 * cursors have not passed), so a source can be larger than memory as long as its chunks are produced lazily.
 *
 *   MarketEvents                       replayed whole, appended in chunks of `chunkRows` rows (zero-copy views)
 *   () => Iterable<EventChunk>         a factory: called once per run, so Monte Carlo can replay it again
 *   Iterable<EventChunk>               one pass only (a generator object): fine for run(), not for monteCarlo()
 *
 * An EventChunk may shift its timestamps (`tsOffsetNs`, applied by the engine while copying, free) and select a
 * row range, so a capture repeated with time shifts costs no JavaScript work per row (see `repeatedEvents`).
 */
import type { MarketEvents } from "../../data/market/events.js";
import { repeatShift } from "../../data/market/repeat-events.js";
import { contextError } from "../../util/errors.js";

export interface EventChunk {
  events: MarketEvents;
  /** Added to exchTs and localTs of every row of the chunk (default 0). */
  tsOffsetNs?: bigint;
  /** Row range [start, end) of `events` (default all). */
  start?: number;
  end?: number;
}

export type EventSource = MarketEvents | Iterable<EventChunk> | (() => Iterable<EventChunk>);

export function isMarketEvents(v: unknown): v is MarketEvents {
  return typeof v === "object" && v !== null && (v as MarketEvents).kind instanceof Uint8Array && (v as MarketEvents).localTs instanceof BigInt64Array;
}

/** Views of `events` in chunks of `chunkRows` rows (no copy). */
export function* chunksOf(events: MarketEvents, chunkRows = 1 << 20, tsOffsetNs = 0n): Generator<EventChunk> {
  const n = events.kind.length;
  if (!(Number.isInteger(chunkRows) && chunkRows > 0)) {
    throw contextError({ where: "chunksOf", what: `chunkRows is ${chunkRows}`, expected: "a positive integer" });
  }
  for (let s = 0; s < n; s += chunkRows) yield { events, tsOffsetNs, start: s, end: Math.min(n, s + chunkRows) };
}

/**
 * `times` copies of `events` one after another, copy c shifted by c * (span + gapNs) where span is the larger of
 * the localTs and exchTs spans (as lib/data/market's repeatEvents), produced as engine-side time offsets: no copy
 * of the data is made. Order ids are not shifted, so use it for L2 data (for L3, repeat with repeatEventChunks
 * from omniquant/data, which renumbers orders).
 */
export function repeatedEvents(
  events: MarketEvents,
  times: number,
  opts: { gapNs?: bigint; chunkRows?: number } = {},
): () => Iterable<EventChunk> {
  if (!(Number.isSafeInteger(times) && times >= 0)) {
    throw contextError({ where: "repeatedEvents", what: `times is ${times}`, expected: "an integer >= 0" });
  }
  const shift = repeatShift(events, opts.gapNs ?? 1_000_000n);
  const rows = opts.chunkRows ?? 1 << 20;
  return function* () {
    for (let c = 0; c < times; c++) yield* chunksOf(events, rows, shift * BigInt(c));
  };
}

/** A function that yields the source's chunks for one run; throws for a one-pass iterable used twice. */
export function chunkFactory(source: EventSource, chunkRows = 1 << 20): () => Iterator<EventChunk> {
  if (isMarketEvents(source)) return () => chunksOf(source, chunkRows)[Symbol.iterator]();
  if (typeof source === "function") return () => source()[Symbol.iterator]();
  if (source !== null && typeof source === "object" && Symbol.iterator in source) {
    let used = false;
    return () => {
      if (used) {
        throw contextError({
          where: "backtest data",
          what: "a one-pass iterable of chunks cannot be replayed twice",
          hint: "Pass MarketEvents or a function returning the chunks (e.g. repeatedEvents(...)) to run it again or for monteCarlo",
        });
      }
      used = true;
      return (source as Iterable<EventChunk>)[Symbol.iterator]();
    };
  }
  throw contextError({ where: "backtest data", what: "the data is neither MarketEvents nor chunks", expected: "MarketEvents, an iterable of { events } chunks, or a function returning one" });
}

/** Instruments of the first chunk of a source (for defaults), or undefined. */
export function sourceInstruments(source: EventSource): MarketEvents["instruments"] | undefined {
  if (isMarketEvents(source)) return source.instruments;
  if (typeof source === "function") {
    for (const c of source()) return c.events.instruments;
  }
  return undefined;
}
