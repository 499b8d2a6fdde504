/**
 * Hierarchical Risk Parity (Lopez de Prado 2016, "Building diversified portfolios that outperform out of sample"),
 * with PyPortfolioOpt's `HRPOpt` semantics (v1.5):
 *
 * - From returns: correlation and covariance are pandas `corr()` / `cov()` (pairwise complete, daily, not
 *   annualised). From a covariance matrix: correlation = cov_to_corr rounded to 6 decimals.
 * - Distance d_ij = sqrt(clip((1 - rho_ij) / 2, 0, 1)); agglomerative clustering like scipy's `linkage` on the
 *   condensed distances (single, complete, average or ward), merges sorted by height (stable) and labelled so the
 *   smaller cluster id comes first; leaves ordered by scipy's `to_tree(...).pre_order()`.
 * - Recursive bisection of the ordered list (halves by position, not by tree), each side weighted by
 *   alpha = 1 - var1 / (var1 + var2) with inverse-variance cluster variances.
 * - `portfolioPerformance` (from returns): mu = mean * frequency, cov * frequency, risk-free 0 by default.
 */
import { contextError } from "../util/errors.js";
import { returnColumns } from "./expected-returns.js";
import { toCovariance, type CovarianceMatrix, type PlotlyFigure, type PriceInput } from "./inputs.js";
import { pairwiseCov } from "./risk-models.js";
import { portfolioPerformance, type Performance } from "./efficient-frontier.js";

export type LinkageMethod = "single" | "complete" | "average" | "ward";

/** scipy-style linkage matrix: one row [left, right, height, size] per merge; cluster k >= n is row k - n. */
export type Linkage = [number, number, number, number][];

/**
 * Agglomerative clustering of a condensed distance matrix `D` (row-major n x n, symmetric, zero diagonal), like
 * scipy.cluster.hierarchy.linkage: Lance-Williams updates (ward uses scipy's formula on the distances).
 */
export function linkage(D: Float64Array, n: number, method: LinkageMethod): Linkage {
  if (!["single", "complete", "average", "ward"].includes(method)) throw contextError({ where: "linkage", what: "unknown linkage method", expected: "'single', 'complete', 'average' or 'ward'", found: JSON.stringify(method) });
  const d = Float64Array.from(D);
  const size = new Float64Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const id = Int32Array.from({ length: n }, (_, i) => i); // scipy cluster id currently at slot i
  const merges: [number, number, number, number][] = [];
  // Nearest-neighbour chain (valid for these reducible methods); merges are sorted afterwards.
  const chain: number[] = [];
  for (let k = 0; k < n - 1; k++) {
    if (chain.length === 0) {
      for (let i = 0; i < n; i++) if (active[i]) { chain.push(i); break; }
    }
    let x = 0;
    let y = 0;
    for (;;) {
      x = chain[chain.length - 1]!;
      let best = Infinity;
      let by = -1;
      if (chain.length > 1) {
        by = chain[chain.length - 2]!;
        best = d[x * n + by]!;
      }
      for (let i = 0; i < n; i++) {
        if (!active[i] || i === x) continue;
        const v = d[x * n + i]!;
        if (v < best) (best = v), (by = i);
      }
      y = by;
      if (chain.length > 1 && y === chain[chain.length - 2]) break;
      chain.push(y);
    }
    chain.pop();
    chain.pop();
    const dist = d[x * n + y]!;
    const [a, b] = x < y ? [x, y] : [y, x];
    merges.push([id[a]!, id[b]!, dist, size[a]! + size[b]!]);
    // Merge b into a (slot a holds the new cluster).
    const na = size[a]!;
    const nb = size[b]!;
    for (let i = 0; i < n; i++) {
      if (!active[i] || i === a || i === b) continue;
      const dai = d[a * n + i]!;
      const dbi = d[b * n + i]!;
      let v: number;
      if (method === "single") v = Math.min(dai, dbi);
      else if (method === "complete") v = Math.max(dai, dbi);
      else if (method === "average") v = (na * dai + nb * dbi) / (na + nb);
      else {
        const ni = size[i]!;
        const t = 1 / (na + nb + ni);
        v = Math.sqrt((na + ni) * t * dai * dai + (nb + ni) * t * dbi * dbi - ni * t * dist * dist);
      }
      d[a * n + i] = d[i * n + a] = v;
    }
    active[b] = 0;
    size[a] = na + nb;
    id[a] = -1 - k; // provisional label, relabelled below
  }
  // scipy: stable sort by height, then relabel with union-find so new clusters are n, n+1, ... in sorted order.
  const order = merges.map((_, i) => i).sort((i, j) => merges[i]![2] - merges[j]![2] || i - j);
  // Provisional ids: leaves 0..n-1, merge k -> -1-k. Map each merge's children through the relabelling.
  const newId = new Map<number, number>();
  const out: Linkage = [];
  order.forEach((k, pos) => newId.set(-1 - k, n + pos));
  for (const k of order) {
    const [p, q, h, s] = merges[k]!;
    const a = p < 0 ? newId.get(p)! : p;
    const b = q < 0 ? newId.get(q)! : q;
    out.push([Math.min(a, b), Math.max(a, b), h, s]);
  }
  return out;
}

