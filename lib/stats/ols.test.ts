import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Matrix, QrDecomposition, inverse } from "ml-matrix";
import { nestedSsr, ols } from "./ols.js";

describe("ols (Householder QR)", () => {
  it("matches ml-matrix's QR solve and (X'X)^-1 standard errors on random designs", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 1e6 }), (k, extra, seed) => {
        const n = k + 2 + extra;
        let s = seed;
        const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
        const cols = Array.from({ length: k }, () => Float64Array.from({ length: n }, rnd));
        const y = Float64Array.from({ length: n }, rnd);
        const fit = ols(cols, y);
        const X = new Matrix(n, k);
        cols.forEach((c, j) => c.forEach((v, i) => X.set(i, j, v)));
        const Y = Matrix.columnVector(Array.from(y));
        const b = new QrDecomposition(X).solve(Y);
        const res = Y.clone().sub(X.mmul(b));
        const ssr = res.to1DArray().reduce((a, v) => a + v * v, 0);
        const xtxInv = inverse(X.transpose().mmul(X));
        for (let j = 0; j < k; j++) {
          expect(fit.params[j]!).toBeCloseTo(b.get(j, 0), 8);
          expect(fit.bse[j]!).toBeCloseTo(Math.sqrt((ssr / (n - k)) * xtxInv.get(j, j)), 8);
        }
        expect(fit.ssr).toBeCloseTo(ssr, 8);
        const nested = nestedSsr(cols, y);
        expect(nested[k - 1]!).toBeCloseTo(ssr, 8);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects collinear columns with a sentence", () => {
    const a = Float64Array.from([1, 2, 3, 4, 5]);
    expect(() => ols([a, a.map((v) => 2 * v)], Float64Array.from([1, 0, 1, 0, 1]))).toThrow(/column 1 is \(numerically\) a linear combination/);
  });
});
