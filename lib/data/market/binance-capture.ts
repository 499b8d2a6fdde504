/**
 * Converter of raw Binance websocket captures in hftbacktest's collector format into MarketEvents.
 *
 * Each line is `<local receive time, ns since epoch> <JSON>`; the JSON is a combined-stream message
 * (`{"stream": ..., "data": ...}`) or a bare one, of these kinds:
 * - `depthUpdate` (diff depth, `@depth@100ms` on spot, `@depth@0ms` on USD-M futures) with update ids U, u (and pu
 *   on futures): one DEPTH row per level, absolute quantity (0 deletes the level), bids then asks.
 * - the REST depth snapshot (`{"lastUpdateId": ..., "bids": ..., "asks": ...}`): one DEPTH_CLEAR row (side 0) and
 *   one DEPTH_SNAPSHOT row per level.
 * - `trade`: a TRADE row; the aggressor is the seller when the buyer is the maker (`m: true`), side -1, else +1.
 *   Futures trades whose `X` is not "MARKET" (insurance fund, ADL) are skipped and counted, as hftbacktest does.
 * - `bookTicker`: two BBO rows, the bid (side +1) then the ask (side -1).
 * - anything else (other streams, error replies) is counted in the stats and skipped.
 *
 * Book sync (default `sync: true`) follows Binance's documented procedure for a local order book:
 * - spot: drop updates with u <= lastUpdateId; the first kept one must have U <= lastUpdateId + 1 <= u; each
 *   next one must have U = previous u + 1.
 * - USD-M futures: drop updates with u < lastUpdateId; the first kept one must have U <= lastUpdateId <= u; each
 *   next one must have pu = previous u.
 * Updates received before the snapshot are buffered, as a live client would, and the ones still needed are
 * applied right after the snapshot's rows, stamped with the snapshot's localTs (their exchTs is their own): a
 * replayed book is therefore correct from the snapshot on. Updates with no snapshot after them are dropped and
 * counted. A broken sequence is recorded in `stats.gaps` and then handled per `onGap`.
 *
 * Timestamps: exchTs is the message's T (transaction/trade time) when it has one, else E (event time), in ms -> ns.
 * Spot bookTicker messages and the spot REST snapshot carry neither; their exchTs is estimated (see
 * `missingExchTs`). localTs is the line prefix. Rows come out sorted by localTs (stable).
 *
 * Prices and quantities are converted exactly from their decimal text to integer ticks and lots.
 */
import { checkKeys, contextError } from "../../util/errors.js";
import { scanBinance, type FastMessage } from "./binance-fast.js";
import { EventsBuilder } from "./builder.js";
import { correctLocalTs } from "./correct-local-ts.js";
import { decimalScale, scaleOfDigits, scaleValue, significantDecimals, unitsOrNaN, parseUnits, type DecimalScale } from "./decimal.js";
import { EventKind, type InstrumentSpec, type MarketEvents } from "./events.js";
import { forEachLine, headLines, type ProgressCallback } from "./lines.js";

export type BinanceMarket = "spot" | "usdm";

export interface BinanceCaptureOptions {
  /** "spot" or "usdm" (USD-M futures). Default: detected from the messages (futures carry `pu`, `X`, bookTicker `e`). */
  market?: BinanceMarket;
  /** Symbol to keep, e.g. "BTCUSDT". Default: the first symbol in the file (a file with several needs this). */
  symbol?: string;
  /**
   * Price tick (currency per tick). Default: the venue's tick for known symbols (BTCUSDT spot 0.01, USD-M 0.1),
   * else inferred as 10^-d, d the largest number of significant decimals of any price in the file (an extra pass).
   */
  tickSize?: number | string;
  /** Quantity lot (base asset per lot). Default: BTCUSDT spot 0.000001, USD-M 0.001, else inferred like tickSize. */
  lotSize?: number | string;
  /** Apply Binance's book-sync procedure (default true). false: emit every update as received (hftbacktest style). */
  sync?: boolean;
  /**
   * What to do after a sequence gap (it is recorded in `stats.gaps` in every case): "continue" (default) keeps
   * applying updates; "drop" drops updates until the next snapshot; "error" throws.
   */
  onGap?: "continue" | "drop" | "error";
  /**
   * exchTs of rows whose message has no venue time (spot bookTicker, spot REST snapshot): "estimate" (default)
   * = localTs - the median feed latency of the file's stamped messages; "local" = localTs.
   */
  missingExchTs?: "estimate" | "local";
  /**
   * Shift localTs so that no feed latency is negative (see `correctLocalTs`); `true` = base latency 0,
   * or `{ baseLatencyNs }`. Default false (localTs as recorded). The 2024-08-08 captures need it for replay.
   */
  correctLocalTs?: boolean | { baseLatencyNs: bigint };
  /** Venue label for the instrument (default "BINANCE" or "BINANCE_USDM"). */
  venue?: string;
  /**
   * "fast" (default): frequent messages are read in place by a scanner, anything else through JSON.parse;
   * "json": everything through JSON.parse (the reference the fast path is tested against; about 2x slower).
   */
  parser?: "fast" | "json";
  onProgress?: ProgressCallback;
}

