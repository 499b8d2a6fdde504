import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { ColumnTable } from "arquero";
import { loadPrices } from "../data/load-prices.js";
import { EfficientFrontier, sampleCov } from "../portfolio/index.js";
import { mulberry32 } from "../util/prng.js";
import { walkForward, type Optimiser, type TrainingPrices } from "./walk-forward.js";

const TICKERS = ["AAPL", "XOM", "GE", "JPM", "WMT"];
const equalWeight: Optimiser = (train) => train.tickers.map(() => 1 / train.tickers.length);

function columns(prices: ColumnTable) {
  const dates = Array.from(prices.array("date") as ArrayLike<Date>);
  const cols = TICKERS.map((t) => Float64Array.from(prices.array(t) as ArrayLike<number>));
  return { dates, cols };
}

/** Inverse-volatility weights from the training window: depends on every training price. */
const inverseVol: Optimiser = (train: TrainingPrices) => {
  const inv = train.tickers.map((_, i) => {
    const r: number[] = [];
    for (let k = 1; k < train.rows.length; k++) r.push(train.rows[k]![i]! / train.rows[k - 1]![i]! - 1);
    const m = r.reduce((a, b) => a + b, 0) / r.length;
    return 1 / Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / (r.length - 1));
  });
  const s = inv.reduce((a, b) => a + b, 0);
  return inv.map((x) => x / s);
};

