/** Optimality conditions, closed forms and invariants of the portfolio optimisers. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EfficientFrontier, kktResiduals, riskParity, riskContributions, solveQp, fixNonPsd, isPositiveSemidefinite, cleanWeights, ledoitWolf, oracleApproximating, sampleCov, semicovariance, expCov, meanHistoricalReturn, emaHistoricalReturn, capmReturn, returnsFromPrices, hrp, linkage, leafOrder, plotDendrogram, plotEfficientFrontier, type CovarianceMatrix } from "./index.js";
import { spdInverse } from "./linalg.js";
import { pairwiseCov } from "./risk-models.js";
import { returnColumns } from "./expected-returns.js";

/** A random PSD covariance A A^T / k + eps I (annualised-looking scale) and returns. */
function randomProblem(seed: number, n: number): { cov: CovarianceMatrix; mu: number[] } {
  let s = seed >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  const k = n + 3;
  const A = Array.from({ length: n }, () => Array.from({ length: k }, () => rnd() * 0.6));
  const matrix = A.map((ri, i) => A.map((rj, j) => ri.reduce((a, v, t) => a + v * rj[t]!, 0) / k + (i === j ? 0.002 : 0)));
  const mu = Array.from({ length: n }, () => 0.05 + 0.3 * (rnd() + 0.5));
  return { cov: { tickers: Array.from({ length: n }, (_, i) => `A${i}`), matrix }, mu };
}

function expectKkt(ef: EfficientFrontier, tol = 1e-7): void {
  const { problem, solution, varianceMultiplier } = ef.lastSolve!;
  const r = kktResiduals(problem, solution);
  expect(r.stationarity).toBeLessThan(tol);
  expect(r.primal).toBeLessThan(tol);
  expect(r.dualFeasibility).toBeLessThanOrEqual(0);
  expect(r.complementarity).toBeLessThan(tol);
  if (varianceMultiplier !== undefined) expect(varianceMultiplier).toBeGreaterThanOrEqual(0);
}

function sum(w: Record<string, number>): number {
  return Object.values(w).reduce((a, b) => a + b, 0);
}

describe("solveQp", () => {
  it("solves the two-asset minimum-variance problem in closed form", () => {
    const [s1, s2, rho] = [0.2, 0.3, 0.25];
    const c = rho * s1 * s2;
    const sol = solveQp({ n: 2, P: [[2 * s1 * s1, 2 * c], [2 * c, 2 * s2 * s2]], A: [{ index: [0, 1], value: [1, 1] }], b: [1] });
    const w1 = (s2 * s2 - c) / (s1 * s1 + s2 * s2 - 2 * c);
    expect(sol.x[0]).toBeCloseTo(w1, 10);
    expect(sol.x[1]).toBeCloseTo(1 - w1, 10);
  });
  it("solves an LP (P = 0) over a box", () => {
    const sol = solveQp({ n: 3, q: [-1, -2, -3], A: [{ index: [0, 1, 2], value: [1, 1, 1] }], b: [1], lower: [0, 0, 0], upper: [0.5, 0.5, 0.5] });
    expect(Array.from(sol.x).map((v) => Math.round(v * 1e8) / 1e8)).toEqual([0, 0.5, 0.5]);
  });
  it("reports infeasibility as an error naming the cause", () => {
    expect(() => solveQp({ n: 2, P: [[1, 0], [0, 1]], A: [{ index: [0, 1], value: [1, 1] }], b: [3], upper: [1, 1] })).toThrow(/did not converge.*infeasible/);
  });
  it("satisfies KKT conditions on random PSD problems with bounds and inequalities (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 3, max: 25 }), (seed, n) => {
        const { cov } = randomProblem(seed, n);
        const P = cov.matrix.map((r) => r.map((v) => 2 * v));
        const q = cov.matrix.map((_, i) => ((seed >> i % 20) & 1 ? 0.1 : -0.1));
        const problem = { n, P, q, A: [{ index: [...Array(n).keys()], value: Array(n).fill(1) }], b: [1], G: [{ index: [0, 1], value: [1, 1] }], h: [0.6], lower: Array(n).fill(-0.2), upper: Array(n).fill(0.7) };
        const sol = solveQp(problem);
        const r = kktResiduals(problem, sol);
        expect(r.stationarity).toBeLessThan(1e-7);
        expect(r.primal).toBeLessThan(1e-9);
        expect(r.complementarity).toBeLessThan(1e-8);
      }),
      { numRuns: 60 },
    );
  });
});

