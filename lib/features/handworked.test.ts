/**
 * Hand-worked values for the features technicalindicators does not have. Each expected value is derived in the
 * comment above it from the published formula.
 */
import { describe, expect, it } from "vitest";
import {
  bipowerVariation, bookImbalance, demeanByGroup, forwardReturns, grangerCausality, kyleLambda, microprice, midPrice,
  orderFlowImbalance, rank, realizedVariance, rollingVolatility, spread, tickRuleSigns, tradeSignImbalance,
  transferEntropy, tripleBarrier, vpin, winsorize, zscore, ofiByInterval, rollingZscore, rollingCorrelation, rollingBeta,
  type BookColumns,
} from "./index.js";

const f64 = (a: number[]) => Float64Array.from(a);
const close6 = (a: number, b: number) => expect(a).toBeCloseTo(b, 6);

describe("volatility estimators (hand-worked)", () => {
  // Two identical bars O=100 H=110 L=100 C=105, window 2 (all means are of equal terms):
  const bars = { open: [100, 100], high: [110, 110], low: [100, 100], close: [105, 105] };
  it("Parkinson 1980: sqrt((ln 1.1)^2 / (4 ln 2)) = 0.0953102 / (2 * 0.8325546) = 0.0572396", () => {
    const v = rollingVolatility(bars, 2, { estimator: "parkinson" });
    expect(v[0]).toBeNaN();
    close6(v[1]!, 0.0572396);
  });
  it("Garman-Klass 1980: sqrt(0.5 (ln 1.1)^2 - (2 ln 2 - 1)(ln 1.05)^2) = sqrt(0.00454202 - 0.00091957) = 0.0601868", () => {
    close6(rollingVolatility(bars, 2, { estimator: "garman-klass" })[1]!, 0.0601868);
  });
  it("Rogers-Satchell 1991: sqrt(ln(110/105) ln(110/100) + ln(100/105) ln(100/100)) = sqrt(0.0465200 * 0.0953102) = 0.0665870", () => {
    close6(rollingVolatility(bars, 2, { estimator: "rogers-satchell" })[1]!, 0.066587);
  });
  it("annualisation multiplies by sqrt(periodsPerYear)", () => {
    close6(rollingVolatility(bars, 2, { estimator: "parkinson", periodsPerYear: 252 })[1]!, 0.0572396 * Math.sqrt(252));
  });
  it("close-to-close: closes 100, 110, 99 -> r = 0.0953102, -0.1053605, sample std = 0.1418956", () => {
    const v = rollingVolatility({ close: [100, 110, 99] }, 2);
    expect(v[1]).toBeNaN();
    close6(v[2]!, 0.1418956);
  });
  it("Yang-Zhang 2000 on three bars, window 2", () => {
    // Bars (O,H,L,C): (100,104,99,102), (103,106,101,105), (104,107,100,101).
    // overnight ln(103/102) = 0.0097562, ln(104/105) = -0.0095695 -> V_o = 0.00018674 (ddof 1)
    // open-to-close ln(105/103) = 0.0192314, ln(101/104) = -0.0292704 -> V_c = 0.00117621
    // RS terms 0.00103373, 0.00203136 -> V_rs = 0.00153254; k = 0.34 / (1.34 + 3/1) = 0.0783410
    // sigma = sqrt(0.00018674 + 0.078341 * 0.00117621 + 0.921659 * 0.00153254) = 0.0411263
    const v = rollingVolatility({ open: [100, 103, 104], high: [104, 106, 107], low: [99, 101, 100], close: [102, 105, 101] }, 2, { estimator: "yang-zhang" });
    expect(v[1]).toBeNaN();
    close6(v[2]!, 0.0411263);
  });
});

describe("rolling z-score, correlation, beta (hand-worked)", () => {
  it("z of [1, 2, 3] at the last point: mean 2, sample std 1 -> 1", () => {
    close6(rollingZscore([1, 2, 3], 3)[2]!, 1);
  });
  it("y = 2x + 1 has correlation 1 and beta of y on x 2; constant market -> NaN", () => {
    const x = [1, 3, 2, 5, 4];
    const y = x.map((v) => 2 * v + 1);
    close6(rollingCorrelation(y, x, 3)[4]!, 1);
    close6(rollingBeta(y, x, 3)[4]!, 2);
    expect(rollingBeta(y, [1, 1, 1, 1, 1], 3)[4]).toBeNaN();
  });
});

