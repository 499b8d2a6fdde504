import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { mulberry32 } from "../../util/prng.js";
import { maCrossoverSweep, maCrossoverSweepNaive, maCrossoverSweepSync, maCrossoverSweepTs, type MaSweepResult } from "./ma-crossover-sweep.js";
import { vectorBacktest } from "./vector-backtest.js";

/**
 * Random-walk closes on a 1/64 grid (so window sums are exact in doubles and the kernel's prefix-sum comparison
 * equals comparing rolling means), with NaN before a random listing day and, sometimes, a missing day in the middle.
 */
function randomCloses(seed: number, assets: number, days: number): Float64Array {
  const rnd = mulberry32(seed);
  const out = new Float64Array(assets * days);
  for (let a = 0; a < assets; a++) {
    const listed = rnd() < 0.5 ? 0 : Math.floor(rnd() * days);
    const hole = rnd() < 0.3 ? Math.floor(rnd() * days) : -1;
    let p = 20 + 100 * rnd();
    for (let t = 0; t < days; t++) {
      p = Math.max(1, p * (1 + (rnd() - 0.5) * 0.06));
      out[a * days + t] = t < listed || t === hole ? NaN : Math.round(p * 64) / 64;
    }
  }
  return out;
}

function expectSame(a: MaSweepResult, b: MaSweepResult, digits = 10): void {
  expect(Array.from(a.trades)).toEqual(Array.from(b.trades));
  for (const key of ["totalReturn", "sharpe", "maxDrawdown"] as const) {
    a[key].forEach((x, i) => {
      const y = b[key][i]!;
      if (Number.isFinite(y)) expect(x).toBeCloseTo(y, digits);
      else expect(x).toBe(y);
    });
  }
}

const windows = fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 60 })), { minLength: 1, maxLength: 12 });

