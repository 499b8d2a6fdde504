/**
 * A seeded synthetic ITCH 5.0 day: a valid stream of any number of messages over a few stocks, written in
 * chunks, together with the final per-stock L2 book it leads to. The generator keeps its own simple book (live
 * orders in dense arrays, levels in maps) while it writes, so the expected book is known without decoding.
 *
 * Shape of the stream: a preamble (system event 'O', one R and H per stock, one message of every other
 * non-order type so that all 23 types occur, system events 'S' and 'Q'), then order flow (A F E C X D U P,
 * with a few Q B I N), then the closing system events 'M' 'E' 'C'. Live orders stay near `liveOrders`; most
 * events hit recently added orders (`recency`).
 * Every E C X D U names a live order and never takes more shares than it has left, so the expected book is
 * exactly what a correct book builder must end with.
 */
import type { ItchMessageType } from "../../lib/itch/messages.js";
import { encodeInto, type ItchMessage, type PrefixMode } from "./encode.js";
import { LENGTHS } from "./layouts.js";
import { mulberry32 } from "../../lib/util/prng.js";

export interface MarketOptions {
  seed: number;
  /** Exact number of messages to write (at least the preamble and closing: 2 * stocks + 19). */
  messages: number;
  /** Number of stocks (locates 1..stocks), default 8. */
  stocks?: number;
  /** Live orders the flow hovers around, default 10,000. */
  liveOrders?: number;
  /** "length" (NASDAQ's files, default) or "zero" prefixes (like RITCH's samples). */
  prefix?: PrefixMode;
  /** Bytes per chunk handed to the sink, default 4 MiB. */
  chunkBytes?: number;
  /**
   * Share of executions, cancels, deletes and replaces that hit one of the 256 most recently added orders
   * (default 0.75; 0: every live order equally likely). On NASDAQ most orders are cancelled or replaced soon
   * after they are added, which this imitates.
   */
  recency?: number;
}

/** [price (Price(4)), shares, orders], best level first. */
export type ExpectedLevel = [number, number, number];

export interface ExpectedStock {
  locate: number;
  symbol: string;
  bids: ExpectedLevel[];
  asks: ExpectedLevel[];
}

export interface ExpectedBooks {
  seed: number;
  messages: number;
  bytes: number;
  counts: Record<string, number>;
  liveOrders: number;
  stocks: ExpectedStock[];
}


const TICK = 100; // $0.01 in Price(4)
const TWO32 = 4294967296;

/** Ticker-like symbols: AAA, AAB, ... (deterministic). */
export function symbolFor(i: number): string {
  const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return a[Math.floor(i / 676) % 26]! + a[Math.floor(i / 26) % 26]! + a[i % 26]! + (i >= 17576 ? String(Math.floor(i / 17576)) : "");
}

/**
 * Writes the stream through `sink` (called with chunks that are only valid during the call) and returns the
 * expected final books.
 */
