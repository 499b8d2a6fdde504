/**
 * Differential tests of the native feature kernels (native/src/features) against naive TypeScript references that
 * recompute every output from scratch, with fast-check generating series with NaN gaps. Shared convention checked
 * here: a non-finite input restarts the warm-up ("runs" of finite values are processed independently).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { atr, ema, rollingCorrBeta, rollingVolatility, rollingZscore, rsi, sma, wma } from "../../lib/features/index.js";
import type { VolEstimatorName } from "../../lib/features/index.js";

/** Index where the run of "good" values containing i starts (i itself must be good). */
function runStart(good: (j: number) => boolean, i: number): number {
  let s = i;
  while (s > 0 && good(s - 1)) s--;
  return s;
}

function refSma(x: number[], w: number): number[] {
  return x.map((v, i) => {
    if (!Number.isFinite(v) || i - runStart((j) => Number.isFinite(x[j]!), i) + 1 < w) return NaN;
    let s = 0;
    for (let j = i - w + 1; j <= i; j++) s += x[j]!;
    return s / w;
  });
}

function refWma(x: number[], w: number): number[] {
  return x.map((v, i) => {
    if (!Number.isFinite(v) || i - runStart((j) => Number.isFinite(x[j]!), i) + 1 < w) return NaN;
    let s = 0;
    for (let j = 1; j <= w; j++) s += j * x[i - w + j]!;
    return s / ((w * (w + 1)) / 2);
  });
}

function refEma(x: number[], w: number, alpha = 2 / (w + 1)): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      out.push(NaN);
      continue;
    }
    const k = i - runStart((j) => Number.isFinite(x[j]!), i);
    if (k < w - 1) out.push(NaN);
    else if (k === w - 1) out.push(x.slice(i - w + 1, i + 1).reduce((a, b) => a + b, 0) / w);
    else out.push((x[i]! - out[i - 1]!) * alpha + out[i - 1]!);
  }
  return out;
}

function refRsi(x: number[], w: number): number[] {
  const out: number[] = [];
  let ag = 0, al = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      out.push(NaN);
      continue;
    }
    const k = i - runStart((j) => Number.isFinite(x[j]!), i); // changes available
    if (k < w) {
      out.push(NaN);
      continue;
    }
    if (k === w) {
      ag = al = 0;
      for (let j = i - w + 1; j <= i; j++) {
        const d = x[j]! - x[j - 1]!;
        ag += Math.max(d, 0) / w;
        al += Math.max(-d, 0) / w;
      }
    } else {
      const d = x[i]! - x[i - 1]!;
      ag = (ag * (w - 1) + Math.max(d, 0)) / w;
      al = (al * (w - 1) + Math.max(-d, 0)) / w;
    }
    out.push(al === 0 ? 100 : ag === 0 ? 0 : 100 - 100 / (1 + ag / al));
  }
  return out;
}

function refZscore(x: number[], w: number): number[] {
  return x.map((v, i) => {
    if (i + 1 < w) return NaN;
    const win = x.slice(i - w + 1, i + 1);
    if (!win.every(Number.isFinite)) return NaN;
    const m = win.reduce((a, b) => a + b, 0) / w;
    const sd = Math.sqrt(win.reduce((a, b) => a + (b - m) ** 2, 0) / (w - 1));
    return sd > 0 ? (v - m) / sd : NaN;
  });
}

function refCorrBeta(x: number[], y: number[], w: number): { corr: number[]; beta: number[] } {
  const corr: number[] = [], beta: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const ok = (j: number) => Number.isFinite(x[j]!) && Number.isFinite(y[j]!);
    if (!ok(i) || i - runStart(ok, i) + 1 < w) {
      corr.push(NaN);
      beta.push(NaN);
      continue;
    }
    const xs = x.slice(i - w + 1, i + 1), ys = y.slice(i - w + 1, i + 1);
    const mx = xs.reduce((a, b) => a + b, 0) / w, my = ys.reduce((a, b) => a + b, 0) / w;
    let cxy = 0, cxx = 0, cyy = 0;
    for (let j = 0; j < w; j++) {
      cxy += (xs[j]! - mx) * (ys[j]! - my);
      cxx += (xs[j]! - mx) ** 2;
      cyy += (ys[j]! - my) ** 2;
    }
    corr.push(cxx > 0 && cyy > 0 ? cxy / Math.sqrt(cxx * cyy) : NaN);
    beta.push(cyy > 0 ? cxy / cyy : NaN);
  }
  return { corr, beta };
}

interface Bar { o: number; h: number; l: number; c: number }

