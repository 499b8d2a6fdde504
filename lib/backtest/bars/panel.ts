/**
 * Reads a `BarInput` (a BarPanel, a wide Arquero table of closes, or a { tickers, rows, dates } matrix) into
 * column-major Float64Arrays with defaults filled in and checked: the form the engine and the walk-forward use.
 */
import type { ColumnTable } from "arquero";
import { toColumns, type WideMatrix } from "../../portfolio/inputs.js";
import { contextError } from "../../util/errors.js";
import type { BarInput, BarPanel } from "./types.js";

/** A checked panel: every array has length `length`; `open/high/low` are filled where the close exists. */
export interface Panel {
  symbols: string[];
  dates: Date[];
  /** Bar time, ns since the epoch (the date at 00:00 UTC). */
  ts: BigInt64Array;
  length: number;
  open: Float64Array[];
  high: Float64Array[];
  low: Float64Array[];
  close: Float64Array[];
  volume: Float64Array[];
}

function isTable(x: unknown): x is ColumnTable {
  return typeof x === "object" && x !== null && typeof (x as ColumnTable).columnNames === "function";
}

function isPanel(x: unknown): x is BarPanel {
  return typeof x === "object" && x !== null && Array.isArray((x as BarPanel).symbols) && Array.isArray((x as BarPanel).close);
}

/** A date as a JS Date (UTC): Date, "YYYY-MM-DD..." string, or epoch milliseconds. */
export function toDate(d: Date | string | number, where: string): Date {
  const out = d instanceof Date ? d : typeof d === "number" ? new Date(d) : typeof d === "string" ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(d) ? `${d}T00:00:00Z` : d) : new Date(NaN);
  if (Number.isNaN(out.getTime())) throw contextError({ where, what: "a date is not a date", expected: "a Date, 'YYYY-MM-DD' or epoch milliseconds", found: JSON.stringify(d) });
  return out;
}

function column(src: ArrayLike<number> | undefined, length: number, where: string): Float64Array | undefined {
  if (src === undefined) return undefined;
  if (src === null || typeof src !== "object" || typeof src.length !== "number") {
    throw contextError({ where, what: "the column is not an array of numbers", found: String(src) });
  }
  if (src.length !== length) throw contextError({ where, what: "the column has the wrong length", expected: `${length} (one value per date)`, found: String(src.length) });
  const out = new Float64Array(length);
  for (let t = 0; t < length; t++) {
    const v = src[t] as unknown;
    out[t] = v === null || v === undefined ? NaN : (v as number);
    if (typeof out[t] !== "number") throw contextError({ where: `${where} row ${t + 1}`, what: "a value is not a number", found: JSON.stringify(v) });
  }
  return out;
}

function cellWhere(where: string, symbol: string, date: Date): string {
  return `${where}, symbol '${symbol}' on ${date.toISOString().slice(0, 10)}`;
}