export function generateMarket(opts: MarketOptions, sink: (chunk: Uint8Array) => void): ExpectedBooks {
  const nStocks = opts.stocks ?? 8;
  const target = opts.liveOrders ?? 10_000;
  const zero = (opts.prefix ?? "length") === "zero";
  const recency = opts.recency ?? 0.75;
  const rand = mulberry32(opts.seed);
  const chunkBytes = Math.max(opts.chunkBytes ?? 4 << 20, 64);
  const minMessages = 2 * nStocks + 19;
  if (!Number.isInteger(opts.messages) || opts.messages < minMessages) {
    throw new RangeError(`generateMarket: messages must be an integer of at least ${minMessages} for ${nStocks} stocks, found ${opts.messages}.`);
  }

  let buf = new Uint8Array(chunkBytes);
  let dv = new DataView(buf.buffer);
  let pos = 0;
  let bytes = 0;
  let written = 0;
  const counts: Record<string, number> = {};
  const countArr = new Float64Array(128);

  const flush = () => {
    if (pos > 0) sink(buf.subarray(0, pos));
    bytes += pos;
    pos = 0;
  };
  const ensure = (n: number) => {
    if (pos + n > buf.length) {
      flush();
      if (n > buf.length) {
        buf = new Uint8Array(n);
        dv = new DataView(buf.buffer);
      }
    }
  };

  let ts = 34_200_000_000_000; // 09:30:00
  const tick = () => (ts += 1 + Math.floor(rand() * 20_000));

  // Header of a message of `len` bytes (without prefix) at pos.
  const header = (type: number, len: number, locate: number) => {
    ensure(2 + len);
    dv.setUint16(pos, zero ? 0 : len);
    buf[pos + 2] = type;
    dv.setUint16(pos + 3, locate);
    dv.setUint16(pos + 5, (rand() * 4) | 0);
    dv.setUint16(pos + 7, Math.floor(ts / TWO32));
    dv.setUint32(pos + 9, ts >>> 0);
    countArr[type]!++;
    written++;
  };
  const u64 = (at: number, v: number) => {
    dv.setUint32(at, Math.floor(v / TWO32));
    dv.setUint32(at + 4, v >>> 0);
  };
  const generic = (m: ItchMessage) => {
    const len = LENGTHS[m.type];
    ensure(2 + len);
    pos += encodeInto(m, buf, pos, zero ? "zero" : "length");
    countArr[m.type.charCodeAt(0)]!++;
    written++;
  };

  // Stocks.
  const symbols = Array.from({ length: nStocks }, (_, i) => symbolFor(i));
  const symbolBytes = symbols.map((s) => Uint8Array.from(s.padEnd(8, " "), (c) => c.charCodeAt(0)));
  const mid = Array.from({ length: nStocks }, () => (50 + Math.floor(rand() * 3000)) * TICK);
  // Expected levels: per stock, per side, price -> [shares, orders].
  const levels = Array.from({ length: nStocks }, () => [new Map<number, [number, number]>(), new Map<number, [number, number]>()]);
  const level = (s: number, side: number, price: number, dShares: number, dOrders: number) => {
    const m = levels[s]![side > 0 ? 0 : 1]!;
    const l = m.get(price);
    if (l === undefined) {
      m.set(price, [dShares, dOrders]);
      return;
    }
    l[0] += dShares;
    l[1] += dOrders;
    if (l[1] === 0) m.delete(price);
  };

  // Live orders, dense: slot i holds one order; removal swaps the last one in.
  let cap = 1024;
  let refs = new Float64Array(cap);
  let stockOf = new Uint16Array(cap);
  let sideOf = new Int8Array(cap);
  let priceOf = new Uint32Array(cap);
  let sharesOf = new Uint32Array(cap);
  let live = 0;
  const grow = () => {
    cap *= 2;
    const r = new Float64Array(cap), st = new Uint16Array(cap), sd = new Int8Array(cap), p = new Uint32Array(cap), sh = new Uint32Array(cap);
    r.set(refs), st.set(stockOf), sd.set(sideOf), p.set(priceOf), sh.set(sharesOf);
    refs = r, stockOf = st, sideOf = sd, priceOf = p, sharesOf = sh;
  };
  const removeSlot = (i: number) => {
    const last = --live;
    refs[i] = refs[last]!, stockOf[i] = stockOf[last]!, sideOf[i] = sideOf[last]!, priceOf[i] = priceOf[last]!, sharesOf[i] = sharesOf[last]!;
  };
  let nextRef = 1;
  let nextMatch = 1;

  const pickShares = () => (rand() < 0.1 ? 1 + Math.floor(rand() * 99) : 100 * (1 + Math.floor(rand() * 10)));
  const pickPrice = (s: number, side: number) => {
    const k = 1 + Math.floor(-Math.log(1 - rand()) * 3);
    return Math.max(TICK, mid[s]! - side * k * TICK);
  };
  const writeStock = (at: number, s: number) => buf.set(symbolBytes[s]!, at);

  // --- preamble -------------------------------------------------------------------------------------------------
  const base = (type: ItchMessageType, locate: number, extra: Record<string, string | number | bigint>): ItchMessage => ({
    type,
    fields: { stockLocate: locate, trackingNumber: 0, timestamp: tick(), ...extra },
  });
  generic(base("S", 0, { eventCode: "O" }));
  for (let s = 0; s < nStocks; s++) {
    generic(
      base("R", s + 1, {
        stock: symbols[s]!, marketCategory: "Q", financialStatusIndicator: "N", roundLotSize: 100, roundLotsOnly: "N",
        issueClassification: "C", issueSubType: "Z", authenticity: "P", shortSaleThresholdIndicator: "N", ipoFlag: "N",
        luldReferencePriceTier: "1", etpFlag: "N", etpLeverageFactor: 0, inverseIndicator: "N",
      }),
    );
  }
  const sym0 = symbols[0]!;
  generic(base("V", 0, { level1: 5_000_000_000_000n, level2: 4_800_000_000_000n, level3: 4_500_000_000_000n }));
  generic(base("Y", 1, { stock: sym0, regShoAction: "0" }));
  generic(base("L", 1, { mpid: "NITE", stock: sym0, primaryMarketMaker: "Y", marketMakerMode: "N", marketParticipantState: "A" }));
  generic(base("K", 1, { stock: sym0, ipoQuotationReleaseTime: 36_000, ipoQuotationReleaseQualifier: "A", ipoPrice: mid[0]! }));
  generic(base("J", 1, { stock: sym0, auctionCollarReferencePrice: mid[0]!, upperAuctionCollarPrice: mid[0]! + 1000, lowerAuctionCollarPrice: mid[0]! - 1000, auctionCollarExtension: 0 }));
  generic(base("h", 1, { stock: sym0, marketCode: "Q", operationalHaltAction: "T" }));
  generic(base("N", 1, { stock: sym0, interestFlag: "B" }));
  generic(base("O", 1, { stock: sym0, openEligibilityStatus: "Y", minimumAllowablePrice: mid[0]! - 500, maximumAllowablePrice: mid[0]! + 500, nearExecutionPrice: mid[0]!, nearExecutionTime: 34_200_000_000_000n, lowerPriceRangeCollar: mid[0]! - 1000, upperPriceRangeCollar: mid[0]! + 1000 }));
  generic(base("I", 1, { pairedShares: 1000n, imbalanceShares: 200n, imbalanceDirection: "B", stock: sym0, farPrice: mid[0]!, nearPrice: mid[0]!, currentReferencePrice: mid[0]!, crossType: "O", priceVariationIndicator: "L" }));
  generic(base("W", 0, { breachedLevel: "1" }));
  generic(base("S", 0, { eventCode: "S" }));
  for (let s = 0; s < nStocks; s++) generic(base("H", s + 1, { stock: symbols[s]!, tradingState: "T", reserved: " ", reason: "" }));
  generic(base("S", 0, { eventCode: "Q" }));
  generic(base("Q", 1, { shares: 0n, stock: sym0, crossPrice: mid[0]!, matchNumber: BigInt(nextMatch++), crossType: "O" }));
  generic(base("B", 1, { matchNumber: 1n }));
  const closing = 3;

  // --- order flow -----------------------------------------------------------------------------------------------
  const A = 65, F = 70, E = 69, C = 67, X = 88, D = 68, U = 85, P = 80;
  while (written < opts.messages - closing) {
    tick();
    const r = rand();
    const addP = live < target ? 0.45 : 0.3;
    if (live === 0 || r < addP) {
      // A / F: add an order.
      const s = Math.floor(rand() * nStocks);
      if (rand() < 0.01) mid[s] = Math.max(10 * TICK, mid[s]! + (rand() < 0.5 ? -TICK : TICK));
      const side = rand() < 0.5 ? 1 : -1;
      const price = pickPrice(s, side);
      const shares = pickShares();
      const ref = nextRef++;
      const f = rand() < 0.05;
      header(f ? F : A, f ? 40 : 36, s + 1);
      u64(pos + 13, ref);
      buf[pos + 21] = side > 0 ? 66 : 83;
      dv.setUint32(pos + 22, shares);
      writeStock(pos + 26, s);
      dv.setUint32(pos + 34, price);
      if (f) buf.set([78, 73, 84, 69], pos + 38); // "NITE"
      pos += f ? 42 : 38;
      if (live === cap) grow();
      refs[live] = ref, stockOf[live] = s, sideOf[live] = side, priceOf[live] = price, sharesOf[live] = shares;
      live++;
      level(s, side, price, shares, 1);
      continue;
    }
    const u = rand();
    if (u < 0.07) {
      // P: a non-displayed trade.
      const s = Math.floor(rand() * nStocks);
      header(P, 44, s + 1);
      u64(pos + 13, 0);
      buf[pos + 21] = 66;
      dv.setUint32(pos + 22, pickShares());
      writeStock(pos + 26, s);
      dv.setUint32(pos + 34, mid[s]!);
      u64(pos + 38, nextMatch++);
      pos += 46;
      continue;
    }
    if (u < 0.072) {
      generic(base("Q", 1 + Math.floor(rand() * nStocks), { shares: BigInt(pickShares()), stock: "", crossPrice: mid[0]!, matchNumber: BigInt(nextMatch++), crossType: "H" }));
      continue;
    }
    if (u < 0.073) {
      generic(base("B", 1, { matchNumber: BigInt(1 + Math.floor(rand() * (nextMatch - 1))) }));
      continue;
    }
    if (u < 0.074) {
      const s = Math.floor(rand() * nStocks);
      generic(base("I", s + 1, { pairedShares: 100n, imbalanceShares: 0n, imbalanceDirection: "N", stock: symbols[s]!, farPrice: 0, nearPrice: 0, currentReferencePrice: mid[s]!, crossType: "C", priceVariationIndicator: " " }));
      continue;
    }
    // An event on a live order, often a recent one (added orders sit at the end of the dense arrays).
    const i = rand() < recency ? live - 1 - Math.floor(rand() * Math.min(live, 256)) : Math.floor(rand() * live);
    const s = stockOf[i]!, side = sideOf[i]!, price = priceOf[i]!, left = sharesOf[i]!, ref = refs[i]!;
    if (u < 0.6) {
      // D: delete.
      header(D, 19, s + 1);
      u64(pos + 13, ref);
      pos += 21;
      removeSlot(i);
      level(s, side, price, -left, -1);
    } else if (u < 0.78) {
      // U: replace with a new reference, size and price on the same side.
      const shares = pickShares();
      const newPrice = pickPrice(s, side);
      const newRef = nextRef++;
      header(U, 35, s + 1);
      u64(pos + 13, ref);
      u64(pos + 21, newRef);
      dv.setUint32(pos + 29, shares);
      dv.setUint32(pos + 33, newPrice);
      pos += 37;
      level(s, side, price, -left, -1);
      level(s, side, newPrice, shares, 1);
      refs[i] = newRef, priceOf[i] = newPrice, sharesOf[i] = shares;
    } else if (u < 0.86 && left > 1) {
      // X: partial cancel.
      const n = 1 + Math.floor(rand() * (left - 1));
      header(X, 23, s + 1);
      u64(pos + 13, ref);
      dv.setUint32(pos + 21, n);
      pos += 25;
      sharesOf[i] = left - n;
      level(s, side, price, -n, 0);
    } else {
      // E / C: execution, full or partial.
      const n = rand() < 0.5 ? left : 1 + Math.floor(rand() * left);
      const withPrice = rand() < 0.1;
      header(withPrice ? C : E, withPrice ? 36 : 31, s + 1);
      u64(pos + 13, ref);
      dv.setUint32(pos + 21, n);
      u64(pos + 25, nextMatch++);
      if (withPrice) {
        buf[pos + 33] = rand() < 0.9 ? 89 : 78; // 'Y' / 'N'
        dv.setUint32(pos + 34, price + (rand() < 0.5 ? 0 : side * -TICK));
      }
      pos += withPrice ? 38 : 33;
      if (n === left) {
        removeSlot(i);
        level(s, side, price, -n, -1);
      } else {
        sharesOf[i] = left - n;
        level(s, side, price, -n, 0);
      }
    }
  }

  // --- closing --------------------------------------------------------------------------------------------------
  generic(base("S", 0, { eventCode: "M" }));
  generic(base("S", 0, { eventCode: "E" }));
  generic(base("S", 0, { eventCode: "C" }));
  flush();

  for (let c = 0; c < 128; c++) if (countArr[c]! > 0) counts[String.fromCharCode(c)] = countArr[c]!;
  const stocks: ExpectedStock[] = symbols.map((symbol, s) => {
    const side = (m: Map<number, [number, number]>, dir: number): ExpectedLevel[] =>
      [...m.entries()].sort((a, b) => dir * (b[0] - a[0])).map(([p, [sh, n]]) => [p, sh, n]);
    return { locate: s + 1, symbol, bids: side(levels[s]![0]!, 1), asks: side(levels[s]![1]!, -1) };
  });
  return { seed: opts.seed, messages: written, bytes, counts, liveOrders: live, stocks };
}
