/**
 * Reader of LOBSTER files (lobsterdata.com): a message file and an order-book file of `levels` levels, one row per
 * event; row i of the book is the book after message i. Prices are in USD (LOBSTER stores USD * 10000); LOBSTER's
 * dummy prices for empty levels (-9999999999 bid / 9999999999 ask) become NaN.
 */
import { readFileSync } from "node:fs";
import { contextError } from "../util/errors.js";
import type { BookColumns } from "./book.js";

export interface LobsterData {
  /** Seconds after midnight. */
  time: Float64Array;
  /** 1 submit, 2 partial cancel, 3 delete, 4 visible execution, 5 hidden execution, 7 halt. */
  type: Int8Array;
  orderId: Float64Array;
  size: Float64Array;
  /** USD. */
  price: Float64Array;
  /** 1 buy order, -1 sell order (for executions: the side of the resting order, so the trade sign is -direction). */
  direction: Int8Array;
  book: BookColumns;
}

function readRows(file: string, width: number): number[][] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw contextError({ where: "readLobster", what: `cannot read ${file}`, cause });
  }
  const rows: number[][] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    const cells = line.split(",").map(Number);
    if (cells.length !== width || cells.some((c) => Number.isNaN(c))) {
      throw contextError({ where: `${file} row ${i + 1}`, what: `the row is '${line.slice(0, 60)}'`, expected: `${width} numbers` });
    }
    rows.push(cells);
  });
  return rows;
}

/** Reads a LOBSTER message file and its order-book file (levels inferred from the book's width / 4 unless given). */
export function readLobster(messageFile: string, orderbookFile: string, opts: { levels?: number } = {}): LobsterData {
  const msgs = readRows(messageFile, 6);
  const firstBook = readFileSync(orderbookFile, "utf8").split(/\r?\n/, 1)[0] ?? "";
  const levels = opts.levels ?? Math.floor(firstBook.split(",").length / 4);
  const book = readRows(orderbookFile, levels * 4);
  if (book.length !== msgs.length) {
    throw contextError({ where: "readLobster", what: `the order-book file has ${book.length} rows`, expected: `as many as the message file (${msgs.length})` });
  }
  const col = (j: number, scale = 1) => Float64Array.from(msgs, (r) => r[j]! * scale);
  const px = (v: number) => (Math.abs(v) >= 9999999999 ? NaN : v / 10000);
  const lvl = (offset: number, isPrice: boolean) =>
    Array.from({ length: levels }, (_, l) => Float64Array.from(book, (r) => (isPrice ? px(r[4 * l + offset]!) : r[4 * l + offset]!)));
  return {
    time: col(0),
    type: Int8Array.from(msgs, (r) => r[1]!),
    orderId: col(2),
    size: col(3),
    price: col(4, 1 / 10000),
    direction: Int8Array.from(msgs, (r) => r[5]!),
    book: { askPrice: lvl(0, true), askSize: lvl(1, false), bidPrice: lvl(2, true), bidSize: lvl(3, false) },
  };
}
