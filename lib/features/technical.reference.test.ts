/**
 * Technical indicators against technicalindicators 3.1 on the real GOOG daily file (2148 bars, 2004-2013).
 * technicalindicators returns shorter arrays (no warm-up entries): they are aligned to the end of ours, and our
 * warm-up must be exactly the missing prefix, all NaN. Tolerance 1e-9 relative (plus 1e-9 absolute near zero).
 */
import { readFileSync } from "node:fs";
import * as ti from "technicalindicators";
import { describe, expect, it } from "vitest";
import { datasetPath } from "../data/index.js";
import { atr, bollinger, ema, macd, obv, rsi, sma, stochastic, wma } from "./index.js";

const rows = readFileSync(datasetPath("goog_daily.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(","));
const open = Float64Array.from(rows, (r) => Number(r[1]));
const high = Float64Array.from(rows, (r) => Number(r[2]));
const low = Float64Array.from(rows, (r) => Number(r[3]));
const close = Float64Array.from(rows, (r) => Number(r[4]));
const volume = Float64Array.from(rows, (r) => Number(r[5]));
const closes = Array.from(close);

/** Ours (full length, NaN warm-up) against theirs (shorter, aligned to the end). */
function expectAligned(ours: Float64Array, theirs: ArrayLike<number | undefined>, warmup: number, tol = 1e-9): void {
  expect(theirs.length).toBe(ours.length - warmup);
  for (let i = 0; i < warmup; i++) expect(ours[i]).toBeNaN();
  let worst = 0;
  for (let j = 0; j < theirs.length; j++) {
    const a = ours[warmup + j]!;
    const b = theirs[j]!;
    expect(Number.isFinite(a)).toBe(true);
    const err = Math.abs(a - (b as number)) / Math.max(Math.abs(b as number), 1);
    worst = Math.max(worst, err);
  }
  expect(worst).toBeLessThanOrEqual(tol);
}

describe("technical indicators match technicalindicators on GOOG daily", () => {
  it("has the whole file", () => {
    expect(close.length).toBe(2148);
    expect(open[0]).toBe(100);
  });

  for (const period of [1, 5, 20, 200]) {
    it(`SMA(${period}): first ${period - 1} NaN, then equal`, () => {
      expectAligned(sma(close, period), ti.SMA.calculate({ period, values: closes }), period - 1);
    });
    it(`EMA(${period}): SMA-seeded at index ${period - 1}, then equal`, () => {
      expectAligned(ema(close, period), ti.EMA.calculate({ period, values: closes }), period - 1);
    });
    it(`WMA(${period})`, () => {
      expectAligned(wma(close, period), ti.WMA.calculate({ period, values: closes }), period - 1);
    });
  }

  for (const period of [2, 14, 30]) {
    it(`RSI(${period}): first ${period} NaN; equal to technicalindicators' average gain/loss, and to its RSI after rounding to 2 decimals`, () => {
      const ours = rsi(close, period);
      // technicalindicators rounds its RSI to 2 decimals (parseFloat(x.toFixed(2))): compare our values rounded the same way.
      const rounded = ours.map((v) => (Number.isNaN(v) ? v : parseFloat(v.toFixed(2))));
      expectAligned(rounded, ti.RSI.calculate({ period, values: closes }), period);
      // Unrounded: rebuild RSI from technicalindicators' own (unrounded) AverageGain / AverageLoss.
      const g = ti.AverageGain.calculate({ period, values: closes });
      const l = ti.AverageLoss.calculate({ period, values: closes });
      const theirs = g.map((ag, j) => (l[j] === 0 ? 100 : ag === 0 ? 0 : 100 - 100 / (1 + ag / l[j]!)));
      expectAligned(ours, theirs, period);
    });
  }

  it("MACD(12, 26, 9) with EMAs: macd from index 25, signal and histogram from index 33", () => {
    const ours = macd(close, { fast: 12, slow: 26, signal: 9 });
    const theirs = ti.MACD.calculate({ values: closes, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false });
    expectAligned(ours.macd, theirs.map((r) => r.MACD), 25);
    const withSignal = theirs.filter((r) => r.signal !== undefined);
    expectAligned(ours.signal, withSignal.map((r) => r.signal), 33);
    expectAligned(ours.histogram, withSignal.map((r) => r.histogram), 33);
  });

  it("Bollinger bands (20, 2): population std, first 19 NaN", () => {
    const ours = bollinger(close, { window: 20, k: 2 });
    const theirs = ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: closes });
    expectAligned(ours.middle, theirs.map((r) => r.middle), 19);
    expectAligned(ours.upper, theirs.map((r) => r.upper), 19);
    expectAligned(ours.lower, theirs.map((r) => r.lower), 19);
    expectAligned(ours.pb, theirs.map((r) => r.pb), 19, 1e-7); // %B divides by a band width: compared to 1e-7
  });

  for (const period of [1, 14]) {
    it(`ATR(${period}): first ${period} NaN (bar 0 has no true range)`, () => {
      const theirs = ti.ATR.calculate({ period, high: Array.from(high), low: Array.from(low), close: closes });
      expectAligned(atr({ high, low, close }, period), theirs, period);
    });
  }

  it("Stochastic (14, 3): %K from index 13, %D from index 15", () => {
    const ours = stochastic({ high, low, close }, { window: 14, signal: 3 });
    const theirs = ti.Stochastic.calculate({ period: 14, signalPeriod: 3, high: Array.from(high), low: Array.from(low), close: closes });
    expectAligned(ours.k, theirs.map((r) => r.k), 13);
    const withD = theirs.filter((r) => r.d !== undefined);
    expectAligned(ours.d, withD.map((r) => r.d), 15);
  });

  it("OBV: ours starts at 0 on bar 0; technicalindicators starts at bar 1 with the same values", () => {
    const ours = obv(close, volume);
    expect(ours[0]).toBe(0);
    const theirs = ti.OBV.calculate({ close: closes, volume: Array.from(volume) });
    expectAligned(ours.subarray(1), theirs, 0);
  });
});
