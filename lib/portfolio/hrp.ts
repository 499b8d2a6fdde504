/**
 * Hierarchical Risk Parity (Lopez de Prado 2016, "Building diversified portfolios that outperform out of sample"),
 * with PyPortfolioOpt's `HRPOpt` semantics (v1.5):
 *
 * - From returns: correlation and covariance are pandas `corr()` / `cov()` (pairwise complete, daily, not
 *   annualised; each pair's correlation uses that pair's own means and standard deviations over the rows where both
 *   returns exist). From a covariance matrix: correlation = cov_to_corr rounded to 6 decimals.
 * - Distance d_ij = sqrt(clip((1 - rho_ij) / 2, 0, 1)), clustered like scipy's `linkage` on the condensed distances
 *   (`ssd.squareform(dist, checks=False)`), not de Prado's original, which clusters the rows of the distance matrix
 *   with Euclidean distance; see `linkage` for scipy's algorithms and tie-breaking. Leaves ordered by scipy's
 *   `to_tree(Z).pre_order()` (the quasi-diagonal order).
 * - Recursive bisection of the ordered list (halves by position, not by tree), each side weighted by
 *   alpha = 1 - var1 / (var1 + var2) with inverse-variance cluster variances.
 * - `portfolioPerformance` (from returns): mu = mean * frequency, cov * frequency, risk-free 0 by default.
 */
import { contextError } from "../util/errors.js";
import { returnColumns } from "./expected-returns.js";
import { toCovariance, type CovarianceMatrix, type PlotlyFigure, type PriceInput } from "./inputs.js";
import { pairwiseCov, pairwiseCovCorr } from "./risk-models.js";
import { portfolioPerformance, type Performance } from "./efficient-frontier.js";

export type LinkageMethod = "single" | "complete" | "average" | "ward";

/** scipy-style linkage matrix: one row [left, right, height, size] per merge; cluster k >= n is row k - n. */
export type Linkage = [number, number, number, number][];

/**
 * Agglomerative clustering of a distance matrix `D` (row-major n x n, symmetric, zero diagonal) exactly like
 * scipy.cluster.hierarchy.linkage on the condensed form of D (scipy >= 1.0), ties included:
 *
 * - "single" runs scipy's `mst_single_linkage` (Prim's minimum spanning tree from point 0, the first strictly
 *   smaller candidate wins); "complete", "average" and "ward" run scipy's `nn_chain` (nearest-neighbour chain that
 *   prefers the previous chain element, merging slot x into slot y > x) with the Lance-Williams updates of
 *   scipy's `_hierarchy_distance_update.pxi` (ward on the distances, not squared distances).
 * - The merges are then stably sorted by height and relabelled with union-find, so cluster n + k is row k and each
 *   row lists the smaller cluster id first.
 */
export function linkage(D: Float64Array, n: number, method: LinkageMethod): Linkage {
  if (!["single", "complete", "average", "ward"].includes(method)) throw contextError({ where: "linkage", what: "unknown linkage method", expected: "'single', 'complete', 'average' or 'ward'", found: JSON.stringify(method) });
  if (!(Number.isInteger(n) && n >= 1) || D.length !== n * n) throw contextError({ where: "linkage", what: "D must be an n x n row-major matrix", expected: `${n} x ${n} = ${n * n} entries`, found: String(D.length) });
  for (let k = 0; k < D.length; k++) {
    if (!(D[k]! >= 0 && D[k]! < Infinity)) throw contextError({ where: "linkage", what: `distance D[${Math.floor(k / n)}][${k % n}] is not a finite non-negative number`, found: String(D[k]) });
  }
  const raw = method === "single" ? mstSingleLinkage(D, n) : nnChain(D, n, method);
  // scipy: np.argsort(Z[:, 2], kind="mergesort") (stable), then label().
  const order = raw.map((_, i) => i).sort((i, j) => raw[i]![2] - raw[j]![2] || i - j);
  return labelMerges(order.map((i) => raw[i]!), n);
}

/** scipy `mst_single_linkage`: rows [x, y, height] in the order Prim's algorithm adds edges (points, not clusters). */
function mstSingleLinkage(D: Float64Array, n: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  const merged = new Uint8Array(n);
  const best = new Float64Array(n).fill(Infinity);
  let x = 0;
  for (let k = 0; k < n - 1; k++) {
    let currentMin = Infinity;
    let y = 0;
    merged[x] = 1;
    const row = x * n;
    for (let i = 0; i < n; i++) {
      if (merged[i]) continue;
      const d = D[row + i]!;
      if (best[i]! > d) best[i] = d;
      if (best[i]! < currentMin) (y = i), (currentMin = best[i]!);
    }
    out.push([x, y, currentMin]);
    x = y;
  }
  return out;
}