describe("maCrossoverSweep (native)", () => {
  it("matches a hand-worked single-asset example", () => {
    // SMA(1) > SMA(2) iff the price rose: positions 0,1,1,1,0,0 from the closes 1,2,3,4,3,2.
    const closes = Float64Array.from([1, 2, 3, 4, 3, 2]);
    const r = maCrossoverSweepSync(closes, 1, Int32Array.from([1]), Int32Array.from([2]));
    // Returns earned: 0, 0, +50% (2 -> 3), +1/3 (3 -> 4), -25% (4 -> 3), 0.
    expect(r.totalReturn[0]).toBeCloseTo(0.5, 14);
    expect(r.maxDrawdown[0]).toBeCloseTo(0.25, 14);
    expect(r.trades[0]).toBe(2);
    const rets = [0, 0, 0.5, 1 / 3, -0.25, 0];
    const mean = rets.reduce((s, x) => s + x, 0) / 6;
    const sd = Math.sqrt(rets.reduce((s, x) => s + (x - mean) ** 2, 0) / 5);
    expect(r.sharpe[0]).toBeCloseTo((mean / sd) * Math.sqrt(252), 12);
    // 10 bps per unit traded, on the two bars the position changes (t = 1 and t = 4).
    const c = maCrossoverSweepSync(closes, 1, Int32Array.from([1]), Int32Array.from([2]), { costBps: 10 });
    expect(c.totalReturn[0]).toBeCloseTo(0.999 * 1.5 * (4 / 3) * (0.75 - 0.001) - 1, 14);
    // Long/short: short while the price falls (t = 4, 5), earning +1/3 on 3 -> 2.
    const ls = maCrossoverSweepSync(closes, 1, Int32Array.from([1]), Int32Array.from([2]), { longShort: true });
    expect(ls.totalReturn[0]).toBeCloseTo(1.5 * (4 / 3) * 0.75 * (1 + 1 / 3) - 1, 14);
    expect(ls.trades[0]).toBe(2); // 0 -> 1, then 1 -> -1 (a flip counts once)
  });

  it("agrees with the naive TypeScript loop on random panels, windows and costs", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 150 }), windows, fc.constantFrom(0, 2.5, 10), fc.boolean(), (seed, assets, days, pairs, costBps, longShort) => {
        const closes = randomCloses(seed, assets, days);
        const fast = Int32Array.from(pairs, (p) => p[0]);
        const slow = Int32Array.from(pairs, (p) => p[1]);
        const opts = { costBps, longShort };
        const native = maCrossoverSweepSync(closes, assets, fast, slow, opts);
        expectSame(native, maCrossoverSweepNaive(closes, assets, fast, slow, opts));
        expectSame(native, maCrossoverSweepTs(closes, assets, fast, slow, opts));
      }),
      { numRuns: 150 },
    );
  });

  it("equals vectorBacktest of the same positions as 1/N sleeves", () => {
    const assets = 4;
    const days = 300;
    const closes = randomCloses(7, assets, days);
    const fast = Int32Array.from([3, 5, 20]);
    const slow = Int32Array.from([10, 50, 60]);
    const swept = maCrossoverSweepSync(closes, assets, fast, slow, { costBps: 5 });
    fast.forEach((f, p) => {
      const cols = Array.from({ length: assets }, (_, a) => closes.subarray(a * days, (a + 1) * days));
      const sma = (x: Float64Array, w: number, t: number) => {
        if (t < w - 1) return NaN;
        let s = 0;
        for (let k = t - w + 1; k <= t; k++) s += x[k]!;
        return s / w;
      };
      const positions = cols.map((x) => Float64Array.from({ length: days }, (_, t) => (sma(x, f, t) > sma(x, slow[p]!, t) ? 1 : 0)));
      const vb = vectorBacktest(cols, positions, { bps: 5 }, { scale: 1 / assets });
      expect(vb.trades).toBe(swept.trades[p]);
      expect(vb.summary.totalReturn).toBeCloseTo(swept.totalReturn[p]!, 12);
      expect(vb.summary.sharpe).toBeCloseTo(swept.sharpe[p]!, 10);
      expect(vb.summary.maxDrawdown).toBeCloseTo(swept.maxDrawdown[p]!, 12);
    });
  });

  it("gives the same results off the JavaScript thread and split over threads", async () => {
    const closes = randomCloses(3, 6, 400);
    const fast = Int32Array.from({ length: 50 }, (_, i) => 2 + (i % 10));
    const slow = Int32Array.from({ length: 50 }, (_, i) => 15 + 3 * i);
    const sync = maCrossoverSweepSync(closes, 6, fast, slow, { costBps: 3 });
    expect(await maCrossoverSweep(closes, 6, fast, slow, { costBps: 3 })).toEqual(sync);
    expect(maCrossoverSweepSync(closes, 6, fast, slow, { costBps: 3, threads: 3 })).toEqual(sync);
  });

  it("returns flat metrics for windows longer than the data and rejects bad input with a sentence", () => {
    const closes = randomCloses(1, 2, 10);
    const r = maCrossoverSweepSync(closes, 2, Int32Array.from([3]), Int32Array.from([11]));
    expect([r.totalReturn[0], r.maxDrawdown[0], r.trades[0]]).toEqual([0, 0, 0]);
    expect(r.sharpe[0]).toBeNaN();
    expect(() => maCrossoverSweepSync(closes, 3, Int32Array.from([1]), Int32Array.from([2]))).toThrow(/assets must be a positive integer dividing closes.length/);
    expect(() => maCrossoverSweepSync(closes, 2, Int32Array.from([0]), Int32Array.from([2]))).toThrow("maCrossoverSweepSync, window pair 0: windows must be >= 1, found (0, 2).");
    const bad = closes.slice();
    bad[13] = -1;
    expect(() => maCrossoverSweepSync(bad, 2, Int32Array.from([1]), Int32Array.from([2]))).toThrow(/closes\[13\] \(asset 1, day 3\) is -1\.0+, expected a positive price or NaN for no bar/);
  });
});

describe("vectorBacktest", () => {
  it("holds weights decided at close t over t -> t+1 and charges costs on changes (hand-worked)", () => {
    const prices = [
      [100, 110, 99, 99],
      [50, 50, 55, 44],
    ];
    const positions = [
      [0.5, 0.5, 0, 0],
      [0.5, 0.5, 1, 1],
    ];
    const r = vectorBacktest(prices, positions, { bps: 10 });
    // t0: buys 100% -> -0.001; t1: 0.5 * 10% + 0.5 * 0%; t2: 0.5 * -10% + 0.5 * 10% - 0.001 * 1; t3: 1 * -20%.
    [-0.001, 0.05, -0.001, -0.2].forEach((x, i) => expect(r.returns[i]).toBeCloseTo(x, 15));
    expect(r.equity[3]).toBeCloseTo(0.999 * 1.05 * 0.999 * 0.8, 15);
    expect(Array.from(r.turnover)).toEqual([1, 0, 1, 0]);
    expect(r.trades).toBe(4);
  });
});
