/**
 * Converter of Tardis.dev CSV datasets (plain or .csv.gz) into MarketEvents. The kind is told from the header:
 * - incremental_book_L2 (`exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount`): `amount` is
 *   the level's new absolute amount (0 deletes it). Rows with is_snapshot=true after a row without (or at the
 *   start) begin a new snapshot: a DEPTH_CLEAR (side 0) and then DEPTH_SNAPSHOT rows; the others are DEPTH rows.
 * - book_snapshot_N (`...,asks[0].price,asks[0].amount,bids[0].price,bids[0].amount,...`): each row replaces the
 *   book: a DEPTH_CLEAR (side 0), then DEPTH_SNAPSHOT rows, bids best first then asks best first (empty cells,
 *   when fewer than N levels exist, are skipped).
 * - trades (`...,id,side,price,amount`): TRADE rows; `side` is the aggressor (buy +1, sell -1, unknown 0).
 * - quotes (`...,ask_amount,ask_price,bid_price,bid_amount`): two BBO rows, bid then ask (empty sides skipped).
 * Timestamps are microseconds since the epoch: exchTs from `timestamp`, localTs from `local_timestamp` (x1000).
 * One instrument per (exchange, symbol), in order of first appearance; the venue is the exchange.
 *
 * Prices and amounts convert exactly to integer ticks and lots. Steps may be given (one for all instruments, or
 * per symbol); by default each instrument's step is 10^-d with d the largest number of significant decimals of its
 * prices (or amounts) in the file: exact, though possibly finer than the venue's real tick (Deribit's BTC-PERPETUAL
 * trades in 0.5 USD ticks; the sample's prices have one decimal, so the inferred tick is 0.1).
 */
import { contextError } from "../../util/errors.js";
import { EventsBuilder } from "./builder.js";
import { decimalScale, parseUnits, scaleOfDigits, scaleValue, significantDecimals, unitsOrNaN, type DecimalScale } from "./decimal.js";
import { EventKind, type InstrumentSpec, type MarketEvents } from "./events.js";
import { forEachLine, type ProgressCallback } from "./lines.js";

export type TardisKind = "incremental_book_L2" | "book_snapshot" | "trades" | "quotes";
type Step = number | string;

export interface TardisOptions {
  /** Price tick: one for every instrument, or per symbol ({ "BTC-PERPETUAL": 0.5 }). Default: inferred. */
  tickSize?: Step | Readonly<Record<string, Step>>;
  /** Amount lot, like tickSize. Default: inferred. */
  lotSize?: Step | Readonly<Record<string, Step>>;
  onProgress?: ProgressCallback;
}

export interface TardisStats {
  kind: TardisKind;
  rows: number;
  /** Snapshots begun (incremental_book_L2 snapshot blocks, or book_snapshot rows). */
  snapshots: number;
  /** Levels emitted as DEPTH or DEPTH_SNAPSHOT rows. */
  levels: number;
  trades: number;
  /** Trades whose side is "unknown" (side 0). */
  unknownSide: number;
  quotes: number;
}

export interface TardisData {
  events: MarketEvents;
  stats: TardisStats;
}

const US = 1000n;

