/**
 * Portfolio construction: minimum volatility and maximum Sharpe (long only, weights in [0, 1], sum 1) with
 * OmniQuant's interior-point QP (lib/portfolio/qp.ts, native C++ engine), on the bundled 20-asset stock_prices.csv
 * (sample covariance, compounded mean returns) and on a 500-asset synthetic universe (5-factor covariance plus
 * idiosyncratic variance, seeded). Peer, in the same run: the same QP solved by HiGHS's QP solver (highs 1.15.3,
 * wasm, structured model input with a dense triangular Hessian; model construction included on both sides).
 * HRP (single linkage) on 500 assets x 1000 synthetic days; peer: a straightforward TypeScript HRP (pairwise
 * covariance loops, ml-hclust 4.0.0 `agnes` single linkage on the distance matrix, the same quasi-diagonal order
 * and recursive bisection), timed alternately with ours in the same run.
 * Value: solves per second from the median of alternating samples; ratio = peer time / our time.
 * Run: npm run bench -- portfolio
 */
import os from "node:os";
import { loadPrices } from "../../lib/data/index.js";
import { EfficientFrontier, hrp, meanHistoricalReturn, sampleCov } from "../../lib/portfolio/index.js";
import { solveHighs } from "../../lib/portfolio/highs.js";
import { agnes, type Cluster } from "ml-hclust";
import { machine, prng, report } from "./lib.js";

function synthetic(n: number, seed: number): { mu: number[]; matrix: number[][]; tickers: string[] } {
  const rand = prng(seed);
  const k = 5;
  const B = Array.from({ length: n }, () => Array.from({ length: k }, () => (rand() - 0.3) * 0.4));
  const matrix = B.map((bi, i) => B.map((bj, j) => bi.reduce((a, v, f) => a + v * bj[f]!, 0) + (i === j ? 0.02 + 0.08 * rand() : 0)));
  const mu = Array.from({ length: n }, () => 0.02 + 0.25 * rand());
  return { mu, matrix, tickers: Array.from({ length: n }, (_, i) => `S${i}`) };
}

/** The same problems through HiGHS: min w'Sw (Hessian 2S) or the max-Sharpe transformation. */
async function highsMinVol(S: number[][]): Promise<Float64Array> {
  const n = S.length;
  const H = new Float64Array(n * n);
  S.forEach((r, i) => r.forEach((v, j) => (H[i * n + j] = 2 * v)));
  const { x } = await solveHighs({ numCols: n, colCost: new Float64Array(n), colLower: new Float64Array(n), colUpper: new Float64Array(n).fill(1), rows: [{ index: [...Array(n).keys()], value: Array(n).fill(1) }], rowLower: [1], rowUpper: [1], hessianDense: H }, "bench");
  return x;
}
async function highsMaxSharpe(S: number[][], mu: number[], rf: number): Promise<Float64Array> {
  const n = S.length;
  const N = n + 1;
  const H = new Float64Array(N * N);
  S.forEach((r, i) => r.forEach((v, j) => (H[i * N + j] = 2 * v)));
  const rows = [
    { index: [...Array(n).keys()], value: mu.map((m) => m - rf) },
    { index: [...Array(n).keys(), n], value: [...Array(n).fill(1), -1] },
    ...Array.from({ length: n }, (_, i) => ({ index: [i, n], value: [1, -1] })),
  ];
  const { x } = await solveHighs({ numCols: N, colCost: new Float64Array(N), colLower: new Float64Array(N), colUpper: new Float64Array(N).fill(Infinity), rows, rowLower: [1, 0, ...Array(n).fill(-Infinity)], rowUpper: [1, 0, ...Array(n).fill(0)], hessianDense: H }, "bench");
  return x.slice(0, n).map((v) => v / x[n]!);
}

function variance(S: number[][], w: ArrayLike<number>): number {
  return S.reduce((a, r, i) => a + w[i]! * r.reduce((b, v, j) => b + v * w[j]!, 0), 0);
}

