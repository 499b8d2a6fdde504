import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Backtest, constantLatency, marketEvents, powerProbQueue, syntheticMarketEvents, type EventRow } from "../backtest/index.js";
import { mulberry32 } from "../util/prng.js";
import { fitArrivalIntensity } from "./arrival-intensity.js";
import { avellanedaStoikov, avellanedaStoikovConfig, avellanedaStoikovQuote } from "./avellaneda-stoikov.js";

describe("avellanedaStoikovQuote (A-S 2008, eqs. 29-30)", () => {
  it("matches the formulas worked by hand", () => {
    // gamma 0.1, sigma 2 ticks/sqrt(s), tau 1 s, kappa 1.5/tick: gamma sigma^2 tau = 0.4;
    // (2 / 0.1) ln(1 + 0.1 / 1.5) = 20 ln(16/15) = 1.2907704227514...
    const flat = avellanedaStoikovQuote({ mid: 1000, q: 0, gamma: 0.1, kappa: 1.5, sigma: 2, tau: 1 });
    expect(flat.reservation).toBe(1000);
    expect(flat.spread).toBeCloseTo(0.4 + 1.2907704227514, 9);
    expect(flat.bid).toBeCloseTo(1000 - 0.8453852113757, 9);
    expect(flat.ask).toBeCloseTo(1000 + 0.8453852113757, 9);
    // Long 3 quote sizes: the reservation price moves down by q gamma sigma^2 tau = 1.2 ticks; the spread does not.
    const long = avellanedaStoikovQuote({ mid: 1000, q: 3, gamma: 0.1, kappa: 1.5, sigma: 2, tau: 1 });
    expect(long.reservation).toBeCloseTo(998.8, 12);
    expect(long.spread).toBeCloseTo(flat.spread, 12);
  });

  it("tends to the risk-neutral spread 2/kappa as gamma -> 0, and skews against inventory", () => {
    const q0 = avellanedaStoikovQuote({ mid: 0, q: 0, gamma: 1e-9, kappa: 0.8, sigma: 5, tau: 10 });
    expect(q0.spread).toBeCloseTo(2 / 0.8, 6);
    fc.assert(
      fc.property(
        fc.double({ min: 1e-4, max: 10, noNaN: true }),
        fc.double({ min: 1e-3, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.integer({ min: -20, max: 20 }),
        (gamma, kappa, sigma, tau, q) => {
          const a = avellanedaStoikovQuote({ mid: 500, q, gamma, kappa, sigma, tau });
          const b = avellanedaStoikovQuote({ mid: 500, q: q + 1, gamma, kappa, sigma, tau });
          // One more unit of inventory lowers both quotes by gamma sigma^2 tau; the spread is positive. Tolerances
          // are relative to the magnitudes subtracted (quotes reach ~1e7 ticks here: an ulp there is ~1e-9).
          const scale = Math.max(1, Math.abs(a.reservation), Math.abs(b.reservation), a.spread);
          expect(Math.abs(a.reservation - b.reservation - gamma * sigma * sigma * tau)).toBeLessThanOrEqual(1e-13 * scale);
          expect(a.spread).toBeGreaterThan(0);
          expect(Math.abs(a.ask - a.bid - a.spread)).toBeLessThanOrEqual(1e-13 * scale);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it("rejects bad parameters with the parameter named", () => {
    expect(() => avellanedaStoikovConfig({ gamma: 0, kappa: 1 })).toThrow(/gamma is 0, expected a positive finite number/);
    expect(() => avellanedaStoikovConfig({ gamma: 1, kappa: 1, qty: 1.5 })).toThrow(/qty is 1.5/);
    expect(() => avellanedaStoikovConfig({ gamma: 1, kappa: 1, stepNs: 100 as unknown as bigint })).toThrow(/stepNs is 100, expected a positive bigint/);
    expect(() => avellanedaStoikovConfig({ gamma: 1, kappa: 1, colour: 1 } as never)).toThrow(/unknown key 'colour'/);
  });
});

describe("fitArrivalIntensity", () => {
  // A constant book (bid 100, ask 101: mid 100.5) and one buy and one sell per 1 s window whose depth beyond the
  // mid is 0.5 + G, G geometric with P(G >= j) = exp(-kappa j): at the integer depths k, lambda(k) =
  // P(0.5 + G >= k) = exp(-kappa k) per window, so the fit must return kappa and A = 1 per second.
  function geometricTrades(kappa: number, windows: number, seed: number, gapEvery = 0): EventRow[] {
    const rnd = mulberry32(seed);
    const rows: EventRow[] = [
      { ts: 0, kind: "DEPTH_SNAPSHOT", side: 1, price: 100, qty: 1000 },
      { ts: 0, kind: "DEPTH_SNAPSHOT", side: -1, price: 101, qty: 1000 },
    ];
    const g = () => Math.floor(-Math.log(1 - rnd()) / kappa);
    for (let w = 0; w < windows; w++) {
      if (gapEvery && w % gapEvery === gapEvery - 1) continue; // a window with no trade at all
      const t = BigInt(w) * 1_000_000_000n + 1_000n;
      rows.push({ ts: t, kind: "TRADE", side: 1, price: 101 + g(), qty: 1 });
      rows.push({ ts: t + 1n, kind: "TRADE", side: -1, price: 100 - g(), qty: 1 });
    }
    return rows;
  }

  it("recovers kappa and A from trades drawn with a known exponential intensity", () => {
    const ev = marketEvents(geometricTrades(0.5, 20_000, 7));
    const fit = fitArrivalIntensity(ev, { stepTicks: 1, maxDepthTicks: 8 });
    expect(fit.windows).toBe(20_000);
    expect(fit.trades).toBe(40_000);
    expect(fit.kappa).toBeCloseTo(0.5, 1);
    expect(Math.abs(fit.kappa - 0.5) / 0.5).toBeLessThan(0.03);
    expect(Math.abs(fit.A - 1)).toBeLessThan(0.05);
    expect(fit.r2).toBeGreaterThan(0.99);
  });

  it("counts windows with no trade, lowering A but not kappa", () => {
    // Every 4th window empty: intensities are 3/4 of the above (20,001 windows, so the last one has trades).
    const ev = marketEvents(geometricTrades(0.5, 20_001, 7, 4));
    const fit = fitArrivalIntensity(ev, { stepTicks: 1, maxDepthTicks: 8 });
    expect(fit.windows).toBe(20_001);
    expect(Math.abs(fit.kappa - 0.5) / 0.5).toBeLessThan(0.03);
    expect(Math.abs(fit.A - 0.75)).toBeLessThan(0.05);
  });

  it("says what is missing when there is nothing to fit", () => {
    expect(() => fitArrivalIntensity(marketEvents([{ ts: 0, kind: "TRADE", side: 1, price: 1, qty: 1 }]))).toThrow(/no window with a two-sided book/);
  });
});

describe("the avellanedaStoikov strategy on a replay", () => {
  const ev = syntheticMarketEvents({ events: 60_000, seed: 11, levels: 8, levelQty: 6, tradeProb: 0.3 });
  const bt = Backtest.builder().data(ev).latency(constantLatency({ entryNs: 300_000, responseNs: 300_000 })).queue(powerProbQueue(2)).build();
  const base = { kappa: 0.5, sigmaHalfLifeNs: 2_000_000_000n, warmupNs: 1_000_000_000n, horizonNs: 1_000_000_000n, qty: 1, maxPosition: 5, stepNs: 50_000_000n };

  it("quotes post-only, stays within its position limit and fills", async () => {
    const r = await bt.run(avellanedaStoikov, { ...base, gamma: 0.05 });
    const s = r.summary;
    expect(s.fills).toBeGreaterThan(20);
    expect(s.takerFills).toBe(0);
    expect(s.inventory[0]!.maxAbs).toBeLessThanOrEqual(5);
    // Every order either rested or was refused as post-only; none traded as a taker.
    const kinds = new Set(r.orders.array("event") as string[]);
    expect(kinds.has("submit")).toBe(true);
  });

  it("holds less inventory the more risk-averse it is", async () => {
    const loose = await bt.run(avellanedaStoikov, { ...base, gamma: 1e-4 });
    const tight = await bt.run(avellanedaStoikov, { ...base, gamma: 0.5 });
    expect(tight.summary.inventory[0]!.meanAbs).toBeLessThan(loose.summary.inventory[0]!.meanAbs);
  });

  it("gives the same fills for the same seed", async () => {
    const a = await bt.run(avellanedaStoikov, { ...base, gamma: 0.05 });
    const b = await bt.run(avellanedaStoikov, { ...base, gamma: 0.05 });
    expect(a.fills.objects()).toEqual(b.fills.objects());
  });
});