/** Reads one Tardis.dev CSV file (kind told from its header) into MarketEvents. */
export async function loadTardisCsv(file: string, opts: TardisOptions = {}): Promise<TardisData> {
  let header: string[] = [];
  const rows: string[][] = [];
  const lineNos: number[] = [];
  await forEachLine(
    file,
    (line, lineNo) => {
      if (lineNo === 1) {
        header = line.split(",");
        return;
      }
      if (line.length === 0) return;
      rows.push(line.split(","));
      lineNos.push(lineNo);
    },
    opts.onProgress,
  );
  const col = (name: string) => header.indexOf(name);
  const need = (name: string): number => {
    const c = col(name);
    if (c < 0) throw contextError({ where: `${file} line 1`, what: `the header has no '${name}' column`, expected: "a Tardis.dev CSV header", found: `'${header.join(",").slice(0, 80)}'` });
    return c;
  };
  const kind: TardisKind =
    col("is_snapshot") >= 0 ? "incremental_book_L2" : col("asks[0].price") >= 0 ? "book_snapshot" : col("bid_price") >= 0 ? "quotes" : col("id") >= 0 && col("side") >= 0 ? "trades" : fail();
  function fail(): never {
    throw contextError({
      where: `${file} line 1`,
      what: "the header is not one of Tardis's incremental_book_L2, book_snapshot_N, trades or quotes",
      found: `'${header.join(",").slice(0, 80)}'`,
    });
  }
  const cEx = need("exchange");
  const cSym = need("symbol");
  const cTs = need("timestamp");
  const cLocal = need("local_timestamp");

  // Which cells are prices and which amounts, per kind.
  let priceCols: number[] = [];
  let amountCols: number[] = [];
  const snapshotLevels: { bid: [number, number][]; ask: [number, number][] } = { bid: [], ask: [] };
  if (kind === "book_snapshot") {
    for (const s of ["bids", "asks"] as const) {
      for (let l = 0; col(`${s}[${l}].price`) >= 0; l++) {
        const pc = col(`${s}[${l}].price`);
        const ac = need(`${s}[${l}].amount`);
        snapshotLevels[s === "bids" ? "bid" : "ask"].push([pc, ac]);
        priceCols.push(pc);
        amountCols.push(ac);
      }
    }
  } else if (kind === "quotes") {
    priceCols = [need("bid_price"), need("ask_price")];
    amountCols = [need("bid_amount"), need("ask_amount")];
  } else {
    priceCols = [need("price")];
    amountCols = [need("amount")];
  }

  // Instruments and their steps.
  const index = new Map<string, number>();
  const specs: { exchange: string; symbol: string; priceDigits: number; amountDigits: number }[] = [];
  const rowInstrument = new Uint16Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const f = rows[r]!;
    if (f.length !== header.length) {
      throw contextError({ where: `${file} line ${lineNos[r]}`, what: `the row has ${f.length} fields`, expected: `${header.length}, as the header` });
    }
    const key = `${f[cEx]}\u0000${f[cSym]}`;
    let k = index.get(key);
    if (k === undefined) {
      k = specs.length;
      if (k > 0xffff) throw contextError({ where: `${file} line ${lineNos[r]}`, what: "the file has more than 65536 instruments" });
      index.set(key, k);
      specs.push({ exchange: f[cEx]!, symbol: f[cSym]!, priceDigits: 0, amountDigits: 0 });
    }
    rowInstrument[r] = k;
    const s = specs[k]!;
    for (const c of priceCols) if (f[c] !== "") s.priceDigits = Math.max(s.priceDigits, significantDecimals(f[c]!));
    for (const c of amountCols) if (f[c] !== "") s.amountDigits = Math.max(s.amountDigits, significantDecimals(f[c]!));
  }
  const step = (given: TardisOptions["tickSize"], symbol: string, digits: number, what: string): DecimalScale => {
    const v = typeof given === "object" ? given[symbol] : given;
    return v === undefined ? scaleOfDigits(digits) : decimalScale(v, what);
  };
  const ticks = specs.map((s) => step(opts.tickSize, s.symbol, s.priceDigits, "tickSize"));
  const lots = specs.map((s) => step(opts.lotSize, s.symbol, s.amountDigits, "lotSize"));
  const instruments: InstrumentSpec[] = specs.map((s, k) => ({ symbol: s.symbol, tickSize: scaleValue(ticks[k]!), lotSize: scaleValue(lots[k]!), venue: s.exchange }));

  const stats: TardisStats = { kind, rows: rows.length, snapshots: 0, levels: 0, trades: 0, unknownSide: 0, quotes: 0 };
  const b = new EventsBuilder(rows.length * (kind === "book_snapshot" ? priceCols.length + 1 : 2) + 16);
  const inSnapshot = new Uint8Array(specs.length);
  for (let r = 0; r < rows.length; r++) {
    const f = rows[r]!;
    const where = `${file} line ${lineNos[r]}`;
    const k = rowInstrument[r]!;
    const tick = ticks[k]!;
    const lot = lots[k]!;
    const us = (c: number): bigint => {
      const v = unitsOrNaN(f[c]!, 0, 1);
      if (!(v >= 0)) throw contextError({ where, what: `${header[c]} is '${f[c]}'`, expected: "microseconds since the epoch (an integer)" });
      return BigInt(v) * US;
    };
    const num = (c: number, scale: DecimalScale): bigint => {
      const v = unitsOrNaN(f[c]!, scale.digits, scale.divisor);
      return v === v ? BigInt(v) : parseUnits(f[c]!, scale, where, header[c]);
    };
    const exchTs = us(cTs);
    const localTs = us(cLocal);
    if (kind === "incremental_book_L2") {
      const snap = f[col("is_snapshot")];
      if (snap !== "true" && snap !== "false") throw contextError({ where, what: `is_snapshot is '${snap}'`, expected: "true or false" });
      const sideText = f[col("side")];
      const side = sideText === "bid" ? 1 : sideText === "ask" ? -1 : 0;
      if (side === 0) throw contextError({ where, what: `side is '${sideText}'`, expected: "bid or ask" });
      if (snap === "true" && inSnapshot[k] === 0) {
        b.push(exchTs, localTs, EventKind.DEPTH_CLEAR, 0, 0n, 0n, 0n, k);
        stats.snapshots++;
      }
      inSnapshot[k] = snap === "true" ? 1 : 0;
      b.push(exchTs, localTs, snap === "true" ? EventKind.DEPTH_SNAPSHOT : EventKind.DEPTH, side, num(priceCols[0]!, tick), num(amountCols[0]!, lot), 0n, k);
      stats.levels++;
    } else if (kind === "book_snapshot") {
      b.push(exchTs, localTs, EventKind.DEPTH_CLEAR, 0, 0n, 0n, 0n, k);
      stats.snapshots++;
      for (const [side, cols] of [[1, snapshotLevels.bid], [-1, snapshotLevels.ask]] as const) {
        for (const [pc, ac] of cols) {
          if (f[pc] === "" && f[ac] === "") continue;
          b.push(exchTs, localTs, EventKind.DEPTH_SNAPSHOT, side, num(pc, tick), num(ac, lot), 0n, k);
          stats.levels++;
        }
      }
    } else if (kind === "trades") {
      const sideText = f[col("side")];
      const side = sideText === "buy" ? 1 : sideText === "sell" ? -1 : sideText === "unknown" ? 0 : NaN;
      if (Number.isNaN(side)) throw contextError({ where, what: `side is '${sideText}'`, expected: "buy, sell or unknown" });
      if (side === 0) stats.unknownSide++;
      b.push(exchTs, localTs, EventKind.TRADE, side, num(priceCols[0]!, tick), num(amountCols[0]!, lot), 0n, k);
      stats.trades++;
    } else {
      stats.quotes++;
      for (const [side, pc, ac] of [[1, priceCols[0]!, amountCols[0]!], [-1, priceCols[1]!, amountCols[1]!]] as const) {
        if (f[pc] === "") continue;
        b.push(exchTs, localTs, EventKind.BBO, side, num(pc, tick), f[ac] === "" ? 0n : num(ac, lot), 0n, k);
      }
    }
  }
  return { events: b.finish(instruments), stats };
}
