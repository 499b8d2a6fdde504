import { describe, expect, it } from "vitest";
import { Matrix, solve } from "ml-matrix";
import fc from "fast-check";
import { kalmanHedge } from "./kalman.js";
import { rollingOls } from "./rolling-ols.js";
import { ols, ones } from "./ols.js";
import { mulberry32 } from "../util/prng.js";

function gaussians(n: number, seed: number): Float64Array {
  const u = mulberry32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return out;
}

function pair(n: number, seed: number): { x: Float64Array; y: Float64Array } {
  const e = gaussians(n, seed);
  const u = gaussians(n, seed + 1);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    x[t] = (t ? x[t - 1]! : 40) + e[t]!;
    y[t] = 5 + 0.7 * x[t]! + 0.5 * u[t]!;
  }
  return { x, y };
}

/** Ridge / Bayesian posterior mean on the first m points: (X'X + lambda I)^-1 (X'y + lambda m0). */
function ridge(x: Float64Array, y: Float64Array, m: number, lambda: number, m0: [number, number]): [number, number] {
  let s1 = 0;
  let sx = 0;
  let sxx = 0;
  let sy = 0;
  let sxy = 0;
  for (let t = 0; t < m; t++) {
    s1 += 1;
    sx += x[t]!;
    sxx += x[t]! ** 2;
    sy += y[t]!;
    sxy += x[t]! * y[t]!;
  }
  const A = new Matrix([
    [s1 + lambda, sx],
    [sx, sxx + lambda],
  ]);
  const b = Matrix.columnVector([sy + lambda * m0[0], sxy + lambda * m0[1]]);
  const sol = solve(A, b);
  return [sol.get(0, 0), sol.get(1, 0)];
}