async function compare(bench: string, universe: string, n: number, ours: () => Float64Array, peer: () => Promise<Float64Array>, S: number[][], mu: number[] | null, minMs: number): Promise<void> {
  const a = ours();
  const b = await peer();
  // Objective agreement (variance for min vol, Sharpe for max Sharpe).
  const objective = (w: ArrayLike<number>) => (mu ? (mu.reduce((s, m, i) => s + m * w[i]!, 0) - 0.02) / Math.sqrt(variance(S, w)) : variance(S, w));
  const oa = objective(a);
  const ob = objective(b);
  const oursT: number[] = [];
  const peerT: number[] = [];
  const start = performance.now();
  while (oursT.length < 5 || performance.now() - start < minMs) {
    let t = performance.now();
    ours();
    oursT.push(performance.now() - t);
    t = performance.now();
    await peer();
    peerT.push(performance.now() - t);
  }
  const med = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1]!;
  const mo = med(oursT);
  const mp = med(peerT);
  report({
    bench,
    value: Number((1000 / mo).toFixed(2)),
    unit: "solves/s",
    peer: "highs 1.15.3 QP (wasm, same model)",
    peer_value: Number((1000 / mp).toFixed(2)),
    ratio: Number((mp / mo).toFixed(3)),
    universe,
    assets: n,
    ours_median_ms: Number(mo.toFixed(3)),
    ours_best_ms: Number(Math.min(...oursT).toFixed(3)),
    peer_median_ms: Number(mp.toFixed(3)),
    objective_ours: oa,
    objective_peer: ob,
    objective_rel_diff: Math.abs(oa - ob) / Math.abs(ob),
    samples: oursT.length,
    load_average_1m: Number(os.loadavg()[0]!.toFixed(2)),
    ...machine(),
  });
}

const prices = await loadPrices();
const mu20 = meanHistoricalReturn(prices);
const S20 = sampleCov(prices);
const muArr20 = S20.tickers.map((t) => mu20[t]!);
await compare("portfolio_min_volatility_20", "stock_prices.csv (20 tickers, sample covariance)", 20, () => { const ef = new EfficientFrontier(mu20, S20); ef.minVolatility(); return ef.weights!; }, () => highsMinVol(S20.matrix), S20.matrix, null, 1500);
await compare("portfolio_max_sharpe_20", "stock_prices.csv (20 tickers, sample covariance)", 20, () => { const ef = new EfficientFrontier(mu20, S20); ef.maxSharpe(); return ef.weights!; }, () => highsMaxSharpe(S20.matrix, muArr20, 0.02), S20.matrix, muArr20, 1500);
const big = synthetic(500, 20240601);
const cov500 = { tickers: big.tickers, matrix: big.matrix };
await compare("portfolio_min_volatility_500", "synthetic 5-factor, 500 assets", 500, () => { const ef = new EfficientFrontier(big.mu, cov500); ef.minVolatility(); return ef.weights!; }, () => highsMinVol(big.matrix), big.matrix, null, 4000);
await compare("portfolio_max_sharpe_500", "synthetic 5-factor, 500 assets", 500, () => { const ef = new EfficientFrontier(big.mu, cov500); ef.maxSharpe(); return ef.weights!; }, () => highsMaxSharpe(big.matrix, big.mu, 0.02), big.matrix, big.mu, 4000);

// HRP on 500 assets x 1000 days of synthetic factor returns.
const rand = prng(7);
const T = 1000;
const rows: number[][] = [];
for (let t = 0; t < T; t++) {
  const f = Array.from({ length: 5 }, () => (rand() - 0.5) * 0.02);
  rows.push(Array.from({ length: 500 }, (_, i) => f[i % 5]! * (0.5 + (i % 7) / 7) + (rand() - 0.5) * 0.02));
}

