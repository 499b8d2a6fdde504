import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { runBarBacktest } from "../backtest/bars/index.js";
import { loadPrices } from "../data/load-prices.js";
import { momentum, momentumSignals, type MomentumParams } from "./momentum.js";

const DAY = 86_400_000;
const dates = (n: number) => Array.from({ length: n }, (_, t) => new Date(Date.UTC(2021, 0, 1) + t * DAY));

/**
 * The original Python `MomentumStrategy._calculate_momentum`, transcribed literally (np.diff(prices) / prices[:-1],
 * np.mean / np.std of returns[:-1], z = 0 when std is 0) as an independent reference.
 */
function seedZ(window: number[]): number {
  const returns = window.slice(1).map((p, i) => (p - window[i]!) / window[i]!);
  const current = returns[returns.length - 1]!;
  const hist = returns.slice(0, -1);
  const mean = hist.reduce((a, b) => a + b, 0) / hist.length;
  const std = Math.sqrt(hist.reduce((a, r) => a + (r - mean) ** 2, 0) / hist.length);
  return std > 0 ? (current - mean) / std : 0;
}

describe("momentum signal", () => {
  it("computes the original's return z-score on any price path", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 200, noNaN: true }), { minLength: 25, maxLength: 60 }), fc.integer({ min: 4, max: 20 }), (closes, lookback) => {
        const sig = momentumSignals(closes, { lookback });
        for (let t = 0; t < closes.length; t++) {
          if (t < lookback - 1) expect(sig.z[t]).toBeNaN();
          else expect(sig.z[t]!).toBeCloseTo(seedZ(closes.slice(t - lookback + 1, t + 1)), 9);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("goes long on a jump, exits the next bar when the return is ordinary, and fills at the next open on the engine", async () => {
    // 1% a day with a +-0.2% wobble, then +8% on bar 25.
    const n = 40;
    const close = new Float64Array(n);
    close[0] = 100;
    for (let t = 1; t < n; t++) close[t] = close[t - 1]! * (1.01 + (t % 2 ? 0.002 : -0.002) + (t === 25 ? 0.07 : 0));
    const open = close.map((c, t) => (t ? close[t - 1]! * 1.001 : c));
    const params: MomentumParams = { lookback: 20, entryZ: 2, exitZ: 0.5, qty: 10, allowShort: false };
    const sig = momentumSignals(close, params);
    expect(sig.events.map((e) => [e.bar, e.event])).toEqual([
      [25, "long"],
      [26, "exit"],
    ]);
    const res = await runBarBacktest(momentum, params, { bars: { dates: dates(n), symbols: ["A"], close: [close], open: [open] } });
    const fills = res.fills.objects() as { date: Date; side: number; qty: number; price: number }[];
    expect(fills.map((f) => [f.date.getTime(), f.side, f.qty])).toEqual([
      [dates(n)[26]!.getTime(), 1, 10],
      [dates(n)[27]!.getTime(), -1, 10],
    ]);
    expect(fills[0]!.price).toBeCloseTo(open[26]!, 9);
    expect(fills[1]!.price).toBeCloseTo(open[27]!, 9);
  });

  it("stops out when the close falls stopLoss below the entry close (price signal, loose exit)", () => {
    // Flat at 100 (+-0.01), a jump to 110 on bar 20, then -1% a day: 110 * 0.99^k < 104.5 first at k = 6 (bar 26).
    const close = Array.from({ length: 35 }, (_, t) => (t < 20 ? 100 + (t % 2 ? 0.01 : -0.01) : 110 * 0.99 ** (t - 20)));
    const sig = momentumSignals(close, { signal: "price", lookback: 10, entryZ: 2, exitZ: -50, stopLoss: 0.05 });
    expect(sig.events.slice(0, 2).map((e) => [e.bar, e.event])).toEqual([
      [20, "long"],
      [26, "stop"],
    ]);
    expect((close[25]! - 110) / 110).toBeGreaterThan(-0.05);
    expect((close[26]! - 110) / 110).toBeLessThan(-0.05);
  });

  it("shorts a crash when allowed and covers when z rises above -exitZ", () => {
    const close = Array.from({ length: 30 }, (_, t) => 100 * 1.001 ** t * (t % 2 ? 1.001 : 0.999) * (t >= 22 ? 0.9 : 1));
    const sig = momentumSignals(close, { lookback: 20 });
    expect(sig.events.slice(0, 2).map((e) => [e.bar, e.event])).toEqual([
      [22, "short"],
      [23, "exit"],
    ]);
    expect(momentumSignals(close, { lookback: 20, allowShort: false }).events).toEqual([]);
  });

  it("engine positions equal the signal's target one bar later on real prices (AAPL), no look-ahead", async () => {
    const prices = await loadPrices({ tickers: ["AAPL"], start: "2010-01-01" });
    const close = prices.array("AAPL") as Float64Array;
    for (const params of [{ lookback: 20 }, { lookback: 30, signal: "price" as const, entryZ: 1.5, exitZ: 0, stopLoss: 0.03 }]) {
      const sig = momentumSignals(close, { ...params, qty: 7 });
      expect(sig.events.length).toBeGreaterThan(10);
      const res = await runBarBacktest(momentum, { ...params, qty: 7 }, { bars: prices });
      const pos = res.positions.array("AAPL") as ArrayLike<number>;
      for (let t = 1; t < close.length; t++) expect(pos[t], `bar ${t}`).toBe(7 * sig.position[t - 1]!);
      const changed = close.map((c, t) => (t > 1000 ? c * 2 : c));
      const sig2 = momentumSignals(changed, { ...params, qty: 7 });
      expect(Array.from(sig2.position.subarray(0, 1001))).toEqual(Array.from(sig.position.subarray(0, 1001)));
    }
  });
});