/** One break in the depth-update sequence. */
export interface BinanceGap {
  /** Line of the update that does not follow. */
  line: number;
  /** "sync": the first update after a snapshot does not straddle it; "continuity": U/pu does not follow u. */
  kind: "sync" | "continuity";
  expected: string;
  found: string;
}

export interface BinanceCaptureStats {
  lines: number;
  market: BinanceMarket;
  symbol: string;
  depthUpdates: number;
  /** Updates emitted as DEPTH rows. */
  depthApplied: number;
  depthLevels: number;
  /** Updates made obsolete by a snapshot (u <= lastUpdateId on spot, u < lastUpdateId on futures), dropped. */
  depthStale: number;
  /** Updates received before their snapshot and applied right after it (stamped with its localTs). */
  depthReplayedAtSnapshot: number;
  /** Updates with no later snapshot to sync them to (start of file, or after a gap with onGap "drop"), dropped. */
  depthUnsynced: number;
  snapshots: number;
  snapshotLevels: number;
  gaps: BinanceGap[];
  trades: number;
  /** Futures trades whose X is not "MARKET", skipped. */
  nonMarketTrades: number;
  bookTickers: number;
  /** Messages of other symbols, skipped. */
  otherSymbols: number;
  /** Other streams and error replies, skipped. */
  otherMessages: number;
  /** Rows whose exchTs was estimated (or set to localTs) because the message has no venue time. */
  exchTsEstimated: number;
  /** Feed latency localTs - exchTs over the messages stamped by the venue, as recorded (before any correction). */
  feedLatencyNs: { min: bigint; median: bigint; max: bigint } | null;
  /** The shift added to localTs by `correctLocalTs` (0 when not asked or not needed). */
  localTsShiftNs: bigint;
  tickSize: string;
  lotSize: string;
}

export interface BinanceCapture {
  events: MarketEvents;
  stats: BinanceCaptureStats;
}

/** Tick and lot of known symbols, from Binance's exchangeInfo (PRICE_FILTER tickSize, LOT_SIZE stepSize). */
const KNOWN: Readonly<Record<string, { tick: string; lot: string }>> = Object.freeze({
  // Spot's LOT_SIZE step is 0.00001 today, but old resting orders far from the touch still carry 6 decimals
  // (e.g. 25.426189 BTC at 200000.00 in the 2024-08-08 capture), so the exact lot is 0.000001.
  "spot:BTCUSDT": { tick: "0.01", lot: "0.000001" },
  "usdm:BTCUSDT": { tick: "0.1", lot: "0.001" },
});

type Json = Record<string, unknown>;
/** One depth update, parsed: levels as [price, qty] units, bids first. */
interface Depth {
  line: number;
  localTs: bigint;
  exchTs: bigint;
  U: number;
  u: number;
  /** -1 when absent (spot). */
  pu: number;
  levels: Float64Array | BigInt64Array;
  bids: number;
}

const MS = 1_000_000n;