/** Normalises and checks bars; `where` prefixes error messages. */
export function toPanel(input: BarInput, where = "bars"): Panel {
  let symbols: string[];
  let rawDates: ReadonlyArray<Date | string | number>;
  let close: Float64Array[];
  let open: (Float64Array | undefined)[];
  let high: (Float64Array | undefined)[];
  let low: (Float64Array | undefined)[];
  let volume: (Float64Array | undefined)[];

  if (isPanel(input) && !isTable(input)) {
    symbols = [...input.symbols].map(String);
    if (symbols.length === 0) throw contextError({ where, what: "there are no symbols", expected: "at least one instrument" });
    if (new Set(symbols).size !== symbols.length) throw contextError({ where, what: "symbols are repeated", found: JSON.stringify(symbols) });
    if (!Array.isArray(input.dates)) throw contextError({ where, what: "'dates' is missing", expected: "an array of dates" });
    rawDates = input.dates;
    const T = rawDates.length;
    const field = (name: "open" | "high" | "low" | "close" | "volume") => {
      const cols = input[name];
      if (cols === undefined) return symbols.map(() => undefined);
      if (!Array.isArray(cols) || cols.length !== symbols.length) {
        throw contextError({ where: `${where}.${name}`, what: "the field must have one column per symbol", expected: String(symbols.length), found: Array.isArray(cols) ? String(cols.length) : typeof cols });
      }
      return cols.map((c, i) => column(c, T, `${where}.${name}['${symbols[i]}']`));
    };
    close = field("close") as Float64Array[];
    open = field("open");
    high = field("high");
    low = field("low");
    volume = field("volume");
  } else {
    const cols = toColumns(input as ColumnTable | WideMatrix, where);
    if (cols.dates === undefined) throw contextError({ where, what: "the prices have no dates", expected: "a 'date' column (or 'dates' on a { tickers, rows } matrix)" });
    symbols = cols.tickers;
    rawDates = cols.dates;
    close = cols.columns;
    open = high = low = volume = symbols.map(() => undefined);
  }

  const length = rawDates.length;
  const dates = rawDates.map((d, t) => toDate(d, `${where} row ${t + 1}`));
  const ts = new BigInt64Array(length);
  for (let t = 0; t < length; t++) {
    const ms = dates[t]!.getTime();
    if (t > 0 && !(ms > dates[t - 1]!.getTime())) {
      throw contextError({ where: `${where} row ${t + 1}`, what: "dates are not strictly increasing", expected: `a date after ${dates[t - 1]!.toISOString()}`, found: dates[t]!.toISOString() });
    }
    ts[t] = BigInt(ms) * 1_000_000n;
  }

  const outOpen: Float64Array[] = [];
  const outHigh: Float64Array[] = [];
  const outLow: Float64Array[] = [];
  const outVolume: Float64Array[] = [];
  for (let i = 0; i < symbols.length; i++) {
    const c = close[i]!;
    const o = new Float64Array(length);
    const h = new Float64Array(length);
    const l = new Float64Array(length);
    const v = new Float64Array(length);
    for (let t = 0; t < length; t++) {
      const ct = c[t]!;
      if (!Number.isFinite(ct)) {
        c[t] = o[t] = h[t] = l[t] = NaN;
        continue;
      }
      if (!(ct > 0)) throw contextError({ where: cellWhere(where, symbols[i]!, dates[t]!), what: "the close is not positive", found: String(ct) });
      const ot = open[i]?.[t];
      o[t] = ot !== undefined && Number.isFinite(ot) ? ot : ct;
      if (!(o[t]! > 0)) throw contextError({ where: cellWhere(where, symbols[i]!, dates[t]!), what: "the open is not positive", found: String(o[t]) });
      const ht = high[i]?.[t];
      const lt = low[i]?.[t];
      h[t] = ht !== undefined && Number.isFinite(ht) ? ht : Math.max(o[t]!, ct);
      l[t] = lt !== undefined && Number.isFinite(lt) ? lt : Math.min(o[t]!, ct);
      if (h[t]! < Math.max(o[t]!, ct)) throw contextError({ where: cellWhere(where, symbols[i]!, dates[t]!), what: "the high is below the open or close", expected: `>= ${Math.max(o[t]!, ct)}`, found: String(h[t]) });
      if (l[t]! > Math.min(o[t]!, ct)) throw contextError({ where: cellWhere(where, symbols[i]!, dates[t]!), what: "the low is above the open or close", expected: `<= ${Math.min(o[t]!, ct)}`, found: String(l[t]) });
      const vt = volume[i]?.[t];
      v[t] = vt !== undefined && Number.isFinite(vt) ? vt : 0;
    }
    outOpen.push(o);
    outHigh.push(h);
    outLow.push(l);
    outVolume.push(v);
  }
  return { symbols, dates, ts, length, open: outOpen, high: outHigh, low: outLow, close, volume: outVolume };
}
