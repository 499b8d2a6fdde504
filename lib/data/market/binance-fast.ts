/**
 * A scanner for the three frequent Binance message shapes (bookTicker, trade, depthUpdate) as Binance writes them
 * (no whitespace, keys in quotes, decimals as strings), reading fields in place instead of through JSON.parse.
 * It returns null on anything it does not recognise exactly, and the caller then takes the JSON.parse path, which
 * also produces every error message: so this is only a faster way to the same rows (tested against that path).
 */
import { unitsInRange, type DecimalScale } from "./decimal.js";

export interface FastBbo {
  type: "bbo";
  /** Venue time in ms (T, else E), or -1 when the message has none. */
  timeMs: number;
  bid: number;
  bidQty: number;
  ask: number;
  askQty: number;
}
export interface FastTrade {
  type: "trade";
  timeMs: number;
  /** false: a futures trade whose X is not MARKET. */
  market: boolean;
  buyerMaker: boolean;
  price: number;
  qty: number;
}
export interface FastDepth {
  type: "depth";
  timeMs: number;
  U: number;
  u: number;
  /** -1 when absent (spot). */
  pu: number;
  /** Prices then quantities of the bids and then the asks, in units of the steps. */
  levels: Float64Array;
  bids: number;
}
export type FastMessage = FastBbo | FastTrade | FastDepth;

const Q = 34; // "
const COMMA = 44;
const OPEN = 91; // [
const CLOSE = 93; // ]

/** Index just after `key` (e.g. '"b":') at or after `from`, or -1. */
function after(s: string, key: string, from: number): number {
  const i = s.indexOf(key, from);
  return i < 0 ? -1 : i + key.length;
}

/** A non-negative integer starting at i (ended by ',' or '}'), or NaN. */
function intAt(s: string, i: number): number {
  if (i < 0) return NaN;
  let v = 0;
  let n = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
    n++;
  }
  const c = s.charCodeAt(i);
  return n === 0 || n > 15 || (c !== COMMA && c !== 125) ? NaN : v;
}

/** The decimal string starting at i (a '"'), in units of `scale`, or NaN. */
function decimalAt(s: string, i: number, scale: DecimalScale): number {
  if (i < 0 || s.charCodeAt(i) !== Q) return NaN;
  const end = s.indexOf('"', i + 1);
  return end < 0 ? NaN : unitsInRange(s, i + 1, end, scale.digits, scale.divisor);
}

function timeOf(s: string, from: number): number {
  const t = after(s, '"T":', from);
  if (t >= 0) return intAt(s, t);
  const e = after(s, '"E":', from);
  return e >= 0 ? intAt(s, e) : -1;
}

/** Reads an array of ["price","qty"] pairs starting at i (a '['); returns the index after it, or -1. */
function pairsAt(s: string, i: number, tick: DecimalScale, lot: DecimalScale, out: number[]): number {
  if (i < 0 || s.charCodeAt(i) !== OPEN) return -1;
  i++;
  if (s.charCodeAt(i) === CLOSE) return i + 1;
  for (;;) {
    if (s.charCodeAt(i) !== OPEN || s.charCodeAt(i + 1) !== Q) return -1;
    const p1 = s.indexOf('"', i + 2);
    if (p1 < 0 || s.charCodeAt(p1 + 1) !== COMMA || s.charCodeAt(p1 + 2) !== Q) return -1;
    const q1 = s.indexOf('"', p1 + 3);
    if (q1 < 0 || s.charCodeAt(q1 + 1) !== CLOSE) return -1;
    const p = unitsInRange(s, i + 2, p1, tick.digits, tick.divisor);
    const q = unitsInRange(s, p1 + 3, q1, lot.digits, lot.divisor);
    if (p !== p || q !== q) return -1;
    out.push(p, q);
    i = q1 + 2;
    const c = s.charCodeAt(i);
    if (c === CLOSE) return i + 1;
    if (c !== COMMA) return -1;
    i++;
  }
}

const scratch: number[] = [];

/**
 * Scans the JSON of one capture line (from `start`) for `symbol`; null when it is not a plain bookTicker, trade or
 * depthUpdate of that symbol with every value well-formed.
 */
export function scanBinance(s: string, start: number, symbol: string, tick: DecimalScale, lot: DecimalScale): FastMessage | null {
  const d = after(s, '"data":{', start);
  if (d < 0) return null;
  const sym = after(s, '"s":"', d);
  if (sym < 0 || !s.startsWith(symbol, sym) || s.charCodeAt(sym + symbol.length) !== Q) return null;
  if (s.startsWith('"e":"depthUpdate"', d)) {
    const U = intAt(s, after(s, '"U":', d));
    const u = intAt(s, after(s, '"u":', d));
    const puAt = after(s, '"pu":', d);
    const pu = puAt < 0 ? -1 : intAt(s, puAt);
    const timeMs = timeOf(s, d);
    if (U !== U || u !== u || pu !== pu || !(timeMs >= 0)) return null;
    scratch.length = 0;
    const endB = pairsAt(s, after(s, '"b":', d), tick, lot, scratch);
    if (endB < 0) return null;
    const bids = scratch.length / 2;
    if (pairsAt(s, after(s, '"a":', endB), tick, lot, scratch) < 0) return null;
    return { type: "depth", timeMs, U, u, pu, levels: Float64Array.from(scratch), bids };
  }
  if (s.startsWith('"e":"trade"', d)) {
    const timeMs = timeOf(s, d);
    const x = after(s, '"X":"', d);
    const m = after(s, '"m":', d);
    const price = decimalAt(s, after(s, '"p":', d), tick);
    const qty = decimalAt(s, after(s, '"q":', d), lot);
    if (!(timeMs >= 0) || m < 0 || price !== price || qty !== qty) return null;
    const buyerMaker = s.startsWith("true", m) ? true : s.startsWith("false", m) ? false : null;
    if (buyerMaker === null) return null;
    return { type: "trade", timeMs, market: x < 0 || s.startsWith('MARKET"', x), buyerMaker, price, qty };
  }
  const isTicker = s.startsWith('"e":"bookTicker"', d) || (s.charCodeAt(d) === Q && s.lastIndexOf('@bookTicker"', d) > start && !s.startsWith('"e":', d));
  if (isTicker) {
    const bid = decimalAt(s, after(s, '"b":', d), tick);
    const bidQty = decimalAt(s, after(s, '"B":', d), lot);
    const ask = decimalAt(s, after(s, '"a":', d), tick);
    const askQty = decimalAt(s, after(s, '"A":', d), lot);
    const timeMs = timeOf(s, d);
    if (bid !== bid || bidQty !== bidQty || ask !== ask || askQty !== askQty || timeMs !== timeMs) return null;
    return { type: "bbo", timeMs, bid, bidQty, ask, askQty };
  }
  return null;
}
