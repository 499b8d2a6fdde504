/**
 * The native QP engine against the TypeScript reference (same algorithm), KKT conditions and HiGHS, from 3 to 500
 * variables; and its error reporting.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../util/prng.js";
import { EfficientFrontier, kktResiduals, qpKernel, solveQp, solveQpJs, type QpProblem } from "./index.js";
import { solveHighs } from "./highs.js";

/** Random PSD (A A'/k + eps I) QP with a budget row, one general inequality and box bounds; P = 0 for an LP. */
function randomQp(seed: number, n: number, lp: boolean): QpProblem {
  const rand = mulberry32(seed);
  const k = Math.max(2, Math.floor(n / 2));
  const B = Array.from({ length: n }, () => Array.from({ length: k }, () => rand() - 0.5));
  const P = new Float64Array(n * n);
  if (!lp) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) P[i * n + j] = B[i]!.reduce((a, v, f) => a + v * B[j]![f]!, 0) / k + (i === j ? 0.01 : 0);
  const all = [...Array(n).keys()];
  const q = Array.from({ length: n }, () => rand() - 0.5);
  const g = all.map(() => rand());
  // Feasible by construction (a rare seed used to draw an infeasible problem, which no solver can agree on):
  // x* = (0.25, 0.25, 0.5 / (n - 2), ...) meets the budget, the bounds and the first row, and the random row's
  // bound leaves room for it.
  const xStar = all.map((i) => (i < 2 ? 0.25 : 0.5 / (n - 2)));
  const h2 = Math.max(0.8, g.reduce((a, v, i) => a + v * xStar[i]!, 0) + 0.01);
  return {
    n,
    P,
    q,
    A: [{ index: all, value: Array(n).fill(1) }],
    b: [1],
    G: [{ index: [0, 1], value: [1, 1] }, { index: all, value: g }],
    h: [0.6, h2],
    lower: Array(n).fill(-0.1),
    upper: Array(n).fill(0.5),
  };
}

/** The 5-factor synthetic universe of scripts/bench/portfolio.bench.ts. */
function factorUniverse(n: number, seed: number): { mu: number[]; matrix: number[][]; tickers: string[] } {
  const rand = mulberry32(seed);
  const B = Array.from({ length: n }, () => Array.from({ length: 5 }, () => (rand() - 0.3) * 0.4));
  const matrix = B.map((bi, i) => B.map((bj, j) => bi.reduce((a, v, f) => a + v * bj[f]!, 0) + (i === j ? 0.02 + 0.08 * rand() : 0)));
  const mu = Array.from({ length: n }, () => 0.02 + 0.25 * rand());
  return { mu, matrix, tickers: Array.from({ length: n }, (_, i) => `S${i}`) };
}

function expectKkt(problem: QpProblem, sol: Parameters<typeof kktResiduals>[1], tol: number): void {
  const r = kktResiduals(problem, sol);
  expect(r.stationarity).toBeLessThan(tol);
  expect(r.primal).toBeLessThan(tol);
  expect(r.dualFeasibility).toBeLessThanOrEqual(0);
  expect(r.complementarity).toBeLessThan(tol);
}

