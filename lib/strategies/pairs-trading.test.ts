import { describe, expect, it } from "vitest";
import { runBarBacktest } from "../backtest/bars/index.js";
import { loadPrices } from "../data/load-prices.js";
import { mulberry32 } from "../util/prng.js";
import { kalmanHedge } from "../stats/kalman.js";
import { pairsSignals, pairsTrading, pairsWeights, type PairsParams } from "./pairs-trading.js";
import { vectorBacktest } from "../backtest/bars/vector-backtest.js";
import { scanPairs } from "./pair-scan.js";

const DAY = 86_400_000;
const dates = (n: number, from = "2020-01-01") => Array.from({ length: n }, (_, t) => new Date(Date.parse(`${from}T00:00:00Z`) + t * DAY));

/**
 * A hand-built pair: x_t = 50 + 5 sin(t/7), y_t = 10 + 2 x_t + s_t with s_t = +-0.1 alternating and a plateau of +2
 * on bars 30..34. With the exact hedge (alpha 10, beta 2) and a 10-bar z-score, z is about 2.81 at bar 30 (short the
 * spread), stays above 0.5 through bar 34 (1.76, 1.51, 1.06, 1.02) and falls to about -1 at bar 35 (exit).
 */
function handBuilt() {
  const n = 60;
  const x = Float64Array.from({ length: n }, (_, t) => 50 + 5 * Math.sin(t / 7));
  const s = Float64Array.from({ length: n }, (_, t) => (t % 2 === 0 ? 0.1 : -0.1) + (t >= 30 && t <= 34 ? 2 : 0));
  const y = Float64Array.from({ length: n }, (_, t) => 10 + 2 * x[t]! + s[t]!);
  const yOpen = y.map((v) => v + 0.05);
  const xOpen = x.map((v) => v - 0.03);
  return { n, x, y, s, yOpen, xOpen, dates: dates(n) };
}

/** Naive z-score of the last `w` spreads (ddof 1), straight from the definition. */
function naiveZ(s: ArrayLike<number>, t: number, w: number): number {
  const win = Array.from({ length: w }, (_, k) => s[t - w + 1 + k]!);
  const mean = win.reduce((a, b) => a + b, 0) / w;
  const sd = Math.sqrt(win.reduce((a, v) => a + (v - mean) ** 2, 0) / (w - 1));
  return (s[t]! - mean) / sd;
}

const FIXED: PairsParams = { hedge: { method: "fixed", alpha: 10, beta: 2 }, zWindow: 10, entryZ: 2, exitZ: 0.5, notional: 10_000 };