describe("order book features (hand-worked)", () => {
  // Four book states, best level (bid px, bid size, ask px, ask size), plus a second level:
  //   0: 10.0 x 5 | 11.0 x 7      1: 10.1 x 2 | 11.0 x 7      2: 10.1 x 2 | 10.9 x 4      3: 10.0 x 9 | 10.9 x 4
  const book: BookColumns = {
    bidPrice: [f64([10, 10.1, 10.1, 10]), f64([9.9, 10, 10, 9.9])],
    bidSize: [f64([5, 2, 2, 9]), f64([1, 5, 5, 1])],
    askPrice: [f64([11, 11, 10.9, 10.9]), f64([11.1, 11.1, 11, 11])],
    askSize: [f64([7, 7, 4, 4]), f64([3, 3, 7, 7])],
  };
  it("spread and mid", () => {
    close6(spread(book)[0]!, 1);
    close6(midPrice(book)[2]!, 10.5);
  });
  it("microprice = (Pb Qa + Pa Qb) / (Qb + Qa): state 0 -> (10*7 + 11*5) / 12 = 10.416667", () => {
    close6(microprice(book)[0]!, 125 / 12);
  });
  it("imbalance: level 1 state 0 = (5 - 7)/12; two levels = (5 + 1 - 7 - 3)/16 = -0.25", () => {
    close6(bookImbalance(book, 1)[0]!, -2 / 12);
    close6(bookImbalance(book, 2)[0]!, -0.25);
  });
  it("OFI (Cont, Kukanov & Stoikov 2014): e = [NaN, +2, -4, -2]", () => {
    // 1: bid up -> +qb_1 = +2; ask unchanged -> -qa_1 + qa_0 = 0            => +2
    // 2: bid unchanged -> +2 - 2 = 0; ask down -> -qa_2 = -4                  => -4
    // 3: bid down -> -qb_2 = -2; ask unchanged -> -4 + 4 = 0                  => -2
    const e = orderFlowImbalance(book);
    expect(e[0]).toBeNaN();
    expect(Array.from(e.subarray(1))).toEqual([2, -4, -2]);
    const agg = ofiByInterval([0.1, 0.5, 1.2, 1.7], e, 1);
    expect(Array.from(agg.sum)).toEqual([2, -6]);
    expect(Array.from(agg.last)).toEqual([1, 3]);
  });
});

describe("trade features (hand-worked)", () => {
  it("tick rule: prices 10, 11, 11, 10 -> 0, +1, +1 (zero tick keeps the last sign), -1", () => {
    expect(Array.from(tickRuleSigns([10, 11, 11, 10]))).toEqual([0, 1, 1, -1]);
  });
  it("trade sign imbalance: signs +1 +1 -1, window 3 -> 1/3; volume-weighted with 1, 1, 4 -> (1+1-4)/6", () => {
    close6(tradeSignImbalance([1, 1, -1], 3)[2]!, 1 / 3);
    close6(tradeSignImbalance([1, 1, -1], 3, [1, 1, 4])[2]!, -1 / 3);
  });
  it("VPIN (Easley, López de Prado & O'Hara 2012), V = 10, n = 2", () => {
    // trades (sign, volume): (+,6) (-,8) (+,6) (-,10)
    // bucket 1: 6 buy + 4 sell (trade 1 split) -> |6-4| = 2, completed by trade 1
    // bucket 2: 4 sell + 6 buy -> 2, completed by trade 2 -> VPIN = (2 + 2) / (2 * 10) = 0.2
    // bucket 3: 10 sell -> 10, completed by trade 3 -> VPIN = (2 + 10) / 20 = 0.6
    const r = vpin({ price: [1, 1, 1, 1], volume: [6, 8, 6, 10] }, { bucketVolume: 10, buckets: 2, sign: [1, -1, 1, -1] });
    expect(Array.from(r.bucketEnd)).toEqual([1, 2, 3]);
    expect(r.bucketVpin[0]).toBeNaN();
    close6(r.bucketVpin[1]!, 0.2);
    close6(r.bucketVpin[2]!, 0.6);
    expect(r.perTrade[0]).toBeNaN();
    expect(r.perTrade[1]).toBeNaN();
    close6(r.perTrade[2]!, 0.2);
    close6(r.perTrade[3]!, 0.6);
  });
  it("Kyle's lambda: price changes exactly 0.01 per unit of signed volume -> 0.01", () => {
    const q = [0, 3, -2, 5, 1, -4, 2];
    const price = q.reduce<number[]>((p, v, i) => [...p, i === 0 ? 100 : p[i - 1]! + 0.01 * v], []);
    close6(kyleLambda({ price, volume: q.map(Math.abs), sign: q.map(Math.sign) }, 5)[6]!, 0.01);
  });
  it("realised variance and bipower variation: r = 0.01, -0.02, 0.03", () => {
    // RV = 1e-4 + 4e-4 + 9e-4 = 1.4e-3; BV = pi/2 (0.01*0.02 + 0.02*0.03) = pi/2 * 8e-4 = 1.256637e-3
    close6(realizedVariance([0.01, -0.02, 0.03], 3)[2]!, 1.4e-3);
    close6(bipowerVariation([0.01, -0.02, 0.03], 3)[2]!, (Math.PI / 2) * 8e-4);
  });
});