describe("EfficientFrontier optimality", () => {
  it("unconstrained max Sharpe equals the tangency portfolio S^-1 (mu - rf) / 1'S^-1 (mu - rf)", () => {
    const { cov, mu } = randomProblem(7, 8);
    const ef = new EfficientFrontier(mu, cov, { weightBounds: [-1e6, 1e6] });
    const w = ef.maxSharpe({ riskFreeRate: 0.02 });
    const n = 8;
    const S = new Float64Array(n * n);
    cov.matrix.forEach((r, i) => r.forEach((v, j) => (S[i * n + j] = v)));
    const inv = spdInverse(S, n)!;
    const x = Array.from({ length: n }, (_, i) => mu.reduce((a, m, j) => a + inv[i * n + j]! * (m - 0.02), 0));
    const s = x.reduce((a, b) => a + b, 0);
    cov.tickers.forEach((t, i) => expect(w[t]!).toBeCloseTo(x[i]! / s, 8));
    expectKkt(ef);
  });
  it("every optimiser meets KKT, bounds and the budget on random problems (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 3, max: 30 }), (seed, n) => {
        const { cov, mu } = randomProblem(seed, n);
        const runs: [string, (ef: EfficientFrontier) => Record<string, number>][] = [
          ["minVolatility", (ef) => ef.minVolatility()],
          ["maxSharpe", (ef) => ef.maxSharpe()],
          ["maxQuadraticUtility", (ef) => ef.maxQuadraticUtility({ riskAversion: 3 })],
          ["efficientReturn", (ef) => ef.efficientReturn((Math.min(...mu) + Math.max(...mu)) / 2)],
        ];
        for (const [, run] of runs) {
          const ef = new EfficientFrontier(mu, cov, { weightBounds: [0, 0.5] });
          if (n < 3) continue;
          const w = run(ef);
          expect(sum(w)).toBeCloseTo(1, 8);
          for (const v of Object.values(w)) expect(v >= -1e-9 && v <= 0.5 + 1e-9).toBe(true);
          expectKkt(ef, 1e-6);
        }
        const ef = new EfficientFrontier(mu, cov, { weightBounds: [0, 0.5] });
        ef.minVolatility();
        const minVol = ef.portfolioPerformance().volatility;
        const er = new EfficientFrontier(mu, cov, { weightBounds: [0, 0.5] });
        er.efficientRisk(minVol * 1.2);
        expect(er.portfolioPerformance().volatility).toBeLessThanOrEqual(minVol * 1.2 + 1e-8);
        expectKkt(er, 1e-6);
      }),
      { numRuns: 40 },
    );
  });
  it("efficientRisk satisfies the KKT conditions of the variance-constrained problem", () => {
    const { cov, mu } = randomProblem(11, 10);
    const ef = new EfficientFrontier(mu, cov);
    ef.efficientRisk(0.25);
    const lambda = ef.lastSolve!.varianceMultiplier!;
    const w = ef.weights!;
    const n = 10;
    const vol = ef.portfolioPerformance().volatility;
    // Either the constraint binds (vol = target) or its multiplier is 0.
    expect(Math.min(Math.abs(vol - 0.25), lambda)).toBeLessThan(1e-8);
    // Stationarity of -mu'w + lambda w'Sw holds through the inner QP's KKT check.
    expectKkt(ef);
    expect(w.length).toBe(n);
  });
  it("sector constraints hold at the optimum", () => {
    const { cov, mu } = randomProblem(5, 12);
    const mapper = Object.fromEntries(cov.tickers.map((t, i) => [t, i < 4 ? "tech" : i < 8 ? "energy" : "fig"]));
    const ef = new EfficientFrontier(mu, cov).addSectorConstraints(mapper, { fig: 0.3 }, { tech: 0.2, energy: 0.25 });
    const w = ef.maxSharpe();
    const by = (s: string) => cov.tickers.filter((t) => mapper[t] === s).reduce((a, t) => a + w[t]!, 0);
    expect(by("tech")).toBeLessThanOrEqual(0.2 + 1e-9);
    expect(by("energy")).toBeLessThanOrEqual(0.25 + 1e-9);
    expect(by("fig")).toBeGreaterThanOrEqual(0.3 - 1e-9);
    expectKkt(ef);
  });
  it("market neutral weights sum to zero", () => {
    const { cov, mu } = randomProblem(3, 6);
    const ef = new EfficientFrontier(mu, cov, { weightBounds: [-1, 1] });
    expect(sum(ef.maxQuadraticUtility({ marketNeutral: true }))).toBeCloseTo(0, 9);
    expectKkt(ef);
  });
  it("a huge L2 penalty gives equal weights; a huge risk aversion gives the min-vol portfolio", () => {
    const { cov, mu } = randomProblem(9, 6);
    const w = new EfficientFrontier(mu, cov).addL2Regularisation(1e10).minVolatility();
    for (const v of Object.values(w)) expect(v).toBeCloseTo(1 / 6, 7);
    const a = new EfficientFrontier(mu, cov).maxQuadraticUtility({ riskAversion: 1e10 });
    const b = new EfficientFrontier(mu, cov).minVolatility();
    for (const t of cov.tickers) expect(a[t]!).toBeCloseTo(b[t]!, 6);
  });
  it("rejects a target return above the maximum and a target risk below the minimum", () => {
    const { cov, mu } = randomProblem(13, 5);
    expect(() => new EfficientFrontier(mu, cov).efficientReturn(Math.max(...mu) + 0.01)).toThrow(/above the maximum possible return/);
    expect(() => new EfficientFrontier(mu, cov).efficientRisk(1e-4)).toThrow(/no portfolio has volatility/);
  });
  it("cleanWeights zeroes tiny weights and rounds half to even", () => {
    expect(cleanWeights({ a: 0.00009, b: 0.123455, c: -0.5 })).toEqual({ a: 0, b: 0.12346, c: -0.5 });
  });
  it("builds a Plotly frontier figure with the max-Sharpe and min-vol points", () => {
    const { cov, mu } = randomProblem(21, 6);
    const fig = plotEfficientFrontier(new EfficientFrontier(mu, cov), { points: 10 });
    const names = (fig.data as { name: string }[]).map((d) => d.name);
    expect(names[0]).toBe("Efficient frontier");
    expect(names.some((n) => n.startsWith("Maximum Sharpe"))).toBe(true);
    expect(names).toContain("Minimum volatility");
  });
});