/** Converts a hftbacktest/Binance capture (plain or gzip) into MarketEvents and conversion statistics. */
export async function loadBinanceCapture(file: string, opts: BinanceCaptureOptions = {}): Promise<BinanceCapture> {
  checkOptions(opts);
  const head = await headLines(file, 400);
  const detected = detect(head);
  const symbol = opts.symbol ?? detected.symbol;
  if (symbol === undefined) {
    throw contextError({ where: file, what: "no message in the first 400 lines names a symbol", hint: "Pass { symbol }" });
  }
  let market: BinanceMarket | undefined = opts.market ?? detected.market;
  const known = market === undefined ? undefined : KNOWN[`${market}:${symbol}`];
  let tickText = opts.tickSize ?? known?.tick;
  let lotText = opts.lotSize ?? known?.lot;
  if (tickText === undefined || lotText === undefined) {
    const inferred = await inferDecimals(file, symbol);
    tickText ??= scaleOfDigits(inferred.price).text;
    lotText ??= scaleOfDigits(inferred.qty).text;
  }
  const tick = decimalScale(tickText, "tickSize");
  const lot = decimalScale(lotText, "lotSize");
  const sync = opts.sync ?? true;
  const onGap = opts.onGap ?? "continue";

  const b = new EventsBuilder(1 << 16);
  const unstamped: number[] = [];
  const latencies: number[] = [];
  const stats: BinanceCaptureStats = {
    lines: 0,
    market: market ?? "spot",
    symbol,
    depthUpdates: 0,
    depthApplied: 0,
    depthLevels: 0,
    depthStale: 0,
    depthReplayedAtSnapshot: 0,
    depthUnsynced: 0,
    snapshots: 0,
    snapshotLevels: 0,
    gaps: [],
    trades: 0,
    nonMarketTrades: 0,
    bookTickers: 0,
    otherSymbols: 0,
    otherMessages: 0,
    exchTsEstimated: 0,
    feedLatencyNs: null,
    localTsShiftNs: 0n,
    tickSize: tick.text,
    lotSize: lot.text,
  };

  let lineNow = 0;
  const here = () => `${file} line ${lineNow}`;
  const fail = (field: string, expected: string, found: unknown): never => {
    throw contextError({ where: here(), what: `the field '${field}' is wrong`, expected, found: show(found) });
  };
  const units = (v: unknown, scale: DecimalScale, field: string): bigint => {
    if (typeof v !== "string") return fail(field, "a decimal string", v);
    const n = unitsOrNaN(v, scale.digits, scale.divisor);
    return n === n ? BigInt(n) : parseUnits(v, scale, here(), field);
  };
  const msTime = (d: Json, field: string): bigint => {
    const v = d[field];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) return fail(field, "a time in ms since the epoch", v);
    return BigInt(v) * MS;
  };
  const venueTime = (d: Json): bigint | null => (d.T !== undefined ? msTime(d, "T") : d.E !== undefined ? msTime(d, "E") : null);
  const updateId = (d: Json, field: string): number => {
    const v = d[field];
    if (typeof v !== "number" || !Number.isSafeInteger(v)) return fail(field, "an integer update id", v);
    return v;
  };
  /** The [price, qty] pairs of d[field] appended to `out` as units. */
  const pairs = (d: Json, field: string, out: bigint[]): void => {
    const arr = d[field];
    if (!Array.isArray(arr)) return fail(field, "an array of [price, qty] pairs", arr);
    for (let k = 0; k < arr.length; k++) {
      const lv = arr[k] as unknown;
      if (!Array.isArray(lv) || lv.length < 2) return fail(`${field}[${k}]`, "a [price, qty] pair", lv);
      out.push(units(lv[0], tick, `${field}[${k}] price`), units(lv[1], lot, `${field}[${k}] qty`));
    }
  };
  /** Rows for the levels of a snapshot or update: bids (side +1) then asks. Returns the number of levels. */
  const pushLevels = (levels: Float64Array | BigInt64Array, bids: number, exchTs: bigint, localTs: bigint, kind: number): number => {
    const n = levels.length >> 1;
    b.reserve(n);
    const big = levels instanceof BigInt64Array;
    for (let k = 0; k < n; k++) {
      const p = big ? (levels[2 * k] as bigint) : BigInt(levels[2 * k] as number);
      const q = big ? (levels[2 * k + 1] as bigint) : BigInt(levels[2 * k + 1] as number);
      b.push(exchTs, localTs, kind, k < bids ? 1 : -1, p, q);
    }
    return n;
  };

  // Book-sync state.
  let state: "waiting" | "syncing" | "synced" = "waiting";
  let lastUpdateId = 0;
  let prevU = 0;
  let buffer: Depth[] = [];
  const isUsdm = () => market === "usdm";

  const emitDepth = (u: Depth, localTs: bigint) => {
    stats.depthApplied++;
    stats.depthLevels += pushLevels(u.levels, u.bids, u.exchTs, localTs, EventKind.DEPTH);
  };
  const gap = (u: Depth, kind: BinanceGap["kind"], expected: string, found: string): boolean => {
    stats.gaps.push({ line: u.line, kind, expected, found });
    if (onGap === "error") {
      throw contextError({ where: `${file} line ${u.line}`, what: `the depth-update sequence is broken (${kind})`, expected, found });
    }
    if (onGap === "drop") {
      state = "waiting";
      buffer = [u];
      return false;
    }
    return true;
  };
  /** Applies one update in the current sync state; returns true when it was emitted. */
  const onUpdate = (u: Depth, localTs: bigint): boolean => {
    const U = u.U;
    const last = u.u;
    if (!sync) {
      emitDepth(u, localTs);
      return true;
    }
    if (state === "waiting") {
      buffer.push(u);
      return false;
    }
    let ok = true;
    if (state === "syncing") {
      const L = lastUpdateId;
      if (isUsdm() ? last < L : last <= L) {
        stats.depthStale++;
        return false;
      }
      const first = isUsdm() ? L : L + 1;
      if (!(U <= first && last >= first)) ok = gap(u, "sync", `U <= ${first} <= u`, `U = ${U}, u = ${last}`);
      if (ok) state = "synced";
    } else {
      if (isUsdm()) {
        const pu = u.pu;
        if (pu < 0) throw contextError({ where: `${file} line ${u.line}`, what: "the futures depth update has no 'pu'", expected: "the previous update's u" });
        if (pu !== prevU) ok = gap(u, "continuity", `pu = ${prevU} (the previous u)`, `pu = ${pu}`);
      } else if (U !== prevU + 1) ok = gap(u, "continuity", `U = ${prevU + 1} (the previous u + 1)`, `U = ${U}`);
    }
    if (!ok) return false;
    prevU = last;
    emitDepth(u, localTs);
    return true;
  };

  const onSnapshot = (d: Json, localTs: bigint) => {
    stats.snapshots++;
    const t = venueTime(d);
    const exchTs = t ?? localTs;
    const first = b.length;
    const lv: bigint[] = [];
    pairs(d, "bids", lv);
    const bids = lv.length / 2;
    pairs(d, "asks", lv);
    b.push(exchTs, localTs, EventKind.DEPTH_CLEAR, 0, 0n, 0n);
    stats.snapshotLevels += pushLevels(BigInt64Array.from(lv), bids, exchTs, localTs, EventKind.DEPTH_SNAPSHOT);
    if (t === null) for (let r = first; r < b.length; r++) unstamped.push(r);
    else latencies.push(Number(localTs - t));
    if (!sync) return;
    lastUpdateId = updateId(d, "lastUpdateId");
    state = "syncing";
    const pending = buffer;
    buffer = [];
    for (const u of pending) {
      // A gap while replaying with onGap "drop" puts the rest back into the buffer for the next snapshot.
      if ((state as string) === "waiting") buffer.push(u);
      else if (onUpdate(u, localTs)) stats.depthReplayedAtSnapshot++;
    }
  };

  const fast = opts.parser !== "json";
  /** The rows of a message read by the fast scanner: the same as the JSON path's. */
  const onFast = (f: FastMessage, lineNo: number, localTs: bigint) => {
    if (f.type === "bbo") {
      stats.bookTickers++;
      let exchTs = localTs;
      if (f.timeMs < 0) unstamped.push(b.length, b.length + 1);
      else {
        exchTs = BigInt(f.timeMs) * MS;
        latencies.push(Number(localTs - exchTs));
      }
      b.reserve(2);
      b.push(exchTs, localTs, EventKind.BBO, 1, BigInt(f.bid), BigInt(f.bidQty));
      b.push(exchTs, localTs, EventKind.BBO, -1, BigInt(f.ask), BigInt(f.askQty));
    } else if (f.type === "trade") {
      if (!f.market) {
        stats.nonMarketTrades++;
        return;
      }
      stats.trades++;
      const exchTs = BigInt(f.timeMs) * MS;
      latencies.push(Number(localTs - exchTs));
      b.push(exchTs, localTs, EventKind.TRADE, f.buyerMaker ? -1 : 1, BigInt(f.price), BigInt(f.qty));
    } else {
      stats.depthUpdates++;
      market ??= f.pu >= 0 ? "usdm" : "spot";
      const exchTs = BigInt(f.timeMs) * MS;
      latencies.push(Number(localTs - exchTs));
      onUpdate({ line: lineNo, localTs, exchTs, U: f.U, u: f.u, pu: f.pu, levels: f.levels, bids: f.bids }, localTs);
    }
  };

  await forEachLine(
    file,
    (line, lineNo) => {
      stats.lines = lineNo;
      lineNow = lineNo;
      if (line.length === 0) return;
      const sp = line.indexOf(" ");
      const prefix = sp < 0 ? line : line.slice(0, sp);
      if (!/^\d{1,19}$/.test(prefix)) {
        throw contextError({ where: here(), what: "the line does not start with a local timestamp", expected: "'<ns since epoch> <JSON>'", found: show(line.slice(0, 40)) });
      }
      const localTs = BigInt(prefix);
      if (fast) {
        const f = scanBinance(line, sp + 1, symbol, tick, lot);
        if (f !== null) {
          onFast(f, lineNo, localTs);
          return;
        }
      }
      let msg: unknown;
      try {
        msg = JSON.parse(line.slice(sp + 1));
      } catch (cause) {
        throw contextError({ where: here(), what: `the message is not valid JSON (${(cause as Error).message})`, found: show(line.slice(sp + 1, sp + 61)), cause });
      }
      if (typeof msg !== "object" || msg === null) return fail("message", "a JSON object", msg);
      const m = msg as Json;
      const d = (typeof m.data === "object" && m.data !== null ? m.data : m) as Json;
      const stream = typeof m.stream === "string" ? m.stream : "";
      const e = d.e;

      if (e === undefined && "lastUpdateId" in d && "bids" in d) {
        onSnapshot(d, localTs);
        return;
      }
      if (typeof d.s === "string" && d.s !== symbol) {
        stats.otherSymbols++;
        return;
      }
      if (e === "depthUpdate") {
        stats.depthUpdates++;
        market ??= d.pu !== undefined ? "usdm" : "spot";
        const exchTs = venueTime(d) ?? fail("E", "an event time", undefined);
        latencies.push(Number(localTs - exchTs));
        const lv: bigint[] = [];
        pairs(d, "b", lv);
        const bids = lv.length / 2;
        pairs(d, "a", lv);
        const pu = d.pu === undefined ? -1 : updateId(d, "pu");
        onUpdate({ line: lineNo, localTs, exchTs, U: updateId(d, "U"), u: updateId(d, "u"), pu, levels: BigInt64Array.from(lv), bids }, localTs);
      } else if (e === "trade") {
        if (d.X !== undefined && d.X !== "MARKET") {
          stats.nonMarketTrades++;
          return;
        }
        stats.trades++;
        const exchTs = venueTime(d) ?? fail("T", "a trade time", undefined);
        latencies.push(Number(localTs - exchTs));
        if (typeof d.m !== "boolean") fail("m", "true or false (buyer is maker)", d.m);
        b.push(exchTs, localTs, EventKind.TRADE, d.m ? -1 : 1, units(d.p, tick, "p"), units(d.q, lot, "q"));
      } else if (e === "bookTicker" || (e === undefined && stream.endsWith("@bookTicker")) || (e === undefined && "B" in d && "A" in d && "u" in d)) {
        stats.bookTickers++;
        const t = venueTime(d);
        if (t === null) unstamped.push(b.length, b.length + 1);
        else latencies.push(Number(localTs - t));
        const exchTs = t ?? localTs;
        b.reserve(2);
        b.push(exchTs, localTs, EventKind.BBO, 1, units(d.b, tick, "b"), units(d.B, lot, "B"));
        b.push(exchTs, localTs, EventKind.BBO, -1, units(d.a, tick, "a"), units(d.A, lot, "A"));
      } else {
        stats.otherMessages++;
      }
    },
    opts.onProgress,
  );
  stats.depthUnsynced += buffer.length;
  stats.market = market ?? "spot";

  if (latencies.length > 0) {
    const sorted = Float64Array.from(latencies).sort();
    stats.feedLatencyNs = { min: BigInt(sorted[0]!), median: BigInt(sorted[sorted.length >> 1]!), max: BigInt(sorted[sorted.length - 1]!) };
  }
  stats.exchTsEstimated = unstamped.length;
  if ((opts.missingExchTs ?? "estimate") === "estimate" && stats.feedLatencyNs !== null) {
    const med = stats.feedLatencyNs.median;
    for (const r of unstamped) b.exchTs[r] = b.localTs[r]! - med;
  }

  const instrument: InstrumentSpec = {
    symbol,
    tickSize: scaleValue(tick),
    lotSize: scaleValue(lot),
    venue: opts.venue ?? (stats.market === "usdm" ? "BINANCE_USDM" : "BINANCE"),
  };
  let events = b.finish([instrument]);
  if (opts.correctLocalTs) {
    const base = opts.correctLocalTs === true ? 0n : opts.correctLocalTs.baseLatencyNs;
    const c = correctLocalTs(events, base);
    events = c.events;
    stats.localTsShiftNs = c.shiftNs;
  }
  return { events, stats };
}