describe("cross-sectional transforms (hand-worked)", () => {
  it("rank with ties and NaN: [3, 1, NaN, 3] -> [2.5, 1, NaN, 2.5]; pct divides by 3", () => {
    expect(Array.from(rank([3, 1, NaN, 3]))).toEqual([2.5, 1, NaN, 2.5]);
    expect(Array.from(rank([3, 1, NaN, 3], { pct: true }))).toEqual([2.5 / 3, 1 / 3, NaN, 2.5 / 3]);
  });
  it("z-score of [1, 2, 3] (ddof 1) -> [-1, 0, 1]", () => expect(Array.from(zscore([1, 2, 3]))).toEqual([-1, 0, 1]));
  it("winsorise [1..5] at 0.25 / 0.75 (quantiles 2 and 4) -> [2, 2, 3, 4, 4]", () =>
    expect(Array.from(winsorize([1, 2, 3, 4, 5], { lower: 0.25, upper: 0.75 }))).toEqual([2, 2, 3, 4, 4]));
  it("demean by group: [1, 2 | 3, 10] -> [-0.5, 0.5 | -3.5, 3.5]", () =>
    expect(Array.from(demeanByGroup([1, 2, 3, 10], ["a", "a", "b", "b"]))).toEqual([-0.5, 0.5, -3.5, 3.5]));
});

describe("labels (hand-worked)", () => {
  it("forward returns: 100, 110, 99 -> 0.1, -0.1, NaN", () => {
    const r = forwardReturns([100, 110, 99]);
    close6(r[0]!, 0.1);
    close6(r[1]!, -0.1);
    expect(r[2]).toBeNaN();
  });
  it("triple barrier (López de Prado): prices 100 101 103 97 100, width 2%, horizon 3", () => {
    // t0: 101 (+1%), 103 (+3% >= 2%) -> +1 at 2      t1: 103 (+1.98%), 97 (-3.96%) -> -1 at 3
    // t2: 97 (-5.8%) -> -1 at 3                      t3: 100 (+3.09%) -> +1 at 4      t4: no future -> NaN
    const r = tripleBarrier([100, 101, 103, 97, 100], { horizon: 3, width: 0.02 });
    expect(Array.from(r.label)).toEqual([1, -1, -1, 1, NaN]);
    expect(Array.from(r.touch)).toEqual([2, 3, 3, 4, -1]);
    // vertical barrier: with barriers out of reach, label 0 at t + horizon (or the sign with vertical: "sign")
    const v = tripleBarrier([100, 101, 102, 103], { horizon: 2, width: 1, vertical: "sign" });
    expect(Array.from(v.label)).toEqual([1, 1, NaN, NaN]);
    expect(Array.from(tripleBarrier([100, 101, 102, 103], { horizon: 2, width: 1 }).label)).toEqual([0, 0, NaN, NaN]);
  });
});

describe("causality", () => {
  const rand = (() => {
    let s = 12345;
    return () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
  })();
  const n = 500;
  const x = Array.from({ length: n }, rand);
  const y = x.map((_, t) => (t === 0 ? 0 : 0.8 * x[t - 1]!) + 0.1 * rand());

  it("Granger: x (lag 1) drives y -> tiny p-value; y does not drive x -> large p-value", () => {
    const xy = grangerCausality(x, y, 2);
    expect(xy.df1).toBe(2);
    expect(xy.df2).toBe(n - 2 - 2 * 2 - 1);
    expect(xy.pValue).toBeLessThan(1e-12);
    expect(grangerCausality(y, x, 2).pValue).toBeGreaterThan(0.01);
  });

  it("Granger F with one lag equals the closed form from 2x2 / 3x3 normal equations", () => {
    // Restricted: y_t = a + b y_{t-1}: RSS_r = Syy - Sxy^2/Sxx in deviations. Unrestricted via the Frisch-Waugh
    // theorem: regress y_t and x_{t-1} on (1, y_{t-1}), then RSS_u = RSS_r - (e_y . e_x)^2 / (e_x . e_x).
    const yt = y.slice(1), y1 = y.slice(0, -1), x1 = x.slice(0, -1);
    const m = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    const resid = (a: number[], b: number[]) => {
      const ma = m(a), mb = m(b);
      const beta = a.reduce((s, v, i) => s + (v - ma) * (b[i]! - mb), 0) / b.reduce((s, v) => s + (v - mb) ** 2, 0);
      return a.map((v, i) => v - ma - beta * (b[i]! - mb));
    };
    const ey = resid(yt, y1), ex = resid(x1, y1);
    const rssR = ey.reduce((s, v) => s + v * v, 0);
    const exy = ey.reduce((s, v, i) => s + v * ex[i]!, 0), exx = ex.reduce((s, v) => s + v * v, 0);
    const rssU = rssR - (exy * exy) / exx;
    const g = grangerCausality(x, y, 1);
    expect(g.rssRestricted).toBeCloseTo(rssR, 8);
    expect(g.f / ((rssR - rssU) / (rssU / (n - 1 - 3)))).toBeCloseTo(1, 8);
  });

  it("transfer entropy: y copies x with a lag of one step -> about H(x) = 1 bit from x to y, about 0 back", () => {
    const bits = Array.from({ length: 4000 }, () => (rand() > 0 ? 1 : 0));
    const copy = bits.map((_, t) => (t === 0 ? 0 : bits[t - 1]!));
    expect(transferEntropy(bits, copy, { bins: 2, binning: "width" })).toBeGreaterThan(0.98);
    expect(transferEntropy(copy, bits, { bins: 2, binning: "width" })).toBeLessThan(0.01);
  });
});
