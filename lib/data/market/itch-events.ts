/**
 * NASDAQ TotalView-ITCH 5.0 into L3 (market-by-order) MarketEvents, for the replay backtester with exact FIFO
 * queue positions (`l3FifoQueue()`). The native ITCH book builder (omniquant/itch `buildBooks`) decodes the file
 * and keeps the books; its order event log becomes MarketEvents rows:
 *
 *   A, F (add)            L3_ADD      orderId = order reference, side, price, qty = shares
 *   E, C (executed)       L3_EXECUTE  qty = shares executed (C: the order's own price; the print's price is in
 *                                     the TRADE row)
 *   X (cancelled)         L3_CANCEL   qty = shares cancelled
 *   D (deleted)           L3_DELETE
 *   U (replaced)          L3_DELETE of the old reference, then L3_ADD of the new one (a new reference, at the back
 *                                     of its new level: ITCH replaces lose priority)
 * and, with `trades` (default true), the prints as TRADE rows: E and C executions of displayed orders (aggressor
 * = the side opposite to the resting order; C only when printable) and P trades of non-displayed orders (the
 * same rule on its buy/sell indicator). Q crosses (no side) are left out.
 *
 * Units: prices in ITCH's Price(4) units (tickSize 0.0001 USD, so a cent is 100 ticks), quantities in shares
 * (lotSize 1). Time: exchTs = local midnight of `date` in `timeZone` + the message's nanoseconds since midnight;
 * localTs = exchTs + `feedLatencyNs`. Rows keep stream order (which is time order). Messages about orders the
 * file never added (a file that starts mid-day) are skipped and counted by the book builder (`anomalies`).
 * One instrument per symbol, in the order of `symbols` (default: every stock in the directory, by locate).
 */
import { buildBooks, type ItchBooks } from "../../itch/build-books.js";
import type { ItchInput } from "../../itch/source.js";
import type { ItchProgress } from "../../itch/decode-itch.js";
import { contextError } from "../../util/errors.js";
import { EventsBuilder } from "./builder.js";
import { EventKind, type InstrumentSpec, type MarketEvents } from "./events.js";
import { filterEvents } from "./slice-events.js";
import { zonedMidnightNs } from "./zoned-time.js";

export interface ItchEventsOptions {
  /** Trading day of the file, "YYYY-MM-DD" (ITCH timestamps count from its midnight). */
  date: string;
  /** Time zone of that midnight (default America/New_York). */
  timeZone?: string;
  /** Symbols to keep (default all). */
  symbols?: readonly string[];
  /** Add TRADE rows for the prints (default true). */
  trades?: boolean;
  /** localTs - exchTs, ns (default 0). */
  feedLatencyNs?: bigint;
  onProgress?: (p: ItchProgress) => void;
}

export interface ItchEvents {
  events: MarketEvents;
  /** The book builder's anomalies (events for unknown orders and the like), counted, not converted. */
  anomalies: ItchBooks["anomalies"];
  notices: string[];
}

const CODE = (c: string) => c.charCodeAt(0);
const [A, F, E, C, X, D, U, P] = ["A", "F", "E", "C", "X", "D", "U", "P"].map(CODE) as [number, number, number, number, number, number, number, number];

