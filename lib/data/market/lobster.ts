/**
 * Converter of LOBSTER files (lobsterdata.com: a message file and its order-book file) into L3 MarketEvents.
 *
 * Messages (`time, type, order id, size, price, direction`):
 * - 1 submission -> L3_ADD (side = direction, the order's side)
 * - 2 partial cancellation -> L3_CANCEL (qty = lots cancelled)
 * - 3 deletion -> L3_DELETE (qty = the lots that were left)
 * - 4 visible execution -> TRADE (side = -direction, the aggressor) then L3_EXECUTE (the resting order)
 * - 5 hidden execution -> TRADE only (the book shows no hidden liquidity)
 * - 6 cross trade (auction) -> TRADE with side 0
 * - 7 trading halt / quote / resume -> no row, listed in `stats.halts`
 * Every L3 row carries the order's side, price and qty, so a book can apply it even to an order it never saw
 * added.
 *
 * Time is "seconds after midnight" with up to 9 decimals, converted exactly to ns and put on the calendar date
 * (from the file name, `<SYMBOL>_<YYYY-MM-DD>_<start>_<end>_message_<levels>`) at local midnight in `timeZone`
 * (default America/New_York, NASDAQ's); exchTs = localTs (LOBSTER has one clock). Prices are in 1/10000 USD and
 * become ticks of `tickSize` (default 0.01), which must divide them exactly; sizes are shares (lot 1).
 *
 * What the messages alone do not give, the order-book file does (pass it; row i is the book after message i):
 * - The start book. Orders resting before the first message have no submission. The start book is order-book
 *   row 0 with message 0 undone, emitted as one DEPTH_CLEAR (side 0) and DEPTH_SNAPSHOT rows (orderId 0: the
 *   aggregated liquidity of orders we know nothing about), stamped with the earlier of the file's start time and
 *   the first message. Later messages about those orders (types 2, 3, 4 with an id never submitted) are counted in
 *   `stats.unknownOrders`; their rows still carry side, price and qty.
 * - Changes outside the shown levels. A LOBSTER level-N message file only has the messages that change the first
 *   N levels, so a deeper level can change with no message and then come into view (e.g. when the level above
 *   it empties). After each message, every shown level whose quantity the start book and the messages do not give,
 *   and every level inside the shown range that the row does not show, gets a DEPTH row (absolute quantity),
 *   stamped with the message's time and placed after its rows. `stats.viewCorrections` counts them;
 *   `stats.unexplainedChanges` counts those at a level that was already inside the previous row's shown range,
 *   which no omitted message can explain (0 on a consistent file).
 * So replaying the rows reproduces the order-book file after every message, and between corrections the book
 * changes only through the messages. Without the order-book file there is no start book and no correction.
 */
import path from "node:path";
import { contextError } from "../../util/errors.js";
import { EventsBuilder } from "./builder.js";
import { decimalScale, scaleValue, unitsOrNaN } from "./decimal.js";
import { EventKind, type InstrumentSpec, type MarketEvents } from "./events.js";
import { forEachLine, type ProgressCallback } from "./lines.js";
import { zonedMidnightNs } from "./zoned-time.js";

export interface LobsterOptions {
  /** Trading date "YYYY-MM-DD". Default: from the message file's name. */
  date?: string;
  /** Default: from the file name. */
  symbol?: string;
  /** IANA zone of LOBSTER's "seconds after midnight" (default "America/New_York"). */
  timeZone?: string;
  /** Price tick in USD (default 0.01); LOBSTER prices (USD * 10000) must be multiples of it. */
  tickSize?: number | string;
  /** Venue label (default "NASDAQ"). */
  venue?: string;
  onProgress?: ProgressCallback;
}

export interface LobsterHalt {
  /** 0-based message index. */
  message: number;
  /** LOBSTER's price field of a type-7 message: -1 halt, 0 quoting, 1 trading resumes. */
  state: number;
}

export interface LobsterStats {
  messages: number;
  /** Count per LOBSTER message type. */
  byType: Record<number, number>;
  halts: LobsterHalt[];
  /** Distinct order ids that messages reference without a submission in the file (resting at the start). */
  unknownOrders: number;
  /** Messages (types 2, 3, 4) about such orders. */
  unknownOrderMessages: number;
  /** Levels of the start book (DEPTH_SNAPSHOT rows), from order-book row 0 with message 0 undone. */
  initialLevels: number;
  /**
   * DEPTH rows added after a message because a level that comes into the shown range holds a quantity the
   * messages do not explain (LOBSTER leaves out messages outside the requested levels).
   */
  viewCorrections: number;
  /**
   * Of those, corrections at a level that was already inside the shown range before the message: changes no
   * message explains, 0 on a consistent file.
   */
  unexplainedChanges: number;
  /** Levels per side in the order-book file. */
  levels: number;
}