describe("pairs signal on a hand-built pair", () => {
  it("computes z from its definition and enters/exits at the designed bars", () => {
    const d = handBuilt();
    const sig = pairsSignals(d.y, d.x, FIXED);
    for (let t = 0; t < 9; t++) expect(sig.z[t]).toBeNaN();
    for (let t = 9; t < d.n; t++) expect(sig.z[t]!).toBeCloseTo(naiveZ(d.s, t, 10), 9);
    expect(sig.z[30]!).toBeCloseTo(2.8147, 3);
    expect(sig.events.map((e) => [e.bar, e.event])).toEqual([
      [30, "short"],
      [35, "exit"],
    ]);
    const qtyY = Math.floor(10_000 / d.y[30]!);
    for (let t = 0; t < d.n; t++) {
      const inPos = t >= 30 && t < 35;
      expect(sig.position[t]).toBe(inPos ? -1 : 0);
      expect(sig.yLots[t]).toBe(inPos ? -qtyY : 0);
      expect(sig.xLots[t]).toBe(inPos ? Math.round(2 * qtyY) : 0);
    }
  });

  it("trades on the bar engine at the next bar's open, with the designed quantities, fees and cash", async () => {
    const d = handBuilt();
    const res = await runBarBacktest(pairsTrading, FIXED, {
      bars: { dates: d.dates, symbols: ["Y", "X"], close: [d.y, d.x], open: [d.yOpen, d.xOpen] },
      commission: { bps: 5 },
      initialCash: 100_000,
    });
    const fills = res.fills.objects() as { date: Date; symbol: string; side: number; qty: number; price: number; fee: number }[];
    const qtyY = Math.floor(10_000 / d.y[30]!);
    const qtyX = 2 * qtyY;
    const expected = [
      { bar: 31, symbol: "Y", side: -1, qty: qtyY, price: d.yOpen[31]! },
      { bar: 31, symbol: "X", side: 1, qty: qtyX, price: d.xOpen[31]! },
      { bar: 36, symbol: "Y", side: 1, qty: qtyY, price: d.yOpen[36]! },
      { bar: 36, symbol: "X", side: -1, qty: qtyX, price: d.xOpen[36]! },
    ];
    expect(fills.length).toBe(4);
    let cash = 100_000;
    fills.forEach((f, i) => {
      const e = expected[i]!;
      expect(f.date.getTime()).toBe(d.dates[e.bar]!.getTime());
      expect([f.symbol, f.side, f.qty]).toEqual([e.symbol, e.side, e.qty]);
      expect(f.price).toBeCloseTo(e.price, 9);
      expect(f.fee).toBeCloseTo(e.qty * e.price * 5e-4, 6);
      cash -= e.side * e.qty * e.price + e.qty * e.price * 5e-4;
    });
    // Flat at the end: equity is the cash, which reconciles with the fills and fees to the cent.
    expect(res.summary.finalEquity).toBeCloseTo(cash, 2);
    expect(res.trades.numRows()).toBe(2);
  });

  it("stops out beyond stopZ and does not re-enter until |z| falls back inside entryZ", () => {
    const d = handBuilt();
    // A second, larger jump while short (bar 32: +6) drives z past the stop.
    const s = d.s.map((v, t) => v + (t === 32 ? 6 : 0));
    const y = Float64Array.from(d.x, (xv, t) => 10 + 2 * xv + s[t]!);
    const sig = pairsSignals(y, d.x, { ...FIXED, stopZ: 2.5 });
    expect(sig.events[0]).toMatchObject({ bar: 30, event: "short" });
    expect(sig.events[1]).toMatchObject({ bar: 32, event: "stop" });
    expect(naiveZ(s, 32, 10)).toBeGreaterThanOrEqual(2.5);
    // No new short while z stays >= entryZ after the stop (it must first come back inside the band).
    for (const e of sig.events.slice(2)) {
      const back = Array.from({ length: e.bar - 33 }, (_, k) => Math.abs(naiveZ(s, 33 + k, 10)) < 2).some(Boolean);
      expect(back).toBe(true);
    }
  });

  it("closes after maxHoldBars", () => {
    const d = handBuilt();
    const sig = pairsSignals(d.y, d.x, { ...FIXED, maxHoldBars: 2 });
    expect(sig.events.slice(0, 2).map((e) => [e.bar, e.event])).toEqual([
      [30, "short"],
      [32, "timeout"],
    ]);
  });

  it("rejects bad parameters with sentences", () => {
    const d = handBuilt();
    expect(() => pairsSignals(d.y, d.x, { hedge: { method: "fixed", beta: 1 } })).toThrow(/zWindow must be an integer >= 3/);
    expect(() => pairsSignals(d.y, d.x, { ...FIXED, exitZ: 3 })).toThrow(/exitZ must be in \(-entryZ, entryZ\)/);
    expect(() => pairsSignals(d.y, d.x, { ...FIXED, stopZ: 1 })).toThrow(/stopZ must be greater than entryZ/);
    expect(() => pairsSignals(d.y, d.x, { ...FIXED, entry: 2 } as never)).toThrow(/unknown key 'entry'/);
    expect(() => pairsSignals(d.y, d.x, { hedge: { method: "kalman", delta: 2 } })).toThrow(/delta must be in \[0, 1\)/);
  });
});