/** Leaf order of scipy's `to_tree(Z).pre_order()`: left (smaller id) subtree first. */
export function leafOrder(Z: Linkage, n: number): number[] {
  const out: number[] = [];
  const stack = [n + Z.length - 1];
  while (stack.length) {
    const node = stack.pop()!;
    if (node < n) out.push(node);
    else {
      const [l, r] = Z[node - n]!;
      stack.push(r, l);
    }
  }
  return out;
}

export interface HrpOptions {
  /** Linkage method (default "single", as PyPortfolioOpt). */
  linkageMethod?: LinkageMethod;
  /** The input holds returns (true) or prices (default false: returns are computed without filling gaps). */
  returnsData?: boolean;
}

export interface HrpResult {
  weights: Record<string, number>;
  /** The scipy-style linkage matrix (indices into `tickers`). */
  linkage: Linkage;
  /** Tickers in the quasi-diagonal (dendrogram) order. */
  order: string[];
  tickers: string[];
}

/** Variance of the inverse-variance portfolio of `items` (PyPortfolioOpt `_get_cluster_var`). */
export function clusterVariance(cov: Float64Array, n: number, items: readonly number[]): number {
  const w = items.map((i) => 1 / cov[i * n + i]!);
  const s = w.reduce((a, b) => a + b, 0);
  let v = 0;
  for (let a = 0; a < items.length; a++) for (let b = 0; b < items.length; b++) v += (w[a]! / s) * cov[items[a]! * n + items[b]!]! * (w[b]! / s);
  return v;
}

function hrpCore(corr: Float64Array, cov: Float64Array, tickers: string[], method: LinkageMethod): HrpResult {
  const n = tickers.length;
  const D = Float64Array.from(corr, (r, k) => (Math.floor(k / n) === k % n ? 0 : Math.sqrt(Math.min(1, Math.max(0, (1 - r) / 2)))));
  const Z = linkage(D, n, method);
  const order = leafOrder(Z, n);
  const w = new Float64Array(n).fill(1);
  let clusters: number[][] = [order];
  while (clusters.length > 0) {
    clusters = clusters.flatMap((c) => (c.length > 1 ? [c.slice(0, c.length >> 1), c.slice(c.length >> 1)] : []));
    for (let i = 0; i < clusters.length; i += 2) {
      const v1 = clusterVariance(cov, n, clusters[i]!);
      const v2 = clusterVariance(cov, n, clusters[i + 1]!);
      const alpha = 1 - v1 / (v1 + v2);
      for (const k of clusters[i]!) w[k]! *= alpha;
      for (const k of clusters[i + 1]!) w[k]! *= 1 - alpha;
    }
  }
  const sorted = [...tickers].sort();
  const weights: Record<string, number> = {};
  for (const t of sorted) weights[t] = w[tickers.indexOf(t)]!;
  return { weights, linkage: Z, order: order.map((i) => tickers[i]!), tickers };
}