const OPTION_KEYS = new Set(["market", "symbol", "tickSize", "lotSize", "sync", "onGap", "missingExchTs", "correctLocalTs", "venue", "parser", "onProgress"]);

function checkOptions(opts: BinanceCaptureOptions): void {
  checkKeys(opts, [...OPTION_KEYS], "loadBinanceCapture");
  if (opts.market !== undefined && opts.market !== "spot" && opts.market !== "usdm") {
    throw contextError({ where: "loadBinanceCapture", what: "the option market is wrong", expected: "'spot' or 'usdm'", found: show(opts.market) });
  }
  if (opts.onGap !== undefined && !["continue", "drop", "error"].includes(opts.onGap)) {
    throw contextError({ where: "loadBinanceCapture", what: "the option onGap is wrong", expected: "'continue', 'drop' or 'error'", found: show(opts.onGap) });
  }
  if (opts.parser !== undefined && opts.parser !== "fast" && opts.parser !== "json") {
    throw contextError({ where: "loadBinanceCapture", what: "the option parser is wrong", expected: "'fast' or 'json'", found: show(opts.parser) });
  }
  if (opts.missingExchTs !== undefined && !["estimate", "local"].includes(opts.missingExchTs)) {
    throw contextError({ where: "loadBinanceCapture", what: "the option missingExchTs is wrong", expected: "'estimate' or 'local'", found: show(opts.missingExchTs) });
  }
}