describe("pairs strategy on real prices (XOM / RRC, daily, 2012-2018)", async () => {
  const prices = await loadPrices({ tickers: ["XOM", "RRC"], start: "2012-01-01" });
  const yv = prices.array("XOM") as Float64Array;
  const xv = prices.array("RRC") as Float64Array;
  const cases: [string, PairsParams][] = [
    ["rolling", { hedge: { method: "rolling", window: 60 }, entryZ: 2, exitZ: 0.5, stopZ: 4 }],
    ["kalman", { hedge: { method: "kalman", delta: 1e-5, obsVar: 2 }, entryZ: 1.5, exitZ: 0 }],
    ["rolling, log prices", { hedge: { method: "rolling", window: 90 }, zWindow: 30, entryZ: 2, exitZ: 0, logPrices: true }],
    ["kalman, spread z, trading from 2013-06-03", { hedge: { method: "kalman", delta: 1e-5, obsVar: 0.3, zscore: "spread" }, zWindow: 40, entryZ: 2, exitZ: 0.5, tradeFrom: "2013-06-03" }],
  ];
  const dates = prices.array("date") as Date[];
  for (const [name, params] of cases) {
    it(`engine positions equal the signal's target lots one bar later (${name})`, async () => {
      const sig = pairsSignals(yv, xv, params, dates);
      expect(sig.events.length).toBeGreaterThan(4);
      if (params.tradeFrom) expect(dates[sig.events[0]!.bar]!.getTime()).toBeGreaterThanOrEqual(Date.parse("2013-06-03"));
      const res = await runBarBacktest(pairsTrading, params, { bars: prices, commission: { bps: 1 } });
      const py = res.positions.array("XOM") as ArrayLike<number>;
      const px = res.positions.array("RRC") as ArrayLike<number>;
      expect(py[0]).toBe(0);
      for (let t = 1; t < yv.length; t++) {
        expect(py[t], `bar ${t}`).toBe(sig.yLots[t - 1]);
        expect(px[t], `bar ${t}`).toBe(sig.xLots[t - 1]);
      }
    });
  }

  it("has no look-ahead: changing prices after bar T changes nothing up to T (signals and engine orders)", async () => {
    const T = 900;
    const y2 = yv.slice();
    const rnd = mulberry32(5);
    for (let t = T + 1; t < y2.length; t++) y2[t] = y2[t]! * (0.5 + rnd());
    for (const [, params] of cases) {
      const a = pairsSignals(yv, xv, params, dates);
      const b = pairsSignals(y2, xv, params, dates);
      expect(Array.from(b.position.subarray(0, T + 1))).toEqual(Array.from(a.position.subarray(0, T + 1)));
      expect(Array.from(b.z.subarray(0, T + 1))).toEqual(Array.from(a.z.subarray(0, T + 1)));
    }
    const params = cases[1]![1];
    const full = await runBarBacktest(pairsTrading, params, { bars: { dates, symbols: ["XOM", "RRC"], close: [yv, xv] } });
    const cut = await runBarBacktest(pairsTrading, params, { bars: { dates, symbols: ["XOM", "RRC"], close: [y2, xv] } });
    const upTo = (r: typeof full) => (r.orders.objects() as { submitted: Date; side: number; qty: number; instrument: number }[]).filter((o) => o.submitted.getTime() <= dates[T]!.getTime());
    expect(upTo(cut)).toEqual(upTo(full));
  });

  it("the Kalman strategy's z-score is the filter's standardised forecast error, or the spread z with its slope", () => {
    const sig = pairsSignals(yv, xv, cases[1]![1]);
    const k = kalmanHedge(yv, xv, { delta: 1e-5, obsVar: 2 });
    for (let t = 0; t < yv.length; t += 50) expect(sig.z[t]).toBe(k.zscore[t]);
    const spreadSig = pairsSignals(yv, xv, cases[3]![1], dates);
    const k2 = kalmanHedge(yv, xv, { delta: 1e-5, obsVar: 0.3 });
    for (let t = 39; t < yv.length; t += 37) {
      const s = Array.from({ length: 40 }, (_, j) => yv[t - 39 + j]! - k2.beta[t]! * xv[t - 39 + j]!);
      expect(spreadSig.beta[t]).toBe(k2.beta[t]);
      expect(spreadSig.z[t]!).toBeCloseTo(naiveZ(s, 39, 40), 9);
    }
  });

  it("pairsWeights: dollar legs at entry scaled to the gross, held and lagged one bar", () => {
    const sig = pairsSignals(yv, xv, cases[0]![1]);
    const [wy, wx] = pairsWeights(sig, yv, xv, { gross: 0.5 });
    let entry = -1;
    for (let t = 0; t + 1 < yv.length; t++) {
      if (sig.yLots[t] !== (t ? sig.yLots[t - 1] : 0)) entry = t;
      if (sig.position[t] === 0) {
        expect(wy[t + 1]).toBe(0);
        expect(wx[t + 1]).toBe(0);
        continue;
      }
      const dy = sig.yLots[t]! * yv[entry]!;
      const dx = sig.xLots[t]! * xv[entry]!;
      expect(wy[t + 1]!).toBeCloseTo((0.5 * dy) / (Math.abs(dy) + Math.abs(dx)), 12);
      expect(wx[t + 1]!).toBeCloseTo((0.5 * dx) / (Math.abs(dy) + Math.abs(dx)), 12);
      expect(Math.sign(wy[t + 1]!)).toBe(sig.position[t]);
    }
  });

  it("the vector path tracks the engine: daily returns agree closely (same positions and timing)", async () => {
    const params = cases[0]![1];
    const sig = pairsSignals(yv, xv, params);
    const res = await runBarBacktest(pairsTrading, params, { bars: prices, initialCash: 1_000_000 });
    // Gross exposure of the engine at entry: ~ (100,000 + hedge leg) / 1,000,000; use the same for the weights.
    const [wy, wx] = pairsWeights(sig, yv, xv, { gross: 0.2 });
    const vec = vectorBacktest([yv, xv], [wy, wx]);
    const eng = res.equity.array("ret") as ArrayLike<number>;
    const a: number[] = [];
    const b: number[] = [];
    for (let t = 1; t < yv.length; t++) if (wy[t] !== 0) (a.push(eng[t]!), b.push(vec.returns[t]!));
    const mean = (v: number[]) => v.reduce((p, q) => p + q, 0) / v.length;
    const ma = mean(a);
    const mb = mean(b);
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    a.forEach((v, i) => ((sab += (v - ma) * (b[i]! - mb)), (saa += (v - ma) ** 2), (sbb += (b[i]! - mb) ** 2)));
    expect(a.length).toBeGreaterThan(100);
    expect(sab / Math.sqrt(saa * sbb)).toBeGreaterThan(0.95);
  });
});

