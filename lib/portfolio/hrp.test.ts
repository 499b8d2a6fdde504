/**
 * Hierarchical clustering and HRP: scipy's published linkage outputs (ties included), a naive reference linkage
 * that recomputes cluster distances from their definitions, and pandas' pairwise-complete correlation.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { leafOrder, linkage, type Linkage, type LinkageMethod } from "./index.js";
import { pairwiseCovCorr } from "./risk-models.js";
import { mulberry32 } from "../util/prng.js";

function euclidean(points: readonly (readonly number[])[]): Float64Array {
  const n = points.length;
  const D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) D[i * n + j] = Math.hypot(...points[i]!.map((v, k) => v - points[j]![k]!));
  return D;
}

/**
 * Textbook agglomerative clustering: each step recomputes every cluster-pair distance from its definition (min, max
 * or mean of member distances; Ward from centroids of the points) and merges the closest pair. O(n^4); no ties in
 * the data it is used on, so it must agree with scipy's algorithms merge for merge.
 */
function naiveLinkage(points: readonly (readonly number[])[], method: LinkageMethod): Linkage {
  const n = points.length;
  const D = euclidean(points);
  let clusters = points.map((_, i) => ({ id: i, members: [i] }));
  const out: Linkage = [];
  const centroid = (m: number[]) => points[0]!.map((_, k) => m.reduce((a, i) => a + points[i]![k]!, 0) / m.length);
  const dist = (a: number[], b: number[]) => {
    if (method === "ward") {
      const ca = centroid(a);
      const cb = centroid(b);
      return Math.sqrt(((2 * a.length * b.length) / (a.length + b.length)) * ca.reduce((s, v, k) => s + (v - cb[k]!) ** 2, 0));
    }
    const ds = a.flatMap((i) => b.map((j) => D[i * n + j]!));
    if (method === "single") return Math.min(...ds);
    if (method === "complete") return Math.max(...ds);
    return ds.reduce((s, v) => s + v, 0) / ds.length;
  };
  for (let k = 0; k < n - 1; k++) {
    let best = [Infinity, 0, 0];
    for (let a = 0; a < clusters.length; a++) for (let b = a + 1; b < clusters.length; b++) {
      const d = dist(clusters[a]!.members, clusters[b]!.members);
      if (d < best[0]!) best = [d, a, b];
    }
    const [h, a, b] = best as [number, number, number];
    const A = clusters[a]!;
    const B = clusters[b]!;
    out.push([Math.min(A.id, B.id), Math.max(A.id, B.id), h, A.members.length + B.members.length]);
    clusters = clusters.filter((_, i) => i !== a && i !== b);
    clusters.push({ id: n + k, members: [...A.members, ...B.members] });
  }
  return out;
}

// scipy.cluster.hierarchy docs (single, complete, average, ward pages; identical from scipy 1.2 to 1.16): the
// 12-point toy dataset, full of tied distances, so these pin scipy's algorithms and tie-breaking, not just the maths.
const X = [[0, 0], [0, 1], [1, 0], [0, 4], [0, 3], [1, 4], [4, 0], [3, 0], [4, 1], [4, 4], [3, 4], [4, 3]];
const SCIPY_DOCS: Record<LinkageMethod, number[][]> = {
  single: [[0, 1, 1, 2], [2, 12, 1, 3], [3, 4, 1, 2], [5, 14, 1, 3], [6, 7, 1, 2], [8, 16, 1, 3], [9, 10, 1, 2], [11, 18, 1, 3], [13, 15, 2, 6], [17, 20, 2, 9], [19, 21, 2, 12]],
  complete: [[0, 1, 1, 2], [3, 4, 1, 2], [6, 7, 1, 2], [9, 10, 1, 2], [2, 12, 1.41421356, 3], [5, 13, 1.41421356, 3], [8, 14, 1.41421356, 3], [11, 15, 1.41421356, 3], [16, 17, 4.12310563, 6], [18, 19, 4.12310563, 6], [20, 21, 5.65685425, 12]],
  average: [[0, 1, 1, 2], [3, 4, 1, 2], [6, 7, 1, 2], [9, 10, 1, 2], [2, 12, 1.20710678, 3], [5, 13, 1.20710678, 3], [8, 14, 1.20710678, 3], [11, 15, 1.20710678, 3], [16, 17, 3.39675184, 6], [18, 19, 3.39675184, 6], [20, 21, 4.09206523, 12]],
  ward: [[0, 1, 1, 2], [3, 4, 1, 2], [6, 7, 1, 2], [9, 10, 1, 2], [2, 12, 1.29099445, 3], [5, 13, 1.29099445, 3], [8, 14, 1.29099445, 3], [11, 15, 1.29099445, 3], [16, 17, 5.77350269, 6], [18, 19, 5.77350269, 6], [20, 21, 8.16496581, 12]],
};