/**
 * The peer: HRP as one would write it in TypeScript with ml-hclust for the clustering (the data has no gaps, so
 * plain sample covariance and correlation); leaves in the order of ml-hclust's tree, first child first.
 */
function peerHrp(tickers: readonly string[], data: readonly (readonly number[])[]): Record<string, number> {
  const n = tickers.length;
  const m = data.length;
  const mean = Array.from({ length: n }, (_, i) => data.reduce((s, r) => s + r[i]!, 0) / m);
  const cov = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t < m; t++) s += (data[t]![i]! - mean[i]!) * (data[t]![j]! - mean[j]!);
      cov[i]![j] = cov[j]![i] = s / (m - 1);
    }
  }
  const dist = cov.map((r, i) => r.map((v, j) => (i === j ? 0 : Math.sqrt(Math.max(0, (1 - v / Math.sqrt(cov[i]![i]! * cov[j]![j]!)) / 2)))));
  const tree = agnes(dist, { method: "single", isDistanceMatrix: true });
  const order: number[] = [];
  const visit = (c: Cluster): void => {
    if (c.isLeaf) order.push(c.index);
    else c.children.forEach(visit);
  };
  visit(tree);
  const clusterVar = (items: number[]) => {
    const w = items.map((i) => 1 / cov[i]![i]!);
    const sw = w.reduce((a, b) => a + b, 0);
    let v = 0;
    items.forEach((a, p) => items.forEach((b, q) => (v += (w[p]! / sw) * cov[a]![b]! * (w[q]! / sw))));
    return v;
  };
  const w = new Array<number>(n).fill(1);
  let clusters = [order];
  while (clusters.length > 0) {
    clusters = clusters.flatMap((c) => (c.length > 1 ? [c.slice(0, c.length >> 1), c.slice(c.length >> 1)] : []));
    for (let k = 0; k < clusters.length; k += 2) {
      const v1 = clusterVar(clusters[k]!);
      const v2 = clusterVar(clusters[k + 1]!);
      const alpha = 1 - v1 / (v1 + v2);
      for (const i of clusters[k]!) w[i]! *= alpha;
      for (const i of clusters[k + 1]!) w[i]! *= 1 - alpha;
    }
  }
  return Object.fromEntries(tickers.map((t, i) => [t, w[i]!]));
}

{
  const ours = () => hrp({ tickers: big.tickers, rows }, { returnsData: true }).weights;
  const peer = () => peerHrp(big.tickers, rows);
  const wo = ours();
  const wp = peer();
  const weightsMaxAbsDiff = Math.max(...big.tickers.map((t) => Math.abs(wo[t]! - wp[t]!)));
  const oursT: number[] = [];
  const peerT: number[] = [];
  const start = performance.now();
  while (oursT.length < 3 || performance.now() - start < 6000) {
    let t = performance.now();
    ours();
    oursT.push(performance.now() - t);
    t = performance.now();
    peer();
    peerT.push(performance.now() - t);
  }
  const med = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1]!;
  const mo = med(oursT);
  const mp = med(peerT);
  report({
    bench: "portfolio_hrp_500",
    value: Number((1000 / mo).toFixed(3)),
    unit: "solves/s",
    peer: "TypeScript HRP with ml-hclust 4.0.0 agnes (single linkage)",
    peer_value: Number((1000 / mp).toFixed(3)),
    ratio: Number((mp / mo).toFixed(3)),
    assets: 500,
    days: T,
    ours_median_ms: Number(mo.toFixed(2)),
    ours_best_ms: Number(Math.min(...oursT).toFixed(2)),
    peer_median_ms: Number(mp.toFixed(2)),
    // Same tree on this tie-free data; the leaf order can still differ where ml-hclust lists a merge's children in
    // the other order than scipy (smaller cluster id first), which moves HRP's bisection points.
    weights_max_abs_diff: weightsMaxAbsDiff,
    samples: oursT.length,
    load_average_1m: Number(os.loadavg()[0]!.toFixed(2)),
    ...machine(),
  });
}