describe("scanPairs", () => {
  function universe(n: number, seed: number) {
    const rnd = mulberry32(seed);
    const g = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    const walks = Array.from({ length: 5 }, () => {
      const w = new Float64Array(n);
      for (let t = 0; t < n; t++) w[t] = (t ? w[t - 1]! : 100) + g();
      return w;
    });
    let s = 0;
    const c = Float64Array.from(walks[0]!, (w) => ((s = 0.7 * s + 0.5 * g()), 20 + 0.5 * w + s));
    const tickers = ["W0", "W1", "W2", "W3", "W4", "C"];
    const cols = [...walks, c];
    return { tickers, cols, dates: dates(n, "2015-01-01") };
  }
  const asMatrix = (u: ReturnType<typeof universe>) => ({ tickers: u.tickers, dates: u.dates, rows: u.dates.map((_, t) => u.cols.map((col) => col[t]!)) });

  it("ranks the cointegrated pair first, with its hedge ratio, among random walks", () => {
    const u = universe(500, 3);
    const scan = scanPairs(asMatrix(u));
    expect(scan.rows.length).toBe(15);
    const top = scan.rows[0]!;
    expect([top.y, top.x].sort()).toEqual(["C", "W0"]);
    expect(top.pValue).toBeLessThan(0.001);
    if (top.y === "C") expect(top.beta).toBeCloseTo(0.5, 1);
    else expect(top.beta).toBeCloseTo(2, 0);
    for (let i = 1; i < scan.rows.length; i++) expect(scan.rows[i]!.pValue).toBeGreaterThanOrEqual(scan.rows[i - 1]!.pValue);
  });

  it("reads only the formation window: data outside it does not change the result; missing prices skip a ticker", () => {
    const u = universe(600, 4);
    const a = scanPairs(asMatrix(u), { start: "2015-03-01", end: "2016-01-31" });
    for (const col of u.cols) {
      for (let t = 0; t < 600; t++) if (u.dates[t]! < new Date("2015-03-01") || u.dates[t]! > new Date("2016-01-31T12:00:00Z")) col[t] = t % 2 ? NaN : 1e6 * Math.random();
    }
    const b = scanPairs(asMatrix(u), { start: "2015-03-01", end: "2016-01-31" });
    expect(b.rows).toEqual(a.rows);
    expect(b.nobs).toBe(337);
    u.cols[2]![100] = NaN;
    expect(scanPairs(asMatrix(u), { start: "2015-03-01", end: "2016-01-31" }).skipped).toEqual(["W2"]);
  });
});