function refAtr(bars: Bar[], w: number): number[] {
  const ok = (j: number) => [bars[j]!.h, bars[j]!.l, bars[j]!.c].every(Number.isFinite);
  const out: number[] = [];
  for (let i = 0; i < bars.length; i++) {
    if (!ok(i)) {
      out.push(NaN);
      continue;
    }
    const k = i - runStart(ok, i); // true ranges available
    const tr = (j: number) => Math.max(bars[j]!.h - bars[j]!.l, Math.abs(bars[j]!.h - bars[j - 1]!.c), Math.abs(bars[j]!.l - bars[j - 1]!.c));
    if (k < w) out.push(NaN);
    else if (k === w) {
      let s = 0;
      for (let j = i - w + 1; j <= i; j++) s += tr(j);
      out.push(s / w);
    } else out.push(out[i - 1]! + (tr(i) - out[i - 1]!) / w);
  }
  return out;
}

function refVol(est: VolEstimatorName, bars: Bar[], w: number, ppy: number): number[] {
  const good = (p: number) => Number.isFinite(p) && p > 0;
  const okBar = (j: number) => [bars[j]!.o, bars[j]!.h, bars[j]!.l, bars[j]!.c].every(good);
  const ln = Math.log;
  const rs = (b: Bar) => ln(b.h / b.c) * ln(b.h / b.o) + ln(b.l / b.c) * ln(b.l / b.o);
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const svar = (a: number[]) => {
    const m = mean(a);
    return a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1);
  };
  const scale = ppy > 0 ? Math.sqrt(ppy) : 1;
  return bars.map((_, i) => {
    // Terms of bars j = i-w+1..i; estimators that use the previous close need bars i-w..i.
    const needPrev = est === "close-to-close" || est === "yang-zhang";
    const from = i - w + 1 - (needPrev ? 1 : 0);
    if (from < 0) return NaN;
    for (let j = from; j <= i; j++) {
      if (est === "close-to-close" || (needPrev && j === from) ? !good(bars[j]!.c) : est === "parkinson" ? !(good(bars[j]!.h) && good(bars[j]!.l)) : !okBar(j)) return NaN;
    }
    const win = bars.slice(i - w + 1, i + 1);
    const prevC = (j: number) => bars[i - w + j]!.c; // close before win[j]
    let v: number;
    switch (est) {
      case "close-to-close":
        return Math.sqrt(svar(win.map((b, j) => ln(b.c / prevC(j))))) * scale;
      case "parkinson":
        v = mean(win.map((b) => ln(b.h / b.l) ** 2)) / (4 * Math.LN2);
        break;
      case "garman-klass":
        v = mean(win.map((b) => 0.5 * ln(b.h / b.l) ** 2 - (2 * Math.LN2 - 1) * ln(b.c / b.o) ** 2));
        break;
      case "rogers-satchell":
        v = mean(win.map(rs));
        break;
      case "yang-zhang": {
        const k = 0.34 / (1.34 + (w + 1) / (w - 1));
        v = svar(win.map((b, j) => ln(b.o / prevC(j)))) + k * svar(win.map((b) => ln(b.c / b.o))) + (1 - k) * mean(win.map(rs));
        break;
      }
    }
    return Math.sqrt(Math.max(v, 0)) * scale;
  });
}

function expectClose(ours: ArrayLike<number>, ref: ArrayLike<number>, rel = 1e-9, absScale = 1): void {
  expect(ours.length).toBe(ref.length);
  for (let i = 0; i < ref.length; i++) {
    const a = ours[i]!, b = ref[i]!;
    if (Number.isNaN(b)) {
      if (!Number.isNaN(a)) throw new Error(`index ${i}: expected NaN, found ${a}`);
      continue;
    }
    if (!(Math.abs(a - b) <= rel * Math.abs(b) + 1e-12 * absScale)) throw new Error(`index ${i}: expected ${b}, found ${a}`);
  }
}

// Values on a grid of 1/64 (exact in binary) around a level, with occasional NaN gaps.
const level = fc.constantFrom(0, 100, 1e6);
const series = (minLength = 0) =>
  fc.tuple(level, fc.array(fc.option(fc.integer({ min: -6400, max: 6400 }), { freq: 12, nil: null }), { minLength, maxLength: 120 }))
    .map(([lv, a]) => a.map((v) => (v === null ? NaN : lv + v / 64)));
const windowArb = fc.integer({ min: 1, max: 12 });
const runs = { numRuns: 300 };

