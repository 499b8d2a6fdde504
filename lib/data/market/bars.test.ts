import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { datasetPath } from "../datasets.js";
import { loadBars, parseBarTime } from "./bars.js";

const tmp = mkdtempSync(path.join(tmpdir(), "omq-bars-"));
/** Naive reading for comparison: split, Number, Date.parse (ms precision, UTC). */
const naive = (text: string) =>
  text
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(","));

describe("loadBars", () => {
  it("reads backtesting.py's GOOG daily bars (unnamed date column) into ns times and float columns", async () => {
    const file = datasetPath("goog_daily.csv");
    const bars = await loadBars(file);
    const rows = naive(readFileSync(file, "utf8"));
    expect(bars.ts.length).toBe(2148);
    expect([bars.open[0], bars.high[0], bars.low[0], bars.close[0], bars.volume[0]]).toEqual([100, 104.06, 95.96, 100.34, 22351900]);
    expect(bars.ts[0]).toBe(BigInt(Date.UTC(2004, 7, 19)) * 1_000_000n);
    expect(bars.ts.at(-1)).toBe(BigInt(Date.UTC(2013, 2, 1)) * 1_000_000n);
    rows.forEach((r, i) => {
      if (bars.ts[i] !== BigInt(Date.parse(`${r[0]}T00:00:00Z`)) * 1_000_000n || bars.close[i] !== Number(r[4]) || bars.volume[i] !== Number(r[5])) {
        expect({ i, ts: bars.ts[i], close: bars.close[i] }).toEqual({ i, ts: BigInt(Date.parse(`${r[0]}T00:00:00Z`)) * 1_000_000n, close: Number(r[4]) });
      }
    });
  });

  it("reads EURUSD hourly bars and CME 1-minute bars from gzip", async () => {
    const eur = await loadBars(datasetPath("bars/backtestingpy_EURUSD_1h_2017_2018.csv"));
    expect(eur.ts.length).toBe(5000);
    expect(eur.ts[0]).toBe(BigInt(Date.UTC(2017, 3, 19, 9)) * 1_000_000n);
    expect(eur.ts.at(-1)).toBe(BigInt(Date.UTC(2018, 1, 7, 15)) * 1_000_000n);
    const cmeFile = datasetPath("bars/nautilus_6EH4.XCME_1min_bars_20240101_20240131.csv.gz");
    const cme = await loadBars(cmeFile);
    const rows = naive(gunzipSync(readFileSync(cmeFile)).toString("utf8"));
    expect(cme.ts.length).toBe(29996);
    expect(rows.length).toBe(29996);
    let bad = 0;
    rows.forEach((r, i) => {
      const ok =
        cme.ts[i] === BigInt(Date.parse(`${r[0]!.replace(" ", "T")}Z`)) * 1_000_000n &&
        cme.open[i] === Number(r[1]) &&
        cme.high[i] === Number(r[2]) &&
        cme.low[i] === Number(r[3]) &&
        cme.close[i] === Number(r[4]) &&
        cme.volume[i] === Number(r[5]);
      if (!ok) bad++;
    });
    expect(bad).toBe(0);
    // one-minute steps inside a session
    expect(cme.ts[1]! - cme.ts[0]!).toBe(60_000_000_000n);
  });

  it("reads ISO date-times with fractions and offsets exactly, and integer epochs in any unit", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("1980-01-01"), max: new Date("2200-01-01"), noInvalidDate: true }), fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: -14 * 60, max: 14 * 60 }), (d, subMs, offMin) => {
        const iso = d.toISOString(); // ...THH:MM:SS.mmmZ
        const ns = BigInt(d.getTime()) * 1_000_000n + BigInt(subMs);
        const text = `${iso.slice(0, 23)}${String(subMs).padStart(6, "0")}Z`;
        expect(parseBarTime(text)).toBe(ns);
        // the same instant written in another offset
        const local = new Date(d.getTime() + offMin * 60_000).toISOString();
        const sign = offMin < 0 ? "-" : "+";
        const off = `${sign}${String(Math.floor(Math.abs(offMin) / 60)).padStart(2, "0")}:${String(Math.abs(offMin) % 60).padStart(2, "0")}`;
        expect(parseBarTime(`${local.slice(0, 10)} ${local.slice(11, 23)}${String(subMs).padStart(6, "0")}${off}`)).toBe(ns);
        const secs = BigInt(Math.floor(d.getTime() / 1000));
        expect(parseBarTime(String(secs))).toBe(secs * 1_000_000_000n);
        expect(parseBarTime(String(d.getTime()))).toBe(BigInt(d.getTime()) * 1_000_000n);
        expect(parseBarTime(String(ns))).toBe(ns);
      }),
      { numRuns: 500 },
    );
    expect(parseBarTime("2012-02-01 00:00:00+00:00")).toBe(BigInt(Date.UTC(2012, 1, 1)) * 1_000_000n);
    expect(parseBarTime("2021-02-30")).toBe("is not a valid calendar date");
    expect(parseBarTime("yesterday")).toBe("is not a date, a date-time or an integer time");
  });

  it("gives NaN volumes without a volume column, and names file, line and column of bad rows", async () => {
    const write = (name: string, text: string) => {
      const f = path.join(tmp, name);
      writeFileSync(f, text);
      return f;
    };
    const noVol = await loadBars(write("fx.csv", "timestamp,open,high,low,close\n2012-02-01 00:00:00+00:00,1.5,1.6,1.4,1.55\n2012-02-01 00:01:00+00:00,1.55,1.56,1.5,1.5\n"));
    expect([...noVol.volume]).toEqual([NaN, NaN]);
    let f = write("bad.csv", "date,open,high,low,close,volume\n2020-01-02,1,2,0.5,1.5,10\n2020-01-03,1,2,n/a,1.5,10\n");
    await expect(loadBars(f)).rejects.toThrow(`${f} line 3: low is 'n/a', expected a finite number.`);
    f = write("order.csv", "date,open,high,low,close\n2020-01-03,1,2,0.5,1.5\n2020-01-02,1,2,0.5,1.5\n");
    await expect(loadBars(f)).rejects.toThrow(`${f} line 3: the time '2020-01-02' is not after the previous row's, expected strictly increasing times.`);
    f = write("ohlc.csv", "date,open,high,low,close\n2020-01-03,1,2,1.2,1.5\n");
    await expect(loadBars(f)).rejects.toThrow(`${f} line 2: the bar is inconsistent (open 1, high 2, low 1.2, close 1.5), expected low <= open, close <= high.`);
    expect((await loadBars(f, { checkOhlc: false })).low[0]).toBe(1.2);
    f = write("nohigh.csv", "date,open,low,close\n2020-01-03,1,1.2,1.5\n");
    await expect(loadBars(f)).rejects.toThrow(`${f} line 1: the header has no 'high' column`);
  });
});
