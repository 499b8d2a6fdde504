/**
 * Order-book features from L2 snapshots (one row per book state, e.g. LOBSTER's orderbook file: row i is the book
 * after message i). Every output row reads only the same row of the book, so they are point-in-time by
 * construction. A missing level (NaN, or LOBSTER's dummy prices) gives NaN.
 */
import { contextError } from "../util/errors.js";
import { checkInt, nans } from "./series.js";

/** Book columns, level-major: bidPrice[0] is the best bid price over time, bidSize[1] the second level's size... */
export interface BookColumns {
  bidPrice: Float64Array[];
  bidSize: Float64Array[];
  askPrice: Float64Array[];
  askSize: Float64Array[];
}

function rows(book: BookColumns, where: string): number {
  if (!book || !Array.isArray(book.bidPrice) || book.bidPrice.length === 0) {
    throw contextError({ where, what: "book must have at least one level", expected: "BookColumns with bidPrice[0]" });
  }
  return book.bidPrice[0]!.length;
}

/** Quoted spread: best ask - best bid. */
export function spread(book: BookColumns): Float64Array {
  const n = rows(book, "spread");
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = book.askPrice[0]![i]! - book.bidPrice[0]![i]!;
  return out;
}

/** Mid price: (best bid + best ask) / 2. */
export function midPrice(book: BookColumns): Float64Array {
  const n = rows(book, "midPrice");
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (book.askPrice[0]![i]! + book.bidPrice[0]![i]!) / 2;
  return out;
}

/**
 * Microprice (the size-weighted mid, Stoikov 2018's first-order approximation):
 * (P_bid Q_ask + P_ask Q_bid) / (Q_bid + Q_ask), which leans towards the side with less size.
 */
export function microprice(book: BookColumns): Float64Array {
  const n = rows(book, "microprice");
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const pb = book.bidPrice[0]![i]!, pa = book.askPrice[0]![i]!;
    const qb = book.bidSize[0]![i]!, qa = book.askSize[0]![i]!;
    out[i] = (pb * qa + pa * qb) / (qb + qa);
  }
  return out;
}

/**
 * Order book imbalance over the best `levels` levels: (sum bid sizes - sum ask sizes) / (sum of both), in [-1, 1];
 * positive means more resting size on the bid. levels = 1 is the top-of-book imbalance.
 */
export function bookImbalance(book: BookColumns, levels = 1): Float64Array {
  const n = rows(book, "bookImbalance");
  checkInt(levels, "bookImbalance", "levels");
  if (levels > book.bidSize.length || levels > book.askSize.length) {
    throw contextError({ where: "bookImbalance", what: `levels is ${levels}`, expected: `at most the book's depth (${Math.min(book.bidSize.length, book.askSize.length)})` });
  }
  const out = nans(n);
  for (let i = 0; i < n; i++) {
    let b = 0, a = 0;
    for (let l = 0; l < levels; l++) {
      b += book.bidSize[l]![i]!;
      a += book.askSize[l]![i]!;
    }
    out[i] = (b - a) / (b + a);
  }
  return out;
}
