/**
 * OHLCV bars from CSV (plain or gzip) into columns for the bar engine.
 *
 * The header names the columns, in any case and order: open, high, low, close, and optionally volume; the time
 * column is the one named timestamp, timestamp_utc, datetime, date, time or ts, else the first column (backtesting.py
 * files leave its name empty). Times may be:
 * - calendar dates "YYYY-MM-DD" (midnight UTC),
 * - date-times "YYYY-MM-DD HH:MM[:SS[.fraction]]" ('T' also accepted), UTC unless they end with "Z" or an offset
 *   such as "+00:00" / "-05:00", fractions to the nanosecond,
 * - integers since the epoch, in `epochUnit` (default: told from the first value's size: < 1e11 s, < 1e14 ms,
 *   < 1e17 us, else ns).
 * Times must increase strictly from row to row. Every OHLC cell must be a finite number with
 * low <= min(open, close) and high >= max(open, close) (unless `checkOhlc: false`); a file without a volume
 * column gives a volume of NaN on every bar.
 */
import { contextError } from "../../util/errors.js";
import { forEachLine } from "./lines.js";

export interface Bars {
  /** Bar time, ns since the epoch (the time the file gives: backtesting.py and nautilus bars are stamped at their open). */
  ts: BigInt64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  /** NaN on every bar when the file has no volume column. */
  volume: Float64Array;
}

export interface LoadBarsOptions {
  /** Unit of integer times. Default: told from the first value's size. */
  epochUnit?: "s" | "ms" | "us" | "ns";
  /** Check low <= open, close <= high on every row (default true). */
  checkOhlc?: boolean;
}

const TIME_NAMES = ["timestamp", "timestamp_utc", "datetime", "date", "time", "ts"];
const UNIT_NS = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n } as const;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/** Parses one time cell to ns since the epoch, or returns a reason it is not a time. */
export function parseBarTime(text: string, epochUnit?: keyof typeof UNIT_NS): bigint | string {
  const s = text.trim();
  if (/^\d+$/.test(s)) {
    const v = BigInt(s);
    const unit = epochUnit ?? (v < 100_000_000_000n ? "s" : v < 100_000_000_000_000n ? "ms" : v < 100_000_000_000_000_000n ? "us" : "ns");
    return v * UNIT_NS[unit];
  }
  const m = DATE_TIME.exec(s);
  if (m === null) return "is not a date, a date-time or an integer time";
  const y = +m[1]!;
  const mo = +m[2]!;
  const d = +m[3]!;
  const h = m[4] === undefined ? 0 : +m[4];
  const mi = m[5] === undefined ? 0 : +m[5];
  const se = m[6] === undefined ? 0 : +m[6];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return "is not a valid date-time";
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  if (d > 28 && new Date(ms).getUTCDate() !== d) return "is not a valid calendar date";
  const frac = m[7] === undefined ? 0 : Number(m[7].padEnd(9, "0"));
  let ns = BigInt(ms) * 1_000_000n + BigInt(frac);
  const tz = m[8];
  if (tz !== undefined && tz !== "Z") {
    const sign = tz[0] === "-" ? -1n : 1n;
    const digits = tz.slice(1).replace(":", "");
    const offMin = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
    ns -= sign * offMin * 60_000_000_000n;
  }
  return ns;
}

/** Reads OHLCV bars from a CSV file; errors name the file, line and column. */
export async function loadBars(file: string, opts: LoadBarsOptions = {}): Promise<Bars> {
  if (opts.epochUnit !== undefined && !(opts.epochUnit in UNIT_NS)) {
    throw contextError({ where: "loadBars", what: "the option epochUnit is wrong", expected: "'s', 'ms', 'us' or 'ns'", found: `'${String(opts.epochUnit)}'` });
  }
  const check = opts.checkOhlc ?? true;
  let cols: { time: number; open: number; high: number; low: number; close: number; volume: number } | null = null;
  let header: string[] = [];
  const ts: bigint[] = [];
  const o: number[] = [];
  const h: number[] = [];
  const l: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  let unit = opts.epochUnit;
  await forEachLine(file, (line, lineNo) => {
    if (lineNo === 1) {
      header = line.split(",").map((x) => x.trim().toLowerCase().replace(/^"|"$/g, ""));
      const find = (name: string) => header.indexOf(name);
      const need = (name: string) => {
        const k = find(name);
        if (k < 0) throw contextError({ where: `${file} line 1`, what: `the header has no '${name}' column`, expected: "open, high, low, close (and optionally volume) columns", found: `'${line.slice(0, 80)}'` });
        return k;
      };
      const named = TIME_NAMES.map(find).find((k) => k >= 0);
      cols = { time: named ?? 0, open: need("open"), high: need("high"), low: need("low"), close: need("close"), volume: find("volume") };
      return;
    }
    if (line.trim().length === 0) return;
    const k = cols!;
    const where = `${file} line ${lineNo}`;
    const f = line.split(",");
    if (f.length !== header.length) throw contextError({ where, what: `the row has ${f.length} fields`, expected: `${header.length}, as the header` });
    const timeText = f[k.time]!;
    if (unit === undefined && /^\s*\d+\s*$/.test(timeText)) {
      const x = BigInt(timeText.trim());
      unit = x < 100_000_000_000n ? "s" : x < 100_000_000_000_000n ? "ms" : x < 100_000_000_000_000_000n ? "us" : "ns";
    }
    const t = parseBarTime(timeText, unit);
    if (typeof t === "string") throw contextError({ where, what: `the time '${timeText}' ${t}`, expected: "YYYY-MM-DD[ HH:MM[:SS[.fff]]][Z|+HH:MM] or an integer" });
    if (ts.length > 0 && t <= ts[ts.length - 1]!) {
      throw contextError({ where, what: `the time '${timeText}' is not after the previous row's`, expected: "strictly increasing times" });
    }
    const num = (col: number, name: string): number => {
      const text = f[col]!.trim();
      const x = text === "" ? NaN : Number(text);
      if (!Number.isFinite(x)) throw contextError({ where, what: `${name} is '${f[col]}'`, expected: "a finite number" });
      return x;
    };
    const op = num(k.open, "open");
    const hi = num(k.high, "high");
    const lo = num(k.low, "low");
    const cl = num(k.close, "close");
    if (check && !(lo <= Math.min(op, cl) && hi >= Math.max(op, cl))) {
      throw contextError({ where, what: `the bar is inconsistent (open ${op}, high ${hi}, low ${lo}, close ${cl})`, expected: "low <= open, close <= high", hint: "Pass { checkOhlc: false } to load it anyway" });
    }
    ts.push(t);
    o.push(op);
    h.push(hi);
    l.push(lo);
    c.push(cl);
    v.push(k.volume >= 0 ? num(k.volume, "volume") : NaN);
  });
  if (cols === null) throw contextError({ where: file, what: "the file is empty", expected: "a header and rows of OHLCV bars" });
  return {
    ts: BigInt64Array.from(ts),
    open: Float64Array.from(o),
    high: Float64Array.from(h),
    low: Float64Array.from(l),
    close: Float64Array.from(c),
    volume: Float64Array.from(v),
  };
}