describe("risk models", () => {
  const prices = { tickers: ["a", "b", "c"], rows: [[4.0, 2.0, 0.6], [4.2, 2.1, 0.59], [3.9, 2.0, 0.58], [4.3, 2.1, 0.62], [4.1, 2.2, 0.63]] };
  it("sample covariance matches PyPortfolioOpt's test_sample_cov_dummy", () => {
    const S = sampleCov(prices);
    const expected = [[0.006661687937656102, 0.00264970955585574, 0.0020849735375206195], [0.00264970955585574, 0.0023450491307634215, 0.00096770864287974], [0.0020849735375206195, 0.00096770864287974, 0.0016396416271856837]];
    S.matrix.forEach((r, i) => r.forEach((v, j) => expect(v / 252).toBeCloseTo(expected[i]![j]!, 15)));
  });
  it("uses pairwise-complete observations (a late listing does not shorten other pairs)", () => {
    const p = { tickers: ["x", "y"], rows: [[1, NaN], [1.1, NaN], [1.0, 5], [1.2, 5.5], [1.1, 5.2]] };
    const S = { matrix: [[pairwiseCov(returnColumns(p, {}, "t"))[0]!]] };
    const rx = [0.1, 1 / 1.1 - 1, 0.2, 1.1 / 1.2 - 1];
    const m = rx.reduce((a, b) => a + b) / 4;
    expect(S.matrix[0]![0]).toBeCloseTo(rx.reduce((a, v) => a + (v - m) ** 2, 0) / 3, 14);
  });
  it("fixes a non-PSD matrix with both methods (PyPortfolioOpt's test_sample_cov_npd)", () => {
    const bad = { tickers: ["a", "b"], matrix: [[0.03818144, 0.04182824], [0.04182824, 0.04149209]] };
    expect(isPositiveSemidefinite(bad)).toBe(false);
    expect(isPositiveSemidefinite(fixNonPsd(bad, "spectral"))).toBe(true);
    expect(isPositiveSemidefinite(fixNonPsd(bad, "diag"))).toBe(true);
  });
  it("shrinkage intensities are in (0, 1) and the results are PSD; semicovariance is 0 for a very low benchmark", () => {
    const { rows, tickers } = randomWalk(4, 300);
    const p = { tickers, rows };
    for (const t of ["constant_variance", "single_factor", "constant_correlation"] as const) {
      const s = ledoitWolf(p, { shrinkageTarget: t });
      expect(s.delta > 0 && s.delta < 1).toBe(true);
      expect(isPositiveSemidefinite(s)).toBe(true);
    }
    expect(oracleApproximating(p).delta).toBeGreaterThan(0);
    expect(Math.max(...semicovariance(p, { benchmark: -0.5 }).matrix.flat().map(Math.abs))).toBeLessThan(1e-12);
    const S = sampleCov(p);
    const E = expCov(p, { span: 1e20 });
    expect(Math.max(...E.matrix.flat().map((v, k) => Math.abs(v - S.matrix.flat()[k]!)))).toBeLessThan(1e-3);
  });
  it("expected returns: arithmetic, compounded, EMA and CAPM", () => {
    const p = { tickers: ["a"], rows: [[100], [110], [99]] };
    expect(meanHistoricalReturn(p, { compounding: false, frequency: 1 }).a).toBeCloseTo((0.1 - 0.1) / 2, 14);
    expect(meanHistoricalReturn(p, { frequency: 2 }).a).toBeCloseTo(0.99 - 1, 14);
    const a = 2 / 3;
    expect(emaHistoricalReturn(p, { span: 2, compounding: false, frequency: 1 }).a).toBeCloseTo(((1 - a) * 0.1 + -0.1) / (1 - a + 1), 14);
    const q = randomWalk(3, 200);
    const capm = capmReturn(q, { riskFreeRate: 0.02 });
    expect(Object.keys(capm)).toEqual(q.tickers);
    expect(returnsFromPrices(p).rows).toEqual([[0.10000000000000009], [-0.09999999999999998]]);
  });
});