/** scipy `nn_chain`: rows [x, y, height] (x < y are slots: point ids standing for their current clusters). */
function nnChain(D0: Float64Array, n: number, method: Exclude<LinkageMethod, "single">): [number, number, number][] {
  const D = Float64Array.from(D0);
  const size = new Float64Array(n).fill(1);
  const chain = new Int32Array(n);
  let len = 0;
  const out: [number, number, number][] = [];
  for (let k = 0; k < n - 1; k++) {
    if (len === 0) {
      len = 1;
      for (let i = 0; i < n; i++) {
        if (size[i]! > 0) {
          chain[0] = i;
          break;
        }
      }
    }
    let x = 0;
    let y = 0;
    let currentMin = Infinity;
    for (;;) {
      x = chain[len - 1]!;
      if (len > 1) {
        y = chain[len - 2]!;
        currentMin = D[x * n + y]!;
      } else currentMin = Infinity;
      const row = x * n;
      for (let i = 0; i < n; i++) {
        if (size[i] === 0 || i === x) continue;
        const d = D[row + i]!;
        if (d < currentMin) (currentMin = d), (y = i);
      }
      if (len > 1 && y === chain[len - 2]) break;
      chain[len++] = y;
    }
    len -= 2;
    if (x > y) [x, y] = [y, x];
    const nx = size[x]!;
    const ny = size[y]!;
    out.push([x, y, currentMin]);
    size[x] = 0;
    size[y] = nx + ny;
    for (let i = 0; i < n; i++) {
      const ni = size[i]!;
      if (ni === 0 || i === y) continue;
      const dxi = D[i * n + x]!;
      const dyi = D[i * n + y]!;
      let v: number;
      if (method === "complete") v = Math.max(dxi, dyi);
      else if (method === "average") v = (nx * dxi + ny * dyi) / (nx + ny);
      else {
        const t = 1 / (nx + ny + ni);
        v = Math.sqrt((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * currentMin * currentMin);
      }
      D[i * n + y] = D[y * n + i] = v;
    }
  }
  return out;
}

/** scipy `label`: union-find relabelling of sorted merges of points into cluster ids n, n+1, ... with sizes. */
function labelMerges(rows: [number, number, number][], n: number): Linkage {
  const parent = Int32Array.from({ length: 2 * n - 1 }, (_, i) => i);
  const size = new Float64Array(2 * n - 1).fill(1);
  const find = (x: number): number => {
    let root = x;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[x] !== root) {
      const next = parent[x]!;
      parent[x] = root;
      x = next;
    }
    return root;
  };
  return rows.map(([x, y, h], k) => {
    const rx = find(x);
    const ry = find(y);
    const label = n + k;
    parent[rx] = parent[ry] = label;
    size[label] = size[rx]! + size[ry]!;
    return [Math.min(rx, ry), Math.max(rx, ry), h, size[label]!] as [number, number, number, number];
  });
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

/**
 * HRP from prices or returns: pandas `returns.cov()` and `returns.corr()`, both pairwise complete (a pair's
 * correlation uses that pair's own standard deviations over their common rows). Weights keyed by ticker, sorted.
 */
export function hrp(prices: PriceInput, opts: HrpOptions = {}): HrpResult {
  const r = returnColumns(prices, { returnsData: opts.returnsData }, "hrp");
  const { cov, corr } = pairwiseCovCorr(r);
  return hrpCore(corr, cov, r.tickers, opts.linkageMethod ?? "single");
}

/** HRP from a covariance matrix (correlation rounded to 6 decimals half to even, as PyPortfolioOpt's `.round(6)`). */
export function hrpFromCovariance(cov: CovarianceMatrix, opts: { linkageMethod?: LinkageMethod } = {}): HrpResult {
  const { S, n, tickers } = toCovariance(cov, "hrpFromCovariance");
  const corr = Float64Array.from(S, (v, k) => roundHalfEven6(v / Math.sqrt(S[Math.floor(k / n) * (n + 1)]! * S[(k % n) * (n + 1)]!)));
  return hrpCore(corr, S, tickers, opts.linkageMethod ?? "single");
}

/** numpy's round(x, 6): rint(x * 1e6) / 1e6, ties to even. */
function roundHalfEven6(x: number): number {
  const y = x * 1e6;
  let r = Math.round(y);
  if (r - y === 0.5 && r % 2 !== 0) r -= 1;
  return r / 1e6;
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