describe("walkForward", () => {
  it("with equal weights, zero costs and fills at the close, equals the hand-computed rebalanced series", async () => {
    const prices = await loadPrices({ tickers: TICKERS, start: "2010-01-01", end: "2014-12-31" });
    const { cols } = columns(prices);
    const train = 60;
    const every = 21;
    const res = await walkForward({ prices, trainWindow: train, rebalanceEvery: every, optimiser: equalWeight, fill: "close", initialCash: 1e6 });

    // Hand computation: at a rebalance bar r, holdings h_i = (1/N) * E_r / P_i,r; between rebalances E_t = sum h_i P_i,t.
    const T = cols[0]!.length;
    const expected: number[] = [];
    let h = TICKERS.map(() => 0);
    let cash = 1e6;
    for (let t = train - 1; t < T; t++) {
      const value = cash + h.reduce((s, q, i) => s + q * cols[i]![t]!, 0);
      if ((t - (train - 1)) % every === 0) {
        h = TICKERS.map((_, i) => value / TICKERS.length / cols[i]![t]!);
        cash = 0;
      }
      expected.push(value);
    }
    const equity = Array.from(res.equity.array("equity") as ArrayLike<number>);
    expect(equity).toHaveLength(expected.length);
    equity.forEach((e, k) => expect(Math.abs(e / expected[k]! - 1)).toBeLessThan(1e-8));
    expect(res.summary.rebalances).toBe(Math.ceil((T - (train - 1)) / every));
    expect(res.summary.finalEquity).toBeCloseTo(equity[equity.length - 1]!, 6);
    // Every row of the weights table is the equal-weight target.
    for (const t of TICKERS) expect(new Set(Array.from(res.weights.array(t) as ArrayLike<number>))).toEqual(new Set([0.2]));
    // Turnover (one-way, risky assets only): the first rebalance buys 100% (sum |dw| / 2 = 0.5), later ones trade
    // the drift back.
    const turnover = Array.from(res.rebalances.array("turnover") as ArrayLike<number>);
    expect(turnover[0]).toBeCloseTo(0.5, 12);
    expect(Math.max(...turnover.slice(1))).toBeLessThan(0.2);
  });

  it("with fills at the next open, trades the targets sized at close r on bar r+1 (hand-computed)", async () => {
    const prices = await loadPrices({ tickers: TICKERS, start: "2012-01-01", end: "2013-12-31" });
    const { cols } = columns(prices);
    const train = 40;
    const every = 10;
    const res = await walkForward({ prices, trainWindow: train, rebalanceEvery: every, optimiser: inverseVol, initialCash: 1e6 });
    const targets = TICKERS.map((t) => Array.from(res.weights.array(t) as ArrayLike<number>));
    const T = cols[0]!.length;
    let h = TICKERS.map(() => 0);
    let cash = 1e6;
    let pending: number[] | undefined;
    let k = 0;
    const expected: number[] = [];
    for (let t = 0; t < T; t++) {
      if (pending) {
        // On close-only data the open of bar t is its close.
        cash -= pending.reduce((s, q, i) => s + (q - h[i]!) * cols[i]![t]!, 0);
        h = pending;
        pending = undefined;
      }
      const value = cash + h.reduce((s, q, i) => s + q * cols[i]![t]!, 0);
      if (t >= train - 1 && (t - (train - 1)) % every === 0) {
        if (t < T - 1) pending = TICKERS.map((_, i) => (targets[i]![k]! * value) / cols[i]![t]!);
        k++;
      }
      if (t >= train - 1) expected.push(value);
    }
    const equity = Array.from(res.equity.array("equity") as ArrayLike<number>);
    equity.forEach((e, j) => expect(Math.abs(e / expected[j]! - 1)).toBeLessThan(1e-8));
  });

  it("never looks ahead: perturbing prices after a rebalance leaves that rebalance's weights unchanged", async () => {
    const rnd = mulberry32(11);
    const T = 260;
    const N = 4;
    const base = Array.from({ length: N }, () => {
      let p = 50;
      return Array.from({ length: T }, () => (p *= 1 + (rnd() - 0.5) * 0.04));
    });
    const dates = Array.from({ length: T }, (_, t) => new Date(Date.UTC(2021, 0, 1 + t)));
    const tickers = ["W", "X", "Y", "Z"];
    const run = (cols: number[][]) =>
      walkForward({
        prices: { tickers, dates, rows: dates.map((_, t) => cols.map((c) => c[t]!)) },
        trainWindow: 30,
        rebalanceEvery: 7,
        optimiser: inverseVol,
        costs: { commission: { bps: 5 }, slippage: { bps: 2 } },
      });
    const reference = await run(base);
    const refDates = Array.from(reference.weights.array("date") as ArrayLike<Date>);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: refDates.length - 2 }), fc.integer({ min: 1, max: 1e9 }), async (k, seed) => {
        const cut = dates.findIndex((d) => d.getTime() === refDates[k]!.getTime());
        const noise = mulberry32(seed);
        const perturbed = base.map((c) => c.map((x, t) => (t > cut ? x * (0.5 + noise()) : x)));
        const other = await run(perturbed);
        for (let j = 0; j <= k; j++) {
          for (const t of tickers) expect((other.weights.array(t) as ArrayLike<number>)[j]).toBe((reference.weights.array(t) as ArrayLike<number>)[j]);
        }
        // ...and the data after the cut did change something later on.
        const later = tickers.some((t) => (other.weights.array(t) as ArrayLike<number>)[k + 1] !== (reference.weights.array(t) as ArrayLike<number>)[k + 1]);
        expect(later).toBe(true);
      }),
      { numRuns: 12 },
    );
  });

  it("runs a minimum-volatility optimiser on the bundled prices, with late listings excluded until eligible", async () => {
    // FB lists in 2012 and BABA in 2014: both are NaN before, and must get weight 0 until a full window exists.
    const prices = await loadPrices({ tickers: ["AAPL", "XOM", "GE", "FB", "BABA", "JPM"], start: "2011-06-01", end: "2016-12-31" });
    const seenTickers = new Set<string>();
    const minVol: Optimiser = (train) => {
      for (const row of train.rows) for (const x of row) expect(Number.isFinite(x)).toBe(true);
      train.tickers.forEach((t) => seenTickers.add(t));
      return new EfficientFrontier(null, sampleCov(train)).minVolatility();
    };
    const res = await walkForward({ prices, trainWindow: 252, rebalanceEvery: 63, optimiser: minVol, costs: { commission: { bps: 5 } }, cashBuffer: 0.001 });
    expect(seenTickers).toEqual(new Set(["AAPL", "XOM", "GE", "FB", "BABA", "JPM"]));
    const wDates = Array.from(res.weights.array("date") as ArrayLike<Date>);
    const baba = Array.from(res.weights.array("BABA") as ArrayLike<number>);
    const listed = new Date("2014-09-19").getTime();
    wDates.forEach((d, k) => {
      const sum = ["AAPL", "XOM", "GE", "FB", "BABA", "JPM"].reduce((s, t) => s + (res.weights.array(t) as ArrayLike<number>)[k]!, 0);
      expect(sum).toBeCloseTo(1, 6);
      if (d.getTime() < listed + 250 * 86_400_000) expect(baba[k]).toBe(0);
    });
    expect(res.summary.fees).toBeGreaterThan(0);
    // Targets are sized at close r and bought at the next bar: cash dips below zero only by that day's price moves.
    const cash = Array.from(res.backtest.equity.array("cash") as ArrayLike<number>);
    const eq = Array.from(res.backtest.equity.array("equity") as ArrayLike<number>);
    cash.forEach((c, t) => expect(c).toBeGreaterThan(-0.05 * eq[t]!));
    expect(res.summary.sharpe).toBeGreaterThan(-5);
    expect(Number.isFinite(res.summary.maxDrawdown)).toBe(true);
  });

  it("rejects bad options and bad optimiser output with a sentence", async () => {
    const prices = await loadPrices({ tickers: ["AAPL", "XOM"], start: "2015-01-01", end: "2015-06-30" });
    await expect(walkForward({ prices, trainWindow: 1, rebalanceEvery: 5, optimiser: equalWeight })).rejects.toThrow("walkForward: trainWindow must be an integer >= 2, found 1.");
    await expect(walkForward({ prices, trainWindow: 20, rebalanceEvery: 5, optimiser: () => ({ AAPL: NaN }) })).rejects.toThrow(/walkForward, optimiser weights on 2015-01-30: the weight of 'AAPL' is not a finite number/);
    await expect(walkForward({ prices, trainWindow: 20, rebalanceEvery: 5, optimiser: () => [1] })).rejects.toThrow(/the weight array has the wrong length, expected 2 \(one per eligible ticker\) but found 1/);
  });
});