describe("linkage", () => {
  for (const method of ["single", "complete", "average", "ward"] as const) {
    it(`reproduces scipy's documented ${method}(pdist(X)) on tied distances, row for row`, () => {
      const Z = linkage(euclidean(X), X.length, method);
      expect(Z.map(([a, b, h, s]) => [a, b, Math.round(h * 1e8) / 1e8, s])).toEqual(SCIPY_DOCS[method]);
    });
  }

  it("agrees with a naive definition-based clustering on random points (property, all four methods)", () => {
    let compared = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 2, max: 14 }), (seed, n) => {
        const rand = mulberry32(seed);
        const pts = Array.from({ length: n }, () => [rand() * 20 - 10, rand() * 20 - 10, rand() * 20 - 10]);
        const D = euclidean(pts);
        // Skip inputs with (near-)tied distances: there the merge order is a convention, pinned by the test above.
        const ds = Array.from(D).filter((_, k) => Math.floor(k / pts.length) < k % pts.length).sort((a, b) => a - b);
        if (ds.some((d, i) => d < 1e-6 || (i > 0 && d - ds[i - 1]! < 1e-6))) return;
        for (const method of ["single", "complete", "average", "ward"] as const) {
          const ours = linkage(D, pts.length, method);
          const ref = naiveLinkage(pts, method);
          // Inside Ward and average the merge heights are not distances, so near-ties can still appear there.
          const sortedRef = ref.map((r) => r[2]).sort((a, b) => a - b);
          if (sortedRef.some((h, i) => i > 0 && h - sortedRef[i - 1]! < 1e-6)) continue;
          expect(ours.map((r) => [r[0], r[1], r[3]])).toEqual(ref.map((r) => [r[0], r[1], r[3]]));
          ours.forEach((r, k) => expect(r[2]).toBeCloseTo(ref[k]![2], 9));
          compared++;
        }
      }),
      { numRuns: 150 },
    );
    expect(compared).toBeGreaterThan(300);
  });

  it("orders leaves like scipy's to_tree(Z).pre_order() (left subtree first)", () => {
    const Z = linkage(euclidean(X), X.length, "single");
    // Cluster n + k is row k. Root 22 = [19, 21]; 19 = [11, 18], 18 = [9, 10]; 21 = [17, 20], 17 = [8, 16],
    // 16 = [6, 7], 20 = [13, 15], 13 = [2, 12], 12 = [0, 1], 15 = [5, 14], 14 = [3, 4].
    expect(leafOrder(Z, X.length)).toEqual([11, 9, 10, 8, 6, 7, 2, 0, 1, 5, 3, 4]);
  });

  it("rejects NaN distances and a wrong shape", () => {
    expect(() => linkage(Float64Array.of(0, NaN, NaN, 0), 2, "single")).toThrow(/D\[0\]\[1\]/);
    expect(() => linkage(new Float64Array(5), 2, "single")).toThrow(/n x n/);
  });
});

describe("pandas-style pairwise correlation", () => {
  it("uses each pair's own standard deviations over the common rows", () => {
    // a has a gap at row 0; corr(a, b) must be the correlation of rows 1..4 only.
    const a = Float64Array.of(NaN, 1, 2, 3, 5);
    const b = Float64Array.of(100, 2, 1, 4, 3);
    const { cov, corr } = pairwiseCovCorr({ tickers: ["a", "b"], columns: [a, b], length: 5 });
    const x = [1, 2, 3, 5];
    const y = [2, 1, 4, 3];
    const mx = 11 / 4;
    const my = 10 / 4;
    const sxy = x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0);
    const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
    const syy = y.reduce((s, v) => s + (v - my) ** 2, 0);
    expect(corr[1]).toBeCloseTo(sxy / Math.sqrt(sxx * syy), 14);
    expect(cov[1]).toBeCloseTo(sxy / 3, 14);
    // The naive cov / sqrt(var_a var_b) uses b's variance over all 5 rows (100 included) and is far off.
    expect(Math.abs(cov[1]! / Math.sqrt(cov[0]! * cov[3]!) - corr[1]!)).toBeGreaterThan(0.1);
    expect(corr[0]).toBe(1);
  });
});