/** Symbol and market from the first lines (futures messages carry pu, X, or a bookTicker `e`). */
function detect(lines: string[]): { symbol?: string; market?: BinanceMarket } {
  let symbol: string | undefined;
  let market: BinanceMarket | undefined;
  for (const line of lines) {
    const sp = line.indexOf(" ");
    let d: Json;
    try {
      const m = JSON.parse(line.slice(sp + 1)) as Json;
      d = (typeof m.data === "object" && m.data !== null ? m.data : m) as Json;
    } catch {
      continue; // the main pass reports it with its line number
    }
    if (symbol === undefined && typeof d.s === "string") symbol = d.s;
    if (market === undefined) {
      if (d.e === "depthUpdate") market = d.pu !== undefined ? "usdm" : "spot";
      else if (d.e === "bookTicker") market = "usdm";
      else if (d.e === undefined && "B" in d && "A" in d) market = "spot";
      else if (d.e === "trade" && d.X !== undefined) market = "usdm";
    }
    if (symbol !== undefined && market !== undefined) break;
  }
  return { ...(symbol === undefined ? {} : { symbol }), ...(market === undefined ? {} : { market }) };
}

/** Largest number of significant decimals of prices and quantities of `symbol` in the file (an extra pass). */
async function inferDecimals(file: string, symbol: string): Promise<{ price: number; qty: number }> {
  let price = 0;
  let qty = 0;
  const px = (v: unknown) => typeof v === "string" && (price = Math.max(price, significantDecimals(v)));
  const q = (v: unknown) => typeof v === "string" && (qty = Math.max(qty, significantDecimals(v)));
  const lv = (arr: unknown) => {
    if (!Array.isArray(arr)) return;
    for (const l of arr) if (Array.isArray(l)) (px(l[0]), q(l[1]));
  };
  await forEachLine(file, (line) => {
    const sp = line.indexOf(" ");
    let d: Json;
    try {
      const m = JSON.parse(line.slice(sp + 1)) as Json;
      d = (typeof m.data === "object" && m.data !== null ? m.data : m) as Json;
    } catch {
      return;
    }
    if (typeof d.s === "string" && d.s !== symbol) return;
    if (d.e === "depthUpdate") (lv(d.b), lv(d.a));
    else if (d.e === undefined && "bids" in d) (lv(d.bids), lv(d.asks));
    else if (d.e === "trade") (px(d.p), q(d.q));
    else (px(d.b), px(d.a), q(d.B), q(d.A));
  });
  return { price, qty };
}

function show(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = typeof v === "string" ? `'${v}'` : JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}...` : s;
}