function randomWalk(n: number, T: number): { tickers: string[]; rows: number[][] } {
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
  const tickers = Array.from({ length: n }, (_, i) => `T${i}`);
  const rows: number[][] = [Array(n).fill(100)];
  for (let t = 1; t < T; t++) {
    const m = rnd() * 0.02;
    rows.push(rows[t - 1]!.map((p, i) => p * (1 + m * (0.5 + i / n) + rnd() * 0.03)));
  }
  return { tickers, rows };
}

describe("HRP and risk parity", () => {
  it("reproduces scipy 1.17.1's linkage for a 5-point example and orders leaves like to_tree().pre_order()", () => {
    const pts = [0, 1, 3, 7, 15];
    const D = Float64Array.from({ length: 25 }, (_, k) => Math.abs(pts[Math.floor(k / 5)]! - pts[k % 5]!));
    // scipy.cluster.hierarchy.linkage(pdist([[0],[1],[3],[7],[15]]), 'average')
    expect(linkage(D, 5, "average")).toEqual([[0, 1, 1, 2], [2, 5, 2.5, 3], [3, 6, 5.666666666666667, 4], [4, 7, 12.25, 5]]);
    expect(leafOrder(linkage(D, 5, "single"), 5)).toEqual([4, 3, 2, 0, 1]);
  });
  it("gives equal risk contributions", () => {
    const { cov } = randomProblem(17, 10);
    const r = riskParity(cov);
    for (const v of Object.values(r.riskContributions)) expect(v).toBeCloseTo(0.1, 9);
    expect(sum(r.weights)).toBeCloseTo(1, 12);
    const rc = riskContributions(r.weights, cov);
    expect(sum(rc)).toBeCloseTo(1, 12);
  });
  it("HRP on a diagonal covariance is inverse-variance", () => {
    const tickers = ["a", "b", "c", "d"];
    const vars = [0.01, 0.04, 0.02, 0.08];
    const rowsFromVar = randomWalk(4, 3);
    void rowsFromVar;
    const cov = { tickers, matrix: vars.map((v, i) => vars.map((_, j) => (i === j ? v : 0))) };
    const { hrpFromCovariance } = awaitImport;
    const { weights } = hrpFromCovariance(cov);
    const inv = vars.map((v) => 1 / v);
    const s = inv.reduce((a, b) => a + b);
    tickers.forEach((t, i) => expect(weights[t]!).toBeCloseTo(inv[i]! / s, 12));
  });
  it("draws a dendrogram figure with one U per merge", () => {
    const p = randomWalk(6, 100);
    const res = hrp(p, { linkageMethod: "ward" });
    const fig = plotDendrogram(res);
    expect(((fig.data[0] as { x: unknown[] }).x.length)).toBe(5 * 5);
  });
});

import * as awaitImport from "./hrp.js";