/** Converts an ITCH 5.0 file or buffer (plain or gzip) to L3 MarketEvents (see the file comment). */
export async function itchToEvents(input: ItchInput, opts: ItchEventsOptions): Promise<ItchEvents> {
  if (opts === undefined || typeof opts.date !== "string") {
    throw contextError({ where: "itchToEvents", what: "no trading date", expected: "opts.date as 'YYYY-MM-DD' (ITCH times count from its midnight)" });
  }
  const midnight = zonedMidnightNs(opts.date, opts.timeZone ?? "America/New_York");
  const latency = opts.feedLatencyNs ?? 0n;
  if (typeof latency !== "bigint" || latency < 0n) throw contextError({ where: "itchToEvents", what: `feedLatencyNs is ${String(latency)}`, expected: "a bigint >= 0" });
  const withTrades = opts.trades ?? true;

  // Rows are collected with the stock locate in the instrument column, remapped once the directory is known.
  const b = new EventsBuilder(1 << 16);
  const push = (ts: number, kind: number, side: number, price: number, qty: number, ref: bigint, locate: number) => {
    const t = midnight + BigInt(ts);
    b.push(t, t + latency, kind, side, BigInt(price), BigInt(qty), ref, locate);
  };
  const books = await buildBooks(input, {
    ...(opts.symbols ? { symbols: [...opts.symbols] } : {}),
    tables: { orders: true, trades: withTrades, l2: false, bbo: false },
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    onBatch: (batch) => {
      // Orders and trades come per native call in separate tables; interleave them by message index so that
      // each print follows the execution it reports.
      const o = batch.orders;
      const t = withTrades ? batch.trades : undefined;
      const no = o ? o.message.length : 0;
      const nt = t ? t.message.length : 0;
      b.reserve(no * 2 + nt);
      let i = 0;
      let j = 0;
      while (i < no || j < nt) {
        if (j >= nt || (i < no && o!.message[i]! <= t!.message[j]!)) {
          const k = o!.kind[i]!;
          const ts = o!.timestamp[i]!;
          const loc = o!.locate[i]!;
          const ref = o!.orderRef[i]!;
          if (k === A || k === F) push(ts, EventKind.L3_ADD, o!.side[i]!, o!.price[i]!, o!.shares[i]!, ref, loc);
          else if (k === E || k === C) push(ts, EventKind.L3_EXECUTE, o!.side[i]!, o!.price[i]!, o!.shares[i]!, ref, loc);
          else if (k === X) push(ts, EventKind.L3_CANCEL, o!.side[i]!, o!.price[i]!, o!.shares[i]!, ref, loc);
          else if (k === D) push(ts, EventKind.L3_DELETE, o!.side[i]!, 0, 0, ref, loc);
          else if (k === U) {
            push(ts, EventKind.L3_DELETE, o!.side[i]!, 0, 0, ref, loc);
            push(ts, EventKind.L3_ADD, o!.side[i]!, o!.price[i]!, o!.shares[i]!, o!.newOrderRef[i]!, loc);
          }
          i++;
        } else {
          const k = t!.kind[j]!;
          const side = t!.side[j]!;
          if ((k === E || (k === C && t!.printable[j] === 1) || k === P) && side !== 0) {
            push(t!.timestamp[j]!, EventKind.TRADE, -side, t!.price[j]!, t!.shares[j]!, 0n, t!.locate[j]!);
          }
          j++;
        }
      }
    },
  });

  // Instruments: the requested symbols in order, else every stock of the directory by locate.
  const stocks = books.stocks;
  const bySymbol = new Map<string, number>();
  stocks.symbol.forEach((s, k) => bySymbol.set(s.trim(), stocks.locate[k]!));
  const symbols = opts.symbols ? [...opts.symbols] : [...bySymbol.keys()].sort((x, y) => bySymbol.get(x)! - bySymbol.get(y)!);
  const index = new Map<number, number>();
  symbols.forEach((s, k) => {
    const loc = bySymbol.get(s);
    if (loc === undefined) throw contextError({ where: "itchToEvents", what: `symbol '${s}' is not in the file's stock directory`, found: `${bySymbol.size} stocks` });
    index.set(loc, k);
  });
  if (symbols.length > 65_535) throw contextError({ where: "itchToEvents", what: `${symbols.length} symbols`, expected: "at most 65,535 instruments" });
  const instruments: InstrumentSpec[] = symbols.map((s) => ({ symbol: s, tickSize: 0.0001, lotSize: 1, venue: "NASDAQ" }));

  // Keep the rows of the chosen instruments (the builder already filtered by symbol; this drops rows of stocks
  // that appear before their directory entry, which a valid file does not have), then number them.
  const events = filterEvents(b.finish(instruments), (r, ev) => index.has(ev.instrument[r]!));
  for (let r = 0; r < events.instrument.length; r++) events.instrument[r] = index.get(events.instrument[r]!)!;
  return { events, anomalies: books.anomalies, notices: books.notices };
}