export interface LobsterData {
  events: MarketEvents;
  stats: LobsterStats;
  /** For message i, the number of event rows up to and including its own: rows [0, messageEnd[i]) give the book after it. */
  messageEnd: Uint32Array;
}

const NAME = /([A-Za-z0-9.^-]+)_(\d{4}-\d{2}-\d{2})_(\d+)_(\d+)_(?:message|orderbook)_(\d+)/;
const DUMMY = 9999999999;
const NS = 1_000_000_000;

/** Reads a LOBSTER message file (and its order-book file: start book and corrections) into L3 MarketEvents. */
export async function loadLobster(messageFile: string, orderbookFile?: string, opts: LobsterOptions = {}): Promise<LobsterData> {
  const name = NAME.exec(path.basename(messageFile));
  const date = opts.date ?? name?.[2];
  const symbol = opts.symbol ?? name?.[1];
  if (date === undefined || symbol === undefined) {
    throw contextError({
      where: "loadLobster",
      what: `cannot tell the ${date === undefined ? "date" : "symbol"} from the file name ${path.basename(messageFile)}`,
      expected: "a LOBSTER name like AAPL_2012-06-21_34200000_57600000_message_10.csv",
      hint: "Pass { date, symbol }",
    });
  }
  const tick = decimalScale(opts.tickSize ?? "0.01", "tickSize");
  if (tick.digits > 4) {
    throw contextError({ where: "loadLobster", what: `the tick ${tick.text} is finer than LOBSTER's price unit`, expected: "a multiple of 0.0001 USD" });
  }
  const perTick = tick.divisor * 10 ** (4 - tick.digits); // LOBSTER price units (1e-4 USD) per tick
  const midnight = zonedMidnightNs(date, opts.timeZone ?? "America/New_York");

  // Pass 1: the messages into columns.
  const time: number[] = [];
  const type: number[] = [];
  const id: number[] = [];
  const size: number[] = [];
  const price: number[] = [];
  const dir: number[] = [];
  const byType: Record<number, number> = {};
  await forEachLine(
    messageFile,
    (line, lineNo) => {
      if (line.length === 0) return;
      const where = `${messageFile} line ${lineNo}`;
      const f = line.split(",");
      if (f.length < 6) throw contextError({ where, what: `the row has ${f.length} fields`, expected: "6 (time, type, order id, size, price, direction)", found: `'${line.slice(0, 60)}'` });
      const bad = (field: string, expected: string, found: string): never => {
        throw contextError({ where, what: `the ${field} is wrong`, expected, found: `'${found}'` });
      };
      const t = unitsOrNaN(f[0]!, 9, 1);
      if (!(t >= 0)) bad("time", "seconds after midnight with at most 9 decimals", f[0]!);
      const ty = Number(f[1]);
      if (!(ty >= 1 && ty <= 7 && Number.isInteger(ty))) bad("type", "1, 2, 3, 4, 5, 6 or 7", f[1]!);
      const oid = unitsOrNaN(f[2]!, 0, 1);
      if (!(oid >= 0)) bad("order id", "a non-negative integer", f[2]!);
      const sz = unitsOrNaN(f[3]!, 0, 1);
      if (!(sz >= 0)) bad("size", "a non-negative whole number of shares", f[3]!);
      const d = Number(f[5]);
      if (d !== 1 && d !== -1) bad("direction", "1 (buy) or -1 (sell)", f[5]!);
      let px: number;
      if (ty === 7) {
        px = Number(f[4]);
        if (px !== -1 && px !== 0 && px !== 1) bad("halt state (price field of a type-7 message)", "-1, 0 or 1", f[4]!);
      } else {
        const raw = unitsOrNaN(f[4]!, 0, 1);
        if (!(raw > 0)) bad("price", "a positive integer in USD * 10000", f[4]!);
        if (raw % perTick !== 0) bad("price", `a multiple of the tick ${tick.text} USD (${perTick} in USD * 10000)`, f[4]!);
        px = raw / perTick;
      }
      time.push(t);
      type.push(ty);
      id.push(oid);
      size.push(sz);
      price.push(px);
      dir.push(d);
      byType[ty] = (byType[ty] ?? 0) + 1;
    },
    opts.onProgress,
  );
  const n = time.length;
  const back = time.findIndex((t, k) => k > 0 && t < time[k - 1]!);
  if (back > 0) {
    throw contextError({ where: `${messageFile} row ${back + 1}`, what: "the time goes backwards", expected: `at least ${time[back - 1]! / NS} s`, found: `${time[back]! / NS} s` });
  }

  // Which orders are added in the file, and which messages are about orders resting before it.
  const added = new Set<number>();
  const unknown = new Set<number>();
  let unknownOrderMessages = 0;
  for (let i = 0; i < n; i++) {
    const ty = type[i]!;
    if (ty === 1) added.add(id[i]!);
    else if ((ty === 2 || ty === 3 || ty === 4) && !added.has(id[i]!)) {
      unknown.add(id[i]!);
      unknownOrderMessages++;
    }
  }

  // Pass 2 (with the order-book file): the start book and the changes the messages do not explain.
  const view: ViewState = { levels: Number(name?.[5] ?? 0), start: [], corrections: new Map(), stats: { corrections: 0, unexplained: 0, rows: 0 } };
  if (orderbookFile !== undefined) await followOrderbook(orderbookFile!, { type, size, price, dir }, perTick, tick.text, view);

  // Pass 3: the rows.
  const b = new EventsBuilder(n * 2 + view.start.length + view.stats.corrections + 16);
  const windowStart = name === null ? Infinity : Number(name[3]) * 1e6; // ms -> ns after midnight
  const first = n > 0 ? Math.min(windowStart, time[0]!) : Number.isFinite(windowStart) ? windowStart : 0;
  const t0 = midnight + BigInt(first);
  if (orderbookFile !== undefined) {
    b.push(t0, t0, EventKind.DEPTH_CLEAR, 0, 0n, 0n);
    for (const [side, p, q] of view.start) b.push(t0, t0, EventKind.DEPTH_SNAPSHOT, side, BigInt(p), BigInt(q));
  }
  const messageEnd = new Uint32Array(n);
  const halts: LobsterHalt[] = [];
  for (let i = 0; i < n; i++) {
    const ts = midnight + BigInt(time[i]!);
    const d = dir[i]!;
    const p = BigInt(price[i]!);
    const q = BigInt(size[i]!);
    const oid = BigInt(id[i]!);
    switch (type[i]) {
      case 1:
        b.push(ts, ts, EventKind.L3_ADD, d, p, q, oid);
        break;
      case 2:
        b.push(ts, ts, EventKind.L3_CANCEL, d, p, q, oid);
        break;
      case 3:
        b.push(ts, ts, EventKind.L3_DELETE, d, p, q, oid);
        break;
      case 4:
        b.push(ts, ts, EventKind.TRADE, -d, p, q);
        b.push(ts, ts, EventKind.L3_EXECUTE, d, p, q, oid);
        break;
      case 5:
        b.push(ts, ts, EventKind.TRADE, -d, p, q);
        break;
      case 6:
        b.push(ts, ts, EventKind.TRADE, 0, p, q);
        break;
      case 7:
        halts.push({ message: i, state: price[i]! });
        break;
    }
    const fix = view.corrections.get(i);
    if (fix !== undefined) for (const [side, p, q] of fix) b.push(ts, ts, EventKind.DEPTH, side, BigInt(p), BigInt(q));
    messageEnd[i] = b.length;
  }

  const instrument: InstrumentSpec = { symbol, tickSize: scaleValue(tick), lotSize: 1, venue: opts.venue ?? "NASDAQ" };
  return {
    events: b.finish([instrument], false),
    messageEnd,
    stats: {
      messages: n,
      byType,
      halts,
      unknownOrders: unknown.size,
      unknownOrderMessages,
      initialLevels: view.start.length,
      viewCorrections: view.stats.corrections,
      unexplainedChanges: view.stats.unexplained,
      levels: view.levels,
    },
  };
}