describe("native QP engine", () => {
  const kernels = qpKernel().avx2Supported ? (["avx2", "scalar"] as const) : (["scalar"] as const);
  const initial = qpKernel().kernel;
  afterAll(() => void qpKernel(initial));

  it.each(kernels)("agrees with the TypeScript reference and meets KKT on random QPs and LPs (property, %s Cholesky)", (kernel) => {
    qpKernel(kernel);
    expect(qpKernel().kernel).toBe(kernel);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 3, max: 40 }), fc.boolean(), (seed, n, lp) => {
        const problem = randomQp(seed, n, lp);
        const a = solveQp(problem);
        const b = solveQpJs(problem);
        expectKkt(problem, a, 1e-8);
        // The optimum is unique for the QPs; an LP may have a face of optima, so compare objectives there.
        expect(Math.abs(a.objective - b.objective)).toBeLessThan(1e-9 * (1 + Math.abs(b.objective)));
        if (!lp) for (let i = 0; i < n; i++) expect(a.x[i]!).toBeCloseTo(b.x[i]!, 8);
      }),
      { numRuns: 80 },
    );
  });

  it("the two Cholesky kernels give the same 500-asset portfolios", () => {
    const u = factorUniverse(500, 7);
    const weights = (kernel: "avx2" | "scalar") => {
      qpKernel(kernel);
      const ef = new EfficientFrontier(u.mu, { tickers: u.tickers, matrix: u.matrix });
      ef.maxSharpe();
      return ef.weights!;
    };
    const a = weights(kernels[0]);
    const b = weights("scalar");
    for (let i = 0; i < a.length; i++) expect(a[i]!).toBeCloseTo(b[i]!, 9);
    qpKernel(initial);
    expect(() => qpKernel("gpu" as "scalar")).toThrow(/unknown kernel 'gpu', expected 'avx2' or 'scalar'/);
  });

  it("solves min volatility and max Sharpe on 500 assets to KKT precision, at HiGHS's objective or better", async () => {
    const u = factorUniverse(500, 20240601);
    const cov = { tickers: u.tickers, matrix: u.matrix };
    const n = 500;
    const variance = (w: ArrayLike<number>) => u.matrix.reduce((s, r, i) => s + w[i]! * r.reduce((t, v, j) => t + v * w[j]!, 0), 0);

    const ef = new EfficientFrontier(u.mu, cov);
    ef.minVolatility();
    expectKkt(ef.lastSolve!.problem, ef.lastSolve!.solution, 1e-9);
    const w = ef.weights!;
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(0);
    // HiGHS QP on the same model (objective w'Sw = 1/2 w'(2S)w).
    const H = new Float64Array(n * n);
    u.matrix.forEach((r, i) => r.forEach((v, j) => (H[i * n + j] = 2 * v)));
    const hs = await solveHighs({ numCols: n, colCost: new Float64Array(n), colLower: new Float64Array(n), colUpper: new Float64Array(n).fill(1), rows: [{ index: [...Array(n).keys()], value: Array(n).fill(1) }], rowLower: [1], rowUpper: [1], hessianDense: H }, "test");
    expect(variance(w)).toBeLessThanOrEqual(variance(hs.x) * (1 + 1e-9));
    expect(variance(w)).toBeGreaterThan(variance(hs.x) * (1 - 1e-6));

    const es = new EfficientFrontier(u.mu, cov);
    es.maxSharpe();
    expectKkt(es.lastSolve!.problem, es.lastSolve!.solution, 1e-9);
    const sharpe = (x: ArrayLike<number>) => (u.mu.reduce((s, m, i) => s + m * x[i]!, 0) - 0.02) / Math.sqrt(variance(x));
    expect(sharpe(es.weights!)).toBeGreaterThanOrEqual(sharpe(w));
    // The JS reference engine lands on the same portfolio.
    const ref = solveQpJs(es.lastSolve!.problem);
    const kappa = ref.x[n]!;
    for (let i = 0; i < n; i++) expect(ref.x[i]! / kappa).toBeCloseTo(es.weights![i]!, 9);
  });

  it("reports malformed input and infeasibility as errors, and NaN data without crashing", () => {
    expect(() => solveQp({ n: 2, P: [[1, 0], [0, 1]], A: [{ index: [0, 2], value: [1, 1] }], b: [1] })).toThrow(/refers to variable 2/);
    expect(() => solveQp({ n: 2, P: [[1, 0], [0, 1]], A: [{ index: [0, 1], value: [1, 1] }], b: [3], upper: [1, 1] })).toThrow(/did not converge.*infeasible/s);
    expect(() => solveQp({ n: 2, P: [[NaN, 0], [0, 1]], A: [{ index: [0, 1], value: [1, 1] }], b: [1], lower: [0, 0] })).toThrow(/did not converge/);
    expect(() => solveQp({ n: 2, lower: [1, 0], upper: [0, 1] })).toThrow(/lower bound 1 above upper bound 0/);
    expect(() => solveQp({ n: 2 }, { engine: "gpu" as "js" })).toThrow(/unknown engine/);
  });
});