/** HRP from prices or returns (pairwise-complete daily correlation and covariance). Weights keyed by ticker, sorted. */
export function hrp(prices: PriceInput, opts: HrpOptions = {}): HrpResult {
  const r = returnColumns(prices, { returnsData: opts.returnsData }, "hrp");
  const n = r.tickers.length;
  const cov = pairwiseCov(r);
  const corr = Float64Array.from(cov, (v, k) => v / Math.sqrt(cov[Math.floor(k / n) * (n + 1)]! * cov[(k % n) * (n + 1)]!));
  return hrpCore(corr, cov, r.tickers, opts.linkageMethod ?? "single");
}

/** HRP from a covariance matrix (correlation rounded to 6 decimals, as PyPortfolioOpt). */
export function hrpFromCovariance(cov: CovarianceMatrix, opts: { linkageMethod?: LinkageMethod } = {}): HrpResult {
  const { S, n, tickers } = toCovariance(cov, "hrpFromCovariance");
  const corr = Float64Array.from(S, (v, k) => Math.round((v / Math.sqrt(S[Math.floor(k / n) * (n + 1)]! * S[(k % n) * (n + 1)]!)) * 1e6) / 1e6);
  return hrpCore(corr, S, tickers, opts.linkageMethod ?? "single");
}

/**
 * Performance of HRP weights from returns (PyPortfolioOpt `HRPOpt.portfolio_performance`): mean * frequency,
 * pairwise cov * frequency, Sharpe with riskFreeRate (default 0).
 */
export function hrpPerformance(weights: Readonly<Record<string, number>>, prices: PriceInput, opts: { returnsData?: boolean; frequency?: number; riskFreeRate?: number } = {}): Performance {
  const r = returnColumns(prices, { returnsData: opts.returnsData }, "hrpPerformance");
  const f = opts.frequency ?? 252;
  const n = r.tickers.length;
  const cov = pairwiseCov(r).map((v) => v * f);
  const mu = r.columns.map((c) => {
    let s = 0;
    let k = 0;
    for (const v of c) if (!Number.isNaN(v)) (s += v), k++;
    return (s / k) * f;
  });
  const w = r.tickers.map((t) => weights[t] ?? 0);
  return portfolioPerformance(w, mu, cov, n, opts.riskFreeRate ?? 0);
}


/** A Plotly dendrogram figure (`{ data, layout }`) of an HRP linkage, leaves labelled by ticker. */
export function plotDendrogram(result: Pick<HrpResult, "linkage" | "tickers">, opts: { title?: string } = {}): PlotlyFigure {
  const n = result.tickers.length;
  const Z = result.linkage;
  const order = leafOrder(Z, n);
  const xOf = new Map<number, number>();
  order.forEach((leaf, k) => xOf.set(leaf, 5 + 10 * k));
  const hOf = new Map<number, number>();
  const xs: (number | null)[] = [];
  const ys: (number | null)[] = [];
  Z.forEach(([l, r, h], k) => {
    const xl = xOf.get(l)!;
    const xr = xOf.get(r)!;
    const hl = hOf.get(l) ?? 0;
    const hr = hOf.get(r) ?? 0;
    xs.push(xl, xl, xr, xr, null);
    ys.push(hl, h, h, hr, null);
    xOf.set(n + k, (xl + xr) / 2);
    hOf.set(n + k, h);
  });
  return {
    data: [{ type: "scatter", mode: "lines", x: xs, y: ys, line: { color: "#1f77b4", width: 1.5 }, hoverinfo: "y", name: "merge" }],
    layout: {
      title: { text: opts.title ?? "HRP dendrogram" },
      xaxis: { range: [0, 10 * n], tickmode: "array", tickvals: order.map((_, k) => 5 + 10 * k), ticktext: order.map((i) => result.tickers[i]), tickangle: -90, showgrid: false, zeroline: false },
      yaxis: { title: { text: "distance sqrt((1 - rho) / 2)" }, zeroline: false },
      showlegend: false,
      margin: { b: 80 },
    },
  };
}