type Level = [side: number, price: number, qty: number];

interface ViewState {
  levels: number;
  /** The start book: levels of order-book row 0 with message 0 undone. */
  start: Level[];
  /** DEPTH corrections to emit after message i. */
  corrections: Map<number, Level[]>;
  stats: { corrections: number; unexplained: number; rows: number };
}

/** One side as shown by an order-book row: prices best first and their sizes, and whether all `levels` are shown. */
interface Shown {
  prices: number[];
  sizes: number[];
  full: boolean;
}

/**
 * Walks the order-book file in step with the messages, keeping an L2 book (price -> shares per side): derives the
 * start book from row 0, and after each message records a DEPTH correction for every shown level whose quantity
 * the book does not already have, and for every level of the book inside the shown range that the row does not
 * show. A correction inside the previous row's shown range is counted as unexplained.
 */
async function followOrderbook(
  file: string,
  msg: { type: number[]; size: number[]; price: number[]; dir: number[] },
  perTick: number,
  tickText: string,
  view: ViewState,
): Promise<void> {
  const n = msg.type.length;
  const book = { 1: new Map<number, number>(), [-1]: new Map<number, number>() } as Record<number, Map<number, number>>;
  const effect = (i: number): number => {
    const ty = msg.type[i]!;
    return ty === 1 ? msg.size[i]! : ty === 2 || ty === 3 || ty === 4 ? -msg.size[i]! : 0;
  };
  const inRange = (side: number, p: number, shown: Shown) =>
    !shown.full || shown.prices.length === 0 || (side > 0 ? p >= shown.prices[shown.prices.length - 1]! : p <= shown.prices[shown.prices.length - 1]!);
  let prev: Record<number, Shown> | null = null;
  let row = 0;
  await forEachLine(file, (line, lineNo) => {
    if (line.length === 0) return;
    const where = `${file} line ${lineNo}`;
    const f = line.split(",");
    if (view.levels === 0) view.levels = Math.floor(f.length / 4);
    const levels = view.levels;
    if (f.length !== levels * 4) {
      throw contextError({ where, what: `the row has ${f.length} fields`, expected: `${levels * 4} (ask price, ask size, bid price, bid size for ${levels} levels)` });
    }
    if (row >= n) throw contextError({ where, what: "the order-book file has more rows than the message file", expected: `${n} rows` });
    const shown: Record<number, Shown> = { 1: { prices: [], sizes: [], full: true }, [-1]: { prices: [], sizes: [], full: true } };
    for (let l = 0; l < levels; l++) {
      for (const [off, side] of [[0, -1], [2, 1]] as const) {
        const pt = f[4 * l + off]!;
        const raw = Number(pt);
        const label = `${side > 0 ? "bid" : "ask"} level ${l + 1}`;
        if (!Number.isInteger(raw)) throw contextError({ where, what: `the ${label} price is '${pt}'`, expected: "an integer in USD * 10000" });
        if (Math.abs(raw) === DUMMY) {
          shown[side]!.full = false;
          continue;
        }
        if (raw % perTick !== 0) throw contextError({ where, what: `the ${label} price is ${pt}`, expected: `a multiple of ${perTick} (the tick ${tickText} USD)` });
        const st = f[4 * l + off + 1]!;
        const q = unitsOrNaN(st, 0, 1);
        if (!(q > 0)) throw contextError({ where, what: `the ${label} size is '${st}'`, expected: "a positive whole number of shares" });
        shown[side]!.prices.push(raw / perTick);
        shown[side]!.sizes.push(q);
      }
    }
    const e = effect(row);
    const side = msg.dir[row]!;
    const p = msg.price[row]!;
    if (row === 0) {
      // The start book: row 0 with message 0 undone.
      for (const s of [1, -1]) shown[s]!.prices.forEach((px, k) => book[s]!.set(px, shown[s]!.sizes[k]!));
      if (e !== 0) {
        const before = (book[side]!.get(p) ?? 0) - e;
        if (before > 0) book[side]!.set(p, before);
        else if (before === 0) book[side]!.delete(p);
        else throw contextError({ where, what: `message 1 takes ${-e} shares from the ${side > 0 ? "bid" : "ask"} level ${p * perTick}, which row 1 leaves with ${before + (-e)}`, expected: "a consistent first row" });
      }
      for (const s of [1, -1]) {
        const ps = [...book[s]!.keys()].sort((x, y) => (y - x) * s);
        for (const px of ps) view.start.push([s, px, book[s]!.get(px)!]);
      }
    }
    if (e !== 0) {
      const q = (book[side]!.get(p) ?? 0) + e;
      if (q > 0) book[side]!.set(p, q);
      else book[side]!.delete(p);
    }
    const fixes: Level[] = [];
    for (const s of [1, -1]) {
      const sh = shown[s]!;
      const m = book[s]!;
      const fix = (px: number, q: number) => {
        fixes.push([s, px, q]);
        if (row > 0 && prev !== null && inRange(s, px, prev[s]!)) view.stats.unexplained++;
        if (q > 0) m.set(px, q);
        else m.delete(px);
      };
      const shownSet = new Set(sh.prices);
      for (const px of [...m.keys()]) if (!shownSet.has(px) && inRange(s, px, sh)) fix(px, 0);
      sh.prices.forEach((px, k) => {
        if (m.get(px) !== sh.sizes[k]) fix(px, sh.sizes[k]!);
      });
    }
    if (fixes.length > 0) {
      view.corrections.set(row, fixes);
      view.stats.corrections += fixes.length;
    }
    prev = shown;
    row++;
  });
  view.stats.rows = row;
  if (row !== n) throw contextError({ where: file, what: `the order-book file has ${row} rows`, expected: `as many as the message file (${n})` });
}