describe("native feature kernels agree with naive references (fast-check)", () => {
  it("sma", () => fc.assert(fc.property(series(), windowArb, (x, w) => expectClose(sma(x, w), refSma(x, w), 1e-9, 1e6)), runs));
  it("ema (SMA seed, restart after NaN)", () => fc.assert(fc.property(series(), windowArb, (x, w) => expectClose(ema(x, w), refEma(x, w), 1e-9, 1e6)), runs));
  it("ema with Wilder's alpha", () => fc.assert(fc.property(series(), windowArb, (x, w) => expectClose(ema(x, w, { alpha: 1 / w }), refEma(x, w, 1 / w), 1e-9, 1e6)), runs));
  it("wma", () => fc.assert(fc.property(series(), windowArb, (x, w) => expectClose(wma(x, w), refWma(x, w), 1e-9, 1e6)), runs));
  it("rsi", () => fc.assert(fc.property(series(), windowArb, (x, w) => expectClose(rsi(x, w), refRsi(x, w), 1e-9, 100)), runs));
  it("rolling z-score", () =>
    fc.assert(fc.property(series(), fc.integer({ min: 2, max: 12 }), (x, w) => expectClose(rollingZscore(x, w), refZscore(x, w), 1e-7, 1e3)), runs));
  it("rolling correlation and beta", () =>
    fc.assert(
      fc.property(series(), series(), fc.integer({ min: 2, max: 12 }), (x, y0, w) => {
        const y = x.map((_, i) => y0[i % Math.max(y0.length, 1)] ?? 1);
        const ours = rollingCorrBeta(x, y, w);
        const ref = refCorrBeta(x, y, w);
        expectClose(ours.corr, ref.corr, 1e-7, 1e3);
        expectClose(ours.beta, ref.beta, 1e-7, 1e3);
      }),
      runs,
    ));

  const barsArb = fc
    .array(
      fc.tuple(fc.double({ min: 50, max: 150, noNaN: true }), fc.double({ min: 50, max: 150, noNaN: true }), fc.double({ min: 0, max: 0.05, noNaN: true }), fc.double({ min: 0, max: 0.05, noNaN: true }), fc.integer({ min: 0, max: 15 })),
      { maxLength: 80 },
    )
    .map((a) =>
      a.map(([o, c, u, d, gap]): Bar => {
        const bar = { o, c, h: Math.max(o, c) * (1 + u), l: Math.min(o, c) * (1 - d) };
        return gap === 0 ? { ...bar, c: NaN } : gap === 1 ? { ...bar, h: NaN } : bar;
      }),
    );
  const cols = (bars: Bar[]) => ({
    open: bars.map((b) => b.o),
    high: bars.map((b) => b.h),
    low: bars.map((b) => b.l),
    close: bars.map((b) => b.c),
  });

  it("atr", () => fc.assert(fc.property(barsArb, windowArb, (bars, w) => expectClose(atr(cols(bars), w), refAtr(bars, w), 1e-9, 100)), runs));

  // Tolerance 1e-7 relative plus 1e-9 absolute: a sliding sum leaves rounding residue of ~1e-16 of the terms that
  // passed through the window, and the square root turns a residue of 1e-31 on a zero variance into ~3e-16.
  for (const est of ["close-to-close", "parkinson", "garman-klass", "rogers-satchell", "yang-zhang"] as const) {
    it(`rolling volatility: ${est}`, () =>
      fc.assert(
        fc.property(barsArb, fc.integer({ min: 2, max: 10 }), fc.constantFrom(0, 252), (bars, w, ppy) =>
          expectClose(rollingVolatility(cols(bars), w, { estimator: est, periodsPerYear: ppy }), refVol(est, bars, w, ppy), 1e-7, 1e3),
        ),
        runs,
      ));
  }

  it("long series: sliding sums stay accurate past many re-anchorings (1e9 + noise, 200k points)", () => {
    const n = 200_000;
    const x = new Float64Array(n);
    let s = 1;
    for (let i = 0; i < n; i++) {
      s = (s * 16807) % 2147483647;
      x[i] = 1e9 + s / 2147483647;
    }
    const w = 50;
    const ours = sma(x, w), oursW = wma(x, w);
    for (const i of [w - 1, 4095, 65_537, n - 1]) {
      let sum = 0, ws = 0;
      for (let j = 1; j <= w; j++) {
        sum += x[i - w + j]! - 1e9;
        ws += j * (x[i - w + j]! - 1e9);
      }
      expect(Math.abs(ours[i]! - (1e9 + sum / w))).toBeLessThan(1e-6);
      expect(Math.abs(oursW[i]! - (1e9 + ws / ((w * (w + 1)) / 2)))).toBeLessThan(1e-6);
    }
  });

  it("rejects bad arguments with whole sentences", () => {
    expect(() => sma([1, 2, 3], 0)).toThrow(/window must be an integer >= 1/);
    expect(() => rollingCorrBeta([1, 2], [1], 2)).toThrow(/y has length 1, expected the length of x/);
    expect(() => rollingVolatility({ close: [1, 2] }, 2, { estimator: "parkinson" })).toThrow(/needs bars.high/);
  });
});
