/**
 * Published reference values: PyPortfolioOpt's own tests assert these numbers on this exact stock_prices.csv
 * (datasets/stock_prices.csv = PyPortfolioOpt tests/resources/stock_prices.csv).
 *
 * Two versions of tests/test_efficient_frontier.py are used: v1.5 (mean_historical_return compounded, the current
 * default) and an earlier one written when mean_historical_return was the arithmetic mean (compounding: false here).
 * Older tests/test_black_litterman.py and test_hrp.py assume a risk-free rate of 0.02 in market_implied_risk_aversion,
 * market_implied_prior_returns and portfolio_performance; we pass it explicitly.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { ColumnTable } from "arquero";
import { loadPrices } from "../data/index.js";
import { datasetPath } from "../data/datasets.js";
import {
  BlackLittermanModel,
  EfficientFrontier,
  clusterVariance,
  emaHistoricalReturn,
  expCov,
  hrp,
  ledoitWolf,
  marketImpliedPriorReturns,
  marketImpliedRiskAversion,
  meanHistoricalReturn,
  returnsFromPrices,
  sampleCov,
  type CovarianceMatrix,
  type Performance,
} from "./index.js";
import { pairwiseCov } from "./risk-models.js";
import { returnColumns } from "./expected-returns.js";

let prices: ColumnTable;
let muC: Record<string, number>;
let muA: Record<string, number>;
let S: CovarianceMatrix;

beforeAll(async () => {
  prices = await loadPrices();
  muC = meanHistoricalReturn(prices);
  muA = meanHistoricalReturn(prices, { compounding: false });
  S = sampleCov(prices);
});

function expectPerf(p: Performance, expected: [number, number, number], tol = 1e-6): void {
  expect(Math.abs(p.expectedReturn - expected[0])).toBeLessThan(tol);
  expect(Math.abs(p.volatility - expected[1])).toBeLessThan(tol);
  expect(Math.abs(p.sharpe - expected[2])).toBeLessThan(tol * 10);
}

const MCAPS = { GOOG: 927e9, AAPL: 1.19e12, FB: 574e9, BABA: 533e9, AMZN: 867e9, GE: 96e9, AMD: 43e9, WMT: 339e9, BAC: 301e9, GM: 51e9, T: 61e9, UAA: 78e9, SHLD: 0, XOM: 295e9, RRC: 1e9, BBY: 22e9, MA: 288e9, PFE: 212e9, JPM: 422e9, SBUX: 102e9 };

describe("returns on the bundled prices", () => {
  it("has 7125 return rows, no return above 100%, NaN before each listing", () => {
    const r = returnsFromPrices(prices);
    expect(r.rows.length).toBe(7125);
    expect(r.tickers.length).toBe(20);
    expect(r.rows.flat().some((v) => v > 1)).toBe(false);
    expect(Number.isNaN(r.rows[0]![r.tickers.indexOf("FB")]!)).toBe(true);
  });
});

describe("EfficientFrontier against PyPortfolioOpt v1.5 (compounded mean returns, sample covariance)", () => {
  it("minVolatility", () => {
    const ef = new EfficientFrontier(muC, S);
    const w = ef.minVolatility();
    expect(Object.values(w).reduce((a, b) => a + b)).toBeCloseTo(1, 9);
    expectPerf(ef.portfolioPerformance(), [0.15056821399482578, 0.15915084514118694, 0.8204054077060996]);
  });
  it("minVolatility with shorts (null bounds = -1..1)", () => {
    const ef = new EfficientFrontier(muC, S, { weightBounds: [null, null] });
    ef.minVolatility();
    expectPerf(ef.portfolioPerformance(), [0.1516319319875544, 0.1555915367269669, 0.8460095886741129]);
  });
  it("minVolatility with L2 regularisation", () => {
    const ef = new EfficientFrontier(muC, S).addL2Regularisation(1);
    ef.minVolatility();
    expectPerf(ef.portfolioPerformance(), [0.17356099329164965, 0.1955254118258614, 0.785376140408869]);
  });
  it("minVolatility with transaction cost from equal weights and L2", () => {
    const ef = new EfficientFrontier(muC, S).addTransactionCost(Array(20).fill(1 / 20)).addL2Regularisation(1);
    ef.minVolatility();
    expectPerf(ef.portfolioPerformance(), [0.17363446634404042, 0.1959773703677164, 0.7839398296638683], 1e-7 * 1000);
  });
  it("maxSharpe long only, with shorts, with L2", () => {
    let ef = new EfficientFrontier(muC, S);
    ef.maxSharpe();
    expectPerf(ef.portfolioPerformance(), [0.3047768672819914, 0.22165566922402932, 1.2847714127003216]);
    ef = new EfficientFrontier(muC, S, { weightBounds: [null, null] });
    ef.maxSharpe();
    expectPerf(ef.portfolioPerformance(), [0.4937195216716211, 0.29516576454651955, 1.6049270564945908]);
    ef = new EfficientFrontier(muC, S).addL2Regularisation(5);
    ef.maxSharpe();
    expectPerf(ef.portfolioPerformance(), [0.2516854357026833, 0.22043282695478603, 1.051047790401043]);
  });
});

describe("EfficientFrontier against the earlier PyPortfolioOpt tests (arithmetic mean returns)", () => {
  const cases: [string, () => EfficientFrontier, [number, number, number], number?][] = [
    ["maxQuadraticUtility(2)", () => { const ef = new EfficientFrontier(muA, S); ef.maxQuadraticUtility({ riskAversion: 2 }); return ef; }, [0.40064324249527605, 0.2917825266124642, 1.3045443362029479]],
    ["maxQuadraticUtility short", () => { const ef = new EfficientFrontier(muA, S, { weightBounds: [-1, 1] }); ef.maxQuadraticUtility(); return ef; }, [1.3318330413711252, 1.0198436183533854, 1.2863080356272452]],
    ["maxQuadraticUtility market neutral", () => { const ef = new EfficientFrontier(muA, S, { weightBounds: [-1, 1] }); ef.maxQuadraticUtility({ marketNeutral: true }); return ef; }, [1.13434841843883, 0.9896404148973286, 1.1260134506071473]],
    ["efficientRisk(0.19)", () => { const ef = new EfficientFrontier(muA, S); ef.efficientRisk(0.19); return ef; }, [0.28577452556155075, 0.19, 1.3988132892376837]],
    ["efficientRisk(0.19) short", () => { const ef = new EfficientFrontier(muA, S, { weightBounds: [-1, 1] }); ef.efficientRisk(0.19); return ef; }, [0.30468522897430295, 0.19, 1.4983424153337392]],
    ["efficientRisk(0.19) L2", () => { const ef = new EfficientFrontier(muA, S).addL2Regularisation(5); ef.efficientRisk(0.19); return ef; }, [0.24087463760460398, 0.19, 1.162498090632486]],
    ["efficientRisk(0.21) market neutral", () => { const ef = new EfficientFrontier(muA, S, { weightBounds: [-1, 1] }); ef.efficientRisk(0.21, { marketNeutral: true }); return ef; }, [0.2552600197428133, 0.21, 1.1202858085349783]],
    ["efficientReturn(0.25)", () => { const ef = new EfficientFrontier(muA, S); ef.efficientReturn(0.25); return ef; }, [0.25, 0.1738852429895079, 1.3227114391408021]],
    ["efficientReturn(0.25) short", () => { const ef = new EfficientFrontier(muA, S, { weightBounds: [null, null] }); ef.efficientReturn(0.25); return ef; }, [0.25, 0.16826225873038014, 1.3669137793315087]],
    ["efficientReturn(0.25) market neutral", () => { const ef = new EfficientFrontier(muA, S, { weightBounds: [-1, 1] }); ef.efficientReturn(0.25, { marketNeutral: true }); return ef; }, [0.25, 0.20567263154580923, 1.1182819914898223]],
    ["minVolatility on Ledoit-Wolf constant correlation + L2", () => { const ef = new EfficientFrontier(muA, ledoitWolf(prices, { shrinkageTarget: "constant_correlation" })).addL2Regularisation(1); ef.minVolatility(); return ef; }, [0.23127396601517256, 0.19563960638632416, 1.0799140824173181]],
    ["efficientReturn(0.22) on Ledoit-Wolf single factor", () => { const ef = new EfficientFrontier(muA, ledoitWolf(prices, { shrinkageTarget: "single_factor" })); ef.efficientReturn(0.22); return ef; }, [0.22, 0.0849639369932322, 2.353939884117318], 1e-5],
    ["maxSharpe on exp_cov", () => { const ef = new EfficientFrontier(muA, expCov(prices)); ef.maxSharpe(); return ef; }, [0.3678817256187322, 0.1753405505478982, 1.9840346373481956]],
    ["minVolatility on exp_cov + L2", () => { const ef = new EfficientFrontier(muA, expCov(prices)).addL2Regularisation(1); ef.minVolatility(); return ef; }, [0.2434082300792007, 0.17835412793427002, 1.2526103694192867]],
  ];
  for (const [name, run, expected, tol] of cases) {
    it(name, () => expectPerf(run().portfolioPerformance(), expected, tol ?? 1e-6));
  }
});

describe("Black-Litterman against PyPortfolioOpt's tests", () => {
  let spy: ColumnTable;
  beforeAll(async () => {
    spy = await loadPrices({ file: datasetPath("spy_prices.csv") });
  });
  it("market-implied risk aversion from SPY is 2.68549 (rf 0.02)", () => {
    expect(Math.round(marketImpliedRiskAversion(spy, { riskFreeRate: 0.02 }) * 1e5) / 1e5).toBe(2.68549);
  });
  it("market-implied prior returns", () => {
    const delta = marketImpliedRiskAversion(spy, { riskFreeRate: 0.02 });
    const pi = marketImpliedPriorReturns(MCAPS, delta, S, 0.02);
    const expected = [0.14933293, 0.2168623, 0.11219185, 0.10362374, 0.28416295, 0.12196098, 0.19036819, 0.08860159, 0.17724273, 0.08779627, 0.0791797, 0.16460474, 0.12854665, 0.08657863, 0.11230036, 0.13875465, 0.15017163, 0.09066484, 0.1696369, 0.13270213];
    S.tickers.forEach((t, i) => expect(Math.abs(pi[t]! - expected[i]!)).toBeLessThan(1e-7));
  });
  it("absolute views, no prior: cleaned weights equal the published ones exactly", () => {
    const delta = marketImpliedRiskAversion(spy, { riskFreeRate: 0.02 });
    const bl = new BlackLittermanModel(S, { absoluteViews: { AAPL: 0.2, BBY: -0.3, BAC: 0, SBUX: -0.2, T: 0.131321 } });
    bl.blWeights(delta);
    expect(bl.cleanWeights()).toEqual({ GOOG: 0, AAPL: 1.40675, FB: 0, BABA: 0, AMZN: 0, GE: 0, AMD: 0, WMT: 0, BAC: 0.02651, GM: 0, T: 2.81117, UAA: 0, SHLD: 0, XOM: 0, RRC: 0, BBY: -1.44667, MA: 0, PFE: 0, JPM: 0, SBUX: -1.79776 });
  });
  it("views on every asset with an EMA prior and Ledoit-Wolf covariance", () => {
    const bl = new BlackLittermanModel(ledoitWolf(prices), { pi: emaHistoricalReturn(prices, { compounding: false }), Q: Array(20).fill(0.1) });
    const post = bl.blReturns();
    const expected = [0.11774473, 0.1709139, 0.12180833, 0.21202423, 0.28120945, -0.2787358, 0.17274774, 0.12714698, 0.25492005, 0.11229777, 0.07182723, -0.01521839, -0.21235465, 0.06399515, -0.11738365, 0.28865661, 0.23828607, 0.12038049, 0.2331218, 0.10485376];
    S.tickers.forEach((t, i) => expect(Math.abs(post[t]! - expected[i]!)).toBeLessThan(1e-7));
  });
  it("market prior with absolute views: performance", () => {
    const delta = marketImpliedRiskAversion(spy, { riskFreeRate: 0.02 });
    const prior = marketImpliedPriorReturns(MCAPS, delta, S, 0.02);
    const bl = new BlackLittermanModel(S, { pi: prior, absoluteViews: { GOOG: 0.4, AAPL: -0.3, FB: 0.3, BABA: 0 } });
    bl.blWeights(delta);
    expectPerf(bl.portfolioPerformance({ riskFreeRate: 0.02 }), [0.2580693114409672, 0.265445955488424, 0.8968654692926723]);
  });
  it("Idzorek confidences with the market prior", () => {
    const bl = new BlackLittermanModel(S, { pi: "market", marketCaps: MCAPS, absoluteViews: { GOOG: 0.4, AAPL: -0.3, FB: 0.3, BABA: 0 }, omega: "idzorek", viewConfidences: [1, 1, 0.25, 0.25] });
    expect(bl.omega[0]).toBe(0);
    expect(bl.blReturns().AAPL).toBeCloseTo(-0.3, 7);
    bl.blWeights();
    expectPerf(bl.portfolioPerformance({ riskFreeRate: 0.02 }), [0.943431295405105, 0.5361412623208567, 1.722365653051476]);
  });
  it("equal prior", () => {
    const bl = new BlackLittermanModel(S, { pi: "equal", absoluteViews: { AAPL: 0.2, BBY: -0.3, BAC: 0, SBUX: -0.2, T: 0.131321 } });
    bl.blWeights();
    expectPerf(bl.portfolioPerformance({ riskFreeRate: 0.02 }), [0.1877432247395778, 0.3246889329226965, 0.5166274785827545]);
  });
  it("Idzorek: confidence 0.5 on identity covariance moves the prior halfway", () => {
    const I = { tickers: ["a", "b", "c", "d", "e"], matrix: [0, 1, 2, 3, 4].map((i) => [0, 1, 2, 3, 4].map((j) => (i === j ? 1 : 0))) };
    const views = { a: 0.3, b: 0.3, c: 0.3, d: 0.3, e: 0.3 };
    const bl = new BlackLittermanModel(I, { pi: { a: 0.1, b: 0.1, c: 0.1, d: 0.1, e: 0.1 }, absoluteViews: views, omega: "idzorek", viewConfidences: [0.5, 0.5, 0.5, 0.5, 0.5] });
    for (const v of Object.values(bl.blReturns())) expect(v).toBeCloseTo(0.2, 12);
  });
  it("relative views move returns in the view's direction", () => {
    const bl = new BlackLittermanModel(ledoitWolf(prices), { Q: [-0.2, 0.1, 0.15], P: [{ SBUX: 1 }, { GOOG: 1, FB: -1 }, { GE: -0.5, BAC: 0.5, T: -0.5, JPM: 0.5 }] });
    const r = bl.blReturns();
    expect(r.SBUX).toBeLessThan(0);
    expect(r.GOOG!).toBeGreaterThan(r.FB!);
    expect(r.BAC! > r.T! && r.JPM! > r.GE!).toBe(true);
  });
});

describe("HRP on the bundled prices", () => {
  it("cluster variance matches PyPortfolioOpt's test_cluster_var", () => {
    const r = returnColumns(prices, {}, "test");
    const cov = pairwiseCov(r);
    const items = ["SHLD", "AMD", "BBY", "RRC", "FB", "WMT", "T", "BABA", "PFE", "UAA"].map((t) => r.tickers.indexOf(t));
    expect(Math.abs(clusterVariance(cov, 20, items) - 0.00012842967106653283)).toBeLessThan(1e-15);
  });
  it("produces long-only weights summing to 1 for every linkage", () => {
    for (const m of ["single", "complete", "average", "ward"] as const) {
      const { weights } = hrp(prices, { linkageMethod: m });
      expect(Object.values(weights).reduce((a, b) => a + b)).toBeCloseTo(1, 12);
      expect(Object.values(weights).every((w) => w > 0)).toBe(true);
    }
  });
  it("reproduces PyPortfolioOpt's weights_hrp.csv (single linkage, pairwise-complete pandas corr) to 1e-9", () => {
    const lines = readFileSync(datasetPath("pypfopt_weights_hrp.csv"), "utf8").trim().split("\n").slice(1);
    const { weights } = hrp(prices);
    expect(lines.length).toBe(20);
    for (const l of lines) {
      const [t, v] = l.split(",");
      expect(Math.abs(Number(v) - weights[t!]!)).toBeLessThan(1e-9);
    }
  });
});
