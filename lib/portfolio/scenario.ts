/** Shared set-up for the scenario-based optimisers (CVaR, CDaR, semivariance): complete-row returns and bounds. */
import { contextError } from "../util/errors.js";
import { returnColumns } from "./expected-returns.js";
import { vectorFor, type PriceInput } from "./inputs.js";
import type { WeightBounds } from "./efficient-frontier.js";

export interface ScenarioOptions {
  /** Weight bounds as in EfficientFrontier (default [0, 1]; null = -1 / +1). */
  weightBounds?: WeightBounds;
  /** The second argument holds prices (default false: returns, like PyPortfolioOpt). */
  pricesData?: boolean;
}

export interface Scenarios {
  tickers: string[];
  n: number;
  T: number;
  /** R[t * n + i]: return of asset i in scenario t (rows with any NaN dropped, as PyPortfolioOpt does). */
  R: Float64Array;
  mu: Float64Array | null;
  lower: Float64Array;
  upper: Float64Array;
}

export function scenarios(expectedReturns: Readonly<Record<string, number>> | null, returns: PriceInput, opts: ScenarioOptions, where: string): Scenarios {
  const r = returnColumns(returns, { returnsData: !opts.pricesData }, where);
  const n = r.tickers.length;
  const keep: number[] = [];
  for (let t = 0; t < r.length; t++) if (r.columns.every((c) => !Number.isNaN(c[t]!))) keep.push(t);
  if (keep.length < 2) throw contextError({ where, what: "too few complete return rows", expected: "at least 2 rows where every ticker has a return", found: String(keep.length) });
  const T = keep.length;
  const R = new Float64Array(T * n);
  keep.forEach((t, k) => r.columns.forEach((c, i) => (R[k * n + i] = c[t]!)));
  const mu = expectedReturns ? vectorFor(expectedReturns, r.tickers, where, "expectedReturns") : null;
  const b = opts.weightBounds ?? [0, 1];
  const pairs = Array.isArray(b[0]) ? (b as ReadonlyArray<readonly [number | null, number | null]>) : r.tickers.map(() => b as readonly [number | null, number | null]);
  if (pairs.length !== n) throw contextError({ where, what: "weightBounds has the wrong number of pairs", expected: String(n), found: String(pairs.length) });
  const lower = Float64Array.from(pairs, (p) => (p[0] === null ? -1 : p[0]));
  const upper = Float64Array.from(pairs, (p) => (p[1] === null ? 1 : p[1]));
  return { tickers: r.tickers, n, T, R, mu, lower, upper };
}