describe("kalmanHedge", () => {
  it("with zero process noise is recursive least squares: the ridge estimate with lambda = Ve / p0 at every bar", () => {
    const { x, y } = pair(300, 1);
    const ve = 0.25;
    const p0 = 10;
    const k = kalmanHedge(y, x, { delta: 0, obsVar: ve, initialCov: p0, initialState: [1, 2] });
    for (const m of [1, 2, 5, 50, 300]) {
      const [a, b] = ridge(x, y, m, ve / p0, [1, 2]);
      expect(k.alpha[m - 1]!).toBeCloseTo(a, 8);
      expect(k.beta[m - 1]!).toBeCloseTo(b, 8);
    }
  });

  it("with zero process noise converges to OLS on the expanding window as the prior becomes diffuse (gap ~ Ve/p0)", () => {
    const { x, y } = pair(500, 2);
    const loose = kalmanHedge(y, x, { delta: 0, obsVar: 1, initialCov: 1e4 });
    const diffuse = kalmanHedge(y, x, { delta: 0, obsVar: 1, initialCov: 1e6 });
    for (const m of [20, 100, 500]) {
      const f = ols([ones(m), x.slice(0, m)], y.slice(0, m));
      const gapLoose = Math.abs(loose.beta[m - 1]! - f.params[1]!);
      const gapDiffuse = Math.abs(diffuse.beta[m - 1]! - f.params[1]!);
      expect(gapLoose / gapDiffuse).toBeGreaterThan(50); // 100x smaller ridge penalty, ~100x smaller gap
      expect(gapDiffuse).toBeLessThan(1e-5);
      expect(Math.abs(diffuse.alpha[m - 1]! - f.params[0]!)).toBeLessThan(1e-4);
    }
  });

  it("equals the batch posterior mean of the random-walk state-space model at the last bar (any delta)", () => {
    // Independent check: maximise the joint Gaussian posterior of all states theta_1..theta_T given y_1..y_T
    // (a banded least-squares problem solved densely); its last state is the filtered estimate.
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 25 }), fc.double({ min: 1e-4, max: 0.2, noNaN: true }), fc.integer({ min: 1, max: 1000 }), (T, delta, seed) => {
        const { x, y } = pair(T, seed);
        const ve = 0.3;
        const p0 = 2;
        const vw = delta / (1 - delta);
        const k = kalmanHedge(y, x, { delta, obsVar: ve, initialCov: p0 });
        const N = 2 * T;
        const H = Matrix.zeros(N, N);
        const g = Matrix.zeros(N, 1);
        const addPrior = (i: number, j: number, w: number) => {
          // w (theta_i - theta_j)^2 per coordinate; j = -1 means theta_i - 0 (prior mean 0).
          for (let c = 0; c < 2; c++) {
            const a = 2 * i + c;
            H.set(a, a, H.get(a, a) + w);
            if (j >= 0) {
              const b = 2 * j + c;
              H.set(b, b, H.get(b, b) + w);
              H.set(a, b, H.get(a, b) - w);
              H.set(b, a, H.get(b, a) - w);
            }
          }
        };
        addPrior(0, -1, 1 / (p0 + vw));
        for (let t = 1; t < T; t++) addPrior(t, t - 1, 1 / vw);
        for (let t = 0; t < T; t++) {
          const h = [1, x[t]!];
          for (let r = 0; r < 2; r++) {
            for (let c = 0; c < 2; c++) H.set(2 * t + r, 2 * t + c, H.get(2 * t + r, 2 * t + c) + (h[r]! * h[c]!) / ve);
            g.set(2 * t + r, 0, g.get(2 * t + r, 0) + (h[r]! * y[t]!) / ve);
          }
        }
        const theta = solve(H, g);
        expect(Math.abs(k.alpha[T - 1]! - theta.get(2 * T - 2, 0))).toBeLessThan(1e-6 * (1 + Math.abs(theta.get(2 * T - 2, 0))));
        expect(Math.abs(k.beta[T - 1]! - theta.get(2 * T - 1, 0))).toBeLessThan(1e-6 * (1 + Math.abs(theta.get(2 * T - 1, 0))));
      }),
      { numRuns: 60 },
    );
  });

  it("has no look-ahead: outputs up to t do not change when later data change", () => {
    const { x, y } = pair(200, 3);
    const full = kalmanHedge(y, x);
    const y2 = y.slice();
    for (let t = 120; t < 200; t++) y2[t] = y2[t]! * 3 + 7;
    const cut = kalmanHedge(y2, x);
    for (let t = 0; t < 120; t++) {
      expect(cut.beta[t]).toBe(full.beta[t]);
      expect(cut.zscore[t]).toBe(full.zscore[t]);
    }
    // The forecast error uses the prior state only: e_t = y_t - alphaPrior_t - betaPrior_t x_t.
    for (let t = 0; t < 200; t += 17) expect(full.error[t]!).toBeCloseTo(y[t]! - full.alphaPrior[t]! - full.betaPrior[t]! * x[t]!, 10);
  });

  it("tracks a hedge ratio that changes (delta > 0) where a frozen filter does not", () => {
    const n = 600;
    const e = gaussians(n, 9);
    const u = gaussians(n, 10);
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      x[t] = (t ? x[t - 1]! : 30) + e[t]!;
      y[t] = (t < 300 ? 1 : 2) * x[t]! + 0.1 * u[t]!;
    }
    const adaptive = kalmanHedge(y, x, { delta: 1e-3, obsVar: 0.01 });
    expect(adaptive.beta[n - 1]!).toBeCloseTo(2, 1);
    const frozen = kalmanHedge(y, x, { delta: 0, obsVar: 0.01, initialCov: 1e6 });
    expect(Math.abs(frozen.beta[n - 1]! - 2)).toBeGreaterThan(0.2);
  });
});

describe("rollingOls", () => {
  it("equals a separate OLS fit of each trailing window", () => {
    const { x, y } = pair(120, 4);
    const w = 30;
    const r = rollingOls(y, x, w);
    for (let t = 0; t < w - 1; t++) expect(r.beta[t]).toBeNaN();
    for (let t = w - 1; t < 120; t++) {
      const f = ols([ones(w), x.slice(t - w + 1, t + 1)], y.slice(t - w + 1, t + 1));
      expect(r.alpha[t]!).toBeCloseTo(f.params[0]!, 9);
      expect(r.beta[t]!).toBeCloseTo(f.params[1]!, 10);
      expect(r.resid[t]!).toBeCloseTo(f.resid[w - 1]!, 9);
      expect(r.residStd[t]!).toBeCloseTo(Math.sqrt(f.ssr / (w - 2)), 9);
    }
  });

  it("gives NaN for a window where x is constant and rejects bad windows", () => {
    const r = rollingOls([1, 2, 3, 4, 5], [2, 2, 2, 2, 3], 3);
    expect(r.beta[2]).toBeNaN();
    expect(r.beta[4]).toBeCloseTo(1.5, 12);
    expect(() => rollingOls([1, 2, 3], [1, 2, 3], 2)).toThrow(/window must be an integer >= 3/);
  });
});
