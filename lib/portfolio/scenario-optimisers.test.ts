/** CVaR, CDaR and semivariance (HiGHS LP/QP) and discrete allocation (greedy and HiGHS MIP) on the bundled prices. */
import { beforeAll, describe, expect, it } from "vitest";
import type { ColumnTable } from "arquero";
import { loadPrices } from "../data/index.js";
import { DiscreteAllocation, EfficientCDaR, EfficientCVaR, EfficientFrontier, EfficientSemivariance, latestPrices, meanHistoricalReturn, returnsFromPrices, sampleCov } from "./index.js";
import { historicalCvar } from "./cvar.js";

let prices: ColumnTable;
let mu: Record<string, number>;
let rets: ReturnType<typeof returnsFromPrices>;
const sum = (w: Record<string, number>) => Object.values(w).reduce((a, b) => a + b, 0);

beforeAll(async () => {
  prices = await loadPrices({ start: "2014-09-19" });
  mu = meanHistoricalReturn(prices, { compounding: false });
  rets = returnsFromPrices(prices);
});

describe("EfficientCVaR", () => {
  it("minimises historical CVaR: the optimum beats equal weights and min-variance, bounds and budget hold", async () => {
    const cv = new EfficientCVaR(mu, rets);
    const w = await cv.minCvar();
    expect(sum(w)).toBeCloseTo(1, 8);
    for (const v of Object.values(w)) expect(v).toBeGreaterThanOrEqual(-1e-9);
    const { cvar } = cv.portfolioPerformance();
    const s = { n: 20, T: rets.rows.length, R: Float64Array.from(rets.rows.flat()) };
    expect(cvar).toBeLessThanOrEqual(historicalCvar(s, Array(20).fill(1 / 20), 0.95) + 1e-12);
    const mv = new EfficientFrontier(mu, sampleCov(prices)).minVolatility();
    expect(cvar).toBeLessThanOrEqual(historicalCvar(s, cv.tickers.map((t) => mv[t]!), 0.95) + 1e-12);
  });
  it("efficientReturn meets the target and efficientRisk meets the CVaR limit", async () => {
    const cv = new EfficientCVaR(mu, rets);
    await cv.efficientReturn(0.25);
    expect(cv.portfolioPerformance().expectedReturn).toBeGreaterThanOrEqual(0.25 - 1e-9);
    await cv.efficientRisk(0.03);
    expect(cv.portfolioPerformance().cvar).toBeLessThanOrEqual(0.03 + 1e-9);
  });
});

describe("EfficientCDaR and EfficientSemivariance", () => {
  it("minCdar returns fully invested long-only weights whose CDaR is below equal weights'", async () => {
    const cd = new EfficientCDaR(mu, rets);
    const w = await cd.minCdar();
    expect(sum(w)).toBeCloseTo(1, 8);
    const best = cd.portfolioPerformance().cdar;
    cd.weights = new Float64Array(20).fill(1 / 20);
    expect(best).toBeLessThanOrEqual(cd.portfolioPerformance().cdar + 1e-12);
  });
  it("minSemivariance has a lower semideviation than the min-variance portfolio", async () => {
    const sv = new EfficientSemivariance(mu, rets);
    await sv.minSemivariance();
    const semi = sv.portfolioPerformance().semideviation;
    const mv = new EfficientFrontier(mu, sampleCov(prices)).minVolatility();
    sv.weights = Float64Array.from(sv.tickers, (t) => mv[t]!);
    expect(semi).toBeLessThanOrEqual(sv.portfolioPerformance().semideviation + 1e-9);
  });
});

describe("DiscreteAllocation", () => {
  it("greedy and integer programme spend within the budget; the MIP deviates no more than greedy", async () => {
    const w = new EfficientFrontier(mu, sampleCov(prices)).maxSharpe();
    const latest = latestPrices(prices);
    const da = new DiscreteAllocation(w, latest, { totalPortfolioValue: 10000 });
    const g = da.greedy();
    const m = await da.integerProgramme();
    for (const r of [g, m]) {
      const spent = Object.entries(r.allocation).reduce((a, [t, k]) => a + k * latest[t]!, 0);
      expect(r.leftover).toBeGreaterThanOrEqual(-1e-6);
      expect(spent + r.leftover).toBeCloseTo(10000, 6);
      for (const k of Object.values(r.allocation)) expect(Number.isInteger(k) && k > 0).toBe(true);
    }
    const objective = (r: { allocation: Record<string, number>; leftover: number }) =>
      Object.entries(w).reduce((a, [t, wt]) => a + Math.abs((wt / sum(w)) * 10000 - (r.allocation[t] ?? 0) * latest[t]!), 0) + r.leftover;
    expect(objective(m)).toBeLessThanOrEqual(objective(g) + 1e-6);
  });
  it("allocates shorts as negative share counts", () => {
    const da = new DiscreteAllocation({ A: 0.8, B: 0.5, C: -0.3 }, { A: 10, B: 20, C: 5 }, { totalPortfolioValue: 1000 });
    const r = da.greedy();
    expect(r.allocation.C).toBeLessThan(0);
    expect(r.allocation.A).toBeGreaterThan(0);
  });
});
